package io.wgfleet.agent.parse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input a parser could not understand. The message names the source and line and says why;
 * it never quotes a whole input line, because a line of {@code wg show dump} can hold a key.
 */
public class ParseException extends Exception {

    private static final Pattern KEY_RUN = Pattern.compile("[A-Za-z0-9+/=]{12,}");

    private final String source;
    private final int line;

    /**
     * @param source what was parsed, e.g. "wg show all dump"
     * @param line   1-based line number, 0 when the problem is not tied to a line
     */
    public ParseException(String source, int line, String reason) {
        super(source + (line > 0 ? ", line " + line : "") + ": " + redactKeys(reason));
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

    /**
     * Every run of 12 or more base64 characters with upper case and lower case or digits in
     * it, replaced: the reason may carry a library's message that quotes the input (Jackson
     * quotes the token it could not read), and a piece of a key is a leak too.
     */
    static String redactKeys(String text) {
        Matcher m = KEY_RUN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            boolean upper = run.chars().anyMatch(Character::isUpperCase);
            boolean lowerOrDigit = run.chars().anyMatch(c -> Character.isLowerCase(c) || Character.isDigit(c));
            m.appendReplacement(out, upper && lowerOrDigit ? "<a key-shaped value, not shown>" : Matcher.quoteReplacement(run));
        }
        m.appendTail(out);
        return out.toString();
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
