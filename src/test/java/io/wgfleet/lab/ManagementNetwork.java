package io.wgfleet.lab;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.ProcessCommandRunner;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a diagnostic pod in a lab node reaches the API server, as a hostNetwork pod reaches
 * it through the node's own link: a host-only bridge with the link-local address
 * {@value #HOST_ADDRESS} (the lab API server binds there, not to 0.0.0.0), and per lab
 * node a veth whose host end is a port of the bridge and whose node end, {@value #NODE_IFNAME},
 * gets 169.254.77.N. The bridge has no other port, link-local addresses are never routed,
 * the ports are isolated from each other, and an nftables table on the host drops anything
 * for the API address that does not arrive from loopback or the bridge, so the unauthenticated
 * API server is reachable from this machine and its lab namespaces only.
 *
 * <p>{@link #close()} removes the veths, the bridge and the table; deleting a lab node's
 * namespace removes its veth as well.
 */
public final class ManagementNetwork implements AutoCloseable {

    public static final String HOST_ADDRESS = "169.254.77.1";
    public static final String NODE_IFNAME = "mgmt0";
    private static final int PREFIX = 24;

    private final ProcessCommandRunner host = new ProcessCommandRunner();
    private final String id = UUID.randomUUID().toString().substring(0, 5);
    private final String bridge = "wgmb" + id;
    private final String table = "wgfleet_lab_api_" + id;
    private final Map<String, String> veths = new ConcurrentHashMap<>();
    private int next = 1;
    private boolean up;

    /** Creates the bridge with the host address and the guard table. */
    public static ManagementNetwork create() {
        ManagementNetwork m = new ManagementNetwork();
        try {
            m.must("ip", "link", "add", m.bridge, "type", "bridge");
            m.up = true;
            m.must("ip", "addr", "add", HOST_ADDRESS + "/" + PREFIX, "dev", m.bridge);
            m.must("ip", "link", "set", m.bridge, "up");
            // before any other input filtering (priority -300): nothing from outside reaches the API address
            m.must("nft", "table inet " + m.table + " { chain input { type filter hook input priority -300; policy accept; "
                    + "ip daddr " + HOST_ADDRESS + " iifname != { \"lo\", \"" + m.bridge + "\" } counter drop; }; }");
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    public InetAddress hostAddress() {
        try {
            return InetAddress.getByName(HOST_ADDRESS);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public String bridge() {
        return bridge;
    }

    /** Gives a lab node its management link; returns the node's address on it. */
    public synchronized String attach(LabNode node) {
        int n = ++next;
        if (n > 254) {
            throw new IllegalStateException("more than 253 lab nodes on one management network");
        }
        String hostEnd = "wgmv" + id + Integer.toString(n, 36);
        String address = "169.254.77." + n;
        must("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", NODE_IFNAME, "netns", node.namespace);
        veths.put(node.namespace, hostEnd);
        must("ip", "link", "set", hostEnd, "master", bridge);
        // a node reaches the host, never another node through the bridge
        must("ip", "link", "set", "dev", hostEnd, "type", "bridge_slave", "isolated", "on");
        must("ip", "link", "set", hostEnd, "up");
        must("ip", "-n", node.namespace, "addr", "add", address + "/" + PREFIX, "dev", NODE_IFNAME);
        must("ip", "-n", node.namespace, "link", "set", NODE_IFNAME, "up");
        return address;
    }

    /** Removes a node's management link (deleting its namespace does the same). */
    public void detach(LabNode node) {
        String hostEnd = veths.remove(node.namespace);
        if (hostEnd != null) {
            host.run(List.of("ip", "link", "del", hostEnd), LabNetwork.TIMEOUT);
        }
    }

    private CommandResult must(String... argv) {
        CommandResult r = host.run(List.of(argv), LabNetwork.TIMEOUT);
        if (!r.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.firstErrorLine());
        }
        return r;
    }

    @Override
    public synchronized void close() {
        List<String> problems = new ArrayList<>();
        for (String hostEnd : veths.values()) {
            host.run(List.of("ip", "link", "del", hostEnd), LabNetwork.TIMEOUT);
        }
        veths.clear();
        if (up) {
            CommandResult r = host.run(List.of("ip", "link", "del", bridge), LabNetwork.TIMEOUT);
            if (!r.succeeded()) {
                problems.add("bridge " + bridge + ": " + r.firstErrorLine());
            }
            up = false;
        }
        CommandResult t = host.run(List.of("nft", "list", "table", "inet", table), LabNetwork.TIMEOUT);
        if (t.succeeded()) {
            CommandResult d = host.run(List.of("nft", "delete", "table", "inet", table), LabNetwork.TIMEOUT);
            if (!d.succeeded()) {
                problems.add("nft table " + table + ": " + d.firstErrorLine());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("management network teardown left things behind: " + problems);
        }
    }
}
