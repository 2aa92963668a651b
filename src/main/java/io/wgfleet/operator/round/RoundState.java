package io.wgfleet.operator.round;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.wgfleet.operator.jobs.DiagnosticJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of each node's round, read from its Jobs as the informer cache holds them,
 * plus what the cache cannot know yet: Jobs created a moment ago. Also notices, once per
 * Job, that a Job it saw running has finished. Holds no client and no informer.
 */
final class RoundState {

    /** A created Job shows up in the informer cache within moments; one that never does was deleted. */
    static final Duration NOT_YET_CACHED_FOR_AT_MOST = Duration.ofSeconds(10);

    private final Clock clock;
    /** Jobs created but perhaps not yet in the informer cache: node -> the launch. */
    private final Map<String, Launched> launched = new HashMap<>();
    /** Jobs seen running (by name), with when they were first seen: each is counted once when it finishes. */
    private final Map<String, Instant> running = new HashMap<>();

    RoundState(Clock clock) {
        this.clock = clock;
    }

    /** A Job we created (or perhaps created: its create got no answer), as it was sent. */
    private record Launched(Instant at, Job job) {
    }

    /** We created the Job {@code jobName} for {@code node} at {@code at}. */
    void launched(String node, String jobName, Instant at) {
        launched(node, jobName, null, at);
    }

    /**
     * We created {@code job} (named {@code jobName}; null when its create got no answer) for
     * {@code node} at {@code at}.
     */
    void launched(String node, String jobName, Job job, Instant at) {
        launched.put(node, new Launched(at, job));
        if (jobName != null) {
            running.putIfAbsent(jobName, at);
        }
    }

    /** Whether we created a Job on the node for a round requested at or before {@code since}. */
    boolean launchedSince(String node, Instant since) {
        Instant local = launchedAt(node);
        return local != null && !local.isBefore(since);
    }

    /**
     * The Job we created on the node a moment ago, as sent, while the cache does not hold it
     * yet: whoever asks what the node's Jobs are must not miss it because a watch lags.
     */
    Optional<Job> justLaunched(String node, List<Job> jobsOfNode) {
        forgetLaunchedOnceCached(node, jobsOfNode);
        Launched l = launched.get(node);
        if (l == null || l.job() == null || l.at().isBefore(clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST))) {
            return Optional.empty();
        }
        return Optional.of(l.job());
    }

    private Instant launchedAt(String node) {
        Launched l = launched.get(node);
        return l == null ? null : l.at();
    }

    /**
     * The state of the round on {@code node} that was requested at {@code since}.
     *
     * @param jobsOfNode the node's Jobs in the cache
     * @param queued     what to say when no Job has started yet
     */
    NodeRound of(String node, Instant since, List<Job> jobsOfNode, boolean nodeExists, String queued) {
        forgetLaunchedOnceCached(node, jobsOfNode);
        Optional<Job> job = latestSince(node, since, jobsOfNode);
        if (job.isEmpty()) {
            Instant local = launchedAt(node);
            if (local != null && !local.isBefore(since)) {
                return new NodeRound(node, NodeRound.State.RUNNING, null, "diagnostic Job created on node " + node, local);
            }
            return new NodeRound(node, NodeRound.State.QUEUED, null, queued, null);
        }
        Job j = job.get();
        String name = j.getMetadata().getName();
        Instant started = DiagnosticJobs.startedAt(j).orElse(null);
        Optional<JobCondition> failed = DiagnosticJobs.condition(j, "Failed");
        if (failed.isPresent()) {
            JobCondition c = failed.get();
            String why = c.getReason() == null ? "failed" : c.getReason();
            String msg = c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage();
            return new NodeRound(node, NodeRound.State.FAILED, name, "diagnostic Job " + name + " on node " + node + " failed (" + why + msg + ")", started);
        }
        if (DiagnosticJobs.condition(j, "Complete").isPresent()) {
            return new NodeRound(node, NodeRound.State.SUCCEEDED, name, "diagnostic Job " + name + " completed", started);
        }
        if (!nodeExists) {
            return new NodeRound(node, NodeRound.State.FAILED, name, "node " + node + " was deleted while its diagnostic Job " + name + " was running", started);
        }
        return new NodeRound(node, NodeRound.State.RUNNING, name, "diagnostic Job " + name + " is running on node " + node, started);
    }

    /** Whether the cache holds a Job of the node started at or after {@code since}. */
    boolean hasJobSince(String node, Instant since, List<Job> jobsOfNode) {
        return latestSince(node, since, jobsOfNode).isPresent();
    }

    /** Whether the node's previous Job still runs, in the cache or created a moment ago. */
    boolean busy(String node, List<Job> jobsOfNode) {
        Instant local = launchedAt(node);
        if (local != null && latestSince(node, local, jobsOfNode).isEmpty()
                && local.isAfter(clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST))) {
            return true;
        }
        return jobsOfNode.stream().filter(j -> node.equals(DiagnosticJobs.node(j))).anyMatch(DiagnosticJobs::isActive);
    }

    /**
     * Jobs created but not in the cache yet (they hold a slot); forgets those the cache has
     * or never will. Reads the same snapshot as the caller's count of running Jobs, so that a
     * Job the cache receives in between is counted once, not in neither count.
     *
     * @param all every diagnostic Job in the cache, as the caller counted them
     */
    int notYetCached(Collection<Job> all) {
        int n = 0;
        Instant expired = clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST);
        for (Map.Entry<String, Launched> e : new ArrayList<>(launched.entrySet())) {
            if (latestSince(e.getKey(), e.getValue().at(), all).isPresent() || e.getValue().at().isBefore(expired)) {
                launched.remove(e.getKey());
            } else {
                n++;
            }
        }
        return n;
    }

    /** A Job seen running that has finished: its outcome (succeeded, failed) and how long it took from its creation. */
    record Finished(String outcome, Duration took) {
    }

    /**
     * The Jobs that were seen running and are now finished: each Job is reported once,
     * whichever look notices it first.
     */
    List<Finished> newlyFinished(Collection<Job> jobs) {
        List<Finished> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Job j : jobs) {
            String name = j.getMetadata().getName();
            if (DiagnosticJobs.isActive(j)) {
                running.putIfAbsent(name, now);
            } else if (running.remove(name) != null) {
                Duration took = DiagnosticJobs.startedAt(j).map(t -> Duration.between(t, now)).orElse(null);
                out.add(new Finished(DiagnosticJobs.outcome(j), took));
            }
        }
        return out;
    }

    /** Forgets running Jobs that left the cache unfinished (deleted), so the map stays bounded. */
    void forgetVanished(Collection<Job> all) {
        Set<String> present = new HashSet<>();
        all.forEach(j -> present.add(j.getMetadata().getName()));
        Instant expired = clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST);
        running.entrySet().removeIf(e -> !present.contains(e.getKey()) && e.getValue().isBefore(expired));
    }

    /** The informer has the Job we created: the cache counts it from now on, even if it is deleted soon. */
    private void forgetLaunchedOnceCached(String node, List<Job> jobsOfNode) {
        Instant local = launchedAt(node);
        if (local != null && latestSince(node, local, jobsOfNode).isPresent()) {
            launched.remove(node);
        }
    }

    private static Optional<Job> latestSince(String node, Instant since, Collection<Job> jobsOfNode) {
        return jobsOfNode.stream()
                .filter(j -> node.equals(DiagnosticJobs.node(j)))
                .filter(j -> DiagnosticJobs.startedAt(j).map(t -> !t.isBefore(since)).orElse(false))
                .max(Comparator.comparing(j -> DiagnosticJobs.startedAt(j).orElse(Instant.EPOCH)));
    }
}
