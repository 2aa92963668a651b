package io.wgfleet.diagnosis.net;


/**
 * An IPv4 or IPv6 prefix (CIDR), held as two 64-bit halves so that the fleet-wide
 * overlap sweep compares numbers, not strings or byte arrays.
 *
 * <p>IPv4 addresses occupy the low 32 bits of {@code lo} with {@code hi == 0}. Host bits
 * beyond the prefix length are cleared, as WireGuard itself does with AllowedIPs.
 * Parsing never touches DNS: a host name is an error here, not a lookup.
 */
public record IpPrefix(boolean ipv6, long hi, long lo, int length) implements Comparable<IpPrefix> {

    public IpPrefix {
        int max = ipv6 ? 128 : 32;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0.." + max);
        }
        long[] masked = mask(ipv6, hi, lo, length);
        hi = masked[0];
        lo = masked[1];
    }

    /** Parses {@code a.b.c.d/n}, {@code v6/n}, or a bare address (a host prefix, /32 or /128). */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty prefix");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        IpAddress a = IpAddress.parse(addr);
        int len = a.ipv6() ? 128 : 32;
        if (slash >= 0) {
            String l = s.substring(slash + 1);
            if (l.isEmpty() || l.length() > 3 || !allDigits(l)) {
                throw new IllegalArgumentException("prefix length '" + l + "' is not a number");
            }
            len = Integer.parseInt(l);
            int max = a.ipv6() ? 128 : 32;
            if (len > max) {
                throw new IllegalArgumentException("prefix length " + len + " exceeds " + max + " for " + addr);
            }
        }
        return new IpPrefix(a.ipv6(), a.hi(), a.lo(), len);
    }

    /** The host prefix of one address. */
    public static IpPrefix of(IpAddress a) {
        return new IpPrefix(a.ipv6(), a.hi(), a.lo(), a.ipv6() ? 128 : 32);
    }

    public IpAddress network() {
        return new IpAddress(ipv6, hi, lo);
    }

    /** Last address of the prefix, as (hi, lo). */
    public long lastHi() {
        if (!ipv6) {
            return 0;
        }
        return length >= 64 ? hi : hi | (length == 0 ? -1L : (-1L >>> length));
    }

    public long lastLo() {
        if (!ipv6) {
            return length == 0 ? 0xFFFF_FFFFL : lo | (0xFFFF_FFFFL >>> length);
        }
        if (length <= 64) {
            return -1L;
        }
        return lo | (-1L >>> (length - 64));
    }

    public boolean contains(IpAddress a) {
        return a.ipv6() == ipv6 && contains(of(a));
    }

    /** True when {@code other} lies entirely inside this prefix. */
    public boolean contains(IpPrefix other) {
        if (other.ipv6 != ipv6 || other.length < length) {
            return false;
        }
        long[] m = mask(ipv6, other.hi, other.lo, length);
        return m[0] == hi && m[1] == lo;
    }

    /** CIDR prefixes either nest or are disjoint, so overlap is containment one way or the other. */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public int compareTo(IpPrefix o) {
        if (ipv6 != o.ipv6) {
            return ipv6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(lo, o.lo);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return network() + "/" + length;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long[] mask(boolean ipv6, long hi, long lo, int length) {
        if (!ipv6) {
            long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            return new long[] {0, lo & m};
        }
        long mh = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
        long ml = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
        return new long[] {hi & mh, lo & ml};
    }

}
