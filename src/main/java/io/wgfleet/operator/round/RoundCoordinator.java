package io.wgfleet.operator.round;

import io.wgfleet.api.Timestamps;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.NodeTargets;
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
    /**
     * On-demand requests waiting for a Job on a node, node -> request tokens: the Job carries
     * them. The node's own peers' requests are also read from the cache when the Job starts;
     * this holds those of peers on other nodes whose remote end the node is.
     */
    private final java.util.Map<String, java.util.Set<String>> pendingRequests = new java.util.HashMap<>();
    /** Whether a retry of {@link #drain} is scheduled already. */
    private boolean retryPending;

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
        PlannedRound round = adoptStarted(RoundPlanner.plan(peer, previousRound, previousComplete, interval, now), peer, previousAt,
                roundNodes, interval, now);
        concurrency.sawRound(roundNodes, interval, now);
        String token = RoundPlanner.REQUESTED.equals(round.trigger()) && round.handledRequest() != null && round.requestedAt().equals(now)
                ? DiagnosticJobs.requestToken(key(peer), round.handledRequest()) : null;
        if (token != null) {
            synchronized (this) {
                for (String n : roundNodes) {
                    if (needsJob(n, round.requestedAt())) {
                        pendingRequests.computeIfAbsent(n, k -> new java.util.TreeSet<>()).add(token);
                    }
                }
            }
        }
        request(roundNodes, round.requestedAt(), !RoundPlanner.INTERVAL.equals(round.trigger()));
        return round;
    }

    /**
     * A new round may already be under way without the peer's status saying so: started by
     * the replica that led before a take-over, or by this operator before it was killed (a
     * re-check's start is never written, and a first round's write may have been lost), or
     * for a neighbour on the same node a moment ago. When every node of the round has a Job
     * that started after the round's trigger (on the peer's own nodes, one that probes it),
     * the round is that one, requested when the first of those Jobs started, and no second
     * Job is made. Only triggers whose moment is known qualify: the peer's creation for its
     * first round (first generation only), the interval's end for a routine re-check; an
     * on-demand request is served by a Job that carries it ({@link DiagnosticJobs#REQUESTS_ANNOTATION}).
     * A spec change may postdate any Job, so it gets Jobs of its own.
     */
    private PlannedRound adoptStarted(PlannedRound round, WireGuardPeer peer, Instant previousAt, List<String> roundNodes,
                                      Duration interval, Instant now) {
        if (!round.requestedAt().equals(now) || roundNodes.isEmpty()) {
            return round;
        }
        Instant trigger = null;
        String key = key(peer);
        String request = RoundPlanner.REQUESTED.equals(round.trigger()) ? round.handledRequest() : null;
        if (request != null) {
            // a Job created for this very request, whenever it started
            trigger = Instant.MIN;
        } else if (RoundPlanner.FIRST.equals(round.trigger()) && round.generation() <= 1) {
            trigger = Timestamps.parse(peer.getMetadata().getCreationTimestamp());
        } else if (RoundPlanner.INTERVAL.equals(round.trigger()) && previousAt != null) {
            trigger = previousAt.plus(interval);
        }
        if (trigger == null) {
            return round;
        }
        Instant earliest = null;
        synchronized (this) {
            for (String n : roundNodes) {
                // the peer's own node (not its remote's): decided by its spec, not by listing the node's peers
                boolean own = cluster.node(n).map(node -> NodeTargets.targets(peer.getSpec(), node)).orElse(false);
                Instant from = trigger;
                List<Job> cached = jobsOf(n);
                Optional<Instant> started = java.util.stream.Stream.concat(cached.stream(), state.justLaunched(n, cached).stream())
                        .filter(j -> n.equals(DiagnosticJobs.node(j)) && (!own || DiagnosticJobs.probes(j, key))
                                && (request == null || DiagnosticJobs.serves(j, key, request)))
                        .map(j -> DiagnosticJobs.startedAt(j).orElse(null))
                        .filter(t -> t != null && !t.isBefore(from) && !t.isAfter(now))
                        .max(Instant::compareTo);
                if (started.isEmpty()) {
                    return round;
                }
                earliest = earliest == null || started.get().isBefore(earliest) ? started.get() : earliest;
            }
        }
        return new PlannedRound(earliest, round.trigger(), round.generation(), round.handledRequest());
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
        // a Job on a deleted node holds no slot: it never runs, and the garbage collector removes it with its node
        int running = (int) all.stream().filter(j -> DiagnosticJobs.isActive(j) && onExistingNode(j)).count()
                + state.notYetCached(all);
        queue.drain(running, concurrency.bound(clock.instant()), this::needsJob, node -> state.busy(node, jobsOf(node)), this::start);
        if (!queue.isEmpty() && !retryPending) {
            // a slot frees when a Job finishes (its event drains again); this retry covers the
            // gather delay. One at a time: every reconcile drains, and a retry per drain would
            // make thousands of timers each scanning every Job, several times a second.
            retryPending = true;
            launcher.later(Duration.ofMillis(Math.max(200, gatherDelay.toMillis())), () -> {
                synchronized (this) {
                    retryPending = false;
                }
                drain();
            });
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
            java.util.Set<String> asked = pendingRequests.remove(name);
            java.util.Set<String> requests = new java.util.TreeSet<>(cluster.pendingRequestsOnNode(name));
            if (asked != null) {
                requests.addAll(asked);
            }
            JobLauncher.Launch launch = launcher.launch(node.get(), cluster.peersOnNode(name), now, requests);
            if (asked != null && launch.outcome() == JobLauncher.Outcome.FAILED) {
                pendingRequests.put(name, asked);
            }
            switch (launch.outcome()) {
                case CREATED -> {
                    state.launched(name, launch.jobName(), launch.job(), now);
                    started++;
                }
                // the same round created a moment ago
                case ALREADY_EXISTS -> state.launched(name, launch.jobName(), launch.job(), now);
                // perhaps stored although the answer was an error: taken as started until the
                // cache shows it or RoundState gives up waiting for it, instead of a second Job now
                case UNKNOWN -> {
                    state.launched(name, null, launch.job(), now);
                    // and asked again once that wait is over: a no-op if the Job was stored after all
                    launcher.later(RoundState.NOT_YET_CACHED_FOR_AT_MOST.plusSeconds(1), () -> {
                        drain();
                        request(List.of(name), now, true);
                    });
                }
                case FAILED -> {
                }
            }
        }
        return started;
    }

    private boolean onExistingNode(Job j) {
        String node = DiagnosticJobs.node(j);
        return node != null && cluster.node(node).isPresent();
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

    private static String key(WireGuardPeer peer) {
        return peer.getMetadata().getNamespace() + "/" + peer.getMetadata().getName();
    }

    private List<Job> jobsOf(String node) {
        return cluster.jobsOfNode(DiagnosticJobFactory.nodeLabel(node));
    }
}
