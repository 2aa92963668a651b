package io.wgfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.status.DesiredCondition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionMergerTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

    @Test
    void transitionTimeMovesOnlyWhenTheStatusFlips() {
        List<Condition> first = ConditionMerger.merge(null, List.of(
                DesiredCondition.unknown(ConditionType.READY, "DiagnosticPending", "waiting"),
                DesiredCondition.of(ConditionType.STALLED, false, "DiagnosticPending", "ok")), 1L, T0);

        List<Condition> second = ConditionMerger.merge(first, List.of(
                DesiredCondition.of(ConditionType.READY, false, "UDPPortBlocked", "blocked"),
                DesiredCondition.of(ConditionType.STALLED, false, "UDPPortBlocked", "ok")), 2L, T1);

        assertThat(second.get(0).getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(second.get(1).getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(second.get(1).getReason()).isEqualTo("UDPPortBlocked");
        assertThat(second).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(2L));
    }

    @Test
    void hugeMessagesAreCappedBelowTheApiLimit() {
        List<Condition> c = ConditionMerger.merge(null, List.of(
                DesiredCondition.unknown(ConditionType.READY, "X", "y".repeat(100_000))), 1L, T0);
        assertThat(c.get(0).getMessage()).hasSizeLessThanOrEqualTo(4096).endsWith("…");
    }
}
