package io.wgfleet.agent.parse;

/** Reads iputils {@code ping -c 1} output: whether a reply came back. */
public final class PingParser {

    private PingParser() {
    }

    /** True when the statistics line reports at least one packet received. */
    public static boolean replied(String stdout) {
        int i = stdout.indexOf(" received");
        if (i < 0) {
            return false;
        }
        int j = stdout.lastIndexOf(',', i);
        String n = stdout.substring(j + 1, i).strip();
        try {
            return Integer.parseInt(n) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The round-trip time of the first reply ("time=2.62 ms"), in milliseconds; null when none came back. */
    public static Double rttMillis(String stdout) {
        int i = stdout.indexOf(" time=");
        if (i < 0) {
            return null;
        }
        int start = i + " time=".length();
        int end = start;
        while (end < stdout.length() && (Character.isDigit(stdout.charAt(end)) || stdout.charAt(end) == '.')) {
            end++;
        }
        try {
            return Double.parseDouble(stdout.substring(start, end));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
