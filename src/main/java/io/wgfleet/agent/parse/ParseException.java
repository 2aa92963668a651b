package io.wgfleet.agent.parse;

/**
 * Input a parser could not understand. The message names the source and line and says why;
 * it never quotes a whole input line, because a line of {@code wg show dump} can hold a key.
 */
public class ParseException extends Exception {

    private final String source;
    private final int line;

    /**
     * @param source what was parsed, e.g. "wg show all dump"
     * @param line   1-based line number, 0 when the problem is not tied to a line
     */
    public ParseException(String source, int line, String reason) {
        super(source + (line > 0 ? ", line " + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    /** A field value made safe to quote in a message: short, and never something shaped like a key. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        if (looksLikeKey(value)) {
            return "<a key-shaped value, not shown>";
        }
        String v = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + v.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    /** 32 bytes in base64 (44 characters ending in '='), or anything long and base64-like. */
    static boolean looksLikeKey(String value) {
        if (value.length() < 40) {
            return false;
        }
        long b64 = value.chars().filter(c -> Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=').count();
        return b64 >= value.length() - 2;
    }
}
