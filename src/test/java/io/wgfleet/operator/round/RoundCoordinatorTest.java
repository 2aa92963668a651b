package io.wgfleet.operator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticJobFactoryTest;
import io.wgfleet.operator.jobs.DiagnosticJobs;
import io.wgfleet.operator.jobs.JobLauncher;
import io.wgfleet.operator.jobs.JobMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The round scheduler against the CRUD mock API server, reading Jobs back as an informer would. */
class RoundCoordinatorTest {

    KubernetesMockServer server;
    KubernetesClient client;
    JobLauncher launcher;
    RoundCoordinator rounds;
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    int started;
    List<String> finished = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new java.util.HashMap<>(), new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        for (int i = 0; i < 10; i++) {
            Node n = new NodeBuilder().withNewMetadata().withName("n" + i).endMetadata().build();
            client.nodes().resource(n).create();
        }
        DiagnosticJobFactory factory = new DiagnosticJobFactory(DiagnosticJobFactoryTest.config(true, null));
        ClusterView cluster = new ClusterView() {
            public List<Job> jobsOfNode(String label) {
                return client.batch().v1().jobs().inNamespace("wgfleet-system").withLabel(DiagnosticJobFactory.NODE_LABEL, label).list().getItems();
            }

            public Collection<Job> jobs() {
                return RoundCoordinatorTest.this.jobs();
            }

            public Optional<Node> node(String name) {
                return Optional.ofNullable(client.nodes().withName(name).get());
            }

            public Optional<WireGuardNodeReport> report(String node) {
                return Optional.empty();
            }

            public List<String> peersOnNode(String node) {
                return List.of();
            }
        };
        JobMetrics counting = new JobMetrics() {
            public void started() {
                started++;
            }

            public void createFailed() {
            }

            public void finished(String outcome) {
                finished.add(outcome);
            }
        };
        launcher = new JobLauncher(client, factory, counting);
        rounds = new RoundCoordinator(Clock.fixed(now, ZoneOffset.UTC), launcher, cluster, counting, 3, java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(60));
    }

    @AfterEach
    void tearDown() {
        launcher.close();
        client.close();
        server.destroy();
    }

    List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace("wgfleet-system").list().getItems();
    }

    void finish(String node, String type) {
        Job j = jobs().stream().filter(x -> node.equals(x.getMetadata().getAnnotations().get("wgfleet.io/node"))).findFirst().orElseThrow();
        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
        j.getStatus().setConditions(List.of(new JobConditionBuilder().withType(type).withStatus("True")
                .withReason(type.equals("Failed") ? "DeadlineExceeded" : null)
                .withMessage(type.equals("Failed") ? "Job was active longer than specified deadline" : null).build()));
        client.batch().v1().jobs().inNamespace("wgfleet-system").resource(j).updateStatus();
    }

    @Test
    void oneJobPerNodePerRoundHoweverManyPeersAsk() {
        for (int i = 0; i < 50; i++) {
            rounds.request(List.of("n0"), now);
        }
        assertThat(jobs()).hasSize(1);
        assertThat(started).isEqualTo(1);
        assertThat(rounds.status("n0", now).state()).isEqualTo(NodeRound.State.RUNNING);
    }

    @Test
    void theConcurrencyBoundHoldsAndTheQueueDrainsAsJobsFinish() {
        for (int i = 0; i < 10; i++) {
            rounds.request(List.of("n" + i), now);
        }
        assertThat(jobs()).hasSize(3);
        assertThat(rounds.status("n9", now).state()).isEqualTo(NodeRound.State.QUEUED);
        assertThat(rounds.status("n9", now).detail()).contains("queued", "at most 3");

        finish("n0", "Complete");
        finish("n1", "Failed");
        rounds.drain();
        assertThat(jobs().stream().filter(DiagnosticJobs::isActive)).hasSize(3);
        assertThat(jobs()).hasSize(5);
        assertThat(rounds.status("n0", now).state()).isEqualTo(NodeRound.State.SUCCEEDED);
        assertThat(rounds.status("n1", now).state()).isEqualTo(NodeRound.State.FAILED);
        assertThat(rounds.status("n1", now).detail()).contains("n1", "DeadlineExceeded", "deadline");
    }

    @Test
    void bothEndsOfATunnelStartTogetherOrNotAtAll() {
        rounds.request(List.of("n0"), now);
        rounds.request(List.of("n1"), now);
        List<String> pair = List.of("n2", "n3");
        rounds.request(pair, now); // only one slot left: the pair waits rather than splitting
        assertThat(jobs()).hasSize(2);

        finish("n0", "Complete");
        rounds.drain();
        assertThat(jobs()).extracting(j -> j.getMetadata().getAnnotations().get("wgfleet.io/node"))
                .containsExactlyInAnyOrder("n0", "n1", "n2", "n3");
    }

    @Test
    void aJobFromBeforeTheRequestDoesNotAnswerIt() {
        rounds.request(List.of("n0"), now);
        finish("n0", "Complete");
        Instant later = now.plusSeconds(1);
        assertThat(rounds.status("n0", later).state()).isEqualTo(NodeRound.State.QUEUED);
        assertThat(rounds.status("n0", now).state()).isEqualTo(NodeRound.State.SUCCEEDED);
    }

    @Test
    void aDeletedNodeFailsItsRunningRoundNamingTheNode() {
        rounds.request(List.of("n5"), now);
        client.nodes().withName("n5").delete();
        assertThat(rounds.status("n5", now).state()).isEqualTo(NodeRound.State.FAILED);
        assertThat(rounds.status("n5", now).detail()).contains("node n5 was deleted");
    }

    @Test
    void eachFinishedJobIsCountedOnceHoweverOftenItIsLookedAt() {
        rounds.request(List.of("n0"), now);
        rounds.request(List.of("n1"), now);
        finish("n0", "Complete");
        finish("n1", "Failed");
        for (int i = 0; i < 3; i++) {
            rounds.status("n0", now);
            rounds.status("n1", now);
            rounds.drain();
        }
        assertThat(finished).hasSize(2);
    }
}
