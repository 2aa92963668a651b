package io.wgfleet.operator.round;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Round requests waiting for their Jobs, oldest first. Requests for the same set of nodes
 * merge into one batch (the latest request time wins), and so do a request and a batch
 * whose nodes one of them covers: one end of a tunnel asked for its own node before the
 * other end was known, the other end then for both, and started apart the two ends' probes
 * would not overlap. Batches that merely share a node stay apart (in a mesh they would
 * chain into one batch of the whole fleet). A batch starts whole or waits, never before its
 * gather delay. It holds nodes, not their peers: which peers a node's Job probes
 * is decided when the Job starts, so a request costs the same on a node of 5,000 peers as on
 * a node of one. Holds no Jobs and talks to no API server.
 */
final class RoundQueue {

    /** A batch nobody asked for again in this long is dropped (its peers were deleted or moved). */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

    /** Starts the Jobs of one batch's nodes; answers how many it started. */
    interface Starter {
        int start(List<String> nodes);
    }

    private static final class Batch {
        final Set<String> nodes = new TreeSet<>();
        Instant since;
        /** Someone waits for this round (first diagnosis, spec change, on-demand): it goes before routine re-checks. */
        boolean urgent;
        Instant firstRequested;
        Instant lastRequested;

        Batch(Instant since, Instant now) {
            this.since = since;
            this.firstRequested = now;
            this.lastRequested = now;
        }
    }

    private final Clock clock;
    private final Duration gatherDelay;
    /** Keyed by the batch's node set so that repeats merge. */
    private final LinkedHashMap<Set<String>, Batch> batches = new LinkedHashMap<>();
    /** node -> the keys of the batches it is in, so that a request finds the batches it covers without a scan. */
    private final Map<String, Set<Set<String>>> keysOfNode = new java.util.HashMap<>();

    /**
     * @param gatherDelay how long a new batch waits for more requests before its Jobs start,
     *                    so that peers applied together share one Job per node
     */
    RoundQueue(Clock clock, Duration gatherDelay) {
        this.clock = clock;
        this.gatherDelay = gatherDelay;
    }

    /**
     * Queues a round requested at {@code since} on {@code nodes}.
     *
     * @return true when this opened a new batch, which is due after the gather delay
     */
    boolean offer(Collection<String> nodes, Instant since) {
        return offer(nodes, since, false);
    }

    /** @param urgent someone waits for this round: it goes before routine re-checks */
    boolean offer(Collection<String> nodes, Instant since, boolean urgent) {
        Instant now = clock.instant();
        Set<String> key = new TreeSet<>(nodes);
        if (key.isEmpty()) {
            return false;
        }
        Set<String> covering = covering(key);
        if (covering != null) {
            join(batches.get(covering), since, urgent, now);
            return false;
        }
        Batch b = new Batch(since, now);
        b.urgent = urgent;
        b.nodes.addAll(key);
        for (Set<String> covered : covered(key)) {
            Batch old = remove(covered);
            join(b, old.since, old.urgent, old.lastRequested);
            if (old.firstRequested.isBefore(b.firstRequested)) {
                b.firstRequested = old.firstRequested;
            }
        }
        batches.put(key, b);
        key.forEach(n -> keysOfNode.computeIfAbsent(n, k -> new java.util.HashSet<>()).add(key));
        return true;
    }

    private static void join(Batch b, Instant since, boolean urgent, Instant requested) {
        if (since.isAfter(b.since)) {
            b.since = since;
        }
        if (requested.isAfter(b.lastRequested)) {
            b.lastRequested = requested;
        }
        b.urgent |= urgent;
    }

    /** A queued batch whose nodes include all of {@code key} (the batch of {@code key} itself too), or null. */
    private Set<String> covering(Set<String> key) {
        for (Set<String> other : keysOfNode.getOrDefault(key.iterator().next(), Set.of())) {
            if (other.containsAll(key)) {
                return other;
            }
        }
        return null;
    }

    /** The queued batches whose nodes are all in {@code key}. */
    private List<Set<String>> covered(Set<String> key) {
        Set<Set<String>> out = new java.util.LinkedHashSet<>();
        for (String n : key) {
            for (Set<String> other : keysOfNode.getOrDefault(n, Set.of())) {
                if (key.containsAll(other)) {
                    out.add(other);
                }
            }
        }
        return new ArrayList<>(out);
    }

    private Batch remove(Set<String> key) {
        Batch b = batches.remove(key);
        for (String n : key) {
            Set<Set<String>> keys = keysOfNode.get(n);
            if (keys != null) {
                keys.remove(key);
                if (keys.isEmpty()) {
                    keysOfNode.remove(n);
                }
            }
        }
        return b;
    }

    /**
     * Starts due batches while there is room, urgent ones first, then oldest first: a batch
     * bigger than the bound still starts when nothing else runs, or it would starve.
     *
     * @param running  Jobs running now
     * @param needsJob whether a node still needs a Job for a round requested at the given time
     * @param busy     whether a node's previous Job still runs (its next one waits)
     */
    void drain(int running, int maxConcurrent, BiPredicate<String, Instant> needsJob, Predicate<String> busy, Starter starter) {
        Instant now = clock.instant();
        List<Map.Entry<Set<String>, Batch>> order = new ArrayList<>(batches.entrySet());
        order.sort((x, y) -> Boolean.compare(y.getValue().urgent, x.getValue().urgent)); // stable: oldest first within each
        Iterator<Map.Entry<Set<String>, Batch>> it = order.iterator();
        while (it.hasNext()) {
            Map.Entry<Set<String>, Batch> entry = it.next();
            Batch b = entry.getValue();
            if (b.lastRequested.isBefore(now.minus(ABANDONED_AFTER))) {
                remove(entry.getKey());
                continue;
            }
            List<String> toStart = b.nodes.stream().filter(n -> needsJob.test(n, b.since)).toList();
            if (toStart.isEmpty()) {
                remove(entry.getKey());
                continue;
            }
            if (now.isBefore(b.firstRequested.plus(gatherDelay)) || toStart.stream().anyMatch(busy)) {
                continue;
            }
            if (running + toStart.size() > maxConcurrent && running > 0) {
                break;
            }
            running += starter.start(toStart);
            remove(entry.getKey());
        }
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    boolean isWaiting(String node) {
        return keysOfNode.containsKey(node);
    }

    Set<String> waitingNodes() {
        Set<String> out = new TreeSet<>();
        batches.values().forEach(b -> out.addAll(b.nodes));
        return out;
    }
}
