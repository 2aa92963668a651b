package io.wgfleet.operator.round;

import io.wgfleet.api.v1alpha1.DiagnosisRound;
import java.time.Instant;

/** The round a peer's verdict must come from, as {@link RoundPlanner} decided it in this reconcile. */
public record PlannedRound(Instant requestedAt, String trigger, long generation, String handledRequest) {

    /** Whether evidence from before this round may still stand in for it (routine re-checks only). */
    public boolean acceptsEarlierEvidence() {
        return RoundPlanner.REQUESTED.equals(trigger) || RoundPlanner.INTERVAL.equals(trigger);
    }

    public DiagnosisRound toStatus(boolean complete) {
        DiagnosisRound r = new DiagnosisRound();
        r.setRequestedAt(requestedAt.toString());
        r.setTrigger(trigger);
        r.setGeneration(generation);
        r.setHandledRequest(handledRequest);
        r.setComplete(complete);
        return r;
    }
}
