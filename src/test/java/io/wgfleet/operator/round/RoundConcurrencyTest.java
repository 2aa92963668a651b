package io.wgfleet.operator.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundConcurrencyTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static List<String> nodes(int n) {
        return IntStream.range(0, n).mapToObj(i -> "n" + i).toList();
    }

    @Test
    void theFloorHoldsUntilAJobHasBeenMeasured() {
        RoundConcurrency c = new RoundConcurrency(10);
        c.sawRound(nodes(1000), Duration.ofMinutes(5), T0);
        assertThat(c.bound(T0)).isEqualTo(10);
    }

    @Test
    void aThousandNodesAtSevenSecondsAJobFitInHalfOfFiveMinutes() {
        RoundConcurrency c = new RoundConcurrency(10);
        c.sawRound(nodes(1000), Duration.ofMinutes(5), T0);
        c.jobTook(Duration.ofSeconds(7));
        // 1000 x 7 s / 150 s = 46.7: 47 at once finish the round in 149 s
        assertThat(c.bound(T0)).isEqualTo(47);
    }

    @Test
    void aSmallFleetKeepsTheFloorAndTheBoundNeverExceedsTheNodes() {
        RoundConcurrency small = new RoundConcurrency(10);
        small.sawRound(nodes(8), Duration.ofMinutes(5), T0);
        small.jobTook(Duration.ofMinutes(10));
        assertThat(small.bound(T0)).isEqualTo(10);

        RoundConcurrency slow = new RoundConcurrency(10);
        slow.sawRound(nodes(50), Duration.ofSeconds(30), T0);
        slow.jobTook(Duration.ofMinutes(1));
        assertThat(slow.bound(T0)).isEqualTo(50);
    }

    @Test
    void nodesWithoutARoundForTwoIntervalsStopCounting() {
        RoundConcurrency c = new RoundConcurrency(1);
        c.sawRound(nodes(100), Duration.ofMinutes(1), T0);
        c.jobTook(Duration.ofSeconds(3));
        assertThat(c.bound(T0)).isEqualTo(10);
        c.sawRound(List.of("n0"), Duration.ofMinutes(1), T0.plusSeconds(150));
        assertThat(c.bound(T0.plusSeconds(150))).isEqualTo(1);
    }
}
