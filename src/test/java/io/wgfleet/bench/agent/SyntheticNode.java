package io.wgfleet.bench.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.agent.Fixtures;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.DumpGenerator;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;

import java.time.Duration;
import java.util.List;

/**
 * A node with one interface and N peers, answering the agent's commands from generated text
 * and lab captures: what the agent costs on a big node, without the node's own command time.
 */
public final class SyntheticNode implements CommandRunner {

    private final String dump;
    private final String addr;
    private final String link;
    private final String udp;
    private final String udp6;
    private final String nft;
    private final String arrivals;
    private final String pingOk;

    public SyntheticNode(int peers) {
        dump = DumpGenerator.dump(1, peers);
        addr = Fixtures.lab("healthy/agwgs-ip-addr.json").replace("\"wgs0\"", "\"wg0\"");
        link = Fixtures.lab("healthy/agwgs-ip-link.json").replace("\"wgs0\"", "\"wg0\"");
        udp = Fixtures.lab("healthy/agwgs-proc-net-udp.txt");
        udp6 = Fixtures.lab("healthy/agwgs-proc-net-udp6.txt");
        nft = Fixtures.lab("nft-drop/agwgs-nft-ruleset.json");
        arrivals = Fixtures.lab("probe-table/agwgs-nft-probe-table.json");
        pingOk = Fixtures.lab("ping-ok.txt");
    }

    public String dump() {
        return dump;
    }

    /** Declares one WireGuardPeer per dump peer on the node, as an operator would. */
    public static void declarePeers(KubernetesClient client, String node, int peers) {
        for (int n = 0; n < peers; n++) {
            WireGuardPeer p = new WireGuardPeer();
            p.setMetadata(new ObjectMetaBuilder().withNamespace("bench").withName("peer-" + n).build());
            WireGuardPeerSpec s = new WireGuardPeerSpec();
            s.setInterfaceName("wg0");
            s.setNodeName(node);
            s.setPublicKey(DumpGenerator.key(n));
            s.setAllowedIPs(List.of("10." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF) + "/32"));
            p.setSpec(s);
            client.resource(p).create();
        }
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        String line = String.join(" ", argv);
        return switch (line) {
            case "wg show all dump" -> CommandResult.ok(dump);
            case "cat /proc/net/udp" -> CommandResult.ok(udp);
            case "cat /proc/net/udp6" -> CommandResult.ok(udp6);
            case "ip -j addr" -> CommandResult.ok(addr);
            case "ip -j link" -> CommandResult.ok(link);
            case "nft -j list ruleset" -> CommandResult.ok(nft);
            case "nft -j list table inet wgfleet_probe" -> CommandResult.ok(arrivals);
            case "nft -f -", "nft delete table inet wgfleet_probe" -> CommandResult.ok("");
            case "ip -j -force -batch -" -> routes(stdin);
            default -> argv.get(0).equals("ping") ? CommandResult.ok(pingOk) : CommandResult.notFound(argv.get(0));
        };
    }

    private static CommandResult routes(String stdin) {
        StringBuilder out = new StringBuilder(stdin.length() * 4);
        for (String l : stdin.split("\n")) {
            String dst = l.substring("route get ".length());
            if (dst.startsWith("10.")) {
                out.append("[{\"dst\":\"").append(dst).append("\",\"dev\":\"wg0\",\"prefsrc\":\"10.255.0.1\",\"flags\":[],\"uid\":0,\"cache\":[]}]\n");
            } else {
                out.append("[{\"dst\":\"").append(dst).append("\",\"gateway\":\"192.0.2.254\",\"dev\":\"eth0\",\"prefsrc\":\"192.0.2.1\",\"flags\":[],\"uid\":0,\"cache\":[]}]\n");
            }
        }
        return CommandResult.ok(out.toString());
    }
}
