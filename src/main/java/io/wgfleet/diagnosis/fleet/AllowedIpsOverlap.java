package io.wgfleet.diagnosis.fleet;

import io.wgfleet.diagnosis.net.IpPrefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fleet-wide check: two peers on one interface whose AllowedIPs overlap. WireGuard routes
 * each address to the most specific prefix (the last one configured on equality), so the
 * other peer silently loses that traffic.
 *
 * <p>Runs in O(n log n + k) for n prefixes and k overlaps: prefixes of one group are sorted
 * by first address (wider first on ties) and swept with a stack of the enclosing prefixes.
 * CIDR prefixes either nest or are disjoint, so every prefix on the stack after popping the
 * ones that end before the current prefix contains it. IPv4 and IPv6 are swept separately.
 */
public final class AllowedIpsOverlap {

    /**
     * The prefixes one owner claims in one group.
     *
     * @param owner    the claiming peer, e.g. "namespace/name"
     * @param group    what shares one routing table of peers, e.g. "node/interface"
     * @param prefixes CIDR strings; unparseable ones are skipped (InvalidSpec reports them)
     */
    public record Claim(String owner, String group, List<String> prefixes) {
        public Claim {
            prefixes = prefixes == null ? List.of() : prefixes;
        }
    }

    /**
     * Two different owners' overlapping prefixes in one group. {@code prefixA} contains
     * (or equals) {@code prefixB}.
     */
    public record Overlap(String group, String ownerA, IpPrefix prefixA, String ownerB, IpPrefix prefixB) {    }

    private AllowedIpsOverlap() {
    }

    /** All overlaps between different owners within each group, ordered by group and address. */
    public static List<Overlap> find(Collection<Claim> claims) {
        if (claims == null || claims.isEmpty()) {
            return List.of();
        }
        // groups compared as ranks of their sorted names: integer compares in the sort, same order as by name
        Map<String, Integer> groupRank = new TreeMap<>();
        for (Claim c : claims) {
            if (c != null) {
                groupRank.put(c.group() == null ? "" : c.group(), 0);
            }
        }
        int rank = 0;
        for (Map.Entry<String, Integer> e : groupRank.entrySet()) {
            e.setValue(rank++);
        }
        Map<String, Integer> ranks = new java.util.HashMap<>(groupRank);
        List<Item> items = new ArrayList<>();
        int seq = 0;
        for (Claim c : claims) {
            if (c == null || c.owner() == null) {
                continue;
            }
            String group = c.group() == null ? "" : c.group();
            int g = ranks.get(group);
            for (String text : c.prefixes()) {
                IpPrefix p;
                try {
                    p = IpPrefix.parse(text);
                } catch (RuntimeException e) {
                    continue;
                }
                items.add(new Item(group, g, c.owner(), p, seq++));
            }
        }
        Item[] sorted = items.toArray(new Item[0]);
        Arrays.sort(sorted, ORDER);
        List<Overlap> out = new ArrayList<>();
        Item[] stack = new Item[Math.min(sorted.length, 256) + 1];
        int depth = 0;
        Item prev = null;
        for (Item x : sorted) {
            if (prev != null && prev.groupRank == x.groupRank && prev.owner.equals(x.owner) && prev.prefix.equals(x.prefix)) {
                continue; // one owner listing a prefix twice is one claim
            }
            if (prev == null || prev.groupRank != x.groupRank || prev.prefix.ipv6() != x.prefix.ipv6()) {
                depth = 0;
            }
            prev = x;
            while (depth > 0 && !stack[depth - 1].encloses(x)) {
                depth--;
            }
            for (int i = 0; i < depth; i++) {
                Item s = stack[i];
                if (!s.owner.equals(x.owner)) {
                    out.add(new Overlap(x.group, s.owner, s.prefix, x.owner, x.prefix));
                }
            }
            if (depth == stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[depth++] = x;
        }
        return out;
    }

    private static final Comparator<Item> ORDER = (a, b) -> {
        int c = Integer.compare(a.groupRank, b.groupRank);
        if (c != 0) {
            return c;
        }
        c = a.prefix.compareTo(b.prefix); // family, then first address, then length: wider first
        if (c != 0) {
            return c;
        }
        c = a.owner.compareTo(b.owner);
        return c != 0 ? c : Integer.compare(a.seq, b.seq);
    };

    private static final class Item {
        final String group;
        final int groupRank;
        final String owner;
        final IpPrefix prefix;
        final int seq;
        final long lastHi;
        final long lastLo;

        Item(String group, int groupRank, String owner, IpPrefix prefix, int seq) {
            this.group = group;
            this.groupRank = groupRank;
            this.owner = owner;
            this.prefix = prefix;
            this.seq = seq;
            this.lastHi = prefix.lastHi();
            this.lastLo = prefix.lastLo();
        }

        /** Sorted order guarantees this starts at or before x; nested-or-disjoint makes "x ends inside" enough. */
        boolean encloses(Item x) {
            int c = Long.compareUnsigned(x.lastHi, lastHi);
            return c < 0 || (c == 0 && Long.compareUnsigned(x.lastLo, lastLo) <= 0);
        }
    }
}
