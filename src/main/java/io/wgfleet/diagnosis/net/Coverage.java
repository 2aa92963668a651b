package io.wgfleet.diagnosis.net;

import java.util.List;

/** Which prefixes cover which addresses: how WireGuard's cryptokey routing picks a peer. */
public final class Coverage {
    private Coverage() {
    }

    /** True when a prefix in the list contains the address. */
    public static boolean covers(List<IpPrefix> prefixes, IpAddress a) {
        return coveringPrefix(prefixes, a) != null;
    }

    /** The first prefix in the list that contains the address, or null. */
    public static IpPrefix coveringPrefix(List<IpPrefix> prefixes, IpAddress a) {
        for (IpPrefix p : prefixes) {
            if (p.contains(a)) {
                return p;
            }
        }
        return null;
    }

    /** True when at least one of the addresses is covered. */
    public static boolean coversAny(List<IpPrefix> prefixes, List<IpAddress> addresses) {
        for (IpAddress a : addresses) {
            if (covers(prefixes, a)) {
                return true;
            }
        }
        return false;
    }

    /** True when both endpoints are address literals and the addresses are equal. */
    public static boolean sameAddress(Endpoint a, Endpoint b) {
        IpAddress x = a.address();
        IpAddress y = b.address();
        return x != null && x.equals(y);
    }
}
