package io.wgfleet.operator.report;

import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.FirewallFinding;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.PortArrivals;
import io.wgfleet.api.v1alpha1.SecretKeyRef;
import io.wgfleet.api.v1alpha1.SourceCount;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.DeclaredPeer;
import io.wgfleet.diagnosis.DiagnosisEngine;
import io.wgfleet.diagnosis.DiagnosisInput;
import io.wgfleet.diagnosis.NodeFacts;
import io.wgfleet.diagnosis.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportMapperTest {
    private static final String SERVER_KEY = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";
    private static final String CLIENT_KEY = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    @Test
    void mapsPeerSpec() {
        WireGuardPeerSpec spec = new WireGuardPeerSpec();
        spec.setInterfaceName("wg0");
        spec.setPublicKey(SERVER_KEY);
        spec.setEndpoint("192.0.2.1:51820");
        spec.setAllowedIPs(List.of("10.77.0.1/32"));
        spec.setPersistentKeepalive(25);
        spec.setPresharedKeySecretRef(new SecretKeyRef("psk", null));
        spec.setProbeAddress("10.77.0.1");
        DeclaredPeer p = ReportMapper.toDeclaredPeer("lab", "to-server", spec);
        assertThat(p).isEqualTo(new DeclaredPeer("lab/to-server", "wg0", SERVER_KEY, "192.0.2.1:51820", List.of("10.77.0.1/32"),
                25, true, "10.77.0.1"));
    }

    @Test
    void nullSpecAndNullListsDoNotThrow() {
        WireGuardPeerSpec spec = new WireGuardPeerSpec();
        spec.setAllowedIPs(null);
        assertThat(ReportMapper.toDeclaredPeer(null, null, spec).allowedIPs()).isEmpty();
        assertThat(ReportMapper.toDeclaredPeer("ns", "x", null).id()).isEqualTo("ns/x");
        assertThat(ReportMapper.toNodeFacts(null)).isNull();
        WireGuardNodeReportSpec r = new WireGuardNodeReportSpec();
        r.setInterfaces(null);
        List<InterfaceReport> withNull = new ArrayList<>();
        withNull.add(null);
        r.setAddresses(null);
        r.setFirewallFindings(null);
        InterfaceReport i = new InterfaceReport();
        i.setPeers(null);
        i.setAddresses(null);
        withNull.add(i);
        r.setInterfaces(withNull);
        NodeFacts f = ReportMapper.toNodeFacts(r);
        assertThat(f.interfaces()).hasSize(1);
        assertThat(f.interfaces().get(0).peers()).isEmpty();
        assertThat(f.collectionTime()).isNull();
    }

    @Test
    void badTimestampsBecomeMissingWithANote() {
        WireGuardNodeReportSpec r = new WireGuardNodeReportSpec();
        r.setNodeName("wgc");
        r.setCollectionTime("yesterday at noon");
        HandshakeProbe p = new HandshakeProbe();
        p.setProvokedAt("2026-13-45T99:00:00Z");
        r.setHandshakeProbes(List.of(p));
        NodeFacts f = ReportMapper.toNodeFacts(r);
        assertThat(f.collectionTime()).isNull();
        assertThat(f.handshakeProbes().get(0).provokedAt()).isNull();
        assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("collectionTime", "yesterday at noon", "treated as missing"));
        assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("provokedAt"));
    }

    @Test
    void intervalBecomesStaleAfterWithDefault() {
        WireGuardPeerSpec spec = new WireGuardPeerSpec();
        assertThat(ReportMapper.staleAfter(null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(ReportMapper.staleAfter(spec)).isEqualTo(Duration.ofMinutes(5));
        spec.setDiagnosis(new io.wgfleet.api.v1alpha1.DiagnosisSettings());
        spec.getDiagnosis().setInterval("1h30m15s");
        assertThat(ReportMapper.staleAfter(spec)).isEqualTo(Duration.ofSeconds(5415));
        spec.getDiagnosis().setInterval("soon");
        assertThat(ReportMapper.staleAfter(spec)).isEqualTo(Duration.ofMinutes(5));
        spec.getDiagnosis().setInterval("0s");
        assertThat(ReportMapper.staleAfter(spec)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void offsetTimestampsAreAccepted() {
        WireGuardNodeReportSpec r = new WireGuardNodeReportSpec();
        r.setCollectionTime("2026-11-20T11:00:00+01:00");
        assertThat(ReportMapper.toNodeFacts(r).collectionTime()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
    }

    @Test
    void mappedLabReportDiagnosesLikeTheEngineFacts() {
        WireGuardNodeReportSpec r = new WireGuardNodeReportSpec();
        r.setNodeName("wgc");
        r.setCollectionTime("2026-11-20T09:59:40Z");
        InterfaceReport i = new InterfaceReport();
        i.setName("wg0");
        i.setPublicKey(CLIENT_KEY);
        i.setListenPort(51820);
        i.setUdpSocketBound(true);
        i.setAddresses(List.of("10.77.0.2/24"));
        PeerReport peer = new PeerReport();
        peer.setPublicKey(SERVER_KEY);
        peer.setEndpoint("192.0.2.1:51820");
        peer.setAllowedIPs(List.of("10.77.0.1/32"));
        peer.setLatestHandshake(0L);
        peer.setRxBytes(0L);
        peer.setTxBytes(148L);
        i.setPeers(List.of(peer));
        r.setInterfaces(List.of(i));
        r.setAddresses(List.of(new NodeAddress("eth0", "192.0.2.2/24")));
        FirewallFinding fw = new FirewallFinding();
        fw.setBackend("nftables");
        fw.setPort(51820);
        fw.setFamily("inet");
        fw.setTable("filter");
        fw.setChain("input");
        fw.setHandle(7L);
        fw.setVerdict("drop");
        r.setFirewallFindings(List.of(fw));
        PortArrivals a = new PortArrivals();
        a.setPort(51820);
        a.setPackets(0L);
        a.setSources(List.of(new SourceCount("192.0.2.1", 0L, 0L)));
        r.setArrivals(List.of(a));
        r.setCollectionErrors(List.of(new CollectionError("dns", "no resolver")));

        NodeFacts f = ReportMapper.toNodeFacts(r);
        assertThat(f.collectionTime()).isEqualTo(Instant.parse("2026-11-20T09:59:40Z"));
        assertThat(f.interfaces().get(0).findPeer(SERVER_KEY).txBytes()).isEqualTo(148L);
        assertThat(f.firewallRules().get(0).handle()).isEqualTo(7L);
        assertThat(f.arrivals().get(0).sources().get(0).address()).isEqualTo("192.0.2.1");
        assertThat(f.errorOf("dns").message()).isEqualTo("no resolver");

        WireGuardPeerSpec spec = new WireGuardPeerSpec();
        spec.setInterfaceName("wg0");
        spec.setPublicKey(SERVER_KEY);
        spec.setEndpoint("192.0.2.1:51820");
        spec.setAllowedIPs(List.of("10.77.0.1/32"));
        var d = DiagnosisEngine.diagnose(DiagnosisInput.oneSided(ReportMapper.toDeclaredPeer("lab", "to-server", spec), "wgc", f,
                Instant.parse("2026-11-20T10:00:00Z"), Duration.ofMinutes(5)));
        // a drop rule on our own listen port eats the responses
        assertThat(d.reason()).isEqualTo(Reason.UDPPortBlocked);
        assertThat(d.message()).contains("handle 7");
    }
}
