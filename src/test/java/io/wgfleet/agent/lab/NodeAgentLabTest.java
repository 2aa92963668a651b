package io.wgfleet.agent.lab;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.wgfleet.agent.ReportProbes;
import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.api.v1alpha1.FirewallFinding;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.PortArrivals;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.lab.LabNetwork;
import io.wgfleet.lab.LabNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real agent against real wireguard-go in network namespaces: a server (responder) and a
 * client (initiator) on a veth, both agents running at once as their Jobs would. Traffic stays
 * inside the lab namespaces.
 */
@EnabledIf("io.wgfleet.lab.LabEnvironment#available")
@EnableKubernetesMockClient(crud = true)
class NodeAgentLabTest {

    static KubernetesClient client;

    static LabNetwork lab;
    static LabNode server;
    static LabNode client0;
    static LabNode.WireGuard sWg;
    static LabNode.WireGuard cWg;
    static String serverVeth;

    @BeforeAll
    static void up() throws Exception {
        lab = new LabNetwork();
        try {
            server = lab.node("s");
            client0 = lab.node("c");
            serverVeth = lab.link(server, "192.0.2.1/24", client0, "192.0.2.2/24")[0];
            sWg = server.startWireGuard("wg0", 51820, "10.77.0.1/24");
            cWg = client0.startWireGuard("wg0", 51821, "10.77.0.2/24");
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void freshPeersAndDeclarations() {
        server.clearPeers("wg0");
        client0.clearPeers("wg0");
        server.exec("wg", "set", "wg0", "peer", cWg.publicKey(), "allowed-ips", "10.77.0.2/32");
        client0.exec("wg", "set", "wg0", "peer", sWg.publicKey(), "endpoint", "192.0.2.1:51820", "allowed-ips", "10.77.0.0/24");
        declare("server-side", "lab-s", cWg.publicKey(), null, "10.77.0.2/32", null);
        declare("client-side", "lab-c", sWg.publicKey(), "192.0.2.1:51820", "10.77.0.0/24", "10.77.0.1");
    }

    @AfterEach
    void noAgentTableLeftAndNoDeclarations() {
        for (LabNode n : List.of(server, client0)) {
            assertThat(n.tryExec("nft", "list", "table", "inet", "wgfleet_probe").succeeded())
                    .as("wgfleet_probe left in " + n.namespace).isFalse();
        }
        server.tryExec("nft", "delete", "table", "inet", "wgfault");
        client.resources(WireGuardPeer.class).inAnyNamespace().delete();
    }

    static void declare(String name, String node, String pub, String endpoint, String allowed, String probe) {
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace("lab").withName(name).build());
        WireGuardPeerSpec s = new WireGuardPeerSpec();
        s.setInterfaceName("wg0");
        s.setNodeName(node);
        s.setPublicKey(pub);
        s.setEndpoint(endpoint);
        s.setAllowedIPs(List.of(allowed));
        s.setProbeAddress(probe);
        p.setSpec(s);
        client.resource(p).create();
    }

    /** Both agents at once; the responder's counter goes in before the initiator provokes, as the operator must order them. */
    static WireGuardNodeReportSpec[] runBoth() throws Exception {
        CountDownLatch serverCounting = new CountDownLatch(1);
        CommandRunner serverRunner = (argv, stdin, timeout) -> {
            CommandResult r = server.runner().run(argv, stdin, timeout);
            if (argv.equals(List.of("nft", "-f", "-"))) {
                serverCounting.countDown();
            }
            return r;
        };
        CompletableFuture<WireGuardNodeReportSpec> s = CompletableFuture.supplyAsync(() -> run(serverRunner, "lab-s"));
        assertThat(serverCounting.await(20, TimeUnit.SECONDS)).as("server agent installed its counter").isTrue();
        CompletableFuture<WireGuardNodeReportSpec> c = CompletableFuture.supplyAsync(() -> run(client0.runner(), "lab-c"));
        return new WireGuardNodeReportSpec[]{s.get(60, TimeUnit.SECONDS), c.get(60, TimeUnit.SECONDS)};
    }

    static WireGuardNodeReportSpec run(CommandRunner runner, String node) {
        try {
            return new NodeAgent(client, runner, Clock.systemUTC(), AgentOptions.forNode(node)).run().getSpec();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String rulesetWithoutCounters(LabNode n) {
        return n.exec("nft", "list", "ruleset").replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    @Test
    void healthyPairHandshakesAndMtuIsTheTunnels() throws Exception {
        WireGuardNodeReportSpec[] r = runBoth();
        HandshakeProbe c = ReportProbes.of(r[1]).get(0);
        assertThat(c.getError()).isNull();
        assertThat(c.getHandshakeCompleted()).isTrue();
        assertThat(c.getReplied()).isTrue();
        assertThat(c.getRxDelta()).isPositive();
        assertThat(c.getWaitedMillis()).isBetween(5400L, 9000L);
        PortArrivals a = r[0].getArrivals().get(0);
        assertThat(a.getPort()).isEqualTo(51820);
        assertThat(a.getSources()).anySatisfy(src -> {
            assertThat(src.getAddress()).isEqualTo("192.0.2.2");
            assertThat(src.getPackets()).isPositive();
        });
        // wireguard-go's MTU is 1420: 1392 bytes of ICMP payload + 28 of headers fill it exactly
        assertThat(r[1].getMtuProbes()).singleElement().satisfies(m -> {
            assertThat(m.getLargestPassingPayload()).isEqualTo(1392);
            assertThat(m.getSmallestFailingPayload()).isNull();
        });
        assertThat(r[0].getInterfaces().get(0).getUdpSocketBound()).isTrue();
        assertThat(r[0].getFirewallFindings()).isEmpty();
        // the route to 10.77.0.1 leaves through wg0, whose peer claims it: expected, so not reported
        assertThat(r[1].getRoutes()).noneSatisfy(rt -> assertThat(rt.getDestination()).isEqualTo("10.77.0.1"));
        assertThat(r[0].getCollectionErrors()).isEmpty();
        assertThat(r[1].getCollectionErrors()).isEmpty();
    }

    @Test
    void nftDropOnTheResponderIsNamedAndArrivalsStillCountedWithoutChangingItsVerdict() throws Exception {
        server.execWithInput("""
                table inet wgfault {
                  chain in { type filter hook input priority 0; policy accept; udp dport 51820 counter drop; }
                }
                """, "nft", "-f", "-");
        String handle = server.exec("nft", "-a", "list", "chain", "inet", "wgfault", "in").lines()
                .filter(l -> l.contains("drop")).map(l -> l.replaceAll(".*# handle (\\d+).*", "$1")).findFirst().orElseThrow();
        String rulesBefore = rulesetWithoutCounters(server);

        WireGuardNodeReportSpec[] r = runBoth();

        assertThat(r[0].getFirewallFindings()).singleElement().satisfies((FirewallFinding f) -> {
            assertThat(f.getBackend()).isEqualTo("nftables");
            assertThat(f.getTable()).isEqualTo("wgfault");
            assertThat(f.getChain()).isEqualTo("in");
            assertThat(f.getHandle()).isEqualTo(Long.parseLong(handle));
            assertThat(f.getVerdict()).isEqualTo("drop");
            assertThat(f.getPort()).isEqualTo(51820);
        });
        assertThat(r[0].getArrivals().get(0).getPackets()).isPositive();
        HandshakeProbe c = ReportProbes.of(r[1]).get(0);
        assertThat(c.getTxDelta()).isPositive();
        assertThat(c.getRxDelta()).isZero();
        assertThat(c.getHandshakeCompleted()).isFalse();
        assertThat(r[1].getMtuProbes()).isEmpty();
        // the node's own rules: unchanged, and still dropping (the responder never heard the client)
        assertThat(rulesetWithoutCounters(server)).isEqualTo(rulesBefore);
        assertThat(r[0].getInterfaces().get(0).getPeers().get(0).getRxBytes()).isZero();
        assertThat(server.exec("nft", "list", "chain", "inet", "wgfault", "in")).containsPattern("counter packets [1-9]");
    }

    @Test
    void wrongEndpointPortLeavesTheResponderSilent() throws Exception {
        client0.exec("wg", "set", "wg0", "peer", sWg.publicKey(), "endpoint", "192.0.2.1:51999");
        WireGuardNodeReportSpec[] r = runBoth();
        HandshakeProbe c = ReportProbes.of(r[1]).get(0);
        assertThat(c.getTxDelta()).isPositive();
        assertThat(c.getRxDelta()).isZero();
        assertThat(c.getHandshakeCompleted()).isFalse();
        assertThat(r[1].getInterfaces().get(0).getPeers().get(0).getEndpoint()).isEqualTo("192.0.2.1:51999");
        assertThat(r[0].getArrivals().get(0).getPackets()).isZero();
        assertThat(r[0].getFirewallFindings()).isEmpty();
    }

    @Test
    void mtuBlackHoleOnTheReceivingLinkIsMeasured() throws Exception {
        server.exec("ip", "link", "set", serverVeth, "mtu", "1280");
        try {
            WireGuardNodeReportSpec[] r = runBoth();
            assertThat(ReportProbes.of(r[1]).get(0).getHandshakeCompleted()).isTrue();
            assertThat(r[1].getMtuProbes()).singleElement().satisfies(m -> {
                // 1280 on the wire minus 60 bytes of WireGuard over IPv4/UDP, minus 28 of inner headers
                assertThat(m.getLargestPassingPayload()).isBetween(1192 - 8, 1192);
                assertThat(m.getSmallestFailingPayload()).isBetween(1193, 1193 + 8);
                // confirmed: the failure twice, each time beside the passing control, replies counted
                assertThat(m.getControlPassed()).isTrue();
                assertThat(m.getFailureConfirmed()).isTrue();
                assertThat(m.getControlPayload()).isEqualTo(m.getLargestPassingPayload());
                assertThat(m.getRxDelta()).isPositive();
                // a veth round trip is well under a millisecond: the waits sit at the floor, not at 1 s
                assertThat(m.getRttMillis()).isPositive();
                assertThat(m.getTimeoutMillis()).isLessThan(1000);
            });
        } finally {
            server.exec("ip", "link", "set", serverVeth, "mtu", "1500");
        }
    }

    @Test
    void hostnameEndpointResolvedNowIsReportedBesideTheAddressInUse() throws Exception {
        client0.hosts("192.0.2.10 wgserver.test\n");
        client.resources(WireGuardPeer.class).inNamespace("lab").withName("client-side").edit(p -> {
            p.getSpec().setEndpoint("wgserver.test:51820");
            return p;
        });
        WireGuardNodeReportSpec c = new NodeAgent(client, client0.runner(), Clock.systemUTC(),
                AgentOptions.forNode("lab-c").withProbe(false)).run().getSpec();
        assertThat(c.getDns()).singleElement().satisfies(d -> {
            assertThat(d.getHostname()).isEqualTo("wgserver.test");
            assertThat(d.getResolved()).containsExactly("192.0.2.10");
            assertThat(d.getInUse()).isEqualTo("192.0.2.1:51820");
            assertThat(d.getError()).isNull();
        });
    }

    @Test
    void afterASigkillDuringTheWindowTheNextRunRemovesTheStaleTableAndLeavesTheRestOfTheRuleset() throws Exception {
        // something of the node's own that must survive both runs untouched
        client0.execWithInput("table inet nodeowned {\n  chain in {\n    type filter hook input priority 10; policy accept;\n"
                + "    udp dport 9 counter accept\n  }\n}\n", "nft", "-f", "-");
        String before = client0.exec("nft", "list", "ruleset");
        Path log = Files.createTempFile("wgfa-agent-", ".log");
        Process agent = startAgentProcess(log);
        try {
            awaitProbeTable(agent, log);
            agent.destroyForcibly(); // SIGKILL to our own child, by its pid: no shutdown hook runs
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(client0.tryExec("nft", "list", "table", "inet", "wgfleet_probe").succeeded())
                    .as("SIGKILL leaves the counter table behind").isTrue();

            long started = System.nanoTime();
            WireGuardNodeReportSpec next = new NodeAgent(client, client0.runner(), Clock.systemUTC(),
                    AgentOptions.forNode("lab-c").withProbeWait(Duration.ofSeconds(1))).run().getSpec();
            System.out.printf("[agent] run after SIGKILL: %d ms, %d probe(s), collection errors %s%n",
                    (System.nanoTime() - started) / 1_000_000, io.wgfleet.agent.ReportProbes.of(next).size(),
                    next.getCollectionErrors().stream().map(e -> e.getSource() + ": " + e.getMessage()).toList());
            assertThat(client0.tryExec("nft", "list", "table", "inet", "wgfleet_probe").succeeded())
                    .as("the next run removed the stale table and its own").isFalse();
            assertThat(client0.exec("nft", "list", "ruleset")).as("the rest of the ruleset").isEqualTo(before);
            assertThat(io.wgfleet.agent.ReportProbes.of(next)).as("the next run still probed").isNotEmpty();
        } finally {
            Files.deleteIfExists(log);
            if (agent.isAlive()) {
                agent.destroyForcibly();
                agent.waitFor(10, TimeUnit.SECONDS);
            }
            client0.tryExec("nft", "delete", "table", "inet", "nodeowned");
            client0.tryExec("nft", "delete", "table", "inet", "wgfleet_probe");
        }
    }

    /** The agent in its own JVM, probing from the client node with a 60 s window, its output to {@code log}. */
    private Process startAgentProcess(Path log) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "-Dkubernetes.master=" + client.getConfiguration().getMasterUrl(),
                // the mock API server speaks HTTPS with a self-signed certificate
                "-Dkubernetes.trust.certificates=true", "-Dkubernetes.request.retry.backoffLimit=0",
                "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false",
                AgentInNamespace.class.getName(), client0.namespace, client0.runDir().toString(), "lab-c", "60000");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private void awaitProbeTable(Process agent, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!client0.tryExec("nft", "list", "table", "inet", "wgfleet_probe").succeeded()) {
            if (!agent.isAlive()) {
                throw new AssertionError("agent process ended early: " + Files.readString(log).lines()
                        .filter(l -> l.contains("wgfleet") || l.contains("Exception")).limit(5).toList());
            }
            assertThat(System.currentTimeMillis()).as("table installed within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void sigtermDuringTheWindowRemovesTheCounterTable() throws Exception {
        Path log = Files.createTempFile("wgfa-agent-", ".log");
        Process agent = startAgentProcess(log);
        try {
            awaitProbeTable(agent, log);
            agent.destroy(); // SIGTERM to our own child, by its pid
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(client0.tryExec("nft", "list", "table", "inet", "wgfleet_probe").succeeded())
                    .as("table removed by the shutdown hook").isFalse();
        } finally {
            Files.deleteIfExists(log);
            if (agent.isAlive()) {
                agent.destroyForcibly();
                agent.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
