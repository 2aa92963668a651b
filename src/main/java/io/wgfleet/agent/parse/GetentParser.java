package io.wgfleet.agent.parse;

import io.wgfleet.diagnosis.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/** Reads {@code getent ahosts NAME}: one "ADDRESS SOCKTYPE [NAME]" line per answer, repeated per socket type. */
public final class GetentParser {

    private GetentParser() {
    }

    /** The distinct addresses, in the resolver's order. */
    public static List<String> addresses(String text) throws ParseException {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String first = line.split("\\s+")[0];
            String addr;
            try {
                addr = IpAddress.parse(first).toString();
            } catch (IllegalArgumentException e) {
                throw new ParseException("getent ahosts", i + 1, ParseException.quote(first) + " is not an address");
            }
            if (!out.contains(addr)) {
                out.add(addr);
            }
        }
        return List.copyOf(out);
    }
}
