package io.wgfleet.diagnosis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two faults at once: the lower layer is the root cause, the other a finding. */
class CombinationTest {

    @Test
    void blockedPortOutranksWrongKey() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        String wrong = Lab.key(lab.random);
        lab.clientDecl = Lab.withKey(lab.clientDecl, wrong);
        lab.client.peer.key = wrong;
        lab.server.firewall.add(new NodeFacts.FirewallRule("nftables", 51820, "inet", "filter", "input", 7L, "drop",
                "udp dport 51820 drop", 1L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.UDPPortBlocked);
        assertThat(d.findingReasons()).contains(Reason.PublicKeyMismatch);
    }

    @Test
    void wrongPortOutranksPresharedKeyMismatch() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "192.0.2.1:51821");
        lab.client.peer.endpoint = "192.0.2.1:51821";
        lab.client.peer.psk = "sha256:aaaa";
        lab.server.peer.psk = "sha256:bbbb";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PortMismatch);
        assertThat(d.findingReasons()).contains(Reason.PresharedKeyMismatch);
    }

    @Test
    void configDriftOutranksMtuBlackhole() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 25);
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392, List.of(1392, 1000, 56, 1392), 1000, true, true, 2072L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.ConfigDrift);
        assertThat(d.findingReasons()).contains(Reason.MTUBlackhole);
    }

    @Test
    void peerUnknownToRemoteOutranksAllowedIpsMismatch() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.server.peer = null;
        lab.clientDecl = new DeclaredPeer("lab/to-server", "wg0", lab.serverKey, "192.0.2.1:51820", List.of("10.88.0.0/24"),
                null, false, null);
        lab.client.peer.allowed = List.of("10.88.0.0/24");
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PeerUnknownToRemote);
        assertThat(d.findingReasons()).contains(Reason.AllowedIPsMismatch);
    }

    @Test
    void notListeningOutranksEndpointMismatch() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.server.bound = false;
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "192.0.2.9:51820");
        lab.client.peer.endpoint = "192.0.2.9:51820";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.NotListening);
        assertThat(d.findingReasons()).contains(Reason.EndpointMismatch);
    }

    @Test
    void routeConflictOutranksMtuBlackhole() {
        Lab lab = new Lab();
        lab.client.routes.add(new NodeFacts.Route("10.77.0.1", "eth1", null, null, null));
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392, List.of(1392, 1000, 56, 1392), 1000, true, true, 2072L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.RouteConflict);
        assertThat(d.findingReasons()).containsExactly(Reason.MTUBlackhole);
    }

    @Test
    void invalidSpecOutranksAStaleReport() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withKey(lab.clientDecl, "short");
        lab.client.collected = Lab.NOW.minusSeconds(7200);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(d.findingReasons()).contains(Reason.DiagnosticPending);
    }
}
