package io.wgfleet.operator.jobs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.api.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Diagnostic rounds: at most one Job per node per round, a bounded number running at
 * once, and the nodes of one request (both ends of an in-fleet tunnel) started together
 * so that their probes overlap. Round state is read back from the Jobs themselves, so an
 * operator restart loses nothing but the queue, which the next reconciles rebuild.
 */
public class DiagnosticRounds implements AutoCloseable {

    /** Annotation with the operator's clock at Job creation: rounds compare it with their request time. */
    public static final String STARTED_AT_ANNOTATION = "wgfleet.io/round-started-at";
    private static final Logger LOG = Logger.getLogger(DiagnosticRounds.class);

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /**
     * A node's part of a round requested at some time.
     *
     * @param startedAt when the round's Job was created (operator clock), null before that
     */
    public record NodeRound(String node, State state, String jobName, String detail, Instant startedAt) {
    }

    /** Reads cached Jobs and nodes; kept as functions so tests can drive it without informers. */
    public interface Cluster {
        List<Job> jobsOfNode(String nodeLabel);

        Optional<Node> node(String name);

        int activeJobs();
    }

    /** Requests gathered for one set of nodes; peers merge, the latest request time wins. */
    private static final class Batch {
        final Map<String, Set<String>> peersByNode = new TreeMap<>();
        Instant since;
        final Instant firstRequested;
        Instant lastRequested;

        Batch(Instant since, Instant now) {
            this.since = since;
            this.firstRequested = now;
            this.lastRequested = now;
        }
    }

    /** A created Job shows up in the informer cache within moments; one that never does was deleted. */
    static final Duration NOT_YET_CACHED_FOR_AT_MOST = Duration.ofSeconds(10);
    /** A batch nobody asked for again in this long is dropped (its peers were deleted or moved). */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final DiagnosticJobFactory factory;
    private final Clock clock;
    private final int maxConcurrent;
    private final Duration gatherDelay;
    private final Supplier<Cluster> cluster;
    private final JobMetrics metrics;
    private final ScheduledExecutorService timer;
    /** Jobs created but perhaps not yet in the informer cache: node -> start time. */
    private final Map<String, Instant> startedRecently = new HashMap<>();
    /** Waiting batches, oldest first, keyed by their node set so repeats merge. */
    private final LinkedHashMap<Set<String>, Batch> queue = new LinkedHashMap<>();

    /**
     * @param gatherDelay how long a new round waits for more requests before its Jobs start,
     *                    so that peers applied together share one Job per node
     */
    public DiagnosticRounds(KubernetesClient client, DiagnosticJobFactory factory, Clock clock, int maxConcurrent,
                            Duration gatherDelay, Supplier<Cluster> cluster, JobMetrics metrics) {
        this.client = client;
        this.factory = factory;
        this.clock = clock;
        this.maxConcurrent = Math.max(1, maxConcurrent);
        this.gatherDelay = gatherDelay;
        this.cluster = cluster;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wgfleet-rounds");
            t.setDaemon(true);
            return t;
        });
    }

    /** The state of the round on {@code node} that was requested at {@code since}. */
    public synchronized NodeRound status(String node, Instant since) {
        Optional<Job> job = latestJobSince(node, since);
        if (job.isEmpty()) {
            Instant local = startedRecently.get(node);
            if (local != null && !local.isBefore(since)) {
                return new NodeRound(node, State.RUNNING, null, "diagnostic Job created on node " + node, local);
            }
            return new NodeRound(node, State.QUEUED, null, queuedDetail(node), null);
        }
        Job j = job.get();
        String name = j.getMetadata().getName();
        Instant started = startedAt(j).orElse(null);
        Optional<JobCondition> failed = condition(j, "Failed");
        if (failed.isPresent()) {
            JobCondition c = failed.get();
            String why = c.getReason() == null ? "failed" : c.getReason();
            String msg = c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage();
            return new NodeRound(node, State.FAILED, name, "diagnostic Job " + name + " on node " + node + " failed (" + why + msg + ")", started);
        }
        if (condition(j, "Complete").isPresent()) {
            return new NodeRound(node, State.SUCCEEDED, name, "diagnostic Job " + name + " completed", started);
        }
        if (cluster.get().node(node).isEmpty()) {
            return new NodeRound(node, State.FAILED, name, "node " + node + " was deleted while its diagnostic Job " + name + " was running", started);
        }
        return new NodeRound(node, State.RUNNING, name, "diagnostic Job " + name + " is running on node " + node, started);
    }

    /**
     * Asks for a round, requested at {@code since}, on every node of the map (node -> the
     * peers its agent should probe). Nodes already covered by a Job started at or after
     * {@code since} are left alone, so calling this on every reconcile is harmless.
     */
    public synchronized void request(Map<String, List<String>> peersByNode, Instant since) {
        Map<String, List<String>> needed = new TreeMap<>();
        peersByNode.forEach((node, peers) -> {
            if (latestJobSince(node, since).isEmpty() && !startedSince(node, since)) {
                needed.put(node, peers);
            }
        });
        if (needed.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Set<String> key = new TreeSet<>(needed.keySet());
        Batch b = queue.get(key);
        if (b == null) {
            b = new Batch(since, now);
            queue.put(key, b);
            timer.schedule(this::drainQuietly, gatherDelay.toMillis() + 50, TimeUnit.MILLISECONDS);
        }
        Batch batch = b;
        needed.forEach((node, peers) -> batch.peersByNode.computeIfAbsent(node, k -> new TreeSet<>()).addAll(peers));
        if (since.isAfter(batch.since)) {
            batch.since = since;
        }
        batch.lastRequested = now;
        drain();
    }

    /** Stops the timer that starts gathered rounds. */
    public void close() {
        timer.shutdownNow();
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.warnf("starting queued diagnostic rounds failed: %s", e.getMessage());
        }
    }

    /**
     * Starts queued batches while there is room: a batch starts whole or waits, never
     * before its gather delay, and never on a node whose previous Job still runs.
     */
    public synchronized void drain() {
        Instant now = clock.instant();
        int running = cluster.get().activeJobs() + recentNotYetCached();
        Iterator<Map.Entry<Set<String>, Batch>> it = queue.entrySet().iterator();
        while (it.hasNext()) {
            Batch b = it.next().getValue();
            if (b.lastRequested.isBefore(now.minus(ABANDONED_AFTER))) {
                it.remove();
                continue;
            }
            List<String> toStart = b.peersByNode.keySet().stream()
                    .filter(n -> latestJobSince(n, b.since).isEmpty() && !startedSince(n, b.since))
                    .toList();
            if (toStart.isEmpty()) {
                it.remove();
                continue;
            }
            if (now.isBefore(b.firstRequested.plus(gatherDelay)) || toStart.stream().anyMatch(this::hasActiveJob)) {
                continue;
            }
            // a batch bigger than the bound still runs when nothing else does, or it would starve
            if (running + toStart.size() > maxConcurrent && running > 0) {
                break;
            }
            for (String node : toStart) {
                Optional<Node> n = cluster.get().node(node);
                if (n.isEmpty()) {
                    continue;
                }
                Job job = factory.build(n.get(), List.copyOf(b.peersByNode.get(node)), now);
                job.getMetadata().getAnnotations().put(STARTED_AT_ANNOTATION, now.toString());
                try {
                    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
                    startedRecently.put(node, now);
                    metrics.started();
                    running++;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        startedRecently.put(node, now); // same round created a moment ago
                    } else {
                        LOG.warnf("could not create diagnostic Job for node %s: %s", node, e.getMessage());
                        metrics.createFailed();
                    }
                }
            }
            it.remove();
        }
        if (!queue.isEmpty()) {
            // a slot frees when a Job finishes (its event drains again); this retry covers the gather delay
            timer.schedule(this::drainQuietly, Math.max(200, gatherDelay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private boolean startedSince(String node, Instant since) {
        Instant local = startedRecently.get(node);
        return local != null && !local.isBefore(since);
    }

    private boolean hasActiveJob(String node) {
        Instant local = startedRecently.get(node);
        if (local != null && latestJobSince(node, local).isEmpty() && local.isAfter(clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST))) {
            return true;
        }
        return cluster.get().jobsOfNode(DiagnosticJobFactory.nodeLabel(node)).stream()
                .filter(j -> node.equals(annotation(j, DiagnosticJobFactory.NODE_ANNOTATION)))
                .anyMatch(DiagnosticRounds::isActive);
    }

    private static String annotation(Job j, String key) {
        return j.getMetadata().getAnnotations() == null ? null : j.getMetadata().getAnnotations().get(key);
    }

    /**
     * The informer has seen a Job of ours: from now on the cache counts it, so it no longer
     * needs counting as created-but-unseen (even if it is deleted before the next drain).
     */
    public synchronized void seen(Job job) {
        String node = annotation(job, DiagnosticJobFactory.NODE_ANNOTATION);
        Instant started = startedAt(job).orElse(null);
        Instant local = node == null ? null : startedRecently.get(node);
        if (local != null && started != null && !started.isBefore(local)) {
            startedRecently.remove(node);
        }
    }

    /** Nodes waiting in the queue, for the reconciler to map Job events back to peers. */
    public synchronized Set<String> queuedNodes() {
        Set<String> out = new TreeSet<>();
        queue.values().forEach(b -> out.addAll(b.peersByNode.keySet()));
        return out;
    }

    private String queuedDetail(String node) {
        for (Batch b : queue.values()) {
            if (b.peersByNode.containsKey(node)) {
                return "diagnostic Job for node " + node + " queued (at most " + maxConcurrent + " run at once)";
            }
        }
        return "no diagnostic Job for node " + node + " started yet";
    }

    private int recentNotYetCached() {
        int n = 0;
        Instant expired = clock.instant().minus(NOT_YET_CACHED_FOR_AT_MOST);
        for (Map.Entry<String, Instant> e : new ArrayList<>(startedRecently.entrySet())) {
            if (latestJobSince(e.getKey(), e.getValue()).isPresent() || e.getValue().isBefore(expired)) {
                // the cache has it now and counts it, or it was deleted before the cache saw it
                startedRecently.remove(e.getKey());
            } else {
                n++;
            }
        }
        return n;
    }

    private Optional<Job> latestJobSince(String node, Instant since) {
        return cluster.get().jobsOfNode(DiagnosticJobFactory.nodeLabel(node)).stream()
                .filter(j -> node.equals(j.getMetadata().getAnnotations() == null ? null
                        : j.getMetadata().getAnnotations().get(DiagnosticJobFactory.NODE_ANNOTATION)))
                .filter(j -> startedAt(j).map(t -> !t.isBefore(since)).orElse(false))
                .max(Comparator.comparing(j -> startedAt(j).orElse(Instant.EPOCH)));
    }

    static Optional<Instant> startedAt(Job j) {
        Map<String, String> a = j.getMetadata().getAnnotations();
        String t = a == null ? null : a.get(STARTED_AT_ANNOTATION);
        return Optional.ofNullable(Timestamps.parse(t));
    }

    /** True when the Job has neither completed nor failed. */
    public static boolean isActive(Job j) {
        return condition(j, "Complete").isEmpty() && condition(j, "Failed").isEmpty();
    }

    private static Optional<JobCondition> condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return j.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

}
