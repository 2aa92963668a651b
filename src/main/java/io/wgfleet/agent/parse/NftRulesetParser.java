package io.wgfleet.agent.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code nft -j list ruleset}: finds rules that drop or reject UDP to given ports, and
 * reads the per-source counters of the agent's own counting table.
 *
 * <p>What counts as blocking a port: a rule with a {@code drop} or {@code reject} verdict whose
 * matches select UDP to that port ({@code udp dport}/{@code th dport} equal to, in a set or
 * range covering the port, or {@code !=} one that excludes it), or select all UDP, or select
 * nothing at all. Other conditions (a source address, an input interface) are kept: the rule
 * is reported with its text so a person sees the condition. Only chains that see packets
 * addressed to this node are considered: base chains on the ingress, prerouting and input
 * hooks, and regular chains (a jump may reach them). A base chain with policy drop counts
 * when no rule in it accepts the port and it jumps nowhere (a jump might accept elsewhere,
 * and a confident wrong finding is worse than none). For the same reason a rule holding an
 * {@code xt} expression (an iptables-nft match nft cannot show, e.g. {@code -m multiport
 * --dports 53,123}, which nft's JSON prints as a bare {@code "xt": {"name": "multiport"}}) is
 * never a finding here: iptables-nft-save reads those tables exactly.
 */
public final class NftRulesetParser {

    private static final String SOURCE = "nft -j list ruleset";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RECEIVING_HOOKS = Set.of("ingress", "prerouting", "input");

    /** Counters read from the agent's own table for one port. */
    public record PortCounters(int port, long packets, Map<String, long[]> packetsAndBytesBySource) {
    }

    private NftRulesetParser() {
    }

    public static List<PortBlock> blockingRules(String json, Set<Integer> ports, String ignoredTable) throws ParseException {
        JsonNode items = items(json);
        Map<String, JsonNode> chains = new HashMap<>();
        Map<String, List<JsonNode>> rulesByChain = new LinkedHashMap<>();
        for (JsonNode item : items) {
            if (item.has("chain")) {
                JsonNode c = item.get("chain");
                chains.put(key(c.path("family").asText(), c.path("table").asText(), c.path("name").asText()), c);
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                rulesByChain.computeIfAbsent(key(r.path("family").asText(), r.path("table").asText(), r.path("chain").asText()),
                        k -> new ArrayList<>()).add(r);
            }
        }
        List<PortBlock> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : chains.entrySet()) {
            JsonNode c = e.getValue();
            String table = c.path("table").asText();
            if (table.equals(ignoredTable)) {
                continue;
            }
            String hook = c.path("hook").asText(null);
            if (hook != null && !RECEIVING_HOOKS.contains(hook)) {
                continue;
            }
            List<JsonNode> rules = rulesByChain.getOrDefault(e.getKey(), List.of());
            for (int port : ports) {
                boolean accepted = false;
                boolean jumps = false;
                for (JsonNode r : rules) {
                    RuleShape shape = shape(r.path("expr"));
                    // an accept behind a match nft cannot show may accept the port: as unsure as a jump
                    jumps |= shape.jumps || (shape.opaque && "accept".equals(shape.verdict));
                    if (!shape.selects(port)) {
                        continue;
                    }
                    if (shape.verdict != null && (shape.verdict.equals("drop") || shape.verdict.equals("reject"))) {
                        out.add(new PortBlock("nftables", port, r.path("family").asText(), table, c.path("name").asText(),
                                r.hasNonNull("handle") ? r.get("handle").asLong() : null, shape.verdict, render(r), shape.packets));
                    } else if ("accept".equals(shape.verdict)) {
                        accepted = true;
                    }
                }
                if (hook != null && "drop".equals(c.path("policy").asText()) && !accepted && !jumps) {
                    out.add(new PortBlock("nftables", port, c.path("family").asText(), table, c.path("name").asText(), null,
                            "drop", "chain policy drop (hook " + hook + ", no rule in the chain accepts udp dport " + port + ")", null));
                }
            }
        }
        out.sort((a, b) -> (a.table() + "/" + a.chain() + "/" + a.handle()).compareTo(b.table() + "/" + b.chain() + "/" + b.handle()));
        return List.copyOf(out);
    }

    /**
     * Reads the counting table the agent installed: sets whose elements are
     * {@code address . port} with a counter, and one {@code udp dport P counter} rule per port.
     */
    public static Map<Integer, PortCounters> arrivals(String json, String table) throws ParseException {
        JsonNode items = items(json);
        Map<Integer, Long> totals = new LinkedHashMap<>();
        Map<Integer, Map<String, long[]>> sources = new LinkedHashMap<>();
        for (JsonNode item : items) {
            if (item.has("set") && table.equals(item.get("set").path("table").asText())) {
                for (JsonNode el : item.get("set").path("elem")) {
                    JsonNode elem = el.path("elem");
                    JsonNode concat = elem.path("val").path("concat");
                    if (concat.size() != 2 || !concat.get(1).canConvertToInt()) {
                        throw new ParseException(SOURCE, 0, "set element of table " + table + " is not 'address . port'");
                    }
                    int port = concat.get(1).asInt();
                    long[] pb = {elem.path("counter").path("packets").asLong(0), elem.path("counter").path("bytes").asLong(0)};
                    sources.computeIfAbsent(port, p -> new LinkedHashMap<>()).merge(concat.get(0).asText(), pb,
                            (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]});
                }
            } else if (item.has("rule") && table.equals(item.get("rule").path("table").asText())) {
                RuleShape shape = shape(item.get("rule").path("expr"));
                if (shape.singlePort != null && shape.packets != null) {
                    totals.merge(shape.singlePort, shape.packets, Long::sum);
                }
            }
        }
        Map<Integer, PortCounters> out = new LinkedHashMap<>();
        for (int port : totals.keySet()) {
            out.put(port, new PortCounters(port, totals.get(port), sources.getOrDefault(port, Map.of())));
        }
        for (Map.Entry<Integer, Map<String, long[]>> e : sources.entrySet()) {
            out.computeIfAbsent(e.getKey(), p -> new PortCounters(p,
                    e.getValue().values().stream().mapToLong(v -> v[0]).sum(), e.getValue()));
        }
        return out;
    }

    private static JsonNode items(String json) throws ParseException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ParseException(SOURCE, loc == null ? 0 : loc.getLineNr(), "malformed or truncated JSON"
                    + (loc == null ? "" : " at column " + loc.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.path("nftables").isArray()) {
            throw new ParseException(SOURCE, 1, "expected an object with an 'nftables' array");
        }
        return root.get("nftables");
    }

    private static String key(String family, String table, String chain) {
        return family + "\u0000" + table + "\u0000" + chain;
    }

    /** What a rule selects and does, as far as UDP ports go. */
    private static final class RuleShape {
        boolean udp;
        boolean otherProtocol;
        boolean anyMatch;
        /** Port ranges the rule's dport match covers; null when the rule has no dport match. */
        List<long[]> portRanges;
        boolean portNegated;
        Integer singlePort;
        String verdict;
        Long packets;
        boolean jumps;
        /** An iptables-nft match whose content nft's JSON does not show. */
        boolean opaque;

        boolean selects(int port) {
            if (otherProtocol || opaque) {
                return false;
            }
            if (portRanges != null) {
                boolean in = portRanges.stream().anyMatch(r -> port >= r[0] && port <= r[1]);
                return in != portNegated;
            }
            return udp || !anyMatch;
        }
    }

    private static RuleShape shape(JsonNode exprs) {
        RuleShape s = new RuleShape();
        for (JsonNode x : exprs) {
            if (x.has("match")) {
                s.anyMatch = true;
                JsonNode m = x.get("match");
                JsonNode left = m.path("left");
                JsonNode right = m.path("right");
                String op = m.path("op").asText("==");
                JsonNode payload = left.path("payload");
                if (payload.isObject() && "dport".equals(payload.path("field").asText())
                        && Set.of("udp", "th").contains(payload.path("protocol").asText())) {
                    if (payload.path("protocol").asText().equals("udp")) {
                        s.udp = true;
                    }
                    s.portRanges = ranges(right);
                    s.portNegated = op.equals("!=");
                    if (!s.portNegated && right.canConvertToInt()) {
                        s.singlePort = right.asInt();
                    }
                } else if (isProtocolSelector(left)) {
                    boolean hasUdp = containsValue(right, "udp") || containsValue(right, "17");
                    if (op.equals("!=") ? hasUdp : !hasUdp) {
                        s.otherProtocol = true;
                    } else {
                        s.udp = true;
                    }
                } else if (payload.isObject() && Set.of("tcp", "sctp", "dccp", "icmp", "icmpv6").contains(payload.path("protocol").asText())) {
                    s.otherProtocol = true;
                }
            } else if (x.has("counter") && x.get("counter").isObject()) {
                s.packets = x.get("counter").path("packets").asLong();
            } else if (x.has("drop")) {
                s.verdict = "drop";
            } else if (x.has("reject")) {
                s.verdict = "reject";
            } else if (x.has("accept")) {
                s.verdict = "accept";
            } else if (x.has("jump") || x.has("goto")) {
                s.jumps = true;
            } else if (x.has("xt") && !"target".equals(x.get("xt").path("type").asText())) {
                s.opaque = true;
            }
        }
        return s;
    }

    private static boolean isProtocolSelector(JsonNode left) {
        if (left.path("meta").path("key").asText("").equals("l4proto")) {
            return true;
        }
        JsonNode p = left.path("payload");
        return (p.path("protocol").asText().equals("ip") && p.path("field").asText().equals("protocol"))
                || (p.path("protocol").asText().equals("ip6") && p.path("field").asText().equals("nexthdr"));
    }

    private static boolean containsValue(JsonNode right, String value) {
        if (right.isTextual() || right.isNumber()) {
            return right.asText().equals(value);
        }
        for (JsonNode v : right.path("set")) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static List<long[]> ranges(JsonNode right) {
        List<long[]> out = new ArrayList<>();
        if (right.canConvertToInt()) {
            out.add(new long[]{right.asInt(), right.asInt()});
        } else if (right.has("range")) {
            out.add(new long[]{right.get("range").get(0).asLong(), right.get("range").get(1).asLong()});
        } else if (right.has("set")) {
            for (JsonNode v : right.get("set")) {
                out.addAll(ranges(v));
            }
        }
        return out;
    }

    /** The rule in nft's own syntax as far as the common expressions go; anything else as compact JSON. */
    static String render(JsonNode rule) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode x : rule.path("expr")) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String name = x.fieldNames().hasNext() ? x.fieldNames().next() : "";
            JsonNode v = x.path(name);
            switch (name) {
                case "match" -> {
                    sb.append(operand(v.path("left")));
                    String op = v.path("op").asText("==");
                    sb.append(op.equals("==") || op.equals("in") ? " " : " " + op + " ");
                    sb.append(operand(v.path("right")));
                }
                case "counter" -> sb.append(v.isObject()
                        ? "counter packets " + v.path("packets").asLong() + " bytes " + v.path("bytes").asLong() : "counter");
                case "drop", "accept", "return", "continue" -> sb.append(name);
                case "reject" -> sb.append("reject").append(v.hasNonNull("expr")
                        ? " with " + v.path("type").asText("icmpx") + " " + v.get("expr").asText() : "");
                case "jump", "goto" -> sb.append(name).append(' ').append(v.path("target").asText());
                case "log" -> sb.append("log");
                case "xt" -> sb.append("xt ").append(v.path("type").asText()).append(' ').append(v.path("name").asText());
                default -> sb.append(x.toString());
            }
        }
        if (rule.hasNonNull("comment")) {
            sb.append(" comment \"").append(rule.get("comment").asText()).append('"');
        }
        return sb.toString();
    }

    private static String operand(JsonNode n) {
        if (n.isValueNode()) {
            return n.asText();
        }
        if (n.has("payload")) {
            return n.get("payload").path("protocol").asText() + " " + n.get("payload").path("field").asText();
        }
        if (n.has("meta")) {
            return "meta " + n.get("meta").path("key").asText();
        }
        if (n.has("ct")) {
            return "ct " + n.get("ct").path("key").asText();
        }
        if (n.has("set")) {
            List<String> parts = new ArrayList<>();
            n.get("set").forEach(e -> parts.add(operand(e)));
            return "{ " + String.join(", ", parts) + " }";
        }
        if (n.has("range")) {
            return operand(n.get("range").get(0)) + "-" + operand(n.get("range").get(1));
        }
        if (n.has("prefix")) {
            return n.get("prefix").path("addr").asText() + "/" + n.get("prefix").path("len").asText();
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(e -> parts.add(operand(e)));
            return String.join(",", parts);
        }
        return n.toString();
    }
}
