package io.wgfleet.diagnosis.net;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A WireGuard endpoint: {@code host:port} where host is a DNS name, an IPv4 literal,
 * or a bracketed IPv6 literal ({@code [2001:db8::1]:51820}).
 */
public record Endpoint(String host, int port) {

    private static final Pattern DNS_NAME = Pattern.compile(
            "^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)*\\.?$");

    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty endpoint");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "': an IPv6 endpoint is written [address]:port");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            IpAddress a = IpAddress.parse(host);
            if (!a.ipv6()) {
                throw new IllegalArgumentException("'" + text + "': brackets are for IPv6 addresses only");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port (expected host:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "': an IPv6 endpoint must be bracketed, [address]:port");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has no host");
            }
            boolean looksNumeric = true;
            for (int i = 0; i < host.length() && looksNumeric; i++) {
                char c = host.charAt(i);
                looksNumeric = (c >= '0' && c <= '9') || c == '.';
            }
            if (looksNumeric) {
                IpAddress.parse(host);
            } else if (!DNS_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + host + "' is not a valid DNS name or IP address");
            }
        }
        boolean digits = !port.isEmpty() && port.length() <= 5;
        for (int i = 0; i < port.length() && digits; i++) {
            digits = port.charAt(i) >= '0' && port.charAt(i) <= '9';
        }
        if (!digits) {
            throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + p + " outside 1..65535");
        }
        return new Endpoint(host.toLowerCase(Locale.ROOT), p);
    }

    /** True when the host is a name that needs DNS, false for an address literal. */
    public boolean isHostname() {
        return address() == null;
    }

    /** The literal address, or null when the host is a name. */
    public IpAddress address() {
        // parse() lets a DNS name through only when it has a character other than digits and dots,
        // so only literal-looking hosts are worth parsing (and an exception per name is avoided)
        if (host == null || !looksLiteral(host)) {
            return null;
        }
        try {
            return IpAddress.parse(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean looksLiteral(String h) {
        if (h.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
