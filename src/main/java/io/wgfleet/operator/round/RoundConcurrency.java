package io.wgfleet.operator.round;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many diagnostic Jobs may run at once. {@code max-concurrent-jobs} is the floor; the
 * bound rises so that a routine round over every node fits in half the shortest diagnosis
 * interval (the other half is slack for on-demand requests and slow nodes):
 *
 * <pre>
 *   bound = max(max-concurrent-jobs, ceil(nodes x jobTime / (interval / 2))), at most nodes
 * </pre>
 *
 * where nodes are the nodes that had a round in the last two intervals, jobTime the moving
 * average of the Jobs' measured durations (creation to completion as the operator saw it),
 * and interval the shortest diagnosis interval among the peers. Until a Job has finished the
 * floor applies.
 */
final class RoundConcurrency {

    private static final Duration PRUNE_EVERY = Duration.ofSeconds(30);
    /** Weight of the newest Job in the moving average. */
    private static final double ALPHA = 0.2;

    private final int floor;
    private final Map<String, Instant> nodes = new ConcurrentHashMap<>();
    private volatile Duration shortestInterval = Duration.ofMinutes(5);
    private volatile double jobSeconds;
    private volatile Instant lastPrune = Instant.EPOCH;

    RoundConcurrency(int floor) {
        this.floor = Math.max(1, floor);
    }

    void sawRound(List<String> roundNodes, Duration interval, Instant now) {
        roundNodes.forEach(n -> nodes.put(n, now));
        if (interval != null && interval.compareTo(shortestInterval) < 0) {
            shortestInterval = interval;
        }
    }

    synchronized void jobTook(Duration took) {
        if (took == null || took.isNegative()) {
            return;
        }
        double s = took.toMillis() / 1000.0;
        jobSeconds = jobSeconds == 0 ? s : ALPHA * s + (1 - ALPHA) * jobSeconds;
    }

    int bound(Instant now) {
        if (now.isAfter(lastPrune.plus(PRUNE_EVERY))) {
            lastPrune = now;
            Instant forgetBefore = now.minus(shortestInterval.multipliedBy(2));
            nodes.values().removeIf(t -> t.isBefore(forgetBefore));
        }
        int n = nodes.size();
        if (jobSeconds == 0 || n <= floor) {
            return floor;
        }
        double halfInterval = Math.max(1, shortestInterval.toMillis() / 2000.0);
        int needed = (int) Math.ceil(n * jobSeconds / halfInterval);
        return Math.max(floor, Math.min(n, needed));
    }
}
