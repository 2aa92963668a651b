package io.wgfleet.operator;

import static io.wgfleet.testing.Peers.node;
import static io.wgfleet.testing.Peers.peer;
import static io.wgfleet.testing.Reports.arrivals;
import static io.wgfleet.testing.Reports.nftDrop;
import static io.wgfleet.testing.Reports.probe;
import static io.wgfleet.testing.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.testing.Reports;
import io.wgfleet.testing.TestClock;
import io.wgfleet.testing.ApiReads;
import io.wgfleet.testing.TestKeys;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rounds, Jobs and reports to status, against the mock API server. The test plays the
 * kubelet and the node agent: it writes each node's report and marks the Job finished.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReportsToStatusTest {

    static final String AGENT_NS = "wgfleet-system";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    TestClock clock;

    String ns;
    String tag;

    @BeforeEach
    void namespace() {
        tag = UUID.randomUUID().toString().substring(0, 6);
        ns = "r-" + tag;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    @AfterEach
    void cleanUp() {
        // free the concurrency slots and the nodes for the next test
        client.resources(WireGuardPeer.class).inNamespace(ns).delete();
        client.batch().v1().jobs().inNamespace(AGENT_NS).delete();
        client.nodes().withLabel("site", tag).delete();
        clock.reset();
    }

    String addNode(String name) {
        String n = name + "-" + tag;
        client.nodes().resource(node(n, Map.of("site", tag))).create();
        return n;
    }

    // --- Jobs ---------------------------------------------------------------------

    @Test
    void oneJobPerNodePerRoundAndNoMoreThanTheBoundAtOnce() {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add("n" + i + "-" + tag);
        }
        // The peers first, then their nodes: each node's four peers already exist when the node
        // appears, so what is asserted does not depend on 20 creations fitting in one batch delay
        // (on a loaded machine they did not, and the first Job held three of its four peers).
        for (int i = 0; i < 20; i++) {
            client.resource(peer(ns, "p" + i, nodes.get(i % 5), "wg0", "10.8." + i + ".0/24")).create();
        }
        for (int i = 0; i < 5; i++) {
            addNode("n" + i);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs().size() == 3);
        // and stays there for a second: max-concurrent-jobs=3 in the test profile
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> jobs().size() == 3);
        assertThat(jobs()).hasSize(3);
        assertThat(jobs()).extracting(this::jobNode).doesNotHaveDuplicates();
        Job first = jobs().get(0);
        String firstNode = jobNode(first);
        int index = nodes.indexOf(firstNode);
        assertThat(first.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .containsSubsequence("--peers", List.of(0, 1, 2, 3).stream().map(k -> ns + "/p" + (index + 5 * k))
                        .sorted().collect(Collectors.joining(",")));

        for (Job j : jobs()) {
            finish(j, true);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs().size() == 5);
        assertThat(jobs()).extracting(this::jobNode).containsExactlyInAnyOrderElementsOf(nodes);
    }

    @Test
    void specChangeAnnotationAndIntervalEachStartARound() {
        String n = addNode("gw");
        WireGuardPeer p = clientPeer("to-server", n, TestKeys.key());
        client.resource(p).create();
        Job first = awaitJobs(n, 1).get(0);
        agentReports(n, healthyClient(n, p), first);
        WireGuardPeer connected = awaitReady(p, "True", "Connected");
        assertThat(condition(connected, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
        assertThat(connected.getStatus().getDiagnosisRound().getTrigger()).isEqualTo("FirstDiagnosis");
        assertThat(connected.getStatus().getNodes()).singleElement().satisfies(s -> {
            assertThat(s.getRxBytes()).isEqualTo(348L);
            assertThat(s.getEndpoint()).isEqualTo("192.0.2.1:51820");
        });

        // annotation: a new round; meanwhile the verdict from the last report stands and the
        // status is not rewritten (a re-check of a standing verdict writes once, at its end)
        edit(p, x -> x.getMetadata().setAnnotations(Map.of(WireGuardPeer.DIAGNOSE_ANNOTATION, "1")));
        Job second = awaitJobs(n, 2).get(1);
        WireGuardPeer during = get(p);
        assertThat(condition(during, ConditionType.READY).getStatus()).isEqualTo("True");
        assertThat(condition(during, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
        assertThat(during.getStatus().getDiagnosisRound().getTrigger()).isEqualTo("FirstDiagnosis");
        agentReports(n, healthyClient(n, p), second);
        await().until(() -> get(p).getStatus().getDiagnosisRound().getTrigger().equals("Requested"));
        assertThat(get(p).getStatus().getDiagnosisRound().getComplete()).isTrue();

        // spec change: a new round whose verdict waits for new evidence
        edit(p, x -> {
            x.getSpec().setDiagnosis(new io.wgfleet.api.v1alpha1.DiagnosisSettings());
            x.getSpec().getDiagnosis().setInterval("10m");
        });
        Job third = awaitJobs(n, 3).get(2);
        WireGuardPeer pending = awaitReady(p, "Unknown", "DiagnosticPending");
        assertThat(pending.getStatus().getDiagnosisRound().getTrigger()).isEqualTo("SpecChanged");
        agentReports(n, healthyClient(n, p), third);
        awaitReady(p, "True", "Connected");

        // interval (now 10m): move the clock, then any event looks again
        clock.advance(Duration.ofMinutes(11));
        edit(p, x -> x.getMetadata().setAnnotations(Map.of(WireGuardPeer.DIAGNOSE_ANNOTATION, "1", "touch", "1")));
        Job fourth = awaitJobs(n, 4).get(3);
        agentReports(n, healthyClient(n, p), fourth);
        await().until(() -> get(p).getStatus().getDiagnosisRound().getTrigger().equals("IntervalElapsed"));
    }

    @Test
    void bothEndsOfAnInFleetTunnelStartTogether() {
        String a = addNode("a");
        String b = addNode("b");
        Pair pair = pair(a, b);
        await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(a).size() == 1 && jobsOf(b).size() == 1);
        Instant ta = Instant.parse(jobsOf(a).get(0).getMetadata().getAnnotations().get("wgfleet.io/round-started-at"));
        Instant tb = Instant.parse(jobsOf(b).get(0).getMetadata().getAnnotations().get("wgfleet.io/round-started-at"));
        assertThat(Duration.between(ta, tb).abs()).isLessThan(Duration.ofSeconds(2));
        assertThat(pair.client.getSpec().getRemotePeerRef().getName()).isEqualTo(pair.server.getMetadata().getName());
    }

    // --- reports to status ----------------------------------------------------------

    record Pair(WireGuardPeer client, WireGuardPeer server, String clientKey, String serverKey) {
    }

    /** wgc on node a initiates to wgs on node b; each declares the other with remotePeerRef. */
    Pair pair(String a, String b) {
        return pair(a, b, server -> {
        });
    }

    Pair pair(String a, String b, java.util.function.Consumer<WireGuardPeer> serverChange) {
        String clientKey = TestKeys.key();
        String serverKey = TestKeys.key();
        WireGuardPeer toServer = peer(ns, "to-server", a, "wg0", "10.77.0.1/32");
        toServer.getSpec().setPublicKey(serverKey);
        toServer.getSpec().setEndpoint("192.0.2.1:51820");
        toServer.getSpec().setProbeAddress("10.77.0.1");
        toServer.getSpec().setRemotePeerRef(new PeerRef("to-client", null));
        WireGuardPeer toClient = peer(ns, "to-client", b, "wg0", "10.77.0.2/32");
        toClient.getSpec().setPublicKey(clientKey);
        toClient.getSpec().setRemotePeerRef(new PeerRef("to-server", null));
        serverChange.accept(toClient);
        client.resource(toServer).create();
        client.resource(toClient).create();
        return new Pair(toServer, toClient, clientKey, serverKey);
    }

    WireGuardNodeReport clientSide(String node, Pair p, boolean healthy) {
        Instant now = clock.instant();
        long hs = healthy ? now.getEpochSecond() - 5 : 0;
        WireGuardNodeReport r = report(node, now, "wg0", p.clientKey(), 51821, "192.0.2.2/24", "10.77.0.2/24",
                List.of(Reports.peer(p.serverKey(), "192.0.2.1:51820", "10.77.0.1/32", hs, healthy ? 348 : 0, healthy ? 404 : 148)));
        r.getSpec().getHandshakeProbes().add(probe("wg0", p.serverKey(), "10.77.0.1", now.minusSeconds(6), healthy));
        return r;
    }

    WireGuardNodeReport serverSide(String node, Pair p, boolean healthy, boolean dropRule) {
        Instant now = clock.instant();
        long hs = healthy ? now.getEpochSecond() - 5 : 0;
        WireGuardNodeReport r = report(node, now, "wg0", p.serverKey(), 51820, "192.0.2.1/24", "10.77.0.1/24",
                List.of(Reports.peer(p.clientKey(), healthy ? "192.0.2.2:51821" : null, "10.77.0.2/32", hs, healthy ? 404 : 0, healthy ? 348 : 0)));
        r.getSpec().getArrivals().add(arrivals(51820, "192.0.2.2", dropRule ? 1 : 3));
        if (dropRule) {
            r.getSpec().getFirewallFindings().add(nftDrop(51820, 7));
        }
        return r;
    }

    @Test
    void aHealthyPairIsConnectedOnBothEnds() {
        String a = addNode("a");
        String b = addNode("b");
        Pair p = pair(a, b);
        await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(a).size() == 1 && jobsOf(b).size() == 1);
        agentReports(b, serverSide(b, p, true, false), jobsOf(b).get(0));
        agentReports(a, clientSide(a, p, true), jobsOf(a).get(0));

        WireGuardPeer c = awaitReady(p.client(), "True", "Connected");
        WireGuardPeer s = awaitReady(p.server(), "True", "Connected");
        assertThat(condition(c, ConditionType.HANDSHAKE_SUCCEEDED).getStatus()).isEqualTo("True");
        assertThat(c.getStatus().getLatestHandshakeTime()).isNotNull();
        assertThat(c.getStatus().getLastDiagnosisTime()).isNotNull();
        assertThat(s.getStatus().getNodes().get(0).getRxBytes()).isEqualTo(404L);

        // metrics in the exporters' format, with the report's values
        String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metrics).containsPattern("wireguard_peer_receive_bytes_total\\{[^}]*name=\"to-server\"[^}]*node=\"" + a + "\"[^}]*} 348\\.0");
        assertThat(metrics).containsPattern("wireguard_peer_transmit_bytes_total\\{[^}]*name=\"to-server\"[^}]*} 404\\.0");
        assertThat(metrics).containsPattern("wireguard_peer_last_handshake_timestamp_seconds\\{[^}]*name=\"to-server\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("wgfleet_peer_ready\\{[^}]*name=\"to-server\"[^}]*} 1\\.0");
        assertThat(metrics).containsPattern("wgfleet_peer_root_cause\\{[^}]*name=\"to-server\"[^}]*reason=\"Connected\"[^}]*} 1\\.0");
        assertThat(metrics).contains("wgfleet_jobs_started_total", "wgfleet_diagnosis_duration_seconds_bucket");
        assertThat(metrics).doesNotContain(p.clientKey()).doesNotContain(p.serverKey());
        // JOSDK's own series are per controller, never per resource (thousands of peers would mean thousands of timers)
        assertThat(metrics.lines().filter(l -> l.startsWith("operator_sdk_"))).isNotEmpty()
                .noneMatch(l -> l.contains("to-server") || l.contains("to-client"));

        // a deleted peer's series go with it
        client.resources(WireGuardPeer.class).inNamespace(ns).withName("to-server").delete();
        String series = "name=\"to-server\",namespace=\"" + ns + "\"";
        assertThat(metrics).contains(series);
        await().atMost(Duration.ofSeconds(15)).until(() -> !RestAssured.get("/q/metrics").asString().contains(series));
        assertThat(RestAssured.get("/q/metrics").asString()).containsPattern("wgfleet_peer_ready\\{[^}]*name=\"to-client\"");
    }

    @Test
    void aBlockedPortOnTheResponderIsUdpPortBlockedNamingTheRuleAndEventsFireOncePerTransition() {
        String a = addNode("a");
        String b = addNode("b");
        Pair p = pair(a, b);
        await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(a).size() == 1 && jobsOf(b).size() == 1);
        agentReports(b, serverSide(b, p, false, true), jobsOf(b).get(0));
        agentReports(a, clientSide(a, p, false), jobsOf(a).get(0));

        WireGuardPeer c = awaitReady(p.client(), "False", "UDPPortBlocked");
        assertThat(condition(c, ConditionType.READY).getMessage()).contains("inet filter input handle 7", "51820");
        assertThat(condition(c, ConditionType.HANDSHAKE_SUCCEEDED).getStatus()).isEqualTo("False");
        assertThat(c.getStatus().getRootCause().getRemediation().get(0)).contains("nft delete rule inet filter input handle 7");
        // Stalled=False is no verdict: a neutral reason, not the root cause
        assertThat(condition(c, ConditionType.STALLED).getStatus()).isEqualTo("False");
        assertThat(condition(c, ConditionType.STALLED).getReason()).isEqualTo("NotStalled");

        // reconciling again (an unrelated annotation) records no second Event
        edit(p.client(), x -> x.getMetadata().setAnnotations(Map.of("example.com/touch", "1")));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<Event> blocked = events(p.client()).stream().filter(e -> "UDPPortBlocked".equals(e.getReason())).toList();
            assertThat(blocked).isNotEmpty().allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getCount()).isEqualTo(1);
            });
        });
    }

    // --- the other end: undiagnosable declarations, undeclared in-fleet ends ------------

    @Test
    void aRemoteEndWithAnInvalidSpecDoesNotHoldThisEndBack() {
        String a = addNode("a");
        String b = addNode("b");
        // valid for the schema, rejected by the operator: the probe address is outside AllowedIPs
        Pair p = pair(a, b, server -> server.getSpec().setProbeAddress("10.99.0.9"));
        awaitReady(p.server(), "False", "InvalidSpec");
        Job job = await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(a), j -> !j.isEmpty()).get(0);
        agentReports(a, clientSide(a, p, false), job);

        WireGuardPeer c = awaitUntil(p.client(), x -> !"DiagnosticPending".equals(condition(x, ConditionType.READY).getReason())
                && "False".equals(condition(x, ConditionType.RECONCILING).getStatus()));
        assertThat(condition(c, ConditionType.READY).getMessage())
                .contains("Diagnosed from this end only", ns + "/to-client", "invalid spec", "spec.probeAddress");
        assertThat(c.getStatus().getRootCause().getEvidence().get(0)).contains(ns + "/to-client");
        assertThat(jobsOf(b)).as("the invalid end's node runs no Job for it").isEmpty();
    }

    @Test
    void aRemotePeerRefThatNamesNothingIsSaidAndThisEndIsDiagnosed() {
        String a = addNode("a");
        WireGuardPeer p = clientPeer("to-server", a, TestKeys.key());
        p.getSpec().setRemotePeerRef(new PeerRef("nobody", null));
        client.resource(p).create();
        agentReports(a, healthyClient(a, p), awaitJobs(a, 1).get(0));

        WireGuardPeer c = awaitReady(p, "True", "Connected");
        assertThat(condition(c, ConditionType.READY).getMessage()).contains("spec.remotePeerRef names " + ns + "/nobody", "does not exist");
    }

    @Test
    void anUndeclaredRemoteEndIsFoundByItsNodeAddressAndCorrelated() {
        String a = addNode("a");
        String b = "b-" + tag;
        io.fabric8.kubernetes.api.model.Node nodeB = node(b, Map.of("site", tag));
        nodeB.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .addNewAddress().withType("InternalIP").withAddress("192.0.2.1").endAddress().build());
        client.nodes().resource(nodeB).create();
        // only this end is declared: no remotePeerRef, no WireGuardPeer on node b
        String clientKey = TestKeys.key();
        String serverKey = TestKeys.key();
        WireGuardPeer toServer = clientPeer("to-server", a, serverKey);
        client.resource(toServer).create();
        Pair keys = new Pair(toServer, null, clientKey, serverKey);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jobs()).extracting(this::jobNode)
                .as("the round runs on this end's node and on the node the endpoint belongs to").containsExactlyInAnyOrder(a, b));
        agentReports(a, clientSide(a, keys, false), jobsOf(a).get(0));
        agentReports(b, serverSide(b, keys, false, true), jobsOf(b).get(0));

        WireGuardPeer c = awaitReady(toServer, "False", "UDPPortBlocked");
        assertThat(condition(c, ConditionType.READY).getMessage()).contains("Remote end found", "192.0.2.1:51820", "node " + b);
        assertThat(c.getStatus().getRootCause().getEvidence()).anySatisfy(e -> assertThat(e).contains("node " + b));
    }

    // --- NAT measured by the fleet ---------------------------------------------------------

    /**
     * The client (node a, 100.64.0.2, port 51821, no keepalive) sits behind a NAT. Its server b
     * sees it as 203.0.113.7:40001; a second server c, which declares the client too, sees it as
     * 203.0.113.7:40002. Both verdicts of the tunnel a-b say what c's report shows: the mapping
     * varies by destination. Without c's entry b's view alone is a NAT rewriting the port.
     */
    @Test
    void aSecondServerOfTheClientShowsItsNatMappingVariesByDestination() {
        String a = addNode("a");
        String b = addNode("b");
        String c = addNode("c");
        Pair p = pair(a, b);
        String secondServerKey = TestKeys.key();
        WireGuardPeer onC = peer(ns, "to-client-2", c, "wg0", "10.77.0.2/32");
        onC.getSpec().setPublicKey(p.clientKey());
        client.resource(onC).create();
        await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(a).size() == 1 && jobsOf(b).size() == 1 && jobsOf(c).size() == 1);

        long hs = clock.instant().getEpochSecond() - 5;
        agentReports(c, report(c, clock.instant(), "wg0", secondServerKey, 51820, "198.51.100.1/24", "10.77.0.3/24",
                List.of(Reports.peer(p.clientKey(), "203.0.113.7:40002", "10.77.0.2/32", hs, 404, 348))), jobsOf(c).get(0));
        agentReports(b, report(b, clock.instant(), "wg0", p.serverKey(), 51820, "192.0.2.1/24", "10.77.0.1/24",
                List.of(Reports.peer(p.clientKey(), "203.0.113.7:40001", "10.77.0.2/32", hs, 404, 348))), jobsOf(b).get(0));
        WireGuardNodeReport clientReport = report(a, clock.instant(), "wg0", p.clientKey(), 51821, "100.64.0.2/24", "10.77.0.2/24",
                List.of(Reports.peer(p.serverKey(), "192.0.2.1:51820", "10.77.0.1/32", hs, 348, 404),
                        Reports.peer(secondServerKey, "198.51.100.1:51820", "10.77.0.3/32", hs, 348, 404)));
        clientReport.getSpec().getHandshakeProbes().add(probe("wg0", p.serverKey(), "10.77.0.1", clock.instant().minusSeconds(6), true));
        agentReports(a, clientReport, jobsOf(a).get(0));

        String measured = "NAT in front of " + a + ", measured: " + b + " sees " + a + " as 203.0.113.7:40001";
        for (WireGuardPeer end : List.of(p.client(), p.server())) {
            WireGuardPeer x = awaitUntil(end, y -> y.getStatus().getRootCause() != null
                    && y.getStatus().getRootCause().getEvidence().stream().anyMatch(e -> e.contains(measured)));
            String nat = x.getStatus().getRootCause().getEvidence().stream().filter(e -> e.contains(measured)).findFirst().orElseThrow();
            assertThat(nat).as(end.getMetadata().getName())
                    .contains(c + " sees " + a + " as 203.0.113.7:40002", ": NAT whose mapping varies by destination");
        }
        // no keepalive behind a proven NAT: an advisory on the client's Connected verdict
        WireGuardPeer toServer = awaitReady(p.client(), "True", "Connected");
        assertThat(toServer.getStatus().getRootCause().getAdditionalFindings()).extracting(f -> f.getReason()).contains("KeepaliveMissing");
    }

    @Test
    void aFailedJobIsDiagnosticFailedNamingTheNode() {
        String n = addNode("gw");
        WireGuardPeer p = clientPeer("to-server", n, TestKeys.key());
        client.resource(p).create();
        Job job = awaitJobs(n, 1).get(0);
        finish(job, false);

        WireGuardPeer failed = awaitReady(p, "Unknown", "DiagnosticFailed");
        assertThat(condition(failed, ConditionType.HANDSHAKE_SUCCEEDED).getStatus()).isEqualTo("Unknown");
        assertThat(condition(failed, ConditionType.HANDSHAKE_SUCCEEDED).getReason()).isEqualTo("DiagnosticFailed");
        assertThat(condition(failed, ConditionType.READY).getMessage()).contains(n, "DeadlineExceeded");
    }

    @Test
    void aNodeDeletedDuringItsRoundIsDiagnosticFailedNamingTheNode() {
        String n = addNode("gw");
        WireGuardPeer p = clientPeer("to-server", n, TestKeys.key());
        client.resource(p).create();
        awaitJobs(n, 1);
        awaitReady(p, "Unknown", "DiagnosticPending");
        client.nodes().withName(n).delete();

        WireGuardPeer failed = awaitReady(p, "Unknown", "DiagnosticFailed");
        assertThat(condition(failed, ConditionType.READY).getMessage()).contains("node " + n, "deleted");
    }

    @Test
    void anOldReportIsStaleAndNotPresentedAsFresh() {
        String n = addNode("gw");
        WireGuardPeer p = clientPeer("to-server", n, TestKeys.key());
        client.resource(p).create();
        agentReports(n, healthyClient(n, p), awaitJobs(n, 1).get(0));
        awaitReady(p, "True", "Connected");

        clock.advance(Duration.ofMinutes(20)); // the next round's Job never finishes
        edit(p, x -> x.getMetadata().setAnnotations(Map.of("example.com/touch", "1")));
        WireGuardPeer stale = awaitReady(p, "Unknown", "DiagnosticPending");
        assertThat(condition(stale, ConditionType.READY).getMessage()).containsIgnoringCase("stale");
        assertThat(condition(stale, ConditionType.RECONCILING).getStatus()).isEqualTo("True");
    }

    @Test
    void apiCallsOfOneRoundFor100PeersOn10Nodes() throws Exception {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(addNode("c" + i));
        }
        drain();
        List<WireGuardPeer> peers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            WireGuardPeer p = clientPeer("p" + i, nodes.get(i % 10), TestKeys.key());
            p.getSpec().setAllowedIPs(List.of("10.77." + i + ".1/32"));
            p.getSpec().setProbeAddress("10.77." + i + ".1");
            client.resource(p).create();
            peers.add(p);
        }
        // play the kubelet until every node has reported once
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Job j : jobs()) {
                if (j.getStatus() == null || j.getStatus().getConditions() == null || j.getStatus().getConditions().isEmpty()) {
                    String n = jobNode(j);
                    List<io.wgfleet.api.v1alpha1.PeerReport> lines = new ArrayList<>();
                    for (WireGuardPeer p : peers) {
                        if (p.getSpec().getNodeName().equals(n)) {
                            lines.add(Reports.peer(p.getSpec().getPublicKey(), "192.0.2.1:51820", p.getSpec().getAllowedIPs().get(0),
                                    clock.instant().getEpochSecond() - 5, 348, 404));
                        }
                    }
                    WireGuardNodeReport r = report(n, clock.instant(), "wg0", TestKeys.key(), 51821, "192.0.2.2/24", "10.77.200.2/16", lines);
                    agentReports(n, r, j);
                }
            }
            return peers.stream().allMatch(p -> {
                WireGuardPeer x = get(p);
                return x.getStatus() != null && x.getStatus().getDiagnosisRound() != null
                        && Boolean.TRUE.equals(x.getStatus().getDiagnosisRound().getComplete());
            });
        });
        // let the last status writes land: until a second passes without a write
        List<RecordedRequest> recorded = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<RecordedRequest> batch = drain();
            recorded.addAll(batch);
            return batch.stream().allMatch(r -> "GET".equals(r.getMethod()));
        });
        Map<String, Long> byKind = new TreeMap<>();
        for (RecordedRequest r : recorded) {
            String path = r.getPath().replaceAll("\\?.*", "");
            String kind = path.contains("/jobs") ? "jobs" : path.contains("/events") ? "events"
                    : path.contains("/wireguardnodereports") ? "nodereports(test agent)"
                    : path.endsWith("/status") ? "peer status" : path.contains("/wireguardpeers") ? "peers" : "other";
            byKind.merge(r.getMethod() + " " + kind, 1L, Long::sum);
        }
        System.out.println("API calls for one round of 100 peers on 10 nodes: " + byKind);
        long operatorCalls = byKind.entrySet().stream()
                .filter(e -> !e.getKey().contains("test agent") && !e.getKey().startsWith("GET") && !e.getKey().contains("POST peers"))
                .filter(e -> !(e.getKey().equals("PUT jobs") || e.getKey().equals("PATCH jobs")))
                .mapToLong(Map.Entry::getValue).sum();
        // one Job per node, plus a follow-up round for peers created after their node's Job had
        // started; a few status writes per peer (pending, then the verdict; peers of a follow-up
        // round more); one Event per peer (the verdict: the first DiagnosticPending and the
        // states inside the round record none)
        assertThat(byKind.getOrDefault("POST jobs", 0L)).isBetween(10L, 20L);
        assertThat(byKind.getOrDefault("POST events", 0L) + byKind.getOrDefault("PATCH events", 0L)).isLessThanOrEqualTo(100L);
        assertThat(operatorCalls).isLessThan(700);
    }

    // --- helpers ---------------------------------------------------------------------

    WireGuardPeer clientPeer(String name, String node, String serverKey) {
        WireGuardPeer p = peer(ns, name, node, "wg0", "10.77.0.1/32");
        p.getSpec().setPublicKey(serverKey);
        p.getSpec().setEndpoint("192.0.2.1:51820");
        p.getSpec().setProbeAddress("10.77.0.1");
        return p;
    }

    WireGuardNodeReport healthyClient(String node, WireGuardPeer p) {
        Instant now = clock.instant();
        WireGuardNodeReport r = report(node, now, "wg0", TestKeys.key(), 51821, "192.0.2.2/24", "10.77.0.2/24",
                List.of(Reports.peer(p.getSpec().getPublicKey(), "192.0.2.1:51820", "10.77.0.1/32", now.getEpochSecond() - 5, 348, 404)));
        r.getSpec().getHandshakeProbes().add(probe("wg0", p.getSpec().getPublicKey(), "10.77.0.1", now.minusSeconds(6), true));
        return r;
    }

    /** What the agent and the kubelet do at the end of a round: write the report, then finish the Job. */
    void agentReports(String node, WireGuardNodeReport r, Job job) {
        WireGuardNodeReport existing = client.resources(WireGuardNodeReport.class).withName(node).get();
        if (existing == null) {
            client.resource(r).create();
        } else {
            existing.setSpec(r.getSpec());
            client.resource(existing).update();
        }
        finish(job, true);
    }

    void finish(Job job, boolean ok) {
        Job j = client.batch().v1().jobs().inNamespace(AGENT_NS).withName(job.getMetadata().getName()).get();
        JobStatus st = new JobStatus();
        st.setConditions(List.of(new JobConditionBuilder().withType(ok ? "Complete" : "Failed").withStatus("True")
                .withReason(ok ? null : "DeadlineExceeded")
                .withMessage(ok ? null : "Job was active longer than specified deadline").build()));
        st.setSucceeded(ok ? 1 : 0);
        st.setFailed(ok ? 0 : 1);
        j.setStatus(st);
        client.batch().v1().jobs().inNamespace(AGENT_NS).resource(j).updateStatus();
    }

    List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(AGENT_NS).list().getItems().stream()
                .filter(j -> jobNode(j).endsWith("-" + tag))
                .sorted(java.util.Comparator.comparing(j -> j.getMetadata().getAnnotations().get("wgfleet.io/round-started-at")))
                .toList();
    }

    List<Job> jobsOf(String node) {
        return jobs().stream().filter(j -> node.equals(jobNode(j))).toList();
    }

    List<Job> awaitJobs(String node, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(node).size() >= count);
        return jobsOf(node);
    }

    String jobNode(Job j) {
        return j.getMetadata().getAnnotations().get(DiagnosticJobFactory.NODE_ANNOTATION);
    }

    WireGuardPeer get(WireGuardPeer p) {
        return client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).get();
    }

    /**
     * A user's edit: read, change, write with the read resourceVersion. The operator may patch the
     * status in between, and the API server then answers 409; like `kubectl edit`, read again.
     */
    void edit(WireGuardPeer p, java.util.function.Consumer<WireGuardPeer> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .edit(x -> {
                            change.accept(x);
                            return x;
                        });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    WireGuardPeer awaitUntil(WireGuardPeer p, Predicate<WireGuardPeer> ok) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(p), x -> x != null && x.getStatus() != null && x.getStatus().getConditions().size() == 6 && ok.test(x));
    }

    WireGuardPeer awaitReady(WireGuardPeer p, String status, String reason) {
        return awaitUntil(p, x -> status.equals(condition(x, ConditionType.READY).getStatus())
                && reason.equals(condition(x, ConditionType.READY).getReason()));
    }

    WireGuardPeer awaitReconciling(WireGuardPeer p, String status) {
        return awaitUntil(p, x -> status.equals(condition(x, ConditionType.RECONCILING).getStatus()));
    }

    static Condition condition(WireGuardPeer p, ConditionType type) {
        return ApiReads.condition(p, type);
    }

    List<Event> events(WireGuardPeer p) {
        return ApiReads.events(client, p);
    }

    List<RecordedRequest> drain() throws InterruptedException {
        return ApiReads.drain(server.getKubernetesMockServer());
    }
}
