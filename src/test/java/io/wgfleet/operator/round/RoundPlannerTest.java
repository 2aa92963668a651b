package io.wgfleet.operator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.testing.Peers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundPlannerTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration INTERVAL = Duration.ofMinutes(5);

    WireGuardPeer peer(long generation, String request) {
        WireGuardPeer p = Peers.peer("ns", "p", "n1", "wg0", "10.0.0.0/24");
        p.getMetadata().setGeneration(generation);
        if (request != null) {
            p.getMetadata().setAnnotations(Map.of(WireGuardPeer.DIAGNOSE_ANNOTATION, request));
        }
        return p;
    }

    static DiagnosisRound previous(Instant at, String trigger, long generation, String handled) {
        return new PlannedRound(at, trigger, generation, handled).toStatus(true);
    }

    @Test
    void theFirstRoundIsRequestedNowAndRemembersTheRequestItHandles() {
        PlannedRound r = RoundPlanner.plan(peer(1, "42"), null, false, INTERVAL, T0);
        assertThat(r).isEqualTo(new PlannedRound(T0, "FirstDiagnosis", 1, "42"));
    }

    @Test
    void anUnreadablePreviousRequestTimeCountsAsNoRound() {
        DiagnosisRound broken = previous(T0, "IntervalElapsed", 1, null);
        broken.setRequestedAt("yesterday");
        assertThat(RoundPlanner.plan(peer(1, null), broken, true, INTERVAL, T0.plusSeconds(1)).trigger()).isEqualTo("FirstDiagnosis");
    }

    @Test
    void aNewGenerationStartsASpecChangedRound() {
        PlannedRound r = RoundPlanner.plan(peer(2, null), previous(T0, "FirstDiagnosis", 1, null), false, INTERVAL, T0.plusSeconds(3));
        assertThat(r).isEqualTo(new PlannedRound(T0.plusSeconds(3), "SpecChanged", 2, null));
    }

    @Test
    void aNewDiagnoseAnnotationStartsARequestedRoundOnceOnly() {
        DiagnosisRound before = previous(T0, "FirstDiagnosis", 1, null);
        PlannedRound requested = RoundPlanner.plan(peer(1, "7"), before, false, INTERVAL, T0.plusSeconds(5));
        assertThat(requested).isEqualTo(new PlannedRound(T0.plusSeconds(5), "Requested", 1, "7"));

        // the same annotation value once handled asks for nothing more
        PlannedRound again = RoundPlanner.plan(peer(1, "7"), requested.toStatus(false), false, INTERVAL, T0.plusSeconds(9));
        assertThat(again).isEqualTo(requested);
    }

    @Test
    void theIntervalStartsARoundOnlyOnceThePreviousOneIsComplete() {
        DiagnosisRound before = previous(T0, "FirstDiagnosis", 1, "3");
        Instant later = T0.plus(INTERVAL);

        assertThat(RoundPlanner.plan(peer(1, "3"), before, true, INTERVAL, later))
                .isEqualTo(new PlannedRound(later, "IntervalElapsed", 1, "3"));
        // still waiting for a node: keep asking for the same round
        assertThat(RoundPlanner.plan(peer(1, "3"), before, false, INTERVAL, later))
                .isEqualTo(new PlannedRound(T0, "FirstDiagnosis", 1, "3"));
        // complete, but the interval has not elapsed
        assertThat(RoundPlanner.plan(peer(1, "3"), before, true, INTERVAL, later.minusSeconds(1)))
                .isEqualTo(new PlannedRound(T0, "FirstDiagnosis", 1, "3"));
    }

    @Test
    void onlyRoutineRoundsAcceptEvidenceFromBeforeThem() {
        assertThat(new PlannedRound(T0, "Requested", 1, null).acceptsEarlierEvidence()).isTrue();
        assertThat(new PlannedRound(T0, "IntervalElapsed", 1, null).acceptsEarlierEvidence()).isTrue();
        assertThat(new PlannedRound(T0, "FirstDiagnosis", 1, null).acceptsEarlierEvidence()).isFalse();
        assertThat(new PlannedRound(T0, "SpecChanged", 1, null).acceptsEarlierEvidence()).isFalse();
    }

    @Test
    void theStatusFormCarriesEveryField() {
        DiagnosisRound s = new PlannedRound(T0, "Requested", 4, "9").toStatus(false);
        assertThat(s.getRequestedAt()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(s.getTrigger()).isEqualTo("Requested");
        assertThat(s.getGeneration()).isEqualTo(4L);
        assertThat(s.getHandledRequest()).isEqualTo("9");
        assertThat(s.getComplete()).isFalse();
    }
}
