package io.wgfleet.diagnosis.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Parsing that never throws, for facts read from a node: a malformed value there is a
 * missing value (it proves nothing), not an error. Declared values are checked strictly
 * by the spec validator instead.
 */
public final class Tolerant {
    private Tolerant() {
    }

    /** The address of {@code a.b.c.d}, {@code v6} or a CIDR ({@code 10.0.0.1/24} gives 10.0.0.1); null when malformed. */
    public static IpAddress address(String cidrOrAddress) {
        if (cidrOrAddress == null || cidrOrAddress.isBlank()) {
            return null;
        }
        String s = cidrOrAddress.trim();
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        try {
            return IpAddress.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The addresses of the well-formed entries, in order. */
    public static List<IpAddress> addresses(List<String> cidrs) {
        List<IpAddress> out = new ArrayList<>(cidrs.size());
        for (String c : cidrs) {
            IpAddress a = address(c);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The well-formed prefixes, in order: a malformed running entry cannot cover anything. */
    public static List<IpPrefix> prefixes(List<String> texts) {
        List<IpPrefix> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            try {
                out.add(IpPrefix.parse(t));
            } catch (RuntimeException e) {
                // skipped: see above
            }
        }
        return out;
    }

    /** The endpoint, or null when absent, "(none)" (as wg prints it) or malformed. */
    public static Endpoint endpoint(String text) {
        if (text == null || text.isBlank() || text.equals("(none)")) {
            return null;
        }
        try {
            return Endpoint.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
