package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.wgfleet.operator.LeaderElection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The built operator killed with SIGKILL in the middle of a round: restarted, it resumes
 * the round from the Jobs it finds (no Job twice for a node), serves the on-demand requests
 * that were pending, and leaves no peer Reconciling. With two replicas and leader election
 * on the lab API server (which answers stale Lease updates with 409), killing the leader
 * mid-round hands over within the lease duration, again without duplicate Jobs. Times printed.
 */
@EnabledIf("io.wgfleet.lab.FaultsIT#operatorBuilt")
class OperatorKillIT {

    static final Path WORK = Path.of("target", "kill-it");
    static final int NODES = 50;
    static final Duration JOB_TIME = Duration.ofSeconds(2);

    @Test
    void aSigkilledOperatorResumesItsRoundWhenStartedAgain() throws Exception {
        Files.createDirectories(WORK);
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             SimulatedFleet fleet = new SimulatedFleet(api, NODES, 2, JOB_TIME)) {
            Path log = WORK.resolve("restart-operator.log");
            OperatorProcess first = OperatorProcess.start(api.url(), log, Map.of());
            OperatorProcess second = null;
            try {
                FaultsIT.await("the round under way", Duration.ofSeconds(60), () -> fleet.jobsTotal() >= 15, fleet, first);
                // on-demand requests for peers whose nodes have not had their Job yet: pending at the kill
                List<String> asked = notYetRun(fleet, 6);
                Instant askedAt = Instant.now();
                fleet.requestDiagnosis(asked, "before-kill");
                Thread.sleep(300);
                int jobsAtKill = fleet.jobsTotal();
                first.kill();
                Instant restarted = Instant.now();
                second = OperatorProcess.start(api.url(), log, Map.of());
                OperatorProcess running = second;
                FaultsIT.await("every peer Connected after the restart", Duration.ofSeconds(120), fleet::allConnected, fleet, running);
                FaultsIT.await("the pending requests served", Duration.ofSeconds(60), () -> asked.stream().allMatch(name -> fleet.list().stream()
                        .anyMatch(p -> p.getMetadata().getName().equals(name) && p.getStatus().getDiagnosisRound() != null
                                && "before-kill".equals(p.getStatus().getDiagnosisRound().getHandledRequest())
                                && Boolean.TRUE.equals(p.getStatus().getDiagnosisRound().getComplete()))), fleet, running);
                Duration recovery = Duration.between(restarted, Instant.now());
                System.out.printf("[kill] SIGKILL after %d of %d Jobs; restarted: every peer Connected and %d pending requests served %d ms"
                        + " after the restart; Jobs %d for %d nodes; reasons %s%n", jobsAtKill, NODES, asked.size(), recovery.toMillis(),
                        fleet.jobsTotal(), NODES, fleet.byReason());
                FaultsIT.await("no peer left Reconciling", Duration.ofSeconds(20), () -> fleet.reconciling().isEmpty(), fleet, running);
                // A second Job on a node is right only where the node's first Job was created before
                // the request (creation times have second precision, hence the second of slack) and
                // so does not carry it; every Job started after the request carries it, whichever
                // peer's reconcile started it.
                Map<String, Integer> extra = new java.util.TreeMap<>(fleet.nodesWithMoreJobsThan(1));
                extra.keySet().removeIf(node -> asked.stream().anyMatch(a -> nodeOf(a).equals(node)
                        && fleet.firstJobCreated(node).isBefore(askedAt.plusSeconds(1))
                        && !fleet.firstJobServes(node, SimulatedFleet.NS + "/" + a, "before-kill")));
                System.out.printf("[kill] nodes with a second Job: %s; of them not explained by a request made after the node's first Job: %s%n",
                        fleet.nodesWithMoreJobsThan(1), extra);
                assertThat(extra).as("nodes with a second Job in one round (duplicate Jobs)").isEmpty();
                assertThat(fleet.peersProbedMoreThan(2)).as("peers probed more than twice").isEmpty();
                assertThat(fleet.transitionViolations).as("conditions whose lastTransitionTime moved without a status change").isEmpty();
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
    }

    @Test
    void whenTheLeaderIsKilledTheOtherReplicaTakesOverWithinTheLease() throws Exception {
        Files.createDirectories(WORK);
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        // slow Jobs (6 s, 10 at once: a round of about 30 s), so that the round is still under way once the follower is up
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             SimulatedFleet fleet = new SimulatedFleet(api, NODES, 2, Duration.ofSeconds(6))) {
            List<OperatorProcess> replicas = new ArrayList<>();
            try {
                OperatorProcess a = OperatorProcess.start(api.url(), WORK.resolve("replica-a.log"), election("replica-a"));
                replicas.add(a);
                FaultsIT.await("replica-a leads", Duration.ofSeconds(60), () -> "replica-a".equals(holder(fleet)), fleet, a);
                OperatorProcess b = OperatorProcess.start(api.url(), WORK.resolve("replica-b.log"), election("replica-b"));
                replicas.add(b);
                FaultsIT.await("the round under way", Duration.ofSeconds(60), () -> fleet.jobsTotal() >= 15, fleet, a, b);
                // b is up and follows: it has read the Lease (a slow start is not a slow take-over)
                FaultsIT.await("replica-b follows", Duration.ofSeconds(90), () -> follows(b), fleet, a, b);
                assertThat(holder(fleet)).as("the leader while both run").isEqualTo("replica-a");
                int jobsAtKill = fleet.jobsTotal();
                assertThat(jobsAtKill).as("killed in the middle of the round").isLessThan(NODES);
                a.kill();
                Instant killed = Instant.now();
                FaultsIT.await("replica-b leads", Duration.ofSeconds(40), () -> "replica-b".equals(holder(fleet)), fleet, b);
                Duration takeover = Duration.between(killed, Instant.now());
                FaultsIT.await("every peer Connected after the take-over", Duration.ofSeconds(120), fleet::allConnected, fleet, b);
                Duration done = Duration.between(killed, Instant.now());
                System.out.printf("[failover] leader SIGKILLed after %d of %d Jobs; replica-b took the lease %d ms later"
                                + " (lease 15 s, retry 2 s); every peer Connected %d ms after the kill; Jobs %d for %d nodes; reasons %s%n",
                        jobsAtKill, NODES, takeover.toMillis(), done.toMillis(), fleet.jobsTotal(), NODES, fleet.byReason());
                System.out.printf("[failover] nodes with a second Job: %s; peers probed by two Jobs: %s%n",
                        fleet.nodesWithMoreJobsThan(1), fleet.peersProbedMoreThan(1));
                // the follower sees the last renewal up to one retry period (2 s, jittered by up to 1.2) late,
                // waits out the 15 s lease from then, and tries again each retry period: 15 + 2 x 2.4 s, plus 2 s
                // for two JVMs and the test on two shared cores
                assertThat(takeover).as("take-over within the lease duration plus two jittered retry periods")
                        .isLessThanOrEqualTo(Duration.ofMillis(15_000 + 2 * 2_400 + 2_000));
                FaultsIT.await("no peer left Reconciling", Duration.ofSeconds(20), () -> fleet.reconciling().isEmpty(), fleet, b);
                assertThat(fleet.peersProbedMoreThan(1)).as("peers probed twice on one node in one round (duplicate Jobs)").isEmpty();
            } finally {
                replicas.forEach(OperatorProcess::close);
            }
        }
    }

    private static Map<String, String> election(String identity) {
        return Map.of("WGFLEET_LEADER_ELECTION_ENABLED", "true", "WGFLEET_LEADER_ELECTION_NAMESPACE", LabSession.AGENT_NAMESPACE,
                "HOSTNAME", identity);
    }

    private static boolean follows(OperatorProcess replica) {
        try {
            return Files.readString(replica.log()).contains("New leader with identity: replica-a");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String holder(SimulatedFleet fleet) {
        Lease l = fleet.client.leases().inNamespace(LabSession.AGENT_NAMESPACE).withName(LeaderElection.DEFAULT_LEASE).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }

    private static String nodeOf(String peer) {
        return "node-" + peer.split("-")[1];
    }

    /** Peers on nodes the kubelet has not been asked about yet, one per node. */
    private static List<String> notYetRun(SimulatedFleet fleet, int count) {
        Set<String> ran = fleet.kubelet.jobsPerNode().keySet();
        List<String> out = new ArrayList<>();
        for (String node : fleet.nodes) {
            if (!ran.contains(node) && out.size() < count) {
                out.add("p-" + node.substring(node.indexOf('-') + 1) + "-0");
            }
        }
        return out;
    }
}
