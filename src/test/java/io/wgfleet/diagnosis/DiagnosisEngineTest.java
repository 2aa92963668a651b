package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.ConditionVerdict.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per catalogue reason, with facts shaped like the lab's measured outputs. */
class DiagnosisEngineTest {

    private static String prefix(String key) {
        return key.substring(0, 8);
    }

    @Test
    void healthyTunnelIsConnected() {
        Lab lab = new Lab();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
        assertThat(d.configInSync().status()).isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.TRUE);
        assertThat(d.findings()).isEmpty();
        assertThat(d.message()).contains("rx 348 B", "tx 404 B");
    }

    @Test
    void healthyTunnelSeenFromTheResponderIsConnected() {
        Lab lab = new Lab();
        Diagnosis d = DiagnosisEngine.diagnose(lab.serverInFleet());
        assertThat(d.reason()).isEqualTo(Reason.Connected);
    }

    @Test
    void malformedKeyIsInvalidSpec() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withKey(lab.clientDecl, "not-a-key");
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(d.message()).contains("publicKey", "9 characters");
        assertThat(d.configInSync().status()).isEqualTo(Status.FALSE);
    }

    @Test
    void badCidrAndPortAreInvalidSpec() {
        Lab lab = new Lab();
        lab.clientDecl = new DeclaredPeer("lab/x", "wg0", lab.serverKey, "192.0.2.1:70000", List.of("10.77.0.300/32"),
                null, false, null);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(d.message()).contains("70000", "10.77.0.300/32");
    }

    @Test
    void selectorMatchingNoNodeIsNoMatchingNodes() {
        Diagnosis d = DiagnosisEngine.summarize(List.of());
        assertThat(d.reason()).isEqualTo(Reason.NoMatchingNodes);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void absentInterfaceIsInterfaceMissing() {
        Lab lab = new Lab();
        lab.client.ifName = "wg1";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InterfaceMissing);
        assertThat(d.message()).contains("wg0", "wgc", "wg1");
        assertThat(d.configInSync().status()).isEqualTo(Status.FALSE);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
    }

    /**
     * Measured in the lab (wireguard-go): after {@code ip link set wg0 down} on the server, its
     * socket stays bound and its rx grows by the client's data, but nothing answers; the
     * client's young session sends into silence.
     */
    @Test
    void remoteInterfaceDownIsInterfaceDownForTheOtherEnd() {
        Lab lab = new Lab();
        lab.server.up = false;
        lab.clientProbeUnanswered();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InterfaceDown);
        assertThat(d.message()).contains("wg0", "remote node wgs", "administratively down");
        assertThat(d.evidence()).anyMatch(e -> e.contains("ip link on wgs: wg0 is down"));
        assertThat(String.join("\n", d.remediation())).contains("on wgs: ip link set wg0 up", "wg-quick up wg0",
                "systemctl start wg-quick@wg0");
        assertThat(d.handshakeSucceeded().status()).as("the handshake 10 s ago did succeed").isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
        assertThat(d.trafficFlowing().reason()).isEqualTo("InterfaceDown");
    }

    @Test
    void ownInterfaceDownIsInterfaceDownOnTheNode() {
        Lab lab = new Lab();
        lab.server.up = false;
        Diagnosis d = DiagnosisEngine.diagnose(lab.serverInFleet());
        assertThat(d.reason()).isEqualTo(Reason.InterfaceDown);
        assertThat(d.message()).contains("interface wg0 on this node wgs is administratively down");
        assertThat(d.remediation().get(0)).isEqualTo("Bring it up on wgs: ip link set wg0 up (its keys and peers stay configured)");
        assertThat(d.configInSync().status()).as("the configuration itself matches").isEqualTo(Status.TRUE);
    }

    /** Kernel WireGuard closes the socket of a down interface: the down interface is the cause, not a missing listener. */
    @Test
    void downResponderWithoutSocketIsInterfaceDownNotNotListening() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.server.up = false;
        lab.server.bound = false;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.InterfaceDown);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
        assertThat(d.findingReasons()).doesNotContain(Reason.NotListening);
    }

    @Test
    void interfaceStateNotCollectedIsNoInterfaceDown() {
        Lab lab = new Lab();
        lab.server.up = null;
        lab.client.up = null;
        assertThat(lab.diagnoseClient().reason()).isEqualTo(Reason.Connected);
        assertThat(DiagnosisEngine.diagnose(lab.serverInFleet()).reason()).isEqualTo(Reason.Connected);
    }

    @Test
    void absentPeerEntryIsPeerNotConfigured() {
        Lab lab = new Lab();
        lab.client.peer = null;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PeerNotConfigured);
        assertThat(d.message()).contains(prefix(lab.serverKey), "wg0", "wgc");
        assertThat(d.configInSync().reason()).isEqualTo("PeerNotConfigured");
    }

    @Test
    void keepaliveNotLoadedIsConfigDrift() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 25);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.ConfigDrift);
        assertThat(d.message()).contains("persistentKeepalive declared 25 s, running off");
        assertThat(d.configInSync().status()).isEqualTo(Status.FALSE);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
    }

    @Test
    void runningAllowedIpsDifferentFromDeclarationIsConfigDrift() {
        Lab lab = new Lab();
        lab.client.peer.allowed = List.of("10.77.0.0/24", "10.99.0.0/16");
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.ConfigDrift);
        assertThat(d.message()).contains("allowedIPs declared [10.77.0.1/32], running [10.77.0.0/24, 10.99.0.0/16]");
    }

    @Test
    void responderWithoutBoundSocketIsNotListening() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.server.bound = false;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.NotListening);
        assertThat(d.message()).contains("wgs", "51820");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
    }

    /**
     * Measured in the lab (wireguard-go): {@code wg set wg0 listen-port P} with P held by another
     * interface fails after closing wg0's socket, and wg0 is left with listen port 0. The young
     * session's packets then get nowhere, on both ends; the port the server had before, which the
     * client still records as its source, is no sign of NAT.
     */
    @Test
    void aYoungSessionWhoseResponderLostItsListenPortIsNotListeningOnBothEnds() {
        Lab lab = new Lab();
        lab.server.listenPort = 0;
        lab.server.bound = false;
        lab.clientProbeUnanswered();
        lab.server.probe = new NodeFacts.ProvokedHandshake("wg0", lab.clientKey, "10.77.0.2", Lab.COLLECTED.minusSeconds(8), 5500L,
                0L, 0L, false, false, null);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.NotListening);
        assertThat(d.message()).contains("wg0 on remote node wgs has no listen port", "handshake is 10 s old",
                "a probe to 10.77.0.1 got no reply");
        assertThat(String.join("\n", d.remediation())).contains("wg set wg0 listen-port 51820");
        assertThat(d.handshakeSucceeded().status()).as("the handshake 10 s ago did succeed").isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
        assertThat(d.findingReasons()).as("listen port 0 is no NAT rewriting the port").doesNotContain(Reason.KeepaliveMissing);
        Diagnosis server = DiagnosisEngine.diagnose(lab.serverInFleet());
        assertThat(server.reason()).isEqualTo(Reason.NotListening);
        assertThat(server.message()).contains("wg0 on this node wgs has no listen port", "a probe to 10.77.0.2 got no reply");
    }

    /**
     * A young session proves its responder listened: a socket merely missing from the agent's
     * /proc/net/udp (kernel WireGuard's socket lives in the namespace the interface was born in)
     * is no NotListening then, even while a probe goes unanswered; nor is port 0 while traffic passes.
     */
    @Test
    void aYoungSessionIsNoNotListeningWithoutALostPortAndLostPackets() {
        Lab unbound = new Lab();
        unbound.server.bound = false;
        unbound.clientProbeUnanswered();
        assertThat(unbound.diagnoseClient().findingReasons()).doesNotContain(Reason.NotListening);
        assertThat(unbound.diagnoseClient().reason()).isNotEqualTo(Reason.NotListening);
        Lab passing = new Lab();
        passing.server.listenPort = 0;
        passing.server.bound = false;
        assertThat(passing.diagnoseClient().reason()).isEqualTo(Reason.Connected);
    }

    /**
     * Measured in the lab (wireguard-go): {@code wg set wg0 peer CLIENTKEY remove} on the server
     * after the tunnel came up drops the session's keys with the entry; the client's young session
     * sends into silence. The client's view is PeerUnknownToRemote, the handshake 10 s ago still a success.
     */
    @Test
    void aYoungSessionWhoseRemoteDroppedOurPeerIsPeerUnknownToRemote() {
        Lab lab = new Lab();
        lab.server.peer = null;
        lab.clientProbeUnanswered();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PeerUnknownToRemote);
        assertThat(d.message()).contains("wg0 on remote node wgs has no peer with our key " + prefix(lab.clientKey),
                "the packets of the session it no longer holds", "declares it, but it is not loaded there");
        assertThat(d.handshakeSucceeded().status()).as("the handshake 10 s ago did succeed").isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
        assertThat(DiagnosisEngine.diagnose(lab.serverInFleet()).reason()).isEqualTo(Reason.PeerNotConfigured);
    }

    /** A young session whose packets pass proves the remote knows our key, whatever an older report of it said. */
    @Test
    void aYoungSessionThatPassesIsNoPeerUnknownToRemote() {
        Lab lab = new Lab();
        lab.server.peer = null;
        assertThat(lab.diagnoseClient().findingReasons()).doesNotContain(Reason.PeerUnknownToRemote);
    }

    @Test
    void neitherEndWithEndpointIsNoEndpoint() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, null);
        lab.client.peer = new Lab.PeerB(lab.serverKey, null, List.of("10.77.0.1/32"), 0, 0, 0);
        lab.client.probe = null;
        lab.server.peer = new Lab.PeerB(lab.clientKey, null, List.of("10.77.0.2/32"), 0, 0, 0);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.NoEndpoint);
        assertThat(d.message()).contains("lab/to-client", "lab/to-server");
    }

    @Test
    void hostnameThatDoesNotResolveIsEndpointUnresolvable() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "wgs.lab.example:51820");
        lab.client.peer.endpoint = null;
        lab.client.peer.tx = 0;
        lab.client.dns.add(new NodeFacts.Dns("wg0", lab.serverKey, "wgs.lab.example", List.of(), null, "NXDOMAIN"));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.EndpointUnresolvable);
        assertThat(d.message()).contains("wgs.lab.example", "NXDOMAIN");
    }

    @Test
    void renumberedServerBehindOldDnsAnswerIsStaleEndpointDNS() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "wgs.lab.example:51820");
        lab.client.peer.hs = Lab.COLLECTED_S - 400; // handshake ages, rx frozen
        lab.client.peer.rx = 348;
        lab.client.peer.tx = 404 + 148 * 3;
        lab.client.dns.add(new NodeFacts.Dns("wg0", lab.serverKey, "wgs.lab.example", List.of("192.0.2.10"), "192.0.2.1", null));
        lab.server.outerAddress("192.0.2.10/24");
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.StaleEndpointDNS);
        assertThat(d.message()).contains("192.0.2.10", "192.0.2.1", "wgs.lab.example");
        assertThat(d.findingReasons()).contains(Reason.EndpointMismatch);
    }

    /** Measured in the lab: renumbered right after a handshake, the session is young but dead. */
    @Test
    void renumberedServerSecondsAfterAHandshakeIsStillStaleEndpointDNS() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "wgs.lab.example:51820");
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8), 5500L,
                148L, 0L, false, false, null);
        // as the agent reports it: the endpoint in use with its port
        lab.client.dns.add(new NodeFacts.Dns("wg0", lab.serverKey, "wgs.lab.example", List.of("192.0.2.10"), "192.0.2.1:51820", null));
        lab.server.outerAddress("192.0.2.10/24");
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.StaleEndpointDNS);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE); // the last one did succeed, 10 s ago
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    /** Measured in the lab: a drop rule added after the handshake; the next packets vanish. */
    @Test
    void dropRuleAddedAfterAHandshakeIsUDPPortBlocked() {
        Lab lab = new Lab();
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8), 5500L,
                148L, 0L, false, false, null);
        lab.server.firewall.add(new NodeFacts.FirewallRule("nftables", 51820, "inet", "lab_filter", "input", 2L, "drop",
                "udp dport 51820 counter packets 3 bytes 444 drop", 3L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.UDPPortBlocked);
        assertThat(d.message()).contains("inet lab_filter input handle 2");
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    @Test
    void endpointAtWrongAddressIsEndpointMismatch() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "192.0.2.9:51820");
        lab.client.peer.endpoint = "192.0.2.9:51820";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.EndpointMismatch);
        assertThat(d.message()).contains("192.0.2.9", "wgs", "192.0.2.1");
        assertThat(d.handshakeSucceeded().reason()).isEqualTo("EndpointMismatch");
    }

    @Test
    void endpointAtWrongPortIsPortMismatch() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "192.0.2.1:51821");
        lab.client.peer.endpoint = "192.0.2.1:51821";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PortMismatch);
        assertThat(d.message()).contains("51821", "51820");
        assertThat(d.remediation().get(0)).contains("192.0.2.1:51820");
    }

    @Test
    void dropRuleOnServerPortIsUDPPortBlockedNamingTheRule() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.server.firewall.add(new NodeFacts.FirewallRule("nftables", 51820, "inet", "filter", "input", 7L, "drop",
                "udp dport 51820 drop", 1L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.UDPPortBlocked);
        assertThat(d.message()).contains("inet filter input handle 7", "wgs", "51820", "udp dport 51820 drop");
        assertThat(d.remediation().get(0)).contains("nft delete rule inet filter input handle 7");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    @Test
    void iptablesRejectOnOwnPortIsUDPPortBlocked() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.client.firewall.add(new NodeFacts.FirewallRule("iptables", 51820, null, "filter", "INPUT", 3L, "reject",
                "-A INPUT -p udp --dport 51820 -j REJECT", null));
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.UDPPortBlocked);
        assertThat(d.message()).contains("iptables rule INPUT #3", "this node wgc", "rejects");
        assertThat(d.remediation().get(0)).contains("iptables -t filter -D INPUT 3");
        assertThat(d.message()).contains("with an ICMP error (port unreachable)", "fails as with a drop").doesNotContain("never reach");
    }

    @Test
    void eachIptablesBackendsFixUsesItsOwnTool() {
        Lab legacy = new Lab().clientGetsNoReply();
        legacy.client.firewall.add(new NodeFacts.FirewallRule("iptables-legacy", 51820, "ip6", "raw", "PREROUTING", 2L, "drop",
                "-A PREROUTING -p udp -m udp --dport 51820 -j DROP", 4L));
        Diagnosis d = DiagnosisEngine.diagnose(legacy.clientOneSided());
        assertThat(d.message()).contains("ip6tables-legacy rule PREROUTING #2 in table raw", "never reach WireGuard", "4 packets");
        assertThat(d.remediation()).contains("Remove or narrow the rule on wgc: ip6tables-legacy -t raw -D PREROUTING 2",
                "Or accept WireGuard before it: ip6tables-legacy -t raw -I PREROUTING -p udp --dport 51820 -j ACCEPT");
        Lab nft = new Lab().clientGetsNoReply();
        nft.client.firewall.add(new NodeFacts.FirewallRule("iptables-nft", 51820, "ip", "filter", "INPUT", 1L, "reject",
                "-A INPUT -p udp -m udp --dport 51820 -j REJECT --reject-with icmp-admin-prohibited", null));
        Diagnosis n = DiagnosisEngine.diagnose(nft.clientOneSided());
        assertThat(n.message()).contains("iptables-nft rule INPUT #1", "ICMP error (icmp-admin-prohibited)");
        assertThat(n.remediation().get(0)).endsWith("iptables-nft -t filter -D INPUT 1");
    }

    @Test
    void initiationsThatNeverReachTheServerArePacketsNotArriving() {
        Lab lab = new Lab().clientGetsNoReply();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PacketsNotArriving);
        assertThat(d.message()).contains("tx 148 B", "counted 0 packets", "51820", "wgs", "security group");
    }

    @Test
    void reportsTooFarApartDoNotProvePacketsNotArriving() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.server.collected = Lab.COLLECTED.minusSeconds(200);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("missing: the two ends' reports from one window (collected 200 s apart");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void responderOnlyReachableThroughCgnatIsBehindCGNAT() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "100.64.0.1:51820");
        lab.client.peer.endpoint = "100.64.0.1:51820";
        lab.server.outerAddress("100.64.0.1/10");
        lab.server.nat.add(new NodeFacts.Nat("eth0", "100.64.0.1", "CGNAT"));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.BehindCGNAT);
        assertThat(d.message()).contains("100.64.0.1", "eth0", "wgs");
    }

    @Test
    void wrongServerKeyIsPublicKeyMismatch() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        String wrong = Lab.key(lab.random);
        lab.clientDecl = Lab.withKey(lab.clientDecl, wrong);
        lab.client.peer.key = wrong;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", wrong, "10.77.0.1", Lab.COLLECTED.minusSeconds(8), 5300L,
                148L, 0L, false, false, null);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PublicKeyMismatch);
        assertThat(d.message()).contains(prefix(wrong), prefix(lab.serverKey), "wgs");
        assertThat(d.message()).doesNotContain(lab.serverKey).doesNotContain(wrong);
    }

    @Test
    void serverWithoutOurKeyIsPeerUnknownToRemote() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.server.peer = null;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PeerUnknownToRemote);
        assertThat(d.message()).contains(prefix(lab.clientKey), "wgs", "lab/to-client", "not loaded");
    }

    @Test
    void serverDeclaringAnOldKeyForUsIsPeerUnknownToRemote() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        String old = Lab.key(lab.random);
        lab.server.peer.key = old;
        lab.serverDecl = Lab.withKey(lab.serverDecl, old);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PeerUnknownToRemote);
        assertThat(d.message()).contains(prefix(old), prefix(lab.clientKey));
    }

    @Test
    void differentPresharedKeysArePresharedKeyMismatch() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.clientDecl = Lab.withPsk(lab.clientDecl);
        lab.serverDecl = Lab.withPsk(lab.serverDecl);
        lab.client.peer.psk = "sha256:1111aaaa";
        lab.server.peer.psk = "sha256:2222bbbb";
        // measured: the server answers (148 in, 92 out), the client's rx stays 0
        lab.server.peer.rx = 148;
        lab.server.peer.tx = 92;
        lab.server.peer.endpoint = "192.0.2.2:51820";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PresharedKeyMismatch);
        assertThat(d.message()).contains("fingerprints differ", "rx 148 B, tx 92 B", "wgs", "wgc");
        assertThat(d.message()).doesNotContain("1111aaaa").doesNotContain("2222bbbb");
    }

    @Test
    void responsesArrivingButDroppedArePresharedKeyMismatchWithoutFingerprints() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.clientDecl = Lab.withPsk(lab.clientDecl);
        lab.client.peer.psk = "sha256:1111aaaa";
        lab.server.peer.psk = "sha256:1111aaaa"; // same fingerprint reported, yet the answers are dropped
        lab.server.peer.rx = 148;
        lab.server.peer.tx = 92;
        lab.client.arrivals.add(new NodeFacts.Arrivals(51820, 1L, List.of(new NodeFacts.SourceCount("192.0.2.1", 1L, 92L)), 6000L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PresharedKeyMismatch);
        assertThat(d.message()).contains("92-byte responses arrive at wgc");
    }

    @Test
    void answersLostOnTheWayBackArePacketsNotArriving() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(1);
        lab.server.peer.rx = 148;
        lab.server.peer.tx = 92;
        lab.client.arrivals.add(new NodeFacts.Arrivals(51820, 0L, List.of(), 6000L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.PacketsNotArriving);
        assertThat(d.message()).contains("answers", "lost on the way back");
    }

    @Test
    void unansweredRemoteOutsideTheFleetIsNoResponseWithOrderedChecks() {
        Lab lab = new Lab().clientGetsNoReply();
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.NoResponse);
        assertThat(d.message()).contains("192.0.2.1:51820", "5300 ms", "outside the fleet");
        assertThat(d.remediation()).hasSizeGreaterThanOrEqualTo(7);
        assertThat(d.remediation().get(0)).contains("public address and DNS");
        assertThat(d.remediation().get(2)).contains("Windows Defender Firewall");
        assertThat(d.remediation().get(5)).contains("hotspot");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
    }

    /**
     * A young session to a remote outside the fleet whose port started being dropped: the first
     * window proves nothing (the ping went out as data), so the agent kept provoking until
     * WireGuard re-initiated; that initiation got no answer either: NoResponse, with the wait named.
     */
    @Test
    void aYoungSessionWhoseReinitiationGoesUnansweredIsNoResponse() {
        Lab lab = new Lab();
        lab.client.peer.hs = Lab.COLLECTED_S - 40;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(22), 21000L,
                21 * 128L + 148, 0L, false, false, null, 15500L, 1);
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.NoResponse);
        assertThat(d.message()).contains("192.0.2.1:51820", "21000 ms", "re-initiation", "15500 ms beyond its first window");
        assertThat(d.evidence()).anySatisfy(e -> assertThat(e).contains("kept provoking 15500 ms", "1 initiation of 148 B sent", "nothing answered"));
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    /** The remote's own initiations arriving (148 B each) answer none of ours: still NoResponse. */
    @Test
    void theRemotesOwnInitiationsDoNotAnswerAnUnansweredReinitiation() {
        Lab lab = new Lab();
        lab.client.peer.hs = Lab.COLLECTED_S - 40;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(22), 21000L,
                21 * 128L + 148 + 92, 148L, false, false, null, 15500L, 1);
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.NoResponse);
        assertThat(d.evidence()).anySatisfy(e -> assertThat(e).contains("only the remote's own 1 initiation(s) of 148 B arrived"));
    }

    /**
     * The lab's young-session-drop as the agent reported it: the remote kept retrying (each of its
     * initiations cancels WireGuard's own timer here, so ours never came), two arrived, each was
     * answered (2 x 92 B in tx beside 15 pings of 128 B), nothing else came back: NoResponse.
     */
    @Test
    void theRemotesRetriedInitiationsThatOurAnswersNeverCompletedAreNoResponse() {
        Lab lab = new Lab();
        lab.client.peer.hs = Lab.COLLECTED_S - 29;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(20), 20028L,
                15 * 128L + 2 * 92, 2 * 148L, false, false, null, 14502L, 0);
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.NoResponse);
        assertThat(d.message()).contains("the remote's own 2 initiations arrived, each answered", "kept retrying",
                "our answers never reached it", "14502 ms beyond its first window");
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);

        // one initiation of the remote's is no retry (our answer may complete it): no verdict
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(20), 20028L,
                15 * 128L + 92, 148L, false, false, null, 14502L, 0);
        assertThat(DiagnosisEngine.diagnose(lab.clientOneSided()).reason().isUnknown()).isTrue();
    }

    /** The same young session without a counted re-initiation proves nothing: still not a verdict. */
    @Test
    void aYoungSessionWithoutAReinitiationIsNotNoResponse() {
        Lab lab = new Lab();
        lab.client.peer.hs = Lab.COLLECTED_S - 40;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(22), 21000L,
                21 * 128L, 0L, false, false, null, 15500L, 0);
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isNotEqualTo(Reason.NoResponse);
        assertThat(d.reason().isUnknown()).isTrue();
        assertThat(d.evidence()).anySatisfy(e -> assertThat(e).contains("no re-initiation seen"));
    }

    @Test
    void serverAllowedIpsLackingClientAddressIsAllowedIPsMismatch() {
        Lab lab = new Lab();
        lab.server.peer.allowed = List.of("10.77.0.3/32");
        lab.client.peer.rx = 92; // measured: recent / 92 / 404
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8),
                5300L, 404L, 92L, true, false, null);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.AllowedIPsMismatch);
        assertThat(d.message()).contains("10.77.0.3/32", "10.77.0.2", "wgs", prefix(lab.clientKey));
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
        assertThat(d.trafficFlowing().reason()).isEqualTo("AllowedIPsMismatch");
    }

    @Test
    void agentProbeOutsideRunningAllowedIpsIsAllowedIPsMismatch() {
        Lab lab = new Lab();
        lab.clientDecl = new DeclaredPeer("lab/to-server", "wg0", lab.serverKey, "192.0.2.1:51820", List.of("10.77.0.1/32"),
                null, false, null);
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.5", Lab.COLLECTED.minusSeconds(8),
                5300L, 148L, 92L, true, false, null);
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientOneSided());
        assertThat(d.reason()).isEqualTo(Reason.AllowedIPsMismatch);
        assertThat(d.message()).contains("10.77.0.5", "10.77.0.1/32");
    }

    @Test
    void allowedIpsRoutedViaAnotherDeviceIsRouteConflict() {
        Lab lab = new Lab();
        lab.client.routes.add(new NodeFacts.Route("10.77.0.1", "eth1", "10.0.0.1", "10.0.0.5", null));
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8),
                5300L, 148L, 92L, true, false, null);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.RouteConflict);
        assertThat(d.message()).contains("10.77.0.1", "eth1", "wg0", "10.77.0.1/32");
    }

    /**
     * Measured in the lab: {@code ip route add 10.77.0.1/32 via 192.0.2.1} on the client. The
     * server's probe through the tunnel is answered (the answer bypasses it, over the link), so only
     * the client's report shows the fault; the server's verdict reads it there.
     */
    @Test
    void theRemotesRouteOutsideTheTunnelIsRouteConflictForThisEnd() {
        Lab lab = new Lab();
        lab.client.routes.add(new NodeFacts.Route("10.77.0.1", "veth0", "192.0.2.1", "192.0.2.2", null));
        lab.server.probe = new NodeFacts.ProvokedHandshake("wg0", lab.clientKey, "10.77.0.2", Lab.COLLECTED.minusSeconds(8),
                5300L, 128L, 128L, false, true, null);
        Diagnosis server = DiagnosisEngine.diagnose(lab.serverInFleet());
        assertThat(server.reason()).isEqualTo(Reason.RouteConflict);
        assertThat(server.message()).contains("remote node wgc", "routes 10.77.0.1", "of its entry for our key " + prefix(lab.serverKey),
                "via veth0 gateway 192.0.2.1, not via wg0", "leave outside the tunnel");
        assertThat(String.join("\n", server.remediation())).contains("competing route on wgc");
        assertThat(server.trafficFlowing().status()).isEqualTo(Status.FALSE);
        assertThat(lab.diagnoseClient().reason()).isEqualTo(Reason.RouteConflict);
    }

    /**
     * A full-tunnel remote's AllowedIPs cover its endpoint for us, which it routes out of its
     * link: that is how its packets reach us, not a conflict; nor is a route for an address its
     * entry for us does not claim.
     */
    @Test
    void theRemotesRouteToItsEndpointOrOutsideItsEntryIsNoRouteConflict() {
        Lab lab = new Lab();
        lab.client.peer.allowed = List.of("10.77.0.1/32", "192.0.2.1/32");
        lab.client.routes.add(new NodeFacts.Route("192.0.2.1", "eth0", null, "192.0.2.2", null));
        lab.client.routes.add(new NodeFacts.Route("10.77.0.9", "veth0", "192.0.2.1", "192.0.2.2", null));
        assertThat(DiagnosisEngine.diagnose(lab.serverInFleet()).findingReasons()).doesNotContain(Reason.RouteConflict);
        assertThat(lab.diagnoseClient().findingReasons()).doesNotContain(Reason.RouteConflict);
    }

    /**
     * Measured in the lab (allowedips-overlap): the server's entry for a client claims the whole
     * tunnel subnet 10.77.0.0/24, and its lookup of the subnet's first host, its own 10.77.0.1, is
     * local delivery (dev lo): no RouteConflict for the client reading it, nor for the server.
     */
    @Test
    void aRouteToTheNodesOwnAddressIsNoRouteConflict() {
        Lab lab = new Lab();
        lab.server.peer.allowed = List.of("10.77.0.0/24");
        lab.serverDecl = new DeclaredPeer("lab/to-client", "wg0", lab.clientKey, null, List.of("10.77.0.0/24"), null, false, null);
        lab.server.routes.add(new NodeFacts.Route("10.77.0.1", "lo", null, "10.77.0.1", null));
        assertThat(lab.diagnoseClient().reason()).isEqualTo(Reason.Connected);
        assertThat(DiagnosisEngine.diagnose(lab.serverInFleet()).findingReasons()).doesNotContain(Reason.RouteConflict);
        lab.server.routes.set(0, new NodeFacts.Route("10.77.0.5", "eth0", "192.0.2.254", "192.0.2.1", null));
        assertThat(lab.diagnoseClient().reason()).as("another address of the subnet out of eth0 still is one")
                .isEqualTo(Reason.RouteConflict);
    }

    @Test
    void largeDfPingsLostIsMTUBlackholeWithSizes() {
        Lab lab = new Lab();
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392, List.of(1392, 1000, 56, 1392), 1000, true, true, 2072L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.MTUBlackhole);
        assertThat(d.message()).contains("1000 B payload passes", "1392 B fails", "set MTU 1028 on wg0");
        assertThat(d.remediation().get(0)).contains("ip link set wg0 mtu 1028");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    /**
     * The case: a NAT that forgot the mapping during the search. The failures carry a
     * control that failed beside them, so the verdict is about the path, not about size.
     */
    @Test
    void dfFailuresWhoseControlFailedAreAPathLostNotABlackhole() {
        Lab lab = new Lab();
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1387, 1392,
                List.of(1392, 1352, 1300, 1200, 1000, 552, 56, 1372, 1382, 1387, 1392), 1387, false, null, 1800L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isNotEqualTo(Reason.MTUBlackhole);
        assertThat(d.findings()).extracting(Finding::reason).doesNotContain(Reason.MTUBlackhole);
        assertThat(d.reason()).as("nothing here explains the loss").isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("the path went away", "control of 1387 B failed beside 1392 B");
        assertThat(d.trafficFlowing().status()).as("the probe's reply no longer proves traffic").isEqualTo(Status.UNKNOWN);
    }

    /**
     * The search right after the provoking ping passed every size (that ping had just refreshed a
     * NAT mapping), and the largest size sent again at the window's end got no reply: the path
     * was lost within the window, so the search's replies prove no traffic and no size verdict.
     */
    @Test
    void everySizePassedButTheRepeatAtTheWindowEndFailedIsAPathLost() {
        Lab lab = new Lab();
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1392, null,
                List.of(1392, 1352, 1300, 1200, 1000, 552, 56), 1392, false, null, 1800L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.findings()).extracting(Finding::reason).doesNotContain(Reason.MTUBlackhole, Reason.Connected);
        assertThat(d.message()).contains("every size passed, but 1392 B sent again at the end of the probe window got no reply");
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.UNKNOWN);
    }

    /**
     * The same loss beside a carrier-grade address but with both ends measured as not NATed
     * (each sees the other at its own address and port): the address range alone proves no
     * NAT, so no KeepaliveMissing; the loss stays unexplained and the message says what would
     * decide it.
     */
    @Test
    void pathLostBesideACgnatAddressButMeasuredWithoutNatIsInconclusiveNotKeepaliveMissing() {
        Lab lab = new Lab();
        lab.server.nat.add(new NodeFacts.Nat("eth0", "100.64.0.2", "CGNAT"));
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", null, 56,
                List.of(1392, 1352, 1300, 1200, 1000, 552, 56), 56, false, null, 0L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("was answered, then the path went away", "the control of 56 B failed", "persistentKeepalive");
        assertThat(String.join("\n", d.evidence())).contains("NAT in front of wgs, measured", "no NAT");
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.UNKNOWN);
    }

    /** One lost packet during the search (it passed on retest) is not a size limit, and traffic is still proven. */
    @Test
    void aFailureThatPassesOnRetestIsNotABlackhole() {
        Lab lab = new Lab();
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1387, 1392,
                List.of(1392, 1352, 1372, 1382, 1387, 1392), 1387, true, false, 5000L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.evidence()).anySatisfy(e -> assertThat(e).contains("1392 B failed once but not consistently"));
    }

    /** A report of an agent without controls (before 0.2.0) proves no size limit. */
    @Test
    void dfFailuresWithoutControlsProveNothing() {
        Lab lab = new Lab();
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392,
                List.of(56, 1000, 1392), null, null, null, null));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.evidence()).anySatisfy(e -> assertThat(e).contains("carry no passing control"));
    }

    @Test
    void failingSizeAboveOwnLinkMtuIsNotABlackhole() {
        Lab lab = new Lab();
        lab.client.mtu = 1280;
        lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392, List.of(1392, 1000, 56, 1392), 1000, true, true, 2072L));
        assertThat(lab.diagnoseClient().reason()).isEqualTo(Reason.Connected);
    }

    @Test
    void oldHandshakeWithKeepaliveIsHandshakeStale() {
        Lab lab = new Lab();
        lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 25);
        lab.client.peer.keepalive = 25;
        lab.client.peer.hs = Lab.COLLECTED_S - 400;
        lab.server.peer.hs = Lab.COLLECTED_S - 400;
        lab.client.probe = null;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.HandshakeStale);
        assertThat(d.message()).contains("400 s", "180 s");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
    }

    @Test
    void natedClientWithoutKeepaliveAndStaleHandshakeIsKeepaliveMissing() {
        Lab lab = natLab();
        lab.client.peer.hs = Lab.COLLECTED_S - 300;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8),
                5300L, 148L, 0L, false, false, null);
        lab.client.peer.rx = 348;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).as(d.message() + " / " + d.evidence()).isEqualTo(Reason.KeepaliveMissing);
        assertThat(d.message()).contains("100.64.0.2", "198.51.100.7:40001", "300 s");
        assertThat(d.remediation().get(0)).contains("persistent-keepalive 25");
    }

    @Test
    void serverProbeToIdleNatedClientIsKeepaliveMissing() {
        Lab lab = natLab();
        // measured: server to client after idle fails while the session is still young
        lab.server.probe = new NodeFacts.ProvokedHandshake("wg0", lab.clientKey, "10.77.0.2", Lab.COLLECTED.minusSeconds(8),
                5300L, 96L, 0L, false, false, null);
        Diagnosis d = DiagnosisEngine.diagnose(lab.serverInFleet());
        assertThat(d.reason()).isEqualTo(Reason.KeepaliveMissing);
        assertThat(d.message()).contains("remote node wgc", "behind NAT", "no reply");
        assertThat(d.trafficFlowing().status()).isEqualTo(Status.FALSE);
    }

    @Test
    void natedClientWithoutKeepaliveButWorkingIsConnectedWithAdvisory() {
        Lab lab = natLab();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.findingReasons()).containsExactly(Reason.KeepaliveMissing);
    }

    @Test
    void idleNatedClientWithOldHandshakeIsNotAFailure() {
        Lab lab = natLab();
        lab.client.peer.hs = Lab.COLLECTED_S - 3000;
        lab.server.peer.hs = Lab.COLLECTED_S - 3000;
        lab.client.probe = null;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("3000 s ago", "idle", "missing: a provoked handshake");
        assertThat(d.findingReasons()).containsExactly(Reason.KeepaliveMissing);
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.UNKNOWN);
    }

    private static String natEvidence(Diagnosis d, String node) {
        return d.evidence().stream().filter(e -> e.startsWith("NAT in front of " + node + ", measured: ")).findFirst().orElse("(none)");
    }

    /** The server sees the client at the client's own address and port: no NAT, whatever the client's address range. */
    @Test
    void clientSeenAtItsOwnAddressAndPortIsNoNatDespiteACgnatAddress() {
        Lab lab = new Lab();
        lab.client.outerAddress("100.64.0.2/24");
        lab.client.nat.add(new NodeFacts.Nat("eth0", "100.64.0.2", "CGNAT"));
        lab.server.peer.endpoint = "100.64.0.2:51820";
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(natEvidence(d, "wgc")).contains("wgs sees wgc as 100.64.0.2:51820", "an address of wgc", ": no NAT");
        assertThat(d.findingReasons()).as("measured: no NAT, so no keepalive is needed").isEmpty();
    }

    @Test
    void clientSeenFromAnotherAddressWithItsPortIsNatKeepingThePort() {
        Lab lab = new Lab();
        lab.server.peer.endpoint = "198.51.100.7:51820";
        Diagnosis d = lab.diagnoseClient();
        assertThat(natEvidence(d, "wgc")).contains("wgs sees wgc as 198.51.100.7:51820", "not an address of wgc", ": NAT keeping the port");
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.findingReasons()).containsExactly(Reason.KeepaliveMissing);
    }

    @Test
    void clientSeenFromAnotherPortIsNatRewritingThePort() {
        Lab lab = natLab();
        Diagnosis d = lab.diagnoseClient();
        assertThat(natEvidence(d, "wgc")).contains("wgs sees wgc as 198.51.100.7:40001", "its own listen port 51820", ": NAT rewriting the port");
        assertThat(natEvidence(d, "wgs")).contains(": no NAT");
    }

    /** Two servers see the client behind different mappings: an endpoint-dependent ("symmetric") NAT. */
    @Test
    void twoObserversSeeingDifferentMappingsIsAMappingThatVariesByDestination() {
        Lab lab = natLab();
        DiagnosisInput in = lab.clientInFleet().withObservers(List.of(observer("wgs2", lab.clientKey, "198.51.100.7:40002", Lab.COLLECTED_S - 30)));
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertThat(natEvidence(d, "wgc")).contains("wgs sees wgc as 198.51.100.7:40001", "wgs2 sees wgc as 198.51.100.7:40002",
                ": NAT whose mapping varies by destination");
    }

    /** The server's verdict measures the client's NAT with the same further observer: both ends tell the same. */
    @Test
    void theRemoteEndsNatIsMeasuredByTheFurtherObserversToo() {
        Lab lab = natLab();
        NodeFacts wgs2 = observer("wgs2", lab.clientKey, "198.51.100.7:40002", Lab.COLLECTED_S - 30);
        Diagnosis d = DiagnosisEngine.diagnose(lab.serverInFleet().withObservers(List.of(wgs2)));
        assertThat(natEvidence(d, "wgc")).contains("wgs sees wgc as 198.51.100.7:40001", "wgs2 sees wgc as 198.51.100.7:40002",
                ": NAT whose mapping varies by destination");
        // an observer that holds neither end's key measures nothing
        NodeFacts unrelated = observer("wgs3", Lab.key(new java.util.Random(11)), "198.51.100.7:40003", Lab.COLLECTED_S - 30);
        assertThat(natEvidence(DiagnosisEngine.diagnose(lab.serverInFleet().withObservers(List.of(unrelated))), "wgc"))
                .endsWith(": NAT rewriting the port").doesNotContain("wgs3");
    }

    @Test
    void twoObserversSeeingOneMappingIsNoVariationByDestination() {
        Lab lab = natLab();
        DiagnosisInput in = lab.clientInFleet().withObservers(List.of(observer("wgs2", lab.clientKey, "198.51.100.7:40001", Lab.COLLECTED_S - 30)));
        assertThat(natEvidence(DiagnosisEngine.diagnose(in), "wgc")).endsWith(": NAT rewriting the port");
    }

    /** An old entry may hold a mapping the NAT has since replaced: it is not compared. */
    @Test
    void anObserverWithAnOldHandshakeDoesNotProveVariationByDestination() {
        Lab lab = natLab();
        DiagnosisInput in = lab.clientInFleet().withObservers(List.of(observer("wgs2", lab.clientKey, "198.51.100.7:40002", Lab.COLLECTED_S - 900)));
        assertThat(natEvidence(DiagnosisEngine.diagnose(in), "wgc")).endsWith(": NAT rewriting the port");
    }

    /** An entry that never completed a handshake holds its configuration, not a measured source. */
    @Test
    void anEntryWithoutHandshakeMeasuresNothingAndTheCgnatAddressIsOnlyASign() {
        Lab lab = natLab();
        lab.server.peer.hs = 0;
        lab.client.peer.hs = Lab.COLLECTED_S - 300;
        lab.client.probe = new NodeFacts.ProvokedHandshake("wg0", lab.serverKey, "10.77.0.1", Lab.COLLECTED.minusSeconds(8),
                5300L, 148L, 0L, false, false, null);
        lab.client.peer.rx = 348;
        Diagnosis d = lab.diagnoseClient();
        assertThat(natEvidence(d, "wgc")).isEqualTo("(none)");
        assertThat(d.reason()).isEqualTo(Reason.KeepaliveMissing);
        assertThat(d.message()).contains("CGNAT address 100.64.0.2 on eth0 (no fleet node has measured the mapping)");
    }

    @Test
    void natedSideWithKeepaliveShorterThanTheMappingLifetimeNeedsNoKeepalive() {
        Lab lab = natLab();
        lab.client.peer.keepalive = 25;
        lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 25);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.findingReasons()).isEmpty();
    }

    @Test
    void natedSideWithKeepaliveLongerThanTheMappingLifetimeIsKeepaliveMissing() {
        Lab lab = natLab();
        lab.client.peer.keepalive = 60;
        lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 60);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Connected);
        assertThat(d.findingReasons()).containsExactly(Reason.KeepaliveMissing);
        assertThat(d.findings().get(0).message()).contains("every 60 s, not shorter than the 30 s a NAT mapping is assumed to live");
    }

    /** Something maps a port to the CGNAT responder (its counter sees the initiations): inbound is possible, so not BehindCGNAT. */
    @Test
    void cgnatResponderThatInitiationsReachIsNotBehindCGNAT() {
        Lab lab = new Lab().clientGetsNoReply().serverCountsArrivals(2);
        lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "100.64.0.1:51820");
        lab.client.peer.endpoint = "100.64.0.1:51820";
        lab.server.outerAddress("100.64.0.1/10");
        lab.server.nat.add(new NodeFacts.Nat("eth0", "100.64.0.1", "CGNAT"));
        lab.client.outerAddress("100.64.0.2/10");
        lab.server.arrivals.clear();
        lab.server.arrivals.add(new NodeFacts.Arrivals(51820, 2L, List.of(new NodeFacts.SourceCount("100.64.0.2", 2L, 296L)), 6000L));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isNotEqualTo(Reason.BehindCGNAT);
        assertThat(d.findingReasons()).doesNotContain(Reason.BehindCGNAT);
    }

    /** A further fleet node's report, with one peer entry for {@code key}. */
    private static NodeFacts observer(String node, String key, String endpoint, long latestHandshake) {
        NodeFacts.Peer p = new NodeFacts.Peer(key, endpoint, List.of("10.77.0.2/32"), latestHandshake, 1000L, 1000L, null, null);
        NodeFacts.Interface i = new NodeFacts.Interface("wg0", Lab.key(new java.util.Random(7)), 51820, true, List.of("10.77.0.3/24"), 1420, true, List.of(p));
        return new NodeFacts(node, Lab.COLLECTED, List.of(i), List.of(new NodeFacts.Address("eth0", "192.0.2.3/24")), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Client behind a masquerading router on 100.64.0.2; the server sees it as the NAT's address. */
    private static Lab natLab() {
        Lab lab = new Lab();
        lab.client.outerAddress("100.64.0.2/24");
        lab.client.nat.add(new NodeFacts.Nat("eth0", "100.64.0.2", "CGNAT"));
        lab.server.peer.endpoint = "198.51.100.7:40001";
        lab.server.arrivals.clear();
        lab.server.arrivals.add(new NodeFacts.Arrivals(51820, 3L, List.of(new NodeFacts.SourceCount("198.51.100.7", 3L, 480L)), 6000L));
        return lab;
    }

    @Test
    void missingReportIsDiagnosticPending() {
        Lab lab = new Lab();
        DiagnosisInput in = new DiagnosisInput(lab.clientDecl, "wgc", null, null, null, Lab.NOW, Duration.ofMinutes(5));
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticPending);
        assertThat(d.message()).contains("no report from node wgc");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void staleReportIsDiagnosticPending() {
        Lab lab = new Lab();
        lab.client.collected = Lab.NOW.minusSeconds(900);
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticPending);
        assertThat(d.message()).contains("900 s old", "stale after 300 s");
    }

    @Test
    void idlePeerNeverProvokedIsNotAFailure() {
        Lab lab = new Lab();
        lab.client.peer.hs = 0;
        lab.client.peer.rx = 0;
        lab.client.peer.tx = 0;
        lab.client.probe = null;
        lab.server.peer.hs = 0;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("idle", "not a failure", "missing: a provoked handshake (nothing was sent");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.UNKNOWN);
        assertThat(d.configInSync().status()).isEqualTo(Status.TRUE);
    }

    /** Both reports there, a young session, the probe unanswered and no cause found: diagnosed, nothing proven. */
    @Test
    void unansweredProbeWithoutCauseIsInconclusiveNamingWhatIsMissing() {
        Lab lab = new Lab();
        lab.clientProbeUnanswered();
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("traffic is not proven", "missing: a reply from 10.77.0.1");
        assertThat(d.trafficFlowing().reason()).isEqualTo("Inconclusive");
        assertThat(d.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
    }

    @Test
    void recentHandshakeWithoutProbeIsInconclusiveAskingForAProbeAddress() {
        Lab lab = new Lab();
        lab.client.probe = null;
        lab.client.peer.rx = 92;
        lab.client.peer.tx = 148;
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("missing: a probe through the tunnel (spec.probeAddress");
    }

    @Test
    void unansweredInitiationsWithoutArrivalCountsAreInconclusiveNamingTheCounter() {
        Lab lab = new Lab().clientGetsNoReply();
        lab.server.arrivals.clear();
        lab.server.errors.add(new NodeFacts.CollectionError("arrivals", "nft: table could not be added"));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.Inconclusive);
        assertThat(d.message()).contains("no reply", "missing: the arrival count on wgs's UDP port 51820");
    }

    /** DiagnosticPending is kept for "no report yet": here the remote's is still to come. */
    @Test
    void unansweredInitiationsWhileTheRemoteReportIsAwaitedArePending() {
        Lab lab = new Lab().clientGetsNoReply();
        DiagnosisInput in = lab.clientInFleet().withRemote(new DiagnosisInput.RemoteSide(lab.serverDecl, "wgs", null, null));
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticPending);
        assertThat(d.message()).contains("missing: no report from remote node wgs yet");
    }

    @Test
    void failedJobIsDiagnosticFailed() {
        Lab lab = new Lab();
        Diagnosis d = DiagnosisEngine.diagnose(lab.clientInFleet().withLocalFailure("Job timed out after 120 s"));
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticFailed);
        assertThat(d.message()).contains("Job timed out after 120 s", "wgc");
    }

    @Test
    void unreadableWireGuardStateIsDiagnosticFailed() {
        Lab lab = new Lab();
        lab.client.hasInterface = false;
        lab.client.errors.add(new NodeFacts.CollectionError("wg", "Unable to access interface: Operation not permitted"));
        Diagnosis d = lab.diagnoseClient();
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticFailed);
        assertThat(d.message()).contains("Operation not permitted");
    }

    @Test
    void missingRemoteReportLeavesUnprovenFailureUnknown() {
        Lab lab = new Lab().clientGetsNoReply();
        DiagnosisInput in = lab.clientInFleet().withRemote(new DiagnosisInput.RemoteSide(lab.serverDecl, "wgs", null, null));
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertThat(d.reason()).isEqualTo(Reason.DiagnosticPending);
        assertThat(d.message()).contains("no report from remote node wgs");
    }

    @Test
    void summaryNamesTheFailingNode() {
        Lab ok = new Lab();
        Lab bad = new Lab().clientGetsNoReply();
        bad.server.bound = false;
        Diagnosis s = DiagnosisEngine.summarize(List.of(
                new NodeDiagnosis("wgc-a", ok.diagnoseClient()),
                new NodeDiagnosis("wgc-b", bad.diagnoseClient())));
        assertThat(s.reason()).isEqualTo(Reason.NotListening);
        assertThat(s.message()).startsWith("node wgc-b: ");
        assertThat(s.handshakeSucceeded().status()).isEqualTo(Status.FALSE);
        Diagnosis all = DiagnosisEngine.summarize(List.of(
                new NodeDiagnosis("wgc-a", ok.diagnoseClient()),
                new NodeDiagnosis("wgc-b", ok.diagnoseClient())));
        assertThat(all.reason()).isEqualTo(Reason.Connected);
        assertThat(all.handshakeSucceeded().status()).isEqualTo(Status.TRUE);
    }

    @Test
    void provenFaultOnOneNodeOutranksUnknownOnAnother() {
        Lab pending = new Lab();
        pending.client.collected = Lab.NOW.minusSeconds(3600);
        Lab bad = new Lab().clientGetsNoReply();
        Diagnosis s = DiagnosisEngine.summarize(List.of(
                new NodeDiagnosis("a", pending.diagnoseClient()),
                new NodeDiagnosis("b", bad.diagnoseClient())));
        assertThat(s.reason()).isEqualTo(Reason.PacketsNotArriving);
        assertThat(s.findingReasons()).contains(Reason.DiagnosticPending);
    }
}
