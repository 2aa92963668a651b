package io.wgfleet.agent.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parses the JSON of {@code ip -j addr}, {@code ip -j link} and batched {@code ip -j route get}. */
public final class IpJsonParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An address on an interface, as CIDR. */
    public record LinkAddress(String interfaceName, String cidr) {
    }

    /** A link: its MTU and whether it is up (administratively, and carrier or unknown). */
    public record Link(String name, int mtu, boolean up, String operState) {
    }

    /** One route lookup; device/gateway/source are null when it failed, and error says why. */
    public record Route(String destination, String device, String gateway, String source, String error) {
    }

    private IpJsonParser() {
    }

    public static List<LinkAddress> addresses(String json) throws ParseException {
        String src = "ip -j addr";
        List<LinkAddress> out = new ArrayList<>();
        JsonNode root = read(json, src);
        for (int i = 0; i < root.size(); i++) {
            JsonNode link = root.get(i);
            String name = text(link, "ifname", src, i);
            JsonNode infos = link.path("addr_info");
            for (JsonNode a : infos) {
                if (a.hasNonNull("local") && a.hasNonNull("prefixlen")) {
                    out.add(new LinkAddress(name, a.get("local").asText() + "/" + a.get("prefixlen").asInt()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The devices of {@code ip -j route show ...} entries, in order, each once (an unreachable route has none). */
    public static List<String> routeDevices(String json) throws ParseException {
        String src = "ip -j route show";
        // ip prints nothing at all (not "[]") when no route matches
        if (json.isBlank()) {
            return List.of();
        }
        JsonNode root = read(json, src);
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode r : root) {
            if (r.hasNonNull("dev")) {
                out.add(r.get("dev").asText());
            }
        }
        return List.copyOf(out);
    }

    public static List<Link> links(String json) throws ParseException {
        String src = "ip -j link";
        List<Link> out = new ArrayList<>();
        JsonNode root = read(json, src);
        for (int i = 0; i < root.size(); i++) {
            JsonNode link = root.get(i);
            String name = text(link, "ifname", src, i);
            if (!link.path("mtu").canConvertToInt()) {
                throw new ParseException(src, 1, "entry " + (i + 1) + " (" + name + ") has no numeric mtu");
            }
            List<String> flags = new ArrayList<>();
            link.path("flags").forEach(f -> flags.add(f.asText()));
            String oper = link.path("operstate").asText("UNKNOWN");
            // TUN devices such as wireguard-go's report operstate UNKNOWN while working: trust LOWER_UP
            boolean up = flags.contains("UP") && (flags.contains("LOWER_UP") || "UP".equals(oper));
            out.add(new Link(name, link.get("mtu").asInt(), up, oper));
        }
        return List.copyOf(out);
    }

    /**
     * Parses {@code ip -j -force -batch -} fed one {@code route get DEST} per line: stdout holds
     * one JSON array per successful lookup, in order; stderr names each failed batch line
     * ("Command failed -:N") after the kernel's reason.
     *
     * @param destinations the destinations, in the order they were written to the batch
     */
    public static List<Route> routeGetBatch(List<String> destinations, String stdout, String stderr) throws ParseException {
        String src = "ip -j route get";
        Map<Integer, String> failed = new HashMap<>();
        String lastReason = null;
        String[] errLines = stderr.split("\n");
        for (String raw : errLines) {
            String l = raw.strip();
            if (l.startsWith("Command failed -:")) {
                try {
                    int n = Integer.parseInt(l.substring("Command failed -:".length()).strip());
                    failed.put(n, lastReason == null ? "failed" : lastReason);
                } catch (NumberFormatException e) {
                    throw new ParseException(src + " (stderr)", 0, "unreadable batch line number in " + ParseException.quote(l));
                }
                lastReason = null;
            } else if (!l.isEmpty()) {
                lastReason = l.replaceFirst("^RTNETLINK answers: ", "").replaceFirst("^Error: ", "");
            }
        }
        List<JsonNode> results = new ArrayList<>();
        // one JSON array per successful lookup, back to back (a MappingIterator would unwrap the arrays)
        try (JsonParser p = JSON.getFactory().createParser(stdout)) {
            while (p.nextToken() != null) {
                results.add(JSON.readTree(p));
            }
        } catch (JsonProcessingException e) {
            throw jsonError(src, e);
        } catch (IOException e) {
            throw new ParseException(src, 0, "unreadable output: " + e.getClass().getSimpleName());
        }
        if (results.size() + failed.size() != destinations.size()) {
            throw new ParseException(src, 0, destinations.size() + " lookups asked, " + results.size()
                    + " answered and " + failed.size() + " failed (truncated output?)");
        }
        List<Route> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < destinations.size(); i++) {
            String dest = destinations.get(i);
            String reason = failed.get(i + 1);
            if (reason != null) {
                out.add(new Route(dest, null, null, null, reason));
                continue;
            }
            JsonNode arr = results.get(next++);
            if (!arr.isArray() || arr.isEmpty() || !arr.get(0).isObject()) {
                throw new ParseException(src, next, "answer for " + dest + " is not a non-empty array of routes");
            }
            JsonNode r = arr.get(0);
            String type = r.path("type").asText("");
            if (type.equals("unreachable") || type.equals("prohibit") || type.equals("blackhole")) {
                out.add(new Route(dest, null, null, null, type));
                continue;
            }
            out.add(new Route(dest, optional(r, "dev"), optional(r, "gateway"), optional(r, "prefsrc"), null));
        }
        return List.copyOf(out);
    }

    private static JsonNode read(String json, String src) throws ParseException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw jsonError(src, e);
        }
        if (root == null || !root.isArray()) {
            throw new ParseException(src, 1, "expected a JSON array of links");
        }
        return root;
    }

    private static ParseException jsonError(String src, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        String col = loc == null ? "" : " at column " + loc.getColumnNr();
        return new ParseException(src, line, "malformed or truncated JSON" + col + ": " + e.getOriginalMessage());
    }

    private static String text(JsonNode n, String field, String src, int index) throws ParseException {
        if (!n.hasNonNull(field)) {
            throw new ParseException(src, 1, "entry " + (index + 1) + " has no '" + field + "'");
        }
        return n.get(field).asText();
    }

    private static String optional(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
