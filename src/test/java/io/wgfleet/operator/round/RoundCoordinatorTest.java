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
    int createFailed;
    List<String> finished = new java.util.ArrayList<>();
    Map<String, List<String>> peersOnNode = new java.util.HashMap<>();
    Map<String, List<String>> pendingOnNode = new java.util.HashMap<>();
    ClusterView cluster;
    JobMetrics counting;
    /** The informer's Job cache lags behind the server (a watch was just dropped): it shows no Job. */
    boolean jobCacheLags;

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
        cluster = new ClusterView() {
            public List<Job> jobsOfNode(String label) {
                return jobCacheLags ? List.of() : client.batch().v1().jobs().inNamespace("wgfleet-system").withLabel(DiagnosticJobFactory.NODE_LABEL, label).list().getItems();
            }

            public Collection<Job> jobs() {
                return jobCacheLags ? List.of() : RoundCoordinatorTest.this.jobs();
            }

            public Optional<Node> node(String name) {
                return Optional.ofNullable(client.nodes().withName(name).get());
            }

            public Optional<WireGuardNodeReport> report(String node) {
                return Optional.empty();
            }

            public List<String> peersOnNode(String node) {
                return peersOnNode.getOrDefault(node, List.of());
            }

            public List<String> pendingRequestsOnNode(String node) {
                return pendingOnNode.getOrDefault(node, List.of());
            }
        };
        counting = new JobMetrics() {
            public void started() {
                started++;
            }

            public void createFailed() {
                createFailed++;
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

    /** A coordinator as a restarted operator (or the replica taking over) has it: nothing in memory, the Jobs in the cache. */
    RoundCoordinator restarted(Instant at) {
        return new RoundCoordinator(Clock.fixed(at, ZoneOffset.UTC), launcher, cluster, counting, 3, java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(60));
    }

    static io.wgfleet.api.v1alpha1.WireGuardPeer peer(String name, Instant created, long generation) {
        io.wgfleet.api.v1alpha1.WireGuardPeer p = io.wgfleet.testing.Peers.peer("ns", name, "n0", "wg0", "10.0.0.1/32");
        p.getMetadata().setCreationTimestamp(created.toString());
        p.getMetadata().setGeneration(generation);
        return p;
    }

    @Test
    void afterARestartAFirstRoundAdoptsTheJobThePreviousOperatorStartedForIt() {
        peersOnNode.put("n0", List.of("ns/a", "ns/b"));
        rounds.request(List.of("n0"), now); // the previous operator, killed before it wrote a status
        Instant later = now.plusSeconds(3);
        RoundCoordinator fresh = restarted(later);
        PlannedRound round = fresh.begin(peer("a", now.minusSeconds(20), 1), null, List.of("n0"), java.time.Duration.ofMinutes(5), later);
        assertThat(round.requestedAt()).as("the round the Job serves").isEqualTo(now);
        assertThat(jobs()).as("no second Job for the node in that round").hasSize(1);
        assertThat(fresh.status("n0", round.requestedAt()).state()).isEqualTo(NodeRound.State.RUNNING);
    }

    @Test
    void aJobThatDoesNotProbeThePeerOrPredatesItIsNotAdopted() {
        peersOnNode.put("n0", List.of("ns/a"));
        rounds.request(List.of("n0"), now);
        peersOnNode.put("n0", List.of("ns/a", "ns/late"));
        Instant later = now.plusSeconds(3);
        RoundCoordinator fresh = restarted(later);
        PlannedRound late = fresh.begin(peer("late", now.minusSeconds(1), 1), null, List.of("n0"), java.time.Duration.ofMinutes(5), later);
        assertThat(late.requestedAt()).as("the Job was started without it").isEqualTo(later);
        assertThat(fresh.status("n0", later).state()).as("a Job of its own, once the node's Job ends").isEqualTo(NodeRound.State.QUEUED);
    }

    @Test
    void aSpecChangeIsNotAnsweredByAJobFromBeforeIt() {
        peersOnNode.put("n0", List.of("ns/a"));
        rounds.request(List.of("n0"), now);
        Instant later = now.plusSeconds(3);
        RoundCoordinator fresh = restarted(later);
        PlannedRound round = fresh.begin(peer("a", now.minusSeconds(20), 2), null, List.of("n0"), java.time.Duration.ofMinutes(5), later);
        assertThat(round.requestedAt()).isEqualTo(later);
        assertThat(fresh.status("n0", later).state()).isEqualTo(NodeRound.State.QUEUED);
    }

    @Test
    void aRoutineRecheckAdoptsAJobStartedAfterItsIntervalEnded() {
        peersOnNode.put("n0", List.of("ns/a"));
        java.time.Duration interval = java.time.Duration.ofMinutes(5);
        io.wgfleet.api.v1alpha1.WireGuardPeerStatus done = new io.wgfleet.api.v1alpha1.WireGuardPeerStatus();
        io.wgfleet.api.v1alpha1.DiagnosisRound previous = new io.wgfleet.api.v1alpha1.DiagnosisRound();
        previous.setRequestedAt(now.minus(interval).minusSeconds(1).toString());
        previous.setTrigger(RoundPlanner.FIRST);
        previous.setGeneration(1L);
        previous.setComplete(true);
        done.setDiagnosisRound(previous);
        rounds.request(List.of("n0"), now); // the re-check the previous leader started; never written
        finish("n0", "Failed"); // answered
        Instant later = now.plusSeconds(4);
        PlannedRound round = restarted(later).begin(peer("a", now.minusSeconds(600), 1), done, List.of("n0"), interval, later);
        assertThat(round.trigger()).isEqualTo(RoundPlanner.INTERVAL);
        assertThat(round.requestedAt()).isEqualTo(now);
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void aJobCarriesThePendingRequestsOfItsPeersSoThatAnAskedPeerReconciledLaterNeedsNoSecondJob() {
        peersOnNode.put("n0", List.of("ns/a", "ns/b"));
        // a asked for a diagnosis; b's reconcile comes first and starts the node's Job
        pendingOnNode.put("n0", List.of(DiagnosticJobs.requestToken("ns/a", "please")));
        rounds.request(List.of("n0"), now);
        io.wgfleet.api.v1alpha1.WireGuardPeer a = peer("a", now.minusSeconds(600), 1);
        a.getMetadata().setAnnotations(Map.of(io.wgfleet.api.v1alpha1.WireGuardPeer.DIAGNOSE_ANNOTATION, "please"));
        io.wgfleet.api.v1alpha1.WireGuardPeerStatus done = new io.wgfleet.api.v1alpha1.WireGuardPeerStatus();
        io.wgfleet.api.v1alpha1.DiagnosisRound previous = new io.wgfleet.api.v1alpha1.DiagnosisRound();
        previous.setRequestedAt(now.minusSeconds(60).toString());
        previous.setTrigger(RoundPlanner.FIRST);
        previous.setGeneration(1L);
        previous.setComplete(true);
        done.setDiagnosisRound(previous);
        Instant later = now.plusSeconds(2);

        PlannedRound round = restarted(later).begin(a, done, List.of("n0"), java.time.Duration.ofMinutes(5), later);

        assertThat(round.trigger()).isEqualTo(RoundPlanner.REQUESTED);
        assertThat(round.requestedAt()).as("served by the Job that carries the request").isEqualTo(now);
        assertThat(jobs()).as("no second Job for the node").hasSize(1);
        pendingOnNode.clear();
        io.wgfleet.api.v1alpha1.WireGuardPeer b = peer("b", now.minusSeconds(600), 1);
        b.getMetadata().setAnnotations(Map.of(io.wgfleet.api.v1alpha1.WireGuardPeer.DIAGNOSE_ANNOTATION, "me-too"));
        PlannedRound notCarried = restarted(later).begin(b, done, List.of("n0"), java.time.Duration.ofMinutes(5), later);
        assertThat(notCarried.requestedAt()).as("a request the Job does not carry gets a Job of its own").isEqualTo(later);
    }

    /**
     * The round's start was planned and its Job created, but the status write that records the
     * round failed; the retried reconcile plans the first round again while the Job cache has
     * not caught up. It must take the Job it just created, not ask for a second one.
     */
    @Test
    void aRetriedFirstRoundTakesTheJobJustCreatedThatTheCacheDoesNotShowYet() {
        peersOnNode.put("n0", List.of("ns/a", "ns/b"));
        io.wgfleet.api.v1alpha1.WireGuardPeer a = peer("a", now.minusSeconds(20), 1);
        java.time.Duration interval = java.time.Duration.ofMinutes(5);
        jobCacheLags = true;
        PlannedRound first = rounds.begin(a, null, List.of("n0"), interval, now);
        assertThat(jobs()).hasSize(1);

        Instant retry = now.plusSeconds(1);
        PlannedRound again = rounds.begin(a, null, List.of("n0"), interval, retry);

        assertThat(again.requestedAt()).as("the round of the Job already created").isEqualTo(first.requestedAt());
        jobCacheLags = false;
        finish("n0", "Complete");
        rounds.drain();
        assertThat(jobs()).as("no second Job for the node once the first has finished").hasSize(1);
    }

    /**
     * The scale benchmark's profile: while a batch waits for a slot, every reconcile drains,
     * and each drain scheduled a retry of its own, so the timers (each scanning every Job)
     * grew with the reconciles. One retry waits at a time, however often the queue is drained.
     */
    @Test
    void aWaitingQueueKeepsOneRetryScheduledHoweverOftenItIsDrained() {
        List<Runnable> scheduled = new java.util.ArrayList<>();
        JobLauncher counting = new JobLauncher(client, new DiagnosticJobFactory(DiagnosticJobFactoryTest.config(true, null)), this.counting) {
            @Override
            public void later(java.time.Duration delay, Runnable task) {
                scheduled.add(task);
            }
        };
        try {
            RoundCoordinator r = new RoundCoordinator(Clock.fixed(now, ZoneOffset.UTC), counting, cluster, this.counting, 1,
                    java.time.Duration.ZERO, java.time.Duration.ofSeconds(60));
            r.request(List.of("n0"), now);
            r.request(List.of("n1"), now); // waits: one Job at a time
            int afterQueueing = scheduled.size();
            for (int i = 0; i < 100; i++) {
                r.drain();
            }
            assertThat(scheduled.size()).as("no retry added by the repeated drains").isEqualTo(afterQueueing);
            scheduled.remove(scheduled.size() - 1).run(); // the retry runs; n1 still waits for n0's Job
            assertThat(scheduled).as("and is scheduled again, once").hasSize(afterQueueing);
            finish("n0", "Complete");
            scheduled.remove(scheduled.size() - 1).run();
            assertThat(jobs()).as("the retry starts the waiting node once a slot is free").hasSize(2);
        } finally {
            counting.close();
        }
    }

    /** The lab's shipped scenarios stalled on Jobs left on deleted nodes: each held a slot for good. */
    @Test
    void aJobOnADeletedNodeHoldsNoSlot() {
        RoundCoordinator one = new RoundCoordinator(Clock.fixed(now, ZoneOffset.UTC), launcher, cluster, counting, 1,
                java.time.Duration.ZERO, java.time.Duration.ofSeconds(60));
        one.request(List.of("n0"), now);
        one.request(List.of("n1"), now);
        assertThat(jobs()).as("one at a time").hasSize(1);
        client.nodes().withName("n0").delete();
        one.drain();
        assertThat(jobs()).as("n0's Job never runs: n1 starts").hasSize(2);
    }

    @Test
    void aCreateThatGotNoAnswerCountsAsStartedInsteadOfBeingRepeatedAtOnce() {
        KubernetesClient unreachable = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(500).build()).build();
        JobLauncher failing = new JobLauncher(unreachable, new DiagnosticJobFactory(DiagnosticJobFactoryTest.config(true, null)), counting);
        try {
            RoundCoordinator r = new RoundCoordinator(Clock.fixed(now, ZoneOffset.UTC), failing, cluster, counting, 3,
                    java.time.Duration.ZERO, java.time.Duration.ofSeconds(60));
            for (int i = 0; i < 5; i++) {
                r.request(List.of("n0"), now);
            }
            assertThat(createFailed).as("one create, its outcome unknown, then waiting for the cache").isEqualTo(1);
            assertThat(r.status("n0", now).state()).isEqualTo(NodeRound.State.RUNNING);
        } finally {
            failing.close();
            unreachable.close();
        }
    }
}
