package io.wgfleet.operator.round;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Round requests waiting for their Jobs, oldest first. Requests for the same set of nodes
 * merge into one batch (their peers join, the latest request time wins); a batch starts
 * whole or waits, never before its gather delay. Holds no Jobs and talks to no API server.
 */
final class RoundQueue {

    /** A batch nobody asked for again in this long is dropped (its peers were deleted or moved). */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

    /** Starts the Jobs of one batch's nodes; answers how many it started. */
    interface Starter {
        int start(Map<String, List<String>> peersByNode);
    }

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

    private final Clock clock;
    private final Duration gatherDelay;
    /** Keyed by the batch's node set so that repeats merge. */
    private final LinkedHashMap<Set<String>, Batch> batches = new LinkedHashMap<>();

    /**
     * @param gatherDelay how long a new batch waits for more requests before its Jobs start,
     *                    so that peers applied together share one Job per node
     */
    RoundQueue(Clock clock, Duration gatherDelay) {
        this.clock = clock;
        this.gatherDelay = gatherDelay;
    }

    /**
     * Queues a round requested at {@code since} on the nodes of the map (node -> peers to probe).
     *
     * @return true when this opened a new batch, which is due after the gather delay
     */
    boolean offer(Map<String, List<String>> peersByNode, Instant since) {
        Instant now = clock.instant();
        Set<String> key = new TreeSet<>(peersByNode.keySet());
        Batch batch = batches.get(key);
        boolean opened = batch == null;
        if (opened) {
            batch = new Batch(since, now);
            batches.put(key, batch);
        }
        Batch b = batch;
        peersByNode.forEach((node, peers) -> b.peersByNode.computeIfAbsent(node, k -> new TreeSet<>()).addAll(peers));
        if (since.isAfter(b.since)) {
            b.since = since;
        }
        b.lastRequested = now;
        return opened;
    }

    /**
     * Starts due batches while there is room, oldest first: a batch bigger than the bound
     * still starts when nothing else runs, or it would starve.
     *
     * @param running  Jobs running now
     * @param needsJob whether a node still needs a Job for a round requested at the given time
     * @param busy     whether a node's previous Job still runs (its next one waits)
     */
    void drain(int running, int maxConcurrent, BiPredicate<String, Instant> needsJob, Predicate<String> busy, Starter starter) {
        Instant now = clock.instant();
        Iterator<Batch> it = batches.values().iterator();
        while (it.hasNext()) {
            Batch b = it.next();
            if (b.lastRequested.isBefore(now.minus(ABANDONED_AFTER))) {
                it.remove();
                continue;
            }
            List<String> toStart = b.peersByNode.keySet().stream().filter(n -> needsJob.test(n, b.since)).toList();
            if (toStart.isEmpty()) {
                it.remove();
                continue;
            }
            if (now.isBefore(b.firstRequested.plus(gatherDelay)) || toStart.stream().anyMatch(busy)) {
                continue;
            }
            if (running + toStart.size() > maxConcurrent && running > 0) {
                break;
            }
            Map<String, List<String>> start = new TreeMap<>();
            toStart.forEach(n -> start.put(n, new ArrayList<>(b.peersByNode.get(n))));
            running += starter.start(start);
            it.remove();
        }
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    boolean isWaiting(String node) {
        return batches.values().stream().anyMatch(b -> b.peersByNode.containsKey(node));
    }

    Set<String> waitingNodes() {
        Set<String> out = new TreeSet<>();
        batches.values().forEach(b -> out.addAll(b.peersByNode.keySet()));
        return out;
    }
}
