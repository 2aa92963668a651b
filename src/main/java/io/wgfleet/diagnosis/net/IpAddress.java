package io.wgfleet.diagnosis.net;

/**
 * A literal IPv4 or IPv6 address. Parsed by hand so that a host name is rejected
 * instead of being looked up (InetAddress would query DNS).
 */
public record IpAddress(boolean ipv6, long hi, long lo) {

    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        return s.indexOf(':') >= 0 ? parseV6(s, text) : new IpAddress(false, 0, parseV4(s, text));
    }

    /** True when the text is a literal address (no DNS name). */
    public static boolean isLiteral(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long parseV4(String s, String original) {
        // a hand-written scan: this runs for every address of every report, and split/streams dominated the profile
        long v = 0;
        int parts = 0;
        int digits = 0;
        int octet = 0;
        for (int i = 0, n = s.length(); i <= n; i++) {
            char c = i < n ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || digits > 3 || ++parts > 4) {
                    throw new IllegalArgumentException("'" + original + "' is not an IPv4 or IPv6 address");
                }
                if (octet > 255) {
                    throw new IllegalArgumentException("'" + original + "': octet " + octet + " exceeds 255");
                }
                v = (v << 8) | octet;
                digits = 0;
                octet = 0;
            } else if (c >= '0' && c <= '9') {
                digits++;
                octet = digits > 3 ? octet : octet * 10 + (c - '0');
            } else {
                throw new IllegalArgumentException("'" + original + "' is not an IPv4 or IPv6 address");
            }
        }
        if (parts != 4) {
            throw new IllegalArgumentException("'" + original + "' is not an IPv4 or IPv6 address");
        }
        return v;
    }

    private static IpAddress parseV6(String s, String original) {
        // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two 16-bit groups
        int lastColon = s.lastIndexOf(':');
        String tail = s.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            long v4 = parseV4(tail, original);
            s = s.substring(0, lastColon + 1) + Long.toHexString(v4 >>> 16) + ":" + Long.toHexString(v4 & 0xFFFF);
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("'" + original + "': '::' may appear only once");
        }
        String[] head;
        String[] rest;
        if (dbl >= 0) {
            head = groups(s.substring(0, dbl), original);
            rest = groups(s.substring(dbl + 2), original);
            if (head.length + rest.length > 7) {
                throw new IllegalArgumentException("'" + original + "': too many groups");
            }
        } else {
            head = groups(s, original);
            rest = new String[0];
            if (head.length != 8) {
                throw new IllegalArgumentException("'" + original + "': an IPv6 address has 8 groups");
            }
        }
        int[] g = new int[8];
        for (int i = 0; i < head.length; i++) {
            g[i] = group(head[i], original);
        }
        for (int i = 0; i < rest.length; i++) {
            g[8 - rest.length + i] = group(rest[i], original);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | g[i];
            lo = (lo << 16) | g[i + 4];
        }
        return new IpAddress(true, hi, lo);
    }

    private static String[] groups(String s, String original) {
        if (s.isEmpty()) {
            return new String[0];
        }
        return s.split(":", -1);
    }

    private static int group(String g, String original) {
        if (g.isEmpty() || g.length() > 4) {
            throw new IllegalArgumentException("'" + original + "': bad IPv6 group '" + g + "'");
        }
        for (int i = 0; i < g.length(); i++) {
            if (Character.digit(g.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("'" + original + "' is not an IPv4 or IPv6 address");
            }
        }
        return Integer.parseInt(g, 16);
    }

    /** 100.64.0.0/10, RFC 6598 shared address space used by carrier-grade NAT. */
    public boolean isCgnat() {
        return !ipv6 && (lo & 0xFFC0_0000L) == 0x6440_0000L;
    }

    /** RFC 1918 (IPv4) or unique-local fc00::/7 (IPv6). */
    public boolean isPrivate() {
        if (ipv6) {
            return (hi >>> 57) == (0xFC >>> 1);
        }
        return (lo & 0xFF00_0000L) == 0x0A00_0000L
                || (lo & 0xFFF0_0000L) == 0xAC10_0000L
                || (lo & 0xFFFF_0000L) == 0xC0A8_0000L;
    }

    @Override
    public String toString() {
        if (!ipv6) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        // RFC 5952: compress the longest run (of at least two) of zero groups
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
