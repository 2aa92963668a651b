package io.wgfleet.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.diagnosis.net.IpPrefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fleet checks between peers that share a node and an interface, in any namespace:
 * two peers with one public key, and AllowedIPs claimed twice (WireGuard's cryptokey
 * routing sends a prefix to one peer only, so the other silently loses that traffic).
 */
final class FleetConflicts {

    /** One claim of a prefix by a peer on a node's interface. */
    record Claim(String group, String owner, IpPrefix prefix) {
    }

    /** Two peers claiming overlapping prefixes in one group (node/interface). */
    record Overlap(String group, Claim a, Claim b) {
    }

    PeerVerdict check(WireGuardPeer peer, List<String> targetNodes, List<WireGuardPeer> sameInterface, Collection<Node> nodes) {
        String me = id(peer);
        Set<String> myNodes = new TreeSet<>(targetNodes);
        String iface = peer.getSpec().getInterfaceName();

        Map<String, Set<String>> duplicates = new TreeMap<>();
        List<Claim> claims = new ArrayList<>();
        // the peer being reconciled is taken as given; the informer may still hold an older copy of it
        List<WireGuardPeer> group = new ArrayList<>();
        group.add(peer);
        sameInterface.stream().filter(o -> !id(o).equals(me)).forEach(group::add);
        for (WireGuardPeer other : group) {
            if (other.getSpec() == null || !SpecValidator.validate(other.getSpec()).isEmpty()) {
                continue; // an invalid peer reports its own problem and claims nothing
            }
            String otherId = id(other);
            List<String> shared = id(other).equals(me) ? new ArrayList<>(myNodes)
                    : NodeTargets.resolve(other.getSpec(), nodes).stream().filter(myNodes::contains).toList();
            if (shared.isEmpty()) {
                continue;
            }
            if (!otherId.equals(me) && Objects.equals(other.getSpec().getPublicKey(), peer.getSpec().getPublicKey())) {
                duplicates.computeIfAbsent(otherId, k -> new TreeSet<>()).addAll(shared);
            }
            for (String node : shared) {
                for (String cidr : other.getSpec().getAllowedIPs()) {
                    claims.add(new Claim(node + "/" + iface, otherId, SpecValidator.parseCidr(cidr)));
                }
            }
        }

        if (!duplicates.isEmpty()) {
            String key = peer.getSpec().getPublicKey();
            List<String> evidence = duplicates.entrySet().stream()
                    .map(e -> "WireGuardPeer " + e.getKey() + " declares the same public key " + keyPrefix(key)
                            + "… on " + iface + " of " + String.join(", ", e.getValue()))
                    .toList();
            String message = "Public key " + keyPrefix(key) + "… is declared twice on interface " + iface + ": also by "
                    + String.join(", ", duplicates.keySet()) + ". WireGuard keeps one peer per key, so one declaration is wrong.";
            return PeerVerdict.stalled(PeerVerdicts.DUPLICATE_PUBLIC_KEY, message, evidence,
                    List.of("Decide which WireGuardPeer describes the remote with key " + keyPrefix(key) + "… and delete or correct the other.",
                            "If they are different remotes, one of them has a wrong publicKey: compare with `wg show " + iface + " public-key` on each remote."));
        }

        List<Overlap> mine = overlaps(claims).stream()
                .filter(o -> o.a().owner().equals(me) || o.b().owner().equals(me))
                .toList();
        if (mine.isEmpty()) {
            return null;
        }
        // one line per pair of prefixes, naming every node where the pair collides
        Map<String, Set<String>> nodesByPair = new TreeMap<>();
        Set<String> others = new TreeSet<>();
        for (Overlap o : mine) {
            Claim mineClaim = o.a().owner().equals(me) ? o.a() : o.b();
            Claim theirs = mineClaim == o.a() ? o.b() : o.a();
            others.add(theirs.owner());
            String node = o.group().substring(0, o.group().lastIndexOf('/'));
            nodesByPair.computeIfAbsent(mineClaim.prefix() + " overlaps " + theirs.prefix() + " of WireGuardPeer " + theirs.owner(),
                    k -> new TreeSet<>()).add(node);
        }
        List<String> lines = nodesByPair.entrySet().stream()
                .map(e -> e.getKey() + " (on " + String.join(", ", e.getValue()) + ")")
                .toList();
        String message = "AllowedIPs overlap on interface " + iface + ": " + String.join("; ", lines)
                + ". WireGuard routes each address to one peer only (the most specific prefix), so the other peer silently loses that traffic.";
        return PeerVerdict.stalled(PeerVerdicts.ALLOWED_IPS_OVERLAP, message, new ArrayList<>(lines),
                List.of("Give each peer on " + iface + " disjoint allowedIPs; overlapping peers: " + String.join(", ", others) + ".",
                        "If one remote routes a subnet behind another, declare the subnet on that remote only."));
    }

    /**
     * All overlapping claims between different owners, per group. CIDR prefixes either
     * nest or are disjoint, so after sorting by start address (wider first) a stack of
     * the prefixes that enclose the current one is all that can overlap it: O(n log n)
     * plus the size of the answer, never all pairs.
     */
    static List<Overlap> overlaps(List<Claim> claims) {
        List<Claim> sorted = new ArrayList<>(claims);
        sorted.sort(Comparator.comparing(Claim::group).thenComparing(Claim::prefix).thenComparing(Claim::owner));
        List<Overlap> out = new ArrayList<>();
        Deque<Claim> open = new ArrayDeque<>();
        String group = null;
        for (Claim c : sorted) {
            if (!c.group().equals(group)) {
                open.clear();
                group = c.group();
            }
            while (!open.isEmpty() && !open.peek().prefix().contains(c.prefix())) {
                open.pop();
            }
            for (Claim enclosing : open) {
                if (!enclosing.owner().equals(c.owner())) {
                    out.add(new Overlap(group, enclosing, c));
                }
            }
            open.push(c);
        }
        return out;
    }

    static String id(WireGuardPeer p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    static String keyPrefix(String key) {
        return key == null ? "" : key.substring(0, Math.min(8, key.length()));
    }
}
