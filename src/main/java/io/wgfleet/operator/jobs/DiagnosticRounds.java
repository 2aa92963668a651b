package io.wgfleet.operator.jobs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Diagnostic rounds: at most one Job per node per round, a bounded number running at
 * once, and the nodes of one request (both ends of an in-fleet tunnel) started together
 * so that their probes overlap. Round state is read back from the Jobs themselves, so an
 * operator restart loses nothing but the queue, which the next reconciles rebuild.
 */
public class DiagnosticRounds {

    /** Annotation with the operator's clock at Job creation: rounds compare it with their request time. */
    public static final String STARTED_AT_ANNOTATION = "wgfleet.io/round-started-at";
    private static final Logger LOG = Logger.getLogger(DiagnosticRounds.class);

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** A node's part of a round requested at some time. */
    public record NodeRound(String node, State state, String jobName, String detail) {
    }

    /** Reads cached Jobs and nodes; kept as functions so tests can drive it without informers. */
    public interface Cluster {
        List<Job> jobsOfNode(String nodeLabel);

        Optional<Node> node(String name);

        int activeJobs();
    }

    private record Batch(Map<String, List<String>> peersByNode, Instant since) {
    }

    private final KubernetesClient client;
    private final DiagnosticJobFactory factory;
    private final Clock clock;
    private final int maxConcurrent;
    private final Supplier<Cluster> cluster;
    private final JobMetrics metrics;
    /** Jobs created but perhaps not yet in the informer cache: node -> start time. */
    private final Map<String, Instant> startedRecently = new HashMap<>();
    /** Waiting batches, oldest first, keyed by their node set so repeats merge. */
    private final LinkedHashMap<Set<String>, Batch> queue = new LinkedHashMap<>();

    public DiagnosticRounds(KubernetesClient client, DiagnosticJobFactory factory, Clock clock, int maxConcurrent,
                            Supplier<Cluster> cluster, JobMetrics metrics) {
        this.client = client;
        this.factory = factory;
        this.clock = clock;
        this.maxConcurrent = Math.max(1, maxConcurrent);
        this.cluster = cluster;
        this.metrics = metrics;
    }

    /** The state of the round on {@code node} that was requested at {@code since}. */
    public synchronized NodeRound status(String node, Instant since) {
        Optional<Job> job = latestJobSince(node, since);
        if (job.isEmpty()) {
            Instant local = startedRecently.get(node);
            if (local != null && !local.isBefore(since)) {
                return new NodeRound(node, State.RUNNING, null, "Job created, not yet observed");
            }
            return new NodeRound(node, State.QUEUED, null, queuedDetail(node));
        }
        Job j = job.get();
        String name = j.getMetadata().getName();
        Optional<JobCondition> failed = condition(j, "Failed");
        if (failed.isPresent()) {
            JobCondition c = failed.get();
            String why = c.getReason() == null ? "failed" : c.getReason();
            String msg = c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage();
            return new NodeRound(node, State.FAILED, name, "diagnostic Job " + name + " on node " + node + " failed (" + why + msg + ")");
        }
        if (condition(j, "Complete").isPresent()) {
            return new NodeRound(node, State.SUCCEEDED, name, "diagnostic Job " + name + " completed");
        }
        if (cluster.get().node(node).isEmpty()) {
            return new NodeRound(node, State.FAILED, name, "node " + node + " was deleted while its diagnostic Job " + name + " was running");
        }
        return new NodeRound(node, State.RUNNING, name, "diagnostic Job " + name + " is running on node " + node);
    }

    /**
     * Asks for a round, requested at {@code since}, on every node of the map (node -> the
     * peers its agent should probe). Nodes already covered by a Job started at or after
     * {@code since} are left alone, so calling this on every reconcile is harmless.
     */
    public synchronized void request(Map<String, List<String>> peersByNode, Instant since) {
        Map<String, List<String>> needed = new TreeMap<>();
        peersByNode.forEach((node, peers) -> {
            if (status(node, since).state() == State.QUEUED) {
                needed.put(node, peers);
            }
        });
        if (needed.isEmpty()) {
            return;
        }
        Set<String> key = new TreeSet<>(needed.keySet());
        Batch existing = queue.get(key);
        if (existing == null || existing.since().isBefore(since)) {
            queue.put(key, new Batch(needed, since));
        }
        drain();
    }

    /** Starts queued batches while there is room; a batch starts whole or waits. */
    public synchronized void drain() {
        int running = cluster.get().activeJobs() + recentNotYetCached();
        Iterator<Map.Entry<Set<String>, Batch>> it = queue.entrySet().iterator();
        while (it.hasNext()) {
            Batch b = it.next().getValue();
            List<String> toStart = b.peersByNode().keySet().stream()
                    .filter(n -> status(n, b.since()).state() == State.QUEUED)
                    .toList();
            if (toStart.isEmpty()) {
                it.remove();
                continue;
            }
            // a batch bigger than the bound still runs when nothing else does, or it would starve
            if (running + toStart.size() > maxConcurrent && running > 0) {
                break;
            }
            Instant now = clock.instant();
            for (String node : toStart) {
                Optional<Node> n = cluster.get().node(node);
                if (n.isEmpty()) {
                    continue;
                }
                Job job = factory.build(n.get(), b.peersByNode().get(node), now);
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
    }

    /** Nodes waiting in the queue, for the reconciler to map Job events back to peers. */
    public synchronized Set<String> queuedNodes() {
        Set<String> out = new TreeSet<>();
        queue.values().forEach(b -> out.addAll(b.peersByNode().keySet()));
        return out;
    }

    private String queuedDetail(String node) {
        int position = 1;
        for (Batch b : queue.values()) {
            if (b.peersByNode().containsKey(node)) {
                return "waiting for a free slot (position " + position + ", at most " + maxConcurrent + " diagnostic Jobs at once)";
            }
            position++;
        }
        return "no diagnostic Job started yet";
    }

    private int recentNotYetCached() {
        int n = 0;
        for (Map.Entry<String, Instant> e : new ArrayList<>(startedRecently.entrySet())) {
            if (latestJobSince(e.getKey(), e.getValue()).isPresent()) {
                startedRecently.remove(e.getKey()); // the cache has it now and counts it
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
        try {
            return t == null ? Optional.empty() : Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
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
