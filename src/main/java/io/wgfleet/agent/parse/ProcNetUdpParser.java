package io.wgfleet.agent.parse;

import io.wgfleet.diagnosis.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/udp} and {@code /proc/net/udp6}: a header line, then one socket a
 * line, {@code sl: local_address rem_address st ...} with addresses as hex ADDR:PORT. The
 * kernel writes IPv4 as one little-endian 32-bit word and IPv6 as four such words.
 */
public final class ProcNetUdpParser {

    private ProcNetUdpParser() {
    }

    public static List<UdpSocket> parse(String text, String source) throws ParseException {
        List<UdpSocket> sockets = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean header = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (header) {
                if (!line.startsWith("sl")) {
                    throw new ParseException(source, i + 1, "expected the 'sl local_address ...' header");
                }
                header = false;
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) {
                throw new ParseException(source, i + 1, "socket line has " + f.length + " fields, expected at least 10 (truncated?)");
            }
            int colon = f[1].indexOf(':');
            if (colon < 0) {
                throw new ParseException(source, i + 1, "local address " + ParseException.quote(f[1]) + " has no port");
            }
            IpAddress addr = address(f[1].substring(0, colon), source, i + 1);
            int port = (int) hex(f[1].substring(colon + 1), 4, source, i + 1);
            long inode;
            try {
                inode = Long.parseLong(f[9]);
            } catch (NumberFormatException e) {
                throw new ParseException(source, i + 1, "inode " + ParseException.quote(f[9]) + " is not a number");
            }
            sockets.add(new UdpSocket(addr, port, inode));
        }
        return List.copyOf(sockets);
    }

    private static IpAddress address(String hex, String source, int line) throws ParseException {
        if (hex.length() == 8) {
            return new IpAddress(false, 0, Integer.toUnsignedLong(Integer.reverseBytes((int) hex(hex, 8, source, line))));
        }
        if (hex.length() == 32) {
            long[] w = new long[4];
            for (int k = 0; k < 4; k++) {
                w[k] = Integer.toUnsignedLong(Integer.reverseBytes((int) hex(hex.substring(8 * k, 8 * k + 8), 8, source, line)));
            }
            return new IpAddress(true, (w[0] << 32) | w[1], (w[2] << 32) | w[3]);
        }
        throw new ParseException(source, line, "local address " + ParseException.quote(hex) + " is neither 8 nor 32 hex digits");
    }

    private static long hex(String s, int maxDigits, String source, int line) throws ParseException {
        if (s.isEmpty() || s.length() > maxDigits) {
            throw new ParseException(source, line, ParseException.quote(s) + " is not a hex number of up to " + maxDigits + " digits");
        }
        try {
            return Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            throw new ParseException(source, line, ParseException.quote(s) + " is not a hex number");
        }
    }
}
