package io.wgfleet.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.diagnosis.fleet.AllowedIpsOverlap;
import io.wgfleet.diagnosis.fleet.DuplicatePublicKeys;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.cache.ClusterCache;
import io.wgfleet.operator.round.RoundCoordinator;
import io.wgfleet.operator.status.PeerVerdict;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is decided before any diagnosis round, in this order: an invalid spec, a conflict
 * with another peer on the same node and interface, no node to host the peer, the node
 * deleted while its round ran.
 *
 * <p>The conflict sweep over a node and interface runs once per change of that group, not
 * once per member: a concentrator's 5,000 peers on one interface are swept once per spec
 * change, and each of their reconciles only asks whether it was among the peers in conflict.
 */
@Singleton
public class Prechecks {

    /**
     * Where the peer runs, and the verdict that ends the reconcile here, null when the peer
     * goes on to diagnosis.
     */
    public record Placement(List<String> targetNodes, PeerVerdict stop) {
    }

    /** The peers in conflict in one node-and-interface group, for the group as it was after {@code changes} changes. */
    private record GroupSweep(long changes, Set<String> involved) {
    }

    private final ClusterCache cache;
    private final RoundCoordinator rounds;
    private final FleetConflicts fleet = new FleetConflicts();
    private final Map<String, GroupSweep> sweeps = new ConcurrentHashMap<>();

    @Inject
    public Prechecks(ClusterCache cache, RoundCoordinator rounds) {
        this.cache = cache;
        this.rounds = rounds;
    }

    public Placement check(WireGuardPeer peer, WireGuardPeerStatus previous) {
        List<SpecValidation.Problem> problems = SpecValidator.validate(peer.getSpec());
        if (!problems.isEmpty()) {
            return new Placement(List.of(), PrecheckVerdicts.invalidSpec(problems));
        }
        List<String> targetNodes = cache.targetNodes(peer.getSpec());
        PeerVerdict conflict = conflict(peer, targetNodes);
        cache.conflict(peer, conflict != null);
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

    private PeerVerdict conflict(WireGuardPeer peer, List<String> targetNodes) {
        String iface = peer.getSpec().getInterfaceName();
        if (iface == null) {
            return null;
        }
        String me = PeerRefs.id(peer);
        if (targetNodes.size() == 1 && peer.getSpec().getNodeName() != null && !cache.selectorPlacedOn(iface)) {
            WireGuardPeer cached = cache.fleetPeer(peer).orElse(null);
            // the sweep saw this peer as it is now, and found it in no conflict: no need to list the group
            if (cached != null && Objects.equals(cached.getMetadata().getGeneration(), peer.getMetadata().getGeneration())
                    && !sweep(peer, targetNodes).involved().contains(me)) {
                return null;
            }
        }
        List<WireGuardPeer> group = cache.sameNodeAndInterface(peer, targetNodes);
        if (group.size() <= 1 && (group.isEmpty() || PeerRefs.id(group.get(0)).equals(me))) {
            return null;
        }
        List<Node> nodes = new ArrayList<>();
        targetNodes.forEach(n -> cache.node(n).ifPresent(nodes::add));
        group.stream().filter(p -> p.getSpec() != null && p.getSpec().getNodeName() == null).findAny()
                .ifPresent(p -> nodes.addAll(cache.nodes()));
        return fleet.check(peer, targetNodes, group, nodes);
    }

    /**
     * The conflicts of the peer's node-and-interface group, swept again only when the group
     * changed (a member added, removed or with a new spec): a reconcile of one of a
     * concentrator's 5,000 peers costs a lookup, not a pass over the 5,000.
     */
    private GroupSweep sweep(WireGuardPeer peer, List<String> targetNodes) {
        String node = targetNodes.get(0);
        String iface = peer.getSpec().getInterfaceName();
        String groupKey = node + "/" + iface;
        // read before listing: a change in between leaves the sweep marked old, and it is redone
        long changes = cache.groupChanges(node, iface);
        GroupSweep known = sweeps.get(groupKey);
        if (known != null && known.changes() == changes) {
            return known;
        }
        List<WireGuardPeer> group = cache.sameNodeAndInterface(peer, targetNodes);
        List<DuplicatePublicKeys.Claim> keys = new ArrayList<>(group.size());
        List<AllowedIpsOverlap.Claim> prefixes = new ArrayList<>(group.size());
        for (WireGuardPeer p : group) {
            if (cache.valid(p)) {
                keys.add(new DuplicatePublicKeys.Claim(PeerRefs.id(p), groupKey, p.getSpec().getPublicKey()));
                prefixes.add(new AllowedIpsOverlap.Claim(PeerRefs.id(p), groupKey, p.getSpec().getAllowedIPs()));
            }
        }
        Set<String> involved = new HashSet<>();
        DuplicatePublicKeys.find(keys).forEach(d -> involved.addAll(d.owners()));
        AllowedIpsOverlap.find(prefixes).forEach(o -> {
            involved.add(o.ownerA());
            involved.add(o.ownerB());
        });
        GroupSweep fresh = new GroupSweep(changes, involved);
        sweeps.put(groupKey, fresh);
        return fresh;
    }
}
