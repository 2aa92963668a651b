package io.wgfleet.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.diagnosis.Keys;
import io.wgfleet.diagnosis.fleet.AllowedIpsOverlap;
import io.wgfleet.diagnosis.fleet.DuplicatePublicKeys;
import io.wgfleet.operator.NodeTargets;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.status.PeerVerdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fleet checks between peers that share a node and an interface, in any namespace:
 * two peers with one public key, and AllowedIPs claimed twice (WireGuard's cryptokey
 * routing sends a prefix to one peer only, so the other silently loses that traffic).
 * The sweeps themselves are the engine's ({@code diagnosis.fleet}); this class picks
 * the group a peer belongs to and words the verdict.
 */
final class FleetConflicts {

    PeerVerdict check(WireGuardPeer peer, List<String> targetNodes, List<WireGuardPeer> sameInterface, Collection<Node> nodes) {
        String me = PeerRefs.id(peer);
        Set<String> myNodes = new TreeSet<>(targetNodes);
        String iface = peer.getSpec().getInterfaceName();

        // the peer being reconciled is taken as given; the informer may still hold an older copy of it
        List<WireGuardPeer> group = new ArrayList<>();
        group.add(peer);
        sameInterface.stream().filter(o -> !PeerRefs.id(o).equals(me)).forEach(group::add);

        List<DuplicatePublicKeys.Claim> keys = new ArrayList<>();
        List<AllowedIpsOverlap.Claim> prefixes = new ArrayList<>();
        for (WireGuardPeer member : group) {
            if (member.getSpec() == null || !SpecValidator.validate(member.getSpec()).isEmpty()) {
                continue; // an invalid peer reports its own problem and claims nothing
            }
            List<String> shared = member == peer ? new ArrayList<>(myNodes)
                    : NodeTargets.resolve(member.getSpec(), nodes).stream().filter(myNodes::contains).toList();
            for (String node : shared) {
                keys.add(new DuplicatePublicKeys.Claim(PeerRefs.id(member), node, member.getSpec().getPublicKey()));
                prefixes.add(new AllowedIpsOverlap.Claim(PeerRefs.id(member), node, member.getSpec().getAllowedIPs()));
            }
        }

        // one line per other peer (or pair of prefixes), naming every node where it collides
        Map<String, Set<String>> duplicates = new TreeMap<>();
        for (DuplicatePublicKeys.Duplicate d : DuplicatePublicKeys.find(keys)) {
            if (d.owners().contains(me)) {
                d.owners().stream().filter(o -> !o.equals(me))
                        .forEach(o -> duplicates.computeIfAbsent(o, k -> new TreeSet<>()).add(d.group()));
            }
        }
        if (!duplicates.isEmpty()) {
            String key = Keys.prefix(peer.getSpec().getPublicKey());
            List<String> evidence = duplicates.entrySet().stream()
                    .map(e -> "WireGuardPeer " + e.getKey() + " declares the same public key " + key + " on "
                            + iface + " of " + String.join(", ", e.getValue()))
                    .toList();
            String message = "Public key " + key + " is declared twice on interface " + iface + ": also by "
                    + String.join(", ", duplicates.keySet()) + ". WireGuard keeps one peer per key, so one declaration is wrong.";
            return PeerVerdict.stalled(PrecheckVerdicts.DUPLICATE_PUBLIC_KEY, message, evidence,
                    List.of("Decide which WireGuardPeer describes the remote with key " + key + " and delete or correct the other.",
                            "If they are different remotes, one of them has a wrong publicKey: compare with `wg show " + iface
                                    + " public-key` on each remote."));
        }

        Map<String, Set<String>> nodesByPair = new TreeMap<>();
        Set<String> others = new TreeSet<>();
        for (AllowedIpsOverlap.Overlap o : AllowedIpsOverlap.find(prefixes)) {
            boolean mineIsA = o.ownerA().equals(me);
            if (!mineIsA && !o.ownerB().equals(me)) {
                continue;
            }
            String other = mineIsA ? o.ownerB() : o.ownerA();
            others.add(other);
            String pair = (mineIsA ? o.prefixA() : o.prefixB()) + " overlaps " + (mineIsA ? o.prefixB() : o.prefixA())
                    + " of WireGuardPeer " + other;
            nodesByPair.computeIfAbsent(pair, k -> new TreeSet<>()).add(o.group());
        }
        if (nodesByPair.isEmpty()) {
            return null;
        }
        List<String> lines = nodesByPair.entrySet().stream()
                .map(e -> e.getKey() + " (on " + String.join(", ", e.getValue()) + ")")
                .toList();
        String message = "AllowedIPs overlap on interface " + iface + ": " + String.join("; ", lines)
                + ". WireGuard routes each address to one peer only (the most specific prefix), so the other peer silently loses that traffic.";
        return PeerVerdict.stalled(PrecheckVerdicts.ALLOWED_IPS_OVERLAP, message, lines,
                List.of("Give each peer on " + iface + " disjoint allowedIPs; overlapping peers: " + String.join(", ", others) + ".",
                        "If one remote routes a subnet behind another, declare the subnet on that remote only."));
    }
}
