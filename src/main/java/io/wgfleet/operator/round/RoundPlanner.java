package io.wgfleet.operator.round;

import io.wgfleet.api.Timestamps;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Decides which diagnosis round a peer's verdict must come from. A round is requested
 * at a moment; only Jobs and reports from after it answer it. The request is kept in
 * the status so every reconcile until it is answered asks for the same round.
 */
public final class RoundPlanner {

    static final String FIRST = "FirstDiagnosis";
    static final String SPEC_CHANGED = "SpecChanged";
    static final String REQUESTED = "Requested";
    static final String INTERVAL = "IntervalElapsed";

    private RoundPlanner() {
    }

    /**
     * @param previousComplete whether every node of the previous round has reported or failed
     */
    static PlannedRound plan(WireGuardPeer peer, DiagnosisRound previous, boolean previousComplete, Duration interval, Instant now) {
        long generation = peer.getMetadata().getGeneration() == null ? 0 : peer.getMetadata().getGeneration();
        Map<String, String> annotations = peer.getMetadata().getAnnotations();
        String request = annotations == null ? null : annotations.get(WireGuardPeer.DIAGNOSE_ANNOTATION);
        Instant previousAt = previous == null ? null : Timestamps.parse(previous.getRequestedAt());
        if (previousAt == null) {
            return new PlannedRound(now, FIRST, generation, request);
        }
        if (previous.getGeneration() == null || previous.getGeneration() != generation) {
            return new PlannedRound(now, SPEC_CHANGED, generation, request);
        }
        if (request != null && !request.equals(previous.getHandledRequest())) {
            return new PlannedRound(now, REQUESTED, generation, request);
        }
        if (previousComplete && !now.isBefore(previousAt.plus(interval))) {
            return new PlannedRound(now, INTERVAL, generation, previous.getHandledRequest());
        }
        return new PlannedRound(previousAt, previous.getTrigger(), generation, previous.getHandledRequest());
    }
}
