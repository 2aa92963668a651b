package io.wgfleet.diagnosis.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fleet-wide check: two peers declared on one interface with the same public key. WireGuard
 * keeps one peer entry per key, so one declaration silently replaces the other.
 */
public final class DuplicatePublicKeys {

    /** One owner's key in one group (e.g. "node/interface"). */
    public record Claim(String owner, String group, String publicKey) {
    }

    /** A key claimed by two or more different owners in one group; owners sorted. */
    public record Duplicate(String group, String publicKey, List<String> owners) {
        public Duplicate {
            owners = List.copyOf(owners);
        }
    }

    private DuplicatePublicKeys() {
    }

    /** All keys claimed by more than one owner within a group, ordered by group then key. */
    public static List<Duplicate> find(Collection<Claim> claims) {
        if (claims == null) {
            return List.of();
        }
        Map<String, Map<String, TreeSet<String>>> byGroup = new HashMap<>();
        for (Claim c : claims) {
            if (c == null || c.owner() == null || c.publicKey() == null || c.publicKey().isBlank()) {
                continue;
            }
            byGroup.computeIfAbsent(c.group() == null ? "" : c.group(), g -> new HashMap<>())
                    .computeIfAbsent(c.publicKey(), k -> new TreeSet<>()).add(c.owner());
        }
        List<Duplicate> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, TreeSet<String>>> g : new TreeMap<>(byGroup).entrySet()) {
            for (Map.Entry<String, TreeSet<String>> k : new TreeMap<>(g.getValue()).entrySet()) {
                if (k.getValue().size() > 1) {
                    out.add(new Duplicate(g.getKey(), k.getKey(), new ArrayList<>(k.getValue())));
                }
            }
        }
        return out;
    }

}
