package io.wgfleet.lab;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.ProcessCommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A throw-away network of lab nodes (network namespaces named {@code wgfa-<id>-<node>}) joined
 * by veth pairs, each node able to run a real userspace WireGuard (wireguard-go).
 *
 * <p>{@link #close()} removes everything this instance created — interfaces first (so each
 * wireguard-go exits on its own), then its processes if they linger (only our own pids whose
 * comm is wireguard-go), namespaces, /etc/netns entries, and its work directory — and it is
 * safe to call after a partial setup or twice. Use it in try-with-resources or {@code @AfterAll}.
 */
public final class LabNetwork implements AutoCloseable {

    static final Logger LOG = Logger.getLogger(LabNetwork.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    final String id = UUID.randomUUID().toString().substring(0, 6);
    final Path dir;
    final ProcessCommandRunner host = new ProcessCommandRunner();
    private final List<LabNode> nodes = new ArrayList<>();
    private boolean createdRunWireguard;
    private int links;
    /** Ctrl-C or a kill does not unwind try-with-resources: tear down from a hook as well. */
    private final Thread hook = new Thread(this::closeFromHook, "lab-network-cleanup");

    public LabNetwork() throws IOException {
        dir = Files.createTempDirectory("wgfa-" + id + "-");
        // every node bind-mounts its own directory over /run/wireguard, which must exist as a mount point
        Path run = Path.of("/run/wireguard");
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run);
            createdRunWireguard = true;
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void closeFromHook() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("lab: " + e.getMessage());
        }
    }

    /** A new namespace with loopback up. */
    public LabNode node(String name) {
        LabNode n = new LabNode(this, name, "wgfa-" + id + "-" + name);
        nodes.add(n);
        n.create();
        return n;
    }

    /** A veth pair between two nodes, with an address on each end. Returns the two interface names. */
    public String[] link(LabNode a, String cidrA, LabNode b, String cidrB) {
        links++;
        // interface names: at most 15 characters, unique per lab instance
        String ia = "v" + id + "a" + links;
        String ib = "v" + id + "b" + links;
        must("ip", "link", "add", ia, "netns", a.namespace, "type", "veth", "peer", "name", ib, "netns", b.namespace);
        addAddress(a, cidrA, ia);
        addAddress(b, cidrB, ib);
        must("ip", "-n", a.namespace, "link", "set", ia, "up");
        must("ip", "-n", b.namespace, "link", "set", ib, "up");
        return new String[]{ia, ib};
    }

    /**
     * An IPv6 address without duplicate address detection: while DAD runs (about a second after
     * the link comes up) the address is tentative and cannot be a packet's source (RFC 4862), so
     * the scenario's first handshake would race it. A lab link joins two namespaces: no duplicate
     * can exist.
     */
    private void addAddress(LabNode n, String cidr, String dev) {
        if (cidr.contains(":")) {
            must("ip", "-n", n.namespace, "addr", "add", cidr, "dev", dev, "nodad");
        } else {
            must("ip", "-n", n.namespace, "addr", "add", cidr, "dev", dev);
        }
    }

    CommandResult must(String... argv) {
        CommandResult r = host.run(List.of(argv), TIMEOUT);
        if (!r.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.firstErrorLine());
        }
        return r;
    }

    @Override
    public synchronized void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down (this may be the hook itself) or already removed
        }
        List<String> problems = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            problems.addAll(nodes.get(i).destroy());
        }
        nodes.clear();
        if (createdRunWireguard) {
            try {
                Files.deleteIfExists(Path.of("/run/wireguard"));
            } catch (IOException e) {
                problems.add("/run/wireguard: " + e.getMessage());
            }
            createdRunWireguard = false;
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                problems.add(dir + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("lab teardown left things behind: " + problems);
        }
    }
}
