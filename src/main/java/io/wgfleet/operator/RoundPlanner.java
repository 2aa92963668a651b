package io.wgfleet.operator;

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
final class RoundPlanner {

    static final String FIRST = "FirstDiagnosis";
    static final String SPEC_CHANGED = "SpecChanged";
    static final String REQUESTED = "Requested";
    static final String INTERVAL = "IntervalElapsed";

    /** A round as decided now. {@code fresh} is true when it was requested by this reconcile. */
    record Round(Instant requestedAt, String trigger, long generation, String handledRequest, boolean fresh) {

        /** Whether evidence from before this round may still stand in for it (routine re-checks only). */
        boolean acceptsEarlierEvidence() {
            return REQUESTED.equals(trigger) || INTERVAL.equals(trigger);
        }

        DiagnosisRound toStatus(boolean complete) {
            DiagnosisRound r = new DiagnosisRound();
            r.setRequestedAt(requestedAt.toString());
            r.setTrigger(trigger);
            r.setGeneration(generation);
            r.setHandledRequest(handledRequest);
            r.setComplete(complete);
            return r;
        }
    }

    private RoundPlanner() {
    }

    /**
     * @param previousComplete whether every node of the previous round has reported or failed
     */
    static Round plan(WireGuardPeer peer, DiagnosisRound previous, boolean previousComplete, Duration interval, Instant now) {
        long generation = peer.getMetadata().getGeneration() == null ? 0 : peer.getMetadata().getGeneration();
        Map<String, String> annotations = peer.getMetadata().getAnnotations();
        String request = annotations == null ? null : annotations.get(WireGuardPeer.DIAGNOSE_ANNOTATION);
        Instant previousAt = previous == null ? null : parse(previous.getRequestedAt());
        if (previousAt == null) {
            return new Round(now, FIRST, generation, request, true);
        }
        if (previous.getGeneration() == null || previous.getGeneration() != generation) {
            return new Round(now, SPEC_CHANGED, generation, request, true);
        }
        if (request != null && !request.equals(previous.getHandledRequest())) {
            return new Round(now, REQUESTED, generation, request, true);
        }
        if (previousComplete && !now.isBefore(previousAt.plus(interval))) {
            return new Round(now, INTERVAL, generation, previous.getHandledRequest(), true);
        }
        return new Round(previousAt, previous.getTrigger(), generation, previous.getHandledRequest(), false);
    }

    static Instant parse(String t) {
        return Timestamps.parse(t);
    }
}
