package io.wgfleet.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.wgfleet.api.v1alpha1.FirewallFinding;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.PortArrivals;
import io.wgfleet.api.v1alpha1.SourceCount;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Node reports shaped like the lab's measured outputs (docs/wireguard.md): a client
 * initiating to a server on 51820; healthy exchange 348/404 bytes, failures as tx 148
 * per attempt and rx 0.
 */
public final class Reports {

    private Reports() {
    }

    /** One node's report with one interface and the given peer lines. */
    public static WireGuardNodeReport report(String node, Instant collected, String ifName, String ownKey, int listenPort,
                                             String outerAddress, String tunnelAddress, List<PeerReport> peers) {
        InterfaceReport i = new InterfaceReport();
        i.setName(ifName);
        i.setPublicKey(ownKey);
        i.setListenPort(listenPort);
        i.setUdpSocketBound(true);
        i.setAddresses(new ArrayList<>(List.of(tunnelAddress)));
        i.setMtu(1420);
        i.setUp(true);
        i.setPeers(new ArrayList<>(peers));
        WireGuardNodeReportSpec s = new WireGuardNodeReportSpec();
        s.setNodeName(node);
        s.setCollectionTime(collected.toString());
        s.setAgentVersion("test");
        s.setInterfaces(new ArrayList<>(List.of(i)));
        s.setAddresses(new ArrayList<>(List.of(new NodeAddress("eth0", outerAddress), new NodeAddress(ifName, tunnelAddress))));
        WireGuardNodeReport r = new WireGuardNodeReport();
        r.setMetadata(new ObjectMetaBuilder().withName(node).build());
        r.setSpec(s);
        return r;
    }

    public static PeerReport peer(String key, String endpoint, String allowed, long latestHandshake, long rx, long tx) {
        PeerReport p = new PeerReport();
        p.setPublicKey(key);
        p.setEndpoint(endpoint);
        p.setAllowedIPs(new ArrayList<>(List.of(allowed)));
        p.setLatestHandshake(latestHandshake);
        p.setRxBytes(rx);
        p.setTxBytes(tx);
        p.setPersistentKeepalive(0);
        return p;
    }

    /** The initiator provoked a handshake; {@code answered} says whether one completed. */
    public static HandshakeProbe probe(String ifName, String peerKey, String target, Instant at, boolean answered) {
        HandshakeProbe p = new HandshakeProbe();
        p.setInterfaceName(ifName);
        p.setPeerPublicKey(peerKey);
        p.setTarget(target);
        p.setProvokedAt(at.toString());
        p.setWaitedMillis(answered ? 150L : 5500L);
        p.setTxDelta(148L);
        p.setRxDelta(answered ? 92L : 0L);
        p.setHandshakeCompleted(answered);
        p.setReplied(answered);
        return p;
    }

    public static PortArrivals arrivals(int port, String source, long packets) {
        PortArrivals a = new PortArrivals();
        a.setPort(port);
        a.setPackets(packets);
        a.setWindowMillis(6000L);
        a.setSources(packets == 0 ? new ArrayList<>() : new ArrayList<>(List.of(new SourceCount(source, packets, packets * 148))));
        return a;
    }

    public static FirewallFinding nftDrop(int port, long handle) {
        FirewallFinding f = new FirewallFinding();
        f.setBackend("nftables");
        f.setPort(port);
        f.setFamily("inet");
        f.setTable("filter");
        f.setChain("input");
        f.setHandle(handle);
        f.setVerdict("drop");
        f.setRule("udp dport " + port + " counter packets 1 bytes 148 drop");
        f.setPackets(1L);
        return f;
    }
}
