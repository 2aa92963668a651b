package io.wgfleet.agent.parse;

import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpPrefix;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code wg show all dump}: tab-separated, one interface line (name, private key,
 * public key, listen port, fwmark) followed by its peer lines (name, public key, preshared
 * key, endpoint, allowed ips, latest handshake, rx, tx, keepalive).
 *
 * <p>Columns are read by position and extra trailing columns (added by forks) are ignored.
 * The first line of each interface name is its interface line; that, not the column count,
 * tells the two kinds apart, so extra columns cannot make a peer look like an interface.
 *
 * <p>Secrets: columns are located by offsets and only the needed ones become Strings. The
 * private key column is never copied out of the input at all; the preshared key is hashed
 * straight from the input into a {@link KeyFingerprint}. Error messages never quote a key.
 */
public final class WgDumpParser {

    private static final String SOURCE = "wg show all dump";
    private static final int INTERFACE_COLUMNS = 5;
    private static final int PEER_COLUMNS = 9;
    private static final String NONE = "(none)";

    private WgDumpParser() {
    }

    public static WgDump parse(String text) throws ParseException {
        Line line = new Line(text);
        List<WgDump.Interface> interfaces = new ArrayList<>();
        String currentName = null;
        String currentPub = null;
        int currentPort = 0;
        String currentFwmark = null;
        List<WgDump.Peer> peers = null;
        int lineNo = 0;
        int start = 0;
        int len = text.length();
        while (start < len) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = len;
            }
            lineNo++;
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (lineEnd > start) {
                int n = line.split(start, lineEnd);
                if (!line.equals(0, currentName)) {
                    if (currentName != null) {
                        interfaces.add(new WgDump.Interface(currentName, currentPub, currentPort, currentFwmark, List.copyOf(peers)));
                    }
                    if (n < INTERFACE_COLUMNS) {
                        throw new ParseException(SOURCE, lineNo, "interface line has " + n + " columns, expected "
                                + INTERFACE_COLUMNS + " (truncated output?)");
                    }
                    currentName = checkName(line.get(0), lineNo);
                    // the port first: a peer line mistaken for an interface line (output that lost its
                    // first lines) fails here, before its preshared key column could pass as a public key
                    currentPort = (int) number(line.get(3), lineNo, "listen port", 65535);
                    // column 2 is the private key: skipped, never read, except to refuse a garbled line
                    // that repeats it as the public key (copying that out would store the secret)
                    if (line.sameText(1, 2)) {
                        throw new ParseException(SOURCE, lineNo, "interface line repeats one value in its key columns (garbled output?)");
                    }
                    currentPub = checkKey(line, 2, lineNo, "public key");
                    String fw = line.get(4);
                    currentFwmark = "off".equals(fw) ? null : fw;
                    peers = new ArrayList<>();
                } else {
                    if (n < PEER_COLUMNS) {
                        // a second interface line for one name also lands here, and the message fits it too
                        throw new ParseException(SOURCE, lineNo, "peer line has " + n + " columns, expected "
                                + PEER_COLUMNS + " (truncated output?)");
                    }
                    peers.add(peer(line, lineNo));
                }
            }
            start = end + 1;
        }
        if (currentName != null) {
            interfaces.add(new WgDump.Interface(currentName, currentPub, currentPort, currentFwmark, List.copyOf(peers)));
        }
        return new WgDump(List.copyOf(interfaces));
    }

    private static WgDump.Peer peer(Line line, int lineNo) throws ParseException {
        if (line.sameText(1, 2)) {
            // the preshared key in the public key's place: refuse rather than store it as a public key
            throw new ParseException(SOURCE, lineNo, "peer line repeats one value in its key columns (garbled output?)");
        }
        String pub = checkKey(line, 1, lineNo, "peer public key");
        String psk = null;
        if (!line.equals(2, NONE)) {
            try {
                psk = KeyFingerprint.of(line.text, line.start(2), line.end(2));
            } catch (IllegalArgumentException e) {
                throw new ParseException(SOURCE, lineNo, "column 3 (preshared key): " + e.getMessage());
            }
        }
        String endpoint = null;
        String ep = line.get(3);
        if (!NONE.equals(ep)) {
            try {
                endpoint = Endpoint.parse(ep).toString();
            } catch (IllegalArgumentException e) {
                throw new ParseException(SOURCE, lineNo, "column 4 (endpoint) " + ParseException.quote(ep) + " is not ip:port");
            }
        }
        List<String> allowed = new ArrayList<>();
        String al = line.get(4);
        if (!NONE.equals(al) && !al.isEmpty()) {
            for (String a : al.split(",")) {
                try {
                    allowed.add(IpPrefix.parse(a).toString());
                } catch (IllegalArgumentException e) {
                    throw new ParseException(SOURCE, lineNo, "column 5 (allowed ips): " + ParseException.quote(a) + " is not a CIDR prefix");
                }
            }
        }
        long hs = number(line.get(5), lineNo, "latest handshake", Long.MAX_VALUE);
        long rx = number(line.get(6), lineNo, "rx bytes", Long.MAX_VALUE);
        long tx = number(line.get(7), lineNo, "tx bytes", Long.MAX_VALUE);
        String ka = line.get(8);
        int keepalive = "off".equals(ka) ? 0 : (int) number(ka, lineNo, "persistent keepalive", 65535);
        return new WgDump.Peer(pub, psk, endpoint, List.copyOf(allowed), hs, rx, tx, keepalive);
    }

    /** Column offsets of the current line; at most {@link #PEER_COLUMNS} leading columns, extras ignored. */
    private static final class Line {
        final String text;
        final int[] starts = new int[PEER_COLUMNS];
        final int[] ends = new int[PEER_COLUMNS];
        int count;

        Line(String text) {
            this.text = text;
        }

        int split(int start, int end) {
            count = 0;
            int s = start;
            while (count < PEER_COLUMNS) {
                int tab = text.indexOf('\t', s);
                starts[count] = s;
                if (tab < 0 || tab >= end) {
                    ends[count++] = end;
                    break;
                }
                ends[count++] = tab;
                s = tab + 1;
            }
            return count;
        }

        int start(int i) {
            return starts[i];
        }

        int end(int i) {
            return ends[i];
        }

        String get(int i) {
            return text.substring(starts[i], ends[i]);
        }

        boolean sameText(int i, int j) {
            int len = ends[i] - starts[i];
            return len == ends[j] - starts[j] && text.regionMatches(starts[i], text, starts[j], len);
        }

        boolean equals(int i, String s) {
            return s != null && ends[i] - starts[i] == s.length() && text.startsWith(s, starts[i]);
        }
    }

    private static String checkName(String name, int lineNo) throws ParseException {
        if (name.isEmpty() || name.length() > 15 || name.indexOf(' ') >= 0 || name.indexOf('/') >= 0) {
            throw new ParseException(SOURCE, lineNo, "column 1: " + ParseException.quote(name) + " is not an interface name");
        }
        return name;
    }

    /** Validates in place and only then copies out: a malformed key is not quoted (in a garbled line it may be a secret). */
    private static String checkKey(Line line, int col, int lineNo, String what) throws ParseException {
        int s = line.start(col);
        int e = line.end(col);
        boolean ok = e - s == 44 && line.text.charAt(e - 1) == '=';
        for (int i = s; ok && i < e - 1; i++) {
            char c = line.text.charAt(i);
            ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
        }
        if (!ok) {
            throw new ParseException(SOURCE, lineNo, "column " + (col + 1) + " (" + what + ") is not a 44-character base64 key");
        }
        return line.get(col);
    }

    private static long number(String s, int lineNo, String what, long max) throws ParseException {
        boolean digits = !s.isEmpty() && s.length() <= 18;
        for (int i = 0; digits && i < s.length(); i++) {
            digits = s.charAt(i) >= '0' && s.charAt(i) <= '9';
        }
        if (!digits) {
            throw new ParseException(SOURCE, lineNo, "column value for " + what + " " + ParseException.quote(s) + " is not a number");
        }
        long v = Long.parseLong(s);
        if (v > max) {
            throw new ParseException(SOURCE, lineNo, what + " " + v + " is out of range");
        }
        return v;
    }
}
