package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.testing.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedKubeletTest {

    static final String NS = "wgfleet-system";
    static final SyntheticAgent.Network NET = SyntheticAgent.Network.byIndex(n -> Integer.parseInt(n.substring(n.indexOf('-') + 1)));

    @Test
    void answersAJobWithTheDeclaredPeersAfterItsDelayAndMarksItComplete() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds")); KubernetesClient c = api.client();
             SimulatedKubelet kubelet = new SimulatedKubelet(c, NS, Duration.ofMillis(700), new SyntheticAgent(NET))) {
            WireGuardPeer asked = c.resource(Peers.peer("bench", "asked", "node-7", "wg0", "10.200.0.1/32")).create();
            c.resource(Peers.peer("bench", "not-asked", "node-7", "wg0", "10.200.0.2/32")).create();
            Instant created = Instant.now();
            c.resource(job("node-7", "bench/asked")).create();

            await().atMost(Duration.ofSeconds(10)).until(() -> condition(c, "wgfleet-agent-node-7") != null);
            Duration took = Duration.between(created, Instant.now());
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700));
            assertThat(condition(c, "wgfleet-agent-node-7").getType()).isEqualTo("Complete");

            WireGuardNodeReport r = c.resources(WireGuardNodeReport.class).withName("node-7").get();
            assertThat(r.getSpec().getInterfaces()).singleElement().satisfies(i -> {
                assertThat(i.getPublicKey()).isEqualTo(NET.publicKey("node-7", "wg0"));
                assertThat(i.getPeers()).singleElement().satisfies(p -> {
                    assertThat(p.getPublicKey()).isEqualTo(asked.getSpec().getPublicKey());
                    assertThat(p.getAllowedIPs()).containsExactly("10.200.0.1/32");
                    assertThat(p.getLatestHandshake()).isPositive();
                    assertThat(p.getProbe().getHandshakeCompleted()).isTrue();
                });
            });
            assertThat(kubelet.jobsPerNode()).containsExactly(Map.entry("node-7", 1));
            assertThat(kubelet.jobsSucceeded()).isEqualTo(1);
        }
    }

    @Test
    void anAgentWithoutAReportFailsTheJobAndWritesNoReport() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds")); KubernetesClient c = api.client();
             SimulatedKubelet kubelet = new SimulatedKubelet(c, NS, Duration.ofMillis(100), (node, declared, fleet, now) -> null)) {
            c.resource(job("node-3", "")).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> condition(c, "wgfleet-agent-node-3") != null);
            assertThat(condition(c, "wgfleet-agent-node-3").getType()).isEqualTo("Failed");
            assertThat(c.resources(WireGuardNodeReport.class).withName("node-3").get()).isNull();
            assertThat(kubelet.jobsFailed()).isEqualTo(1);
        }
    }

    static JobCondition condition(KubernetesClient c, String name) {
        Job j = c.batch().v1().jobs().inNamespace(NS).withName(name).get();
        if (j == null || j.getStatus() == null || j.getStatus().getConditions() == null || j.getStatus().getConditions().isEmpty()) {
            return null;
        }
        return j.getStatus().getConditions().get(0);
    }

    /** The parts of the operator's Job the kubelet reads. */
    static Job job(String node, String peers) {
        return new JobBuilder().withNewMetadata().withName("wgfleet-agent-" + node).withNamespace(NS)
                .withLabels(Map.of(DiagnosticJobFactory.APP_LABEL, DiagnosticJobFactory.APP))
                .withAnnotations(Map.of(DiagnosticJobFactory.NODE_ANNOTATION, node, DiagnosticJobFactory.PEERS_ANNOTATION, peers))
                .endMetadata()
                .withNewSpec().withTtlSecondsAfterFinished(600).withNewTemplate().withNewSpec().withNodeName(node)
                .addNewContainer().withName("agent").withCommand(List.of("java")).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }
}
