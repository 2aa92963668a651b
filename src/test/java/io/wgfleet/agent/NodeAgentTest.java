package io.wgfleet.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.wgfleet.agent.RecordedNode.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@EnableKubernetesMockClient(crud = true)
class NodeAgentTest {

    static KubernetesClient client;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);
    static final String SERVER_PUB = firstPeerKey(Fixtures.lab("healthy/client-wg-dump.txt"));

    @AfterEach
    void clean() {
        client.resources(WireGuardNodeReport.class).delete();
        client.resources(WireGuardPeer.class).inAnyNamespace().delete();
    }

    static String firstPeerKey(String dump) {
        return dump.split("\n")[1].split("\t")[1];
    }

    static WireGuardPeer declare(String name, String node, String probeAddress, String endpoint) {
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace("tunnels").withName(name).build());
        WireGuardPeerSpec s = new WireGuardPeerSpec();
        s.setInterfaceName("wgc0");
        s.setNodeName(node);
        s.setPublicKey(SERVER_PUB);
        s.setEndpoint(endpoint);
        s.setAllowedIPs(List.of("10.77.0.0/24"));
        s.setProbeAddress(probeAddress);
        p.setSpec(s);
        return client.resource(p).create();
    }

    static AgentOptions options() {
        return AgentOptions.forNode("node-c").withProbeWait(Duration.ZERO);
    }

    @Test
    void aRouteThatDoesNotLeaveThroughTheClaimingInterfaceIsReported() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("ip -j -force -batch -", RecordedNode.routeBatch(Map.of("10.77.0.1",
                "[{\"dst\":\"10.77.0.1\",\"gateway\":\"192.0.2.254\",\"dev\":\"wgc-v\",\"prefsrc\":\"192.0.2.2\",\"flags\":[],\"uid\":0,\"cache\":[]}]")));
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
        assertThat(s.getRoutes()).singleElement().satisfies(r -> {
            assertThat(r.getDestination()).isEqualTo("10.77.0.1");
            assertThat(r.getDevice()).isEqualTo("wgc-v");
        });
    }

    @Test
    void writesTheNodeReportFromRecordedOutputs() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run();

        WireGuardNodeReport stored = client.resources(WireGuardNodeReport.class).withName("node-c").get();
        WireGuardNodeReportSpec s = stored.getSpec();
        assertThat(s.getNodeName()).isEqualTo("node-c");
        assertThat(s.getCollectionTime()).isEqualTo("2026-11-25T00:00:00Z");
        assertThat(s.getInterfaces()).singleElement().satisfies(i -> {
            assertThat(i.getName()).isEqualTo("wgc0");
            assertThat(i.getListenPort()).isEqualTo(51821);
            assertThat(i.getUdpSocketBound()).isTrue();
            assertThat(i.getMtu()).isEqualTo(1420);
            assertThat(i.getUp()).isTrue();
            assertThat(i.getAddresses()).contains("10.77.0.2/24").allMatch(a -> a.startsWith("10.77.0.2/") || a.startsWith("fe80:"));
            assertThat(i.getPeers()).singleElement().satisfies(p -> {
                assertThat(p.getPublicKey()).isEqualTo(SERVER_PUB);
                assertThat(p.getEndpoint()).isEqualTo("192.0.2.1:51820");
            });
        });
        // 10.77.0.1 leaves through wgc0, whose peer claims it: the expected route is no evidence, so not reported
        assertThat(s.getRoutes()).isEmpty();
        assertThat(s.getAddresses()).extracting(a -> a.getInterfaceName() + " " + a.getAddress()).contains("wgc-v 192.0.2.2/24");
        assertThat(s.getNatFindings()).isEmpty();
        assertThat(s.getCollectionErrors()).isEmpty();
        assertThat(ReportProbes.of(s)).isEmpty();
        assertThat(runner.commandLines()).noneMatch(c -> c.startsWith("nft -f") || c.startsWith("ping"));
    }

    @Test
    void aSecondRunUpdatesTheSameReport() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run();
        String firstVersion = client.resources(WireGuardNodeReport.class).withName("node-c").get().getMetadata().getResourceVersion();

        String later = Fixtures.lab("healthy/client-wg-dump.txt").replace("\t348\t404\t", "\t1348\t1404\t");
        runner.answer("wg show all dump", later);
        Clock laterClock = Clock.offset(CLOCK, Duration.ofMinutes(5));
        new NodeAgent(client, runner, laterClock, options().withProbe(false)).run();

        List<WireGuardNodeReport> all = client.resources(WireGuardNodeReport.class).list().getItems();
        assertThat(all).singleElement().satisfies(r -> {
            assertThat(r.getMetadata().getResourceVersion()).isNotEqualTo(firstVersion);
            assertThat(r.getSpec().getCollectionTime()).isEqualTo("2026-11-25T00:05:00Z");
            assertThat(r.getSpec().getInterfaces().get(0).getPeers().get(0).getRxBytes()).isEqualTo(1348);
        });
    }

    @Test
    void probeRoundCountsArrivalsWithACounterOnlyTableAndRemovesIt() throws Exception {
        declare("to-server", "node-c", null, "192.0.2.1:51820");
        String neverBefore = Fixtures.lab("nft-drop/client-wg-dump.txt");
        String neverAfter = neverBefore.replace("\t0\t0\t296\t", "\t0\t0\t444\t");
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", RecordedNode.sequence(neverBefore, neverBefore, neverAfter));
        runner.answer("ping -n -c 1 -W 1 10.77.0.1", CommandResult.failed(1, ""));

        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options()).run().getSpec();

        assertThat(ReportProbes.of(s)).singleElement().satisfies(p -> {
            assertThat(p.getTarget()).isEqualTo("10.77.0.1");
            assertThat(p.getTxDelta()).isEqualTo(148);
            assertThat(p.getRxDelta()).isZero();
            assertThat(p.getHandshakeCompleted()).isFalse();
            assertThat(p.getReplied()).isFalse();
            assertThat(p.getError()).isNull();
        });
        assertThat(s.getArrivals()).singleElement().satisfies(a -> {
            assertThat(a.getPort()).isEqualTo(51821);
        });
        String script = RecordedNode.stdinOf(runner, "nft -f -").get(0);
        assertThat(script).contains("table inet wgfleet_probe", "priority -400", "policy accept", "udp dport 51821 counter");
        // counters and set updates only: nothing that could decide a packet's fate
        assertThat(script.replace("policy accept", "")).doesNotContain("accept", "drop", "reject", "jump", "goto", "queue");
        List<String> lines = runner.commandLines();
        assertThat(lines.indexOf("nft delete table inet wgfleet_probe")).isGreaterThan(lines.indexOf("nft -j list table inet wgfleet_probe"));
        assertThat(s.getMtuProbes()).isEmpty();
    }

    @Test
    void mtuIsProbedWhenTheHandshakeWorksAndProbeAddressIsSet() throws Exception {
        declare("to-server", "node-c", "10.77.0.1", "192.0.2.1:51820");
        String before = Fixtures.lab("healthy/client-wg-dump.txt");
        String after = before.replaceFirst("\t(\\d{10})\t", "\t1999999999\t");
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", RecordedNode.sequence(before, before, after));
        // the provoking ping's reply took 2.62 ms (ping-ok.txt): each DF ping waits the 200 ms floor
        for (int size = 1; size <= 1500; size++) {
            runner.answer("ping -n -c 1 -W 0.2 -M do -s " + size + " 10.77.0.1",
                    size <= 1252 ? CommandResult.ok(Fixtures.lab("ping-df-1000-ok.txt")) : CommandResult.failed(1, ""));
        }
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options()).run().getSpec();
        assertThat(ReportProbes.of(s).get(0).getHandshakeCompleted()).isTrue();
        assertThat(ReportProbes.of(s).get(0).getRttMillis()).isEqualTo(2.62);
        assertThat(s.getMtuProbes()).singleElement().satisfies(m -> {
            assertThat(m.getTriedPayloads()).startsWith(1392, 1352, 1300, 1200);
            assertThat(m.getLargestPassingPayload()).isBetween(1252 - 8, 1252);
            assertThat(m.getSmallestFailingPayload()).isBetween(1253, 1253 + 8);
            assertThat(m.getTriedPayloads()).as("the smallest failing size is tried again at the end")
                    .endsWith(m.getSmallestFailingPayload());
            assertThat(m.getControlPayload()).isEqualTo(m.getLargestPassingPayload());
            assertThat(m.getControlPassed()).isTrue();
            assertThat(m.getFailureConfirmed()).isTrue();
            assertThat(m.getRttMillis()).isEqualTo(2.62);
            assertThat(m.getTimeoutMillis()).isEqualTo(200);
        });
        assertThat(runner.commandLines()).noneMatch(c -> c.startsWith("ping") && c.contains("-W 1 -M do"));
    }

    @Test
    void hostnameEndpointIsResolvedBesideTheAddressInUse() throws Exception {
        declare("by-name", "node-c", null, "wgserver.test:51820");
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("getent ahosts wgserver.test", Fixtures.lab("getent-ahosts-wgserver.txt").replace("rc=0\n", ""));
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
        assertThat(s.getDns()).singleElement().satisfies(d -> {
            assertThat(d.getHostname()).isEqualTo("wgserver.test");
            assertThat(d.getResolved()).containsExactly("192.0.2.1", "2001:db8::1");
            assertThat(d.getInUse()).isEqualTo("192.0.2.1:51820");
        });
    }

    @Test
    void peersNamedOnTheCommandLineAreProbedAndMissingOnesReported() throws Exception {
        declare("elsewhere", "other-node", null, null);
        RecordedCommandRunner runner = RecordedNode.client();
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK,
                options().withPeers(List.of("tunnels/elsewhere", "tunnels/gone"))).run().getSpec();
        assertThat(ReportProbes.of(s)).hasSize(1);
        assertThat(s.getCollectionErrors()).extracting(e -> e.getSource() + ": " + e.getMessage())
                .containsExactly("peers: WireGuardPeer tunnels/gone not found");
    }

    @Test
    void undeclaredInterfaceOrPeerIsAProbeErrorNotACrash() throws Exception {
        WireGuardPeer p = declare("wrong-if", "node-c", null, null);
        p.getSpec().setInterfaceName("wg9");
        client.resource(p).update();
        RecordedCommandRunner runner = RecordedNode.client();
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options()).run().getSpec();
        assertThat(ReportProbes.of(s)).singleElement().extracting(h -> h.getError()).isEqualTo("interface wg9 not found on the node");
        assertThat(RecordedNode.count(runner, "nft delete table inet wgfleet_probe")).isEqualTo(1);
    }

    @Test
    void firewallFindingsNameTableChainAndHandle() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", Fixtures.lab("nft-drop/server-wg-dump.txt"));
        runner.answer("nft -j list ruleset", Fixtures.lab("nft-drop/agwgs-nft-ruleset.json"));
        runner.answer("iptables-legacy-save -c", Fixtures.lab("iptables/iptables-legacy-save.txt"));
        runner.answer("ip6tables-legacy-save -c", "");
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
        assertThat(s.getFirewallFindings()).extracting(f -> f.getBackend() + " " + f.getTable() + "/" + f.getChain() + "#" + f.getHandle() + " " + f.getVerdict())
                .containsExactlyInAnyOrder("nftables wgfault/in#2 drop", "iptables-legacy filter/INPUT#1 drop", "iptables-legacy filter/WG-IN#1 drop",
                        "iptables-legacy raw/PREROUTING#1 drop");
    }

    /** A node whose nft ruleset holds iptables-nft's table ip filter (recorded from a lab namespace), with the given saves. */
    private WireGuardNodeReportSpec firewallOf(Map<String, String> saves) throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", Fixtures.lab("nft-drop/server-wg-dump.txt"));
        runner.answer("nft -j list ruleset", Fixtures.lab("iptables/nft-ruleset-from-iptables-nft.json"));
        saves.forEach(runner::answer);
        return new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
    }

    private static List<String> findingNames(WireGuardNodeReportSpec s) {
        return s.getFirewallFindings().stream()
                .map(f -> f.getBackend() + " " + f.getFamily() + " " + f.getTable() + "/" + f.getChain() + "#" + f.getHandle()).toList();
    }

    @Test
    void bothIptablesBackendsAreReadAndAnIptablesNftTableIsReportedOnce() throws Exception {
        WireGuardNodeReportSpec s = firewallOf(Map.of(
                "iptables-legacy-save -c", Fixtures.lab("iptables/iptables-legacy-save.txt"),
                "iptables-nft-save -c", Fixtures.lab("iptables/iptables-nft-save.txt"),
                "ip6tables-legacy-save -c", Fixtures.lab("iptables/ip6tables-legacy-save.txt"),
                "ip6tables-nft-save -c", ""));
        assertThat(findingNames(s)).containsExactlyInAnyOrder("iptables-legacy ip filter/INPUT#1", "iptables-legacy ip filter/WG-IN#1",
                        "iptables-legacy ip raw/PREROUTING#1", "iptables-legacy ip6 filter/INPUT#1", "iptables-nft ip filter/INPUT#1");
        assertThat(s.getCollectionErrors()).isEmpty();
    }

    @Test
    void withoutIptablesNftSaveNftsViewOfItsTableStays() throws Exception {
        WireGuardNodeReportSpec s = firewallOf(Map.of("iptables-legacy-save -c", "", "ip6tables-legacy-save -c", ""));
        assertThat(findingNames(s)).containsExactly("nftables ip filter/INPUT#2");
    }

    @Test
    void malformedDumpBecomesACollectionErrorAndTheReportIsStillWritten() throws Exception {
        String full = Fixtures.lab("healthy/client-wg-dump.txt");
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", full.substring(0, full.indexOf("10.77.0.0/24")));
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options()).run().getSpec();
        assertThat(s.getInterfaces()).isEmpty();
        assertThat(s.getCollectionErrors()).singleElement().satisfies(e -> {
            assertThat(e.getSource()).isEqualTo("wg");
            assertThat(e.getMessage()).contains("line 2");
        });
        assertThat(client.resources(WireGuardNodeReport.class).withName("node-c").get()).isNotNull();
    }

    @Test
    void missingWgExitsWithNodeAccessAndLeavesNothingBehind() {
        declare("to-server", "node-c", null, "192.0.2.1:51820");
        RecordedCommandRunner runner = RecordedNode.client().forget("wg show all dump");
        assertThatThrownBy(() -> new NodeAgent(client, runner, CLOCK, options()).run())
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.exitCode()).isEqualTo(AgentException.NODE_ACCESS))
                .hasMessageContaining("wg (wireguard-tools) is not installed");
        assertThat(runner.commandLines()).containsExactly("wg show all dump");
        assertThat(client.resources(WireGuardNodeReport.class).list().getItems()).isEmpty();
    }

    @Test
    void noPrivilegeExitsWithNodeAccess() {
        RecordedCommandRunner runner = RecordedNode.client()
                .answer("wg show all dump", CommandResult.failed(1, "Unable to access interface wgc0: Operation not permitted\n"));
        assertThatThrownBy(() -> new NodeAgent(client, runner, CLOCK, options()).run())
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
                .hasMessageContaining("CAP_NET_ADMIN");
    }

    @Test
    void unreachableApiExitsWithApiAccessBeforeTouchingTheFirewall() {
        RecordedCommandRunner runner = RecordedNode.client();
        try (KubernetesClient dead = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(2000).build()).build()) {
            assertThatThrownBy(() -> new NodeAgent(dead, runner, CLOCK, options()).run())
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.exitCode()).isEqualTo(AgentException.API_ACCESS))
                    .hasMessageContaining("cannot read WireGuardPeers");
        }
        assertThat(runner.commandLines()).noneMatch(c -> c.startsWith("nft"));
    }

    @Test
    void interruptedDuringTheWindowStillDeletesTheTable() throws Exception {
        declare("to-server", "node-c", null, "192.0.2.1:51820");
        RecordedCommandRunner runner = RecordedNode.client();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                new NodeAgent(client, runner, CLOCK, options().withProbeWait(Duration.ofSeconds(30))).run();
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        // the table is installed and the agent waits out its 30 s window
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count(runner, "nft -f -") > 0 && t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        t.join(10_000);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(count(runner, "nft delete table inet wgfleet_probe")).isEqualTo(1);
        assertThat(client.resources(WireGuardNodeReport.class).list().getItems()).isEmpty();
    }

    @Test
    void failedTableInstallIsReportedAndProbingGoesOn() throws Exception {
        declare("to-server", "node-c", null, "192.0.2.1:51820");
        RecordedCommandRunner runner = RecordedNode.client()
                .answer("nft -f -", CommandResult.failed(1, "Error: Could not process rule: Operation not permitted\n"));
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options()).run().getSpec();
        assertThat(s.getCollectionErrors()).extracting(e -> e.getSource()).containsExactly("arrivals");
        assertThat(ReportProbes.of(s)).hasSize(1);
        assertThat(s.getArrivals()).isEmpty();
    }

    @Test
    void cgnatAndPrivateAddressesOnTheInterfaceCarryingTheTunnelAreNatSigns() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("ip -j addr", Fixtures.lab("healthy/agwgc-ip-addr.json")
                .replace("\"local\":\"192.0.2.2\"", "\"local\":\"100.64.0.2\"")
                .replace("\"local\":\"fe80::f426:3ff:fe3e:d472\"", "\"local\":\"fd00::2\""));
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
        assertThat(s.getNatFindings()).extracting(n -> n.getInterfaceName() + " " + n.getAddress() + " " + n.getKind())
                .containsExactly("wgc-v 100.64.0.2/24 CGNAT", "wgc-v fd00::2/64 Private");
    }

    @Test
    void aCgnatAddressBehindTheDefaultRouteIsANatSignForAnEndWithoutEndpoint() throws Exception {
        RecordedCommandRunner runner = RecordedNode.client();
        // the end that only accepts handshakes: its peer has no endpoint, so no route names the way out
        String dump = Fixtures.lab("healthy/client-wg-dump.txt").replace("192.0.2.1:51820", "(none)");
        runner.answer("wg show all dump", dump);
        runner.answer("ip -j addr", Fixtures.lab("healthy/agwgc-ip-addr.json")
                .replace("\"local\":\"192.0.2.2\"", "\"local\":\"100.64.0.2\"")
                .replace("\"local\":\"fe80::f426:3ff:fe3e:d472\"", "\"local\":\"fd00::2\""));
        runner.answer("ip -j -4 route show default", "[{\"dst\":\"default\",\"gateway\":\"100.64.0.1\",\"dev\":\"wgc-v\",\"flags\":[]}]\n");
        WireGuardNodeReportSpec s = new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec();
        // only the CGNAT address: a private address behind a default route is any cloud VM's
        assertThat(s.getNatFindings()).extracting(n -> n.getInterfaceName() + " " + n.getAddress() + " " + n.getKind())
                .containsExactly("wgc-v 100.64.0.2/24 CGNAT");

        // a full tunnel's default through WireGuard says nothing about the underlay
        runner.answer("ip -j -4 route show default", "[{\"dst\":\"default\",\"dev\":\"wgc0\",\"flags\":[]}]\n");
        runner.answer("ip -j addr", Fixtures.lab("healthy/agwgc-ip-addr.json").replace("\"local\":\"10.77.0.2\"", "\"local\":\"100.64.7.2\""));
        assertThat(new NodeAgent(client, runner, CLOCK, options().withProbe(false)).run().getSpec().getNatFindings()).isEmpty();
    }
}
