package io.wgfleet.operator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundQueueTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration GATHER = Duration.ofSeconds(1);

    MutableClock clock;
    RoundQueue queue;
    List<List<String>> started;
    Map<String, Instant> askedSince;
    Set<String> covered;
    Set<String> busy;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        queue = new RoundQueue(clock, GATHER);
        started = new ArrayList<>();
        askedSince = new HashMap<>();
        covered = new java.util.HashSet<>();
        busy = new java.util.HashSet<>();
    }

    /** Drains with {@code running} Jobs running and a bound of {@code max}. */
    void drain(int running, int max) {
        queue.drain(running, max, (node, since) -> {
            askedSince.put(node, since);
            return !covered.contains(node);
        }, busy::contains, batch -> {
            started.add(batch);
            return batch.size();
        });
    }

    @Test
    void repeatedRequestsForOneNodeSetMergeAndTheLatestRequestTimeWins() {
        assertThat(queue.offer(List.of("n1"), T0)).isTrue();
        assertThat(queue.offer(List.of("n1"), T0.plusSeconds(2))).isFalse();
        clock.advance(GATHER);
        drain(0, 10);
        assertThat(started).containsExactly(List.of("n1"));
        assertThat(askedSince.get("n1")).isEqualTo(T0.plusSeconds(2));
        assertThat(queue.isEmpty()).isTrue();
    }

    /**
     * One end of a tunnel asked for its own node before the other end was known; the other
     * end then asked for both. Both nodes start together, when the older request is due.
     */
    @Test
    void aRequestCoveringAQueuedBatchTakesItInAndOneCoveredByABatchJoinsIt() {
        assertThat(queue.offer(List.of("a"), T0)).isTrue();
        clock.advance(java.time.Duration.ofMillis(300));
        queue.offer(List.of("b", "a"), T0.plusMillis(300));
        queue.offer(List.of("b"), T0.plusMillis(300)); // covered by the pair: joins it
        clock.advance(GATHER.minusMillis(300));
        drain(1, 2); // room for one more Job only: the pair waits whole rather than starting a alone
        assertThat(started).isEmpty();
        drain(0, 2);
        assertThat(started).containsExactly(List.of("a", "b"));
        assertThat(askedSince.get("a")).as("the latest request time of the merged ones").isEqualTo(T0.plusMillis(300));
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.isWaiting("a")).isFalse();
    }

    @Test
    void batchesThatOnlyShareANodeStayApart() {
        queue.offer(List.of("n1", "n2"), T0);
        queue.offer(List.of("n2", "n3"), T0);
        clock.advance(GATHER);
        drain(0, 2);
        assertThat(started).containsExactly(List.of("n1", "n2"));
        assertThat(queue.isWaiting("n3")).isTrue();
    }

    @Test
    void aBatchWaitsForItsGatherDelay() {
        queue.offer(List.of("n1"), T0);
        clock.advance(GATHER.minusMillis(1));
        drain(0, 10);
        assertThat(started).isEmpty();
        assertThat(queue.isWaiting("n1")).isTrue();
        assertThat(queue.waitingNodes()).containsExactly("n1");

        clock.advance(Duration.ofMillis(1));
        drain(0, 10);
        assertThat(started).hasSize(1);
        assertThat(queue.isWaiting("n1")).isFalse();
    }

    @Test
    void aBatchStartsWholeWithinTheBoundOrWaitsAndOlderBatchesGoFirst() {
        List<String> pair = List.of("n2", "n3");
        queue.offer(pair, T0);
        queue.offer(List.of("n4"), T0);
        clock.advance(GATHER);

        drain(2, 3); // one slot: the pair does not split, and the single one behind it waits its turn
        assertThat(started).isEmpty();

        drain(1, 3); // room for the pair; then none for the single one
        assertThat(started).containsExactly(List.of("n2", "n3"));

        drain(2, 3);
        assertThat(started).last().isEqualTo(List.of("n4"));
    }

    @Test
    void aBatchBiggerThanTheBoundStillStartsWhenNothingRuns() {
        queue.offer(List.of("n1", "n2", "n3"), T0);
        clock.advance(GATHER);
        drain(0, 2);
        assertThat(started).singleElement().satisfies(b -> assertThat(b).containsExactly("n1", "n2", "n3"));
    }

    @Test
    void aBatchOnABusyNodeWaitsWithoutHoldingUpTheOthers() {
        queue.offer(List.of("n1"), T0);
        queue.offer(List.of("n2"), T0);
        busy.add("n1");
        clock.advance(GATHER);
        drain(0, 10);
        assertThat(started).containsExactly(List.of("n2"));
        assertThat(queue.waitingNodes()).containsExactly("n1");
    }

    @Test
    void nodesThatAlreadyHaveTheirJobLeaveTheBatchAndACoveredBatchIsDropped() {
        queue.offer(List.of("n1", "n2"), T0);
        covered.add("n1");
        clock.advance(GATHER);
        drain(0, 10);
        assertThat(started).containsExactly(List.of("n2"));

        queue.offer(List.of("n5"), T0);
        covered.add("n5");
        drain(0, 10); // before its gather delay, but nothing left to start: gone
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aBatchNobodyAsksForAgainIsAbandoned() {
        queue.offer(List.of("n1"), T0);
        busy.add("n1");
        clock.advance(RoundQueue.ABANDONED_AFTER.minusSeconds(1));
        drain(0, 10);
        assertThat(queue.isEmpty()).isFalse();

        clock.advance(Duration.ofSeconds(2));
        drain(0, 10);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(started).isEmpty();
    }

    @Test
    void theStarterSaysHowManyStartedAndOnlyThoseCountAgainstTheBound() {
        queue.offer(List.of("n1"), T0);
        queue.offer(List.of("n2"), T0);
        clock.advance(GATHER);
        List<String> order = new ArrayList<>();
        // the first launch fails (returns 0): the second still fits under a bound of 1
        queue.drain(0, 1, (n, s) -> true, n -> false, batch -> {
            order.addAll(batch);
            return batch.contains("n1") ? 0 : 1;
        });
        assertThat(order).containsExactly("n1", "n2");
    }

    @Test
    void anUrgentRequestStartsBeforeRoutineOnesQueuedEarlier() {
        queue.offer(List.of("n1"), T0);
        queue.offer(List.of("n2"), T0);
        queue.offer(List.of("n3"), T0, true);
        clock.advance(GATHER);
        drain(0, 1);
        assertThat(started).containsExactly(List.of("n3"));
        assertThat(queue.waitingNodes()).containsExactly("n1", "n2");
    }
}
