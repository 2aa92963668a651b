package io.wgfleet.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.operator.NodeTargets;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.cache.ClusterCache;
import io.wgfleet.operator.round.RoundCoordinator;
import io.wgfleet.operator.status.PeerVerdict;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * What is decided before any diagnosis round, in this order: an invalid spec, a conflict
 * with another peer on the same node and interface, no node to host the peer, the node
 * deleted while its round ran.
 */
@Singleton
public class Prechecks {

    /**
     * Where the peer runs, and the verdict that ends the reconcile here, null when the peer
     * goes on to diagnosis.
     */
    public record Placement(List<String> targetNodes, PeerVerdict stop) {
    }

    private final ClusterCache cache;
    private final RoundCoordinator rounds;
    private final FleetConflicts fleet = new FleetConflicts();

    @Inject
    public Prechecks(ClusterCache cache, RoundCoordinator rounds) {
        this.cache = cache;
        this.rounds = rounds;
    }

    public Placement check(WireGuardPeer peer, WireGuardPeerStatus previous, List<Node> allNodes) {
        List<SpecValidation.Problem> problems = SpecValidator.validate(peer.getSpec());
        if (!problems.isEmpty()) {
            return new Placement(List.of(), PrecheckVerdicts.invalidSpec(problems));
        }
        List<String> targetNodes = NodeTargets.resolve(peer.getSpec(), allNodes);
        PeerVerdict conflict = fleet.check(peer, targetNodes, cache.sameInterface(peer), allNodes);
        if (conflict != null) {
            return new Placement(targetNodes, conflict);
        }
        if (!targetNodes.isEmpty()) {
            return new Placement(targetNodes, null);
        }
        String deleted = rounds.deletedDuringRound(previous);
        if (deleted != null) {
            // keep naming the lost node until its Job is gone, so the verdict does not flap
            return new Placement(List.of(previous.getTargetNodes().split(",")), PrecheckVerdicts.nodeDeleted(deleted));
        }
        return new Placement(List.of(), PrecheckVerdicts.noMatchingNodes(peer.getSpec()));
    }
}
