package io.wgfleet.operator.round;

import io.wgfleet.api.Timestamps;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.OperatorConfig;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticJobs;
import io.wgfleet.operator.jobs.JobLauncher;
import io.wgfleet.operator.jobs.JobMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Diagnostic rounds: plans each peer's round, at most one Job per node per round, a bounded
 * number running at once, and the nodes of one request (both ends of an in-fleet tunnel)
 * started together so that their probes overlap. Round state is read back from the Jobs
 * themselves, so an operator restart loses nothing but the queue, which the next
 * reconciles rebuild.
 */
@Singleton
public class RoundCoordinator {

    private final Clock clock;
    private final JobLauncher launcher;
    private final ClusterView cluster;
    private final JobMetrics metrics;
    private final int maxConcurrent;
    private final Duration gatherDelay;
    private final Duration activeDeadline;
    private final RoundQueue queue;
    private final RoundState state;
    private final RoundConcurrency concurrency;

    @Inject
    public RoundCoordinator(Clock clock, OperatorConfig config, JobLauncher launcher, ClusterView cluster, JobMetrics metrics) {
        this(clock, launcher, cluster, metrics, config.agent().maxConcurrentJobs(), config.agent().batchDelay(),
                config.agent().activeDeadline());
    }

    RoundCoordinator(Clock clock, JobLauncher launcher, ClusterView cluster, JobMetrics metrics, int maxConcurrent,
                     Duration gatherDelay, Duration activeDeadline) {
        this.clock = clock;
        this.launcher = launcher;
        this.cluster = cluster;
        this.metrics = metrics;
        this.maxConcurrent = Math.max(1, maxConcurrent);
        this.gatherDelay = gatherDelay;
        this.activeDeadline = activeDeadline;
        this.queue = new RoundQueue(clock, gatherDelay);
        this.state = new RoundState(clock);
        this.concurrency = new RoundConcurrency(this.maxConcurrent);
    }

    /**
     * Plans the peer's round and asks for its Jobs on {@code roundNodes} (the peer's nodes and
     * the remote end's first node): both ends start together so that their probes overlap.
     */
    public PlannedRound begin(WireGuardPeer peer, WireGuardPeerStatus previous, List<String> roundNodes, Duration interval,
                              Instant now) {
        DiagnosisRound previousRound = previous == null ? null : previous.getDiagnosisRound();
        Instant previousAt = previousRound == null ? null : Timestamps.parse(previousRound.getRequestedAt());
        boolean previousComplete = previousAt != null && roundNodes.stream().allMatch(n -> answered(n, previousAt));
        PlannedRound round = RoundPlanner.plan(peer, previousRound, previousComplete, interval, now);
        concurrency.sawRound(roundNodes, interval, now);
        request(roundNodes, round.requestedAt(), !RoundPlanner.INTERVAL.equals(round.trigger()));
        return round;
    }

    /** How old a report may be before the engine calls it stale. */
    public Duration staleAfter(Duration interval) {
        return interval.plus(activeDeadline).plus(NodeRound.CLOCK_SKEW);
    }

    /** Whether the node has answered the round requested at {@code since}: reported for it, or failed. */
    public boolean answered(String node, Instant since) {
        NodeRound r = status(node, since);
        return r.state() == NodeRound.State.FAILED || r.answeredBy(cluster.report(node).orElse(null), since);
    }

    /** Why the round failed on a node that hosted the peer and no longer exists, or null. */
    public String deletedDuringRound(WireGuardPeerStatus previous) {
        if (previous == null || previous.getTargetNodes() == null || previous.getDiagnosisRound() == null) {
            return null;
        }
        Instant since = Timestamps.parse(previous.getDiagnosisRound().getRequestedAt());
        if (since == null) {
            return null;
        }
        for (String node : previous.getTargetNodes().split(",")) {
            if (cluster.node(node).isEmpty()) {
                NodeRound r = status(node, since);
                if (r.state() == NodeRound.State.FAILED) {
                    return r.detail();
                }
            }
        }
        return null;
    }

    /** The state of the round on {@code node} that was requested at {@code since}. */
    public synchronized NodeRound status(String node, Instant since) {
        List<Job> jobs = jobsOf(node);
        recordFinished(jobs);
        String queued = queue.isWaiting(node)
                ? "diagnostic Job for node " + node + " queued (at most " + concurrency.bound(clock.instant()) + " run at once)"
                : "no diagnostic Job for node " + node + " started yet";
        return state.of(node, since, jobs, cluster.node(node).isPresent(), queued);
    }

    /**
     * Asks for a round, requested at {@code since}, on {@code nodes}. Nodes already covered
     * by a Job started at or after {@code since} are left alone, so calling this on every
     * reconcile is harmless. The peers a Job probes are the node's peers when it starts.
     */
    public void request(Collection<String> nodes, Instant since) {
        request(nodes, since, false);
    }

    /** As {@link #request(Collection, Instant)}; an urgent round (someone waits for it) starts before routine ones. */
    public synchronized void request(Collection<String> nodes, Instant since, boolean urgent) {
        List<String> needed = nodes.stream().filter(node -> needsJob(node, since)).distinct().toList();
        if (needed.isEmpty()) {
            return;
        }
        if (queue.offer(needed, since, urgent)) {
            launcher.later(gatherDelay.plusMillis(50), this::drain);
        }
        drain();
    }

    /**
     * Starts queued batches while there is room: a batch starts whole or waits, never
     * before its gather delay, and never on a node whose previous Job still runs.
     */
    public synchronized void drain() {
        Collection<Job> all = cluster.jobs();
        recordFinished(all);
        state.forgetVanished(all);
        int running = (int) all.stream().filter(DiagnosticJobs::isActive).count() + state.notYetCached(all);
        queue.drain(running, concurrency.bound(clock.instant()), this::needsJob, node -> state.busy(node, jobsOf(node)), this::start);
        if (!queue.isEmpty()) {
            // a slot frees when a Job finishes (its event drains again); this retry covers the gather delay
            launcher.later(Duration.ofMillis(Math.max(200, gatherDelay.toMillis())), this::drain);
        }
    }

    private int start(List<String> nodes) {
        Instant now = clock.instant();
        int started = 0;
        for (String name : nodes) {
            Optional<Node> node = cluster.node(name);
            if (node.isEmpty()) {
                continue;
            }
            JobLauncher.Launch launch = launcher.launch(node.get(), cluster.peersOnNode(name), now);
            switch (launch.outcome()) {
                case CREATED -> {
                    state.launched(name, launch.jobName(), now);
                    started++;
                }
                // the same round created a moment ago
                case ALREADY_EXISTS -> state.launched(name, launch.jobName(), now);
                case FAILED -> {
                }
            }
        }
        return started;
    }

    private boolean needsJob(String node, Instant since) {
        return !state.hasJobSince(node, since, jobsOf(node)) && !state.launchedSince(node, since);
    }

    private void recordFinished(Collection<Job> jobs) {
        state.newlyFinished(jobs).forEach(f -> {
            metrics.finished(f.outcome());
            concurrency.jobTook(f.took());
        });
    }

    private List<Job> jobsOf(String node) {
        return cluster.jobsOfNode(DiagnosticJobFactory.nodeLabel(node));
    }
}
