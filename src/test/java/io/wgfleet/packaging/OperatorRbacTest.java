package io.wgfleet.packaging;

import static io.wgfleet.testing.Peers.node;
import static io.wgfleet.testing.Peers.peer;
import static io.wgfleet.testing.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.testing.Reports;
import io.wgfleet.testing.TestKeys;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC in the chart is exactly what the operator uses. The operator runs
 * as built against the mock API server through a realistic flow (nodes, a remotePeerRef
 * pair, a selector peer, an invalid peer fixed and broken again, Jobs created, reports
 * written, Jobs finished); every request it makes is recorded and must be allowed by the
 * chart's rules for its service account, and every verb the chart grants must have been
 * used. The test's own requests carry their own User-Agent and are left out.
 *
 * <p>A test profile of its own gives this class a fresh application and API server, so
 * the recording starts with the operator's first request (the informers' lists and
 * watches) and holds no other test's calls.
 */
@QuarkusTest
@TestProfile(OperatorRbacTest.FreshOperator.class)
@WithKubernetesTestServer(crud = true)
class OperatorRbacTest {

    public static class FreshOperator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wgfleet.agent.namespace", ChartRbac.NAMESPACE);
        }
    }

    static final String TEST_AGENT = "wgfleet-packaging-test";

    /**
     * Grants used only on a path this flow cannot provoke on demand, each with the code
     * that takes it. Everything else the chart grants must show up in the recording.
     */
    static final Map<String, String> CONFLICT_PATHS = Map.of(
            "wgfleet-operator: wgfleet.io/wireguardpeers get",
            "JOSDK patches status with a JSON patch from its cached copy; when the API server refuses it "
                    + "(409/422, the cache was behind), ReconciliationDispatcher.conflictRetryingPatch re-reads the peer");
    static final String NS = "rbac-peers";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient operatorClient;

    KubernetesClient test;

    @AfterEach
    void cleanUp() {
        if (test != null) {
            test.resources(WireGuardPeer.class).inNamespace(NS).delete();
            test.batch().v1().jobs().inNamespace(ChartRbac.NAMESPACE).delete();
            test.nodes().withLabel("rbac-test", "true").delete();
            test.resources(WireGuardNodeReport.class).delete();
            test.close();
        }
    }

    @Test
    void everyCallTheOperatorMakesIsGrantedAndEveryGrantIsUsed() throws Exception {
        test = new KubernetesClientBuilder().withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                .withUserAgent(TEST_AGENT).build()).build();
        test.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        test.nodes().resource(node("rbac-a", Map.of("rbac-test", "true", "site", "rbac"))).create();
        test.nodes().resource(node("rbac-b", Map.of("rbac-test", "true"))).create();

        // a node-to-node pair: both ends diagnosed together
        String keyA = TestKeys.key();
        String keyB = TestKeys.key();
        WireGuardPeer toB = peer(NS, "to-b", "rbac-a", "wg0", "10.77.0.2/32");
        toB.getSpec().setPublicKey(keyB);
        toB.getSpec().setEndpoint("192.0.2.2:51820");
        toB.getSpec().setRemotePeerRef(new PeerRef("to-a", null));
        WireGuardPeer toA = peer(NS, "to-a", "rbac-b", "wg0", "10.77.0.1/32");
        toA.getSpec().setPublicKey(keyA);
        toA.getSpec().setRemotePeerRef(new PeerRef("to-b", null));
        test.resource(toB).create();
        test.resource(toA).create();
        // a site peer selected by label
        WireGuardPeer site = peer(NS, "site", null, "wg1", "10.20.0.0/16");
        site.getSpec().setNodeName(null);
        site.getSpec().setNodeSelector(Map.of("site", "rbac"));
        site.getSpec().setEndpoint("203.0.113.10:51820");
        test.resource(site).create();
        // an invalid peer: fixed, then broken the same way again, so the same Event repeats
        WireGuardPeer typo = peer(NS, "typo", "rbac-b", "wg2", "10.30.0.0/33");
        test.resource(typo).create();
        awaitReady("typo", "False");
        edit("typo", p -> p.getSpec().setAllowedIPs(List.of("10.30.0.0/24")));
        awaitReady("typo", "Unknown");

        // play the agent and the kubelet for each node's Job
        Set<String> answered = new TreeSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Job j : test.batch().v1().jobs().inNamespace(ChartRbac.NAMESPACE).list().getItems()) {
                String node = j.getMetadata().getAnnotations().get(DiagnosticJobFactory.NODE_ANNOTATION);
                if (answered.add(j.getMetadata().getName())) {
                    agentReports(node, node.equals("rbac-a") ? keyA : keyB, node.equals("rbac-a") ? keyB : keyA, j);
                }
            }
            return roundComplete("to-b") && roundComplete("to-a");
        });
        edit("typo", p -> p.getSpec().setAllowedIPs(List.of("10.30.0.0/33")));
        await().atMost(Duration.ofSeconds(20)).until(() -> events("typo").stream().anyMatch(e -> e.getCount() != null && e.getCount() > 1));
        Thread.sleep(1500); // the last status writes

        List<ApiCall> calls = operatorCalls();
        Map<String, Integer> summary = new TreeMap<>();
        calls.forEach(c -> summary.merge(c.toString(), 1, Integer::sum));
        System.out.println("operator API calls: " + summary);

        ChartRbac rbac = new ChartRbac();
        var grants = rbac.grantsTo("wgfleet-operator").stream()
                // leader election is off in tests; LeaderElectionRbacTest records the Lease calls
                .filter(g -> !g.role().equals("wgfleet-operator-leader-election"))
                .toList();
        assertThat(ChartRbac.denied(calls, grants)).as("operator calls the chart does not grant").isEmpty();
        assertThat(ChartRbac.unused(calls, grants)).as("granted to the operator but never used")
                .isSubsetOf(CONFLICT_PATHS.keySet());

        dashboardQueriesOnlyKnownMetrics();
    }

    /** Every metric the Grafana dashboard queries is one the operator exports. */
    void dashboardQueriesOnlyKnownMetrics() throws Exception {
        String metrics = RestAssured.get("/q/metrics").asString();
        String dashboard = Files.readString(HelmChart.CHART.resolve("dashboards/wgfleet.json"));
        Matcher m = Pattern.compile("\\b((?:wgfleet|wireguard)_[a-z_]+)").matcher(dashboard);
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).isNotEmpty();
        for (String name : names) {
            assertThat(metrics).as("the dashboard queries %s", name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    List<ApiCall> operatorCalls() throws InterruptedException {
        List<ApiCall> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            String agent = r.getHeader("User-Agent");
            if (agent != null && agent.startsWith(TEST_AGENT)) {
                continue;
            }
            ApiCall c = ApiCall.of(r);
            // QOSDK applies the generated CRDs at startup in dev and test launch mode only
            // (quarkus.operator-sdk.crd.apply; CRDGeneration.shouldApply): never in a cluster
            if (c != null && !c.group().equals("apiextensions.k8s.io")) {
                out.add(c);
            }

        }
        return out;
    }

    void agentReports(String node, String ownKey, String peerKey, Job job) {
        Instant now = Instant.now();
        WireGuardNodeReport r = report(node, now, "wg0", ownKey, 51820, "192.0.2.9/24", "10.77.0.9/24",
                List.of(Reports.peer(peerKey, "192.0.2.2:51820", node.equals("rbac-a") ? "10.77.0.2/32" : "10.77.0.1/32",
                        now.getEpochSecond() - 5, 348, 404)));
        WireGuardNodeReport existing = test.resources(WireGuardNodeReport.class).withName(node).get();
        if (existing == null) {
            test.resource(r).create();
        } else {
            existing.setSpec(r.getSpec());
            test.resource(existing).update();
        }
        Job j = test.batch().v1().jobs().inNamespace(ChartRbac.NAMESPACE).withName(job.getMetadata().getName()).get();
        JobStatus st = new JobStatus();
        st.setConditions(List.of(new JobConditionBuilder().withType("Complete").withStatus("True").build()));
        st.setSucceeded(1);
        j.setStatus(st);
        test.batch().v1().jobs().inNamespace(ChartRbac.NAMESPACE).resource(j).updateStatus();
    }

    String readyStatus(String name) {
        WireGuardPeer p = test.resources(WireGuardPeer.class).inNamespace(NS).withName(name).get();
        if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
            return "";
        }
        return p.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getStatus()).findFirst().orElse("");
    }

    boolean roundComplete(String name) {
        WireGuardPeer p = test.resources(WireGuardPeer.class).inNamespace(NS).withName(name).get();
        return p != null && p.getStatus() != null && p.getStatus().getDiagnosisRound() != null
                && Boolean.TRUE.equals(p.getStatus().getDiagnosisRound().getComplete());
    }

    void awaitReady(String name, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> readyStatus(name).equals(status));
    }

    /** A user's edit: read, change, write; on 409 (the operator wrote the status in between) read again, as kubectl edit would. */
    void edit(String name, Consumer<WireGuardPeer> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                test.resources(WireGuardPeer.class).inNamespace(NS).withName(name).edit(p -> {
                    change.accept(p);
                    return p;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    List<io.fabric8.kubernetes.api.model.Event> events(String name) {
        return test.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }
}
