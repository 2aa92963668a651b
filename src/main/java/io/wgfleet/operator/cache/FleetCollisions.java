package io.wgfleet.operator.cache;

import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Whether two specs on one node and interface collide: the same public key, or overlapping AllowedIPs. */
final class FleetCollisions {

    private final String key;
    private final List<IpPrefix> prefixes;

    private FleetCollisions(String key, List<IpPrefix> prefixes) {
        this.key = key;
        this.prefixes = prefixes;
    }

    static FleetCollisions of(WireGuardPeerSpec spec) {
        return new FleetCollisions(spec.getPublicKey(), parse(spec.getAllowedIPs()));
    }

    boolean collidesWith(WireGuardPeerSpec other) {
        if (key != null && Objects.equals(key, other.getPublicKey())) {
            return true;
        }
        if (prefixes.isEmpty() || other.getAllowedIPs() == null) {
            return false;
        }
        for (IpPrefix theirs : parse(other.getAllowedIPs())) {
            for (IpPrefix mine : prefixes) {
                if (mine.overlaps(theirs)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<IpPrefix> parse(List<String> cidrs) {
        List<IpPrefix> out = new ArrayList<>();
        if (cidrs != null) {
            for (String c : cidrs) {
                try {
                    out.add(IpPrefix.parse(c));
                } catch (IllegalArgumentException e) {
                    // an invalid prefix is its peer's InvalidSpec and claims nothing
                }
            }
        }
        return out;
    }
}
