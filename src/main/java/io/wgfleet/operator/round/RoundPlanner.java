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

    /**
     * How long after a peer's creation the operator's caches surely hold it, so that a Job
     * started then lists it among the peers it probes.
     */
    static final Duration CREATED_AND_CACHED = Duration.ofSeconds(2);

    private RoundPlanner() {
    }

    /**
     * The first round counts from the peer's creation, not from its first reconcile: on a
     * fleet being created, or an operator starting over thousands of peers, first reconciles
     * spread over minutes, and a round requested at each one needed a new Job on the node for
     * every peer reconciled after the node's last Job had started. A Job that starts once the
     * peer is cached answers it.
     */
    static Instant firstRequest(WireGuardPeer peer, Instant now) {
        Instant created = Timestamps.parse(peer.getMetadata().getCreationTimestamp());
        if (created == null) {
            return now;
        }
        Instant cached = created.plus(CREATED_AND_CACHED);
        return cached.isBefore(now) ? cached : now;
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
            return new PlannedRound(firstRequest(peer, now), FIRST, generation, request);
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
