package io.wgfleet.bench.scale;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.lab.SyntheticAgent;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleets the scale benchmark declares. Node names carry their index, so the
 * {@link SyntheticAgent.Network} derives each node's keys and addresses from its name.
 *
 * <ul>
 *   <li>wide: N nodes x P peers on wg0; each node initiates in-fleet pairs to the next two
 *       nodes of a ring (so it also answers the two before it: 4 in-fleet ends per node),
 *       the rest are one-sided peers to sites outside the fleet;</li>
 *   <li>concentrator: one node, P peers on one interface, all remotes outside the fleet
 *       (road warriors without an endpoint).</li>
 * </ul>
 */
final class Fleet {

    static final String IFACE = "wg0";
    static final int NAMESPACES = 10;
    static final SyntheticAgent.Network NETWORK = SyntheticAgent.Network.byIndex(Fleet::index);

    final List<Node> nodes = new ArrayList<>();
    final List<WireGuardPeer> peers = new ArrayList<>();

    static int index(String node) {
        return Integer.parseInt(node.substring(node.lastIndexOf('-') + 1));
    }

    static String nodeName(int i) {
        return String.format("node-%05d", i);
    }

    static String namespace(int i) {
        return "fleet-" + (i % NAMESPACES);
    }

    static Fleet wide(int nodeCount, int peersPerNode, String interval) {
        Fleet f = new Fleet();
        for (int i = 0; i < nodeCount; i++) {
            f.nodes.add(node(nodeName(i)));
        }
        // ring pairs: node i initiates to i+1 and i+2, so every node hosts 4 in-fleet ends
        int pairsPerNode = nodeCount >= 3 && peersPerNode >= 4 ? 2 : 0;
        for (int i = 0; i < nodeCount; i++) {
            for (int d = 1; d <= pairsPerNode; d++) {
                int j = (i + d) % nodeCount;
                String a = nodeName(i);
                String b = nodeName(j);
                String ns = namespace(i);
                String initiator = "pair-" + i + "-" + j + "-a";
                String responder = "pair-" + i + "-" + j + "-b";
                WireGuardPeer toB = peer(ns, initiator, a, NETWORK.publicKey(b, IFACE), NETWORK.tunnelAddress(b, IFACE), interval);
                toB.getSpec().setEndpoint(NETWORK.address(b) + ":" + SyntheticAgent.LISTEN_PORT);
                toB.getSpec().setRemotePeerRef(new PeerRef(responder, null));
                WireGuardPeer toA = peer(ns, responder, b, NETWORK.publicKey(a, IFACE), NETWORK.tunnelAddress(a, IFACE), interval);
                toA.getSpec().setRemotePeerRef(new PeerRef(initiator, null));
                f.peers.add(toB);
                f.peers.add(toA);
            }
            for (int k = 0; k < peersPerNode - 2 * pairsPerNode; k++) {
                WireGuardPeer site = peer(namespace(i + k), "site-" + i + "-" + k, nodeName(i),
                        SyntheticAgent.key("external-site/" + i + "/" + k), oneSidedPrefix(i, k), interval);
                // sites outside the fleet, in TEST-NET-3
                site.getSpec().setEndpoint("203.0.113." + (1 + (i * 7 + k) % 250) + ":" + (51820 + k));
                f.peers.add(site);
            }
        }
        return f;
    }

    static Fleet concentrator(int peerCount, String interval) {
        Fleet f = new Fleet();
        String node = nodeName(0);
        f.nodes.add(node(node));
        for (int k = 0; k < peerCount; k++) {
            WireGuardPeer client = peer(namespace(k), "client-" + k, node, SyntheticAgent.key("road-warrior/" + k),
                    "10." + (64 + ((k >> 16) & 63)) + "." + ((k >> 8) & 0xFF) + "." + (k & 0xFF) + "/32", interval);
            client.getSpec().setPersistentKeepalive(25);
            f.peers.add(client);
        }
        return f;
    }

    /** 10.64.0.0/10, one /32 per node and peer: no two peers on an interface overlap. */
    private static String oneSidedPrefix(int node, int k) {
        int n = node * 64 + k;
        return "10." + (64 + ((n >> 16) & 63)) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF) + "/32";
    }

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("wgfleet.io/bench", "scale").endMetadata().build();
    }

    private static WireGuardPeer peer(String ns, String name, String node, String key, String allowed, String interval) {
        WireGuardPeerSpec s = new WireGuardPeerSpec();
        s.setInterfaceName(IFACE);
        s.setNodeName(node);
        s.setPublicKey(key);
        s.setAllowedIPs(new ArrayList<>(List.of(allowed)));
        if (interval != null) {
            DiagnosisSettings d = new DiagnosisSettings();
            d.setInterval(interval);
            s.setDiagnosis(d);
        }
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        p.setSpec(s);
        return p;
    }
}
