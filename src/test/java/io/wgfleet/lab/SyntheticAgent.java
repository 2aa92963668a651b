package io.wgfleet.lab;

import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A {@link SimulatedKubelet.Agent} whose nodes are all healthy: every declared peer is
 * configured as declared, shook hands 5 s ago, exchanged the lab's measured 348/404 bytes
 * and answered the provoking probe. The shape of the report is the real agent's (probes on
 * the peer lines, no lookups of routes that go where they should), with the
 * facts a healthy node has (no firewall findings, no collection errors).
 *
 * <p>The {@link Network} says what each node's interfaces look like, so that a fleet
 * generator can declare in-fleet pairs whose keys and endpoints agree with the reports.
 */
public final class SyntheticAgent implements SimulatedKubelet.Agent {

    public static final int LISTEN_PORT = 51820;

    /** The simulated fleet's addressing and interface keys. */
    public interface Network {
        /** The public key of {@code iface} on {@code node} (there is no private key anywhere). */
        String publicKey(String node, String iface);

        /** The node's outer IPv4 address, without prefix length. */
        String address(String node);

        /** The interface's tunnel address as CIDR. */
        String tunnelAddress(String node, String iface);

        /**
         * Addresses and keys from a node index: outer 172.16.0.0/12, tunnel 10.128.0.0/9, keys
         * a SHA-256 of the node and interface names (32 bytes, base64, as WireGuard's keys).
         */
        static Network byIndex(ToIntFunction<String> index) {
            return new Network() {
                @Override
                public String publicKey(String node, String iface) {
                    return key("wgfleet-simulated/" + node + "/" + iface);
                }

                @Override
                public String address(String node) {
                    int i = index.applyAsInt(node);
                    return "172." + (16 + ((i >> 16) & 0x0F)) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF);
                }

                @Override
                public String tunnelAddress(String node, String iface) {
                    int i = index.applyAsInt(node);
                    return "10." + (128 + ((i >> 16) & 0x7F)) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF) + "/32";
                }
            };
        }
    }

    private final Network network;

    public SyntheticAgent(Network network) {
        this.network = network;
    }

    /** A 32-byte public key derived from {@code seed}. */
    public static String key(String seed) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public WireGuardNodeReportSpec report(String node, List<WireGuardPeer> declared, SimulatedKubelet.Fleet fleet, Instant now) {
        long handshake = now.getEpochSecond() - 5;
        Map<String, InterfaceReport> interfaces = new LinkedHashMap<>();
        WireGuardNodeReportSpec spec = new WireGuardNodeReportSpec();
        spec.setNodeName(node);
        spec.setAgentVersion("simulated");
        spec.setCollectionTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
        spec.getAddresses().add(new NodeAddress("eth0", network.address(node) + "/16"));
        for (WireGuardPeer p : declared) {
            WireGuardPeerSpec s = p.getSpec();
            if (s == null || s.getInterfaceName() == null) {
                continue;
            }
            InterfaceReport i = interfaces.computeIfAbsent(s.getInterfaceName(), name -> {
                InterfaceReport r = new InterfaceReport();
                r.setName(name);
                r.setPublicKey(network.publicKey(node, name));
                r.setListenPort(LISTEN_PORT);
                r.setUdpSocketBound(true);
                r.setAddresses(new ArrayList<>(List.of(network.tunnelAddress(node, name))));
                r.setMtu(1420);
                r.setUp(true);
                spec.getAddresses().add(new NodeAddress(name, network.tunnelAddress(node, name)));
                return r;
            });
            PeerReport line = new PeerReport();
            line.setPublicKey(s.getPublicKey());
            line.setEndpoint(endpointInUse(p, fleet));
            line.setAllowedIPs(s.getAllowedIPs() == null ? new ArrayList<>() : new ArrayList<>(s.getAllowedIPs()));
            line.setLatestHandshake(handshake);
            line.setRxBytes(348L);
            line.setTxBytes(404L);
            line.setPersistentKeepalive(s.getPersistentKeepalive() == null ? 0 : s.getPersistentKeepalive());
            i.getPeers().add(line);

            String target = probeTarget(s);
            if (target != null) {
                HandshakeProbe hp = new HandshakeProbe();
                hp.setTarget(target);
                hp.setProvokedAt(now.minusSeconds(6).truncatedTo(ChronoUnit.SECONDS).toString());
                hp.setWaitedMillis(150L);
                hp.setTxDelta(148L);
                hp.setRxDelta(92L);
                hp.setHandshakeCompleted(true);
                hp.setReplied(true);
                // on the peer's line, as the agent writes it
                line.setProbe(hp);
            }
        }
        spec.setInterfaces(new ArrayList<>(interfaces.values()));
        return spec;
    }

    /** The declared endpoint; for the responder of an in-fleet pair, where the initiator's packets come from. */
    private String endpointInUse(WireGuardPeer p, SimulatedKubelet.Fleet fleet) {
        WireGuardPeerSpec s = p.getSpec();
        if (s.getEndpoint() != null && !s.getEndpoint().isBlank()) {
            return s.getEndpoint();
        }
        PeerRef ref = s.getRemotePeerRef();
        if (ref != null && ref.getName() != null) {
            String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? p.getMetadata().getNamespace() : ref.getNamespace();
            WireGuardPeer remote = fleet.peer(ns, ref.getName());
            if (remote != null && remote.getSpec() != null && remote.getSpec().getNodeName() != null) {
                return network.address(remote.getSpec().getNodeName()) + ":" + LISTEN_PORT;
            }
        }
        return null;
    }

    private static String probeTarget(WireGuardPeerSpec s) {
        if (s.getProbeAddress() != null && !s.getProbeAddress().isBlank()) {
            return s.getProbeAddress();
        }
        if (s.getAllowedIPs() == null || s.getAllowedIPs().isEmpty()) {
            return null;
        }
        String first = s.getAllowedIPs().get(0);
        int slash = first.indexOf('/');
        return slash < 0 ? first : first.substring(0, slash);
    }
}
