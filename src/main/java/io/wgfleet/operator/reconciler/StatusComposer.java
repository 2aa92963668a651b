package io.wgfleet.operator.reconciler;

import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.report.PeerDiagnoser;
import io.wgfleet.operator.round.PlannedRound;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.PeerVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Builds the status a reconcile decided: the verdict's conditions merged with the previous ones, and the round's facts. */
final class StatusComposer {

    private StatusComposer() {
    }

    /**
     * @param outcome the diagnosis, null when a precheck ended the reconcile
     * @param round   the round diagnosed, null when a precheck ended the reconcile
     */
    static WireGuardPeerStatus compose(WireGuardPeer peer, PeerVerdict verdict, List<String> targetNodes,
                                       WireGuardPeerStatus previous, PeerDiagnoser.Outcome outcome,
                                       PlannedRound round, Instant now) {
        WireGuardPeerStatus next = new WireGuardPeerStatus();
        Long generation = peer.getMetadata().getGeneration();
        next.setObservedGeneration(generation);
        next.setConditions(ConditionMerger.merge(previous == null ? null : previous.getConditions(),
                verdict.conditions(), generation, now));
        next.setTargetNodes(targetNodes.isEmpty() ? null : String.join(",", targetNodes));
        next.setRootCause(verdict.rootCause());
        if (outcome != null) {
            next.setNodes(new ArrayList<>(outcome.nodes()));
            next.setLatestHandshakeTime(outcome.nodes().stream().map(PeerNodeStatus::getLatestHandshakeTime)
                    .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null));
            next.setLastDiagnosisTime(outcome.lastDiagnosisTime());
            next.setDiagnosisRound(round.toStatus(outcome.roundInProgress() == null));
        } else if (previous != null) {
            // facts from earlier diagnoses stay visible while the spec is being fixed
            next.setNodes(previous.getNodes() == null ? new ArrayList<>() : previous.getNodes());
            next.setLatestHandshakeTime(previous.getLatestHandshakeTime());
            next.setLastDiagnosisTime(previous.getLastDiagnosisTime());
            next.setDiagnosisRound(previous.getDiagnosisRound());
        }
        return next;
    }
}
