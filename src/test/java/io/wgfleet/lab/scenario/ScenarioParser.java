package io.wgfleet.lab.scenario;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a scenario file. Works on SnakeYAML's node tree, not on plain maps, so that every
 * error names the file, the line and column, and the field: a newcomer's typo must point
 * at the line to fix. Unknown fields are errors too, for the same reason.
 */
public final class ScenarioParser {

    private static final Pattern DURATION = Pattern.compile("^(\\d+(?:\\.\\d+)?)(ms|s|m)$");
    private static final Pattern NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$");
    private final Path file;

    private ScenarioParser(Path file) {
        this.file = file;
    }

    public static Scenario parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    public static Scenario parse(Path file, String text) {
        return new ScenarioParser(file).read(text);
    }

    private Scenario read(String text) {
        Node root;
        try (Reader r = new java.io.StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ScenarioException(file + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (IOException | RuntimeException e) {
            throw new ScenarioException(file + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ScenarioException(file + ":1: the file is empty");
        }
        Map<String, Node> top = map(root, "", Set.of("name", "description", "machines", "links", "interfaces",
                "wireGuardPeers", "steps", "expect", "expectEvidence"));
        String name = str(required(top, "name", root, ""), "name");
        if (!NAME.matcher(name).matches()) {
            throw error(top.get("name"), "name", "'" + name + "' must be 1-20 lowercase letters, digits and dashes (it names a Kubernetes namespace and lab nodes)");
        }
        String description = top.containsKey("description") ? str(top.get("description"), "description") : "";

        List<Scenario.Machine> machines = new ArrayList<>();
        Set<String> machineNames = new LinkedHashSet<>();
        List<Node> machineNodes = seq(required(top, "machines", root, ""), "machines");
        for (int i = 0; i < machineNodes.size(); i++) {
            String path = "machines[" + i + "]";
            Map<String, Node> m = map(machineNodes.get(i), path, Set.of("name", "external", "labels", "hosts"));
            String mn = str(required(m, "name", machineNodes.get(i), path), path + ".name");
            if (!NAME.matcher(mn).matches()) {
                throw error(m.get("name"), path + ".name", "'" + mn + "' must be 1-20 lowercase letters, digits and dashes");
            }
            if (!machineNames.add(mn)) {
                throw error(m.get("name"), path + ".name", "machine '" + mn + "' is declared twice");
            }
            boolean external = m.containsKey("external") && bool(m.get("external"), path + ".external");
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.containsKey("labels")) {
                map(m.get("labels"), path + ".labels", null).forEach((k, v) -> labels.put(k, str(v, path + ".labels." + k)));
            }
            String hosts = m.containsKey("hosts") ? str(m.get("hosts"), path + ".hosts") : null;
            machines.add(new Scenario.Machine(mn, external, labels, hosts, line(machineNodes.get(i))));
        }

        List<Scenario.Link> links = new ArrayList<>();
        if (top.containsKey("links")) {
            List<Node> ln = seq(top.get("links"), "links");
            for (int i = 0; i < ln.size(); i++) {
                String path = "links[" + i + "]";
                Map<String, Node> l = map(ln.get(i), path, Set.of("between", "addresses", "mtu"));
                List<String> between = strings(required(l, "between", ln.get(i), path), path + ".between", 2);
                List<String> addresses = strings(required(l, "addresses", ln.get(i), path), path + ".addresses", 2);
                for (int k = 0; k < 2; k++) {
                    machine(machineNames, between.get(k), l.get("between"), path + ".between[" + k + "]");
                    cidr(addresses.get(k), l.get("addresses"), path + ".addresses[" + k + "]");
                }
                Integer mtu = l.containsKey("mtu") ? integer(l.get("mtu"), path + ".mtu", 576, 65535) : null;
                links.add(new Scenario.Link(between.get(0), addresses.get(0), between.get(1), addresses.get(1), mtu, line(ln.get(i))));
            }
        }

        List<Scenario.Interface> interfaces = new ArrayList<>();
        Set<String> interfaceRefs = new LinkedHashSet<>();
        if (top.containsKey("interfaces")) {
            List<Node> in = seq(top.get("interfaces"), "interfaces");
            for (int i = 0; i < in.size(); i++) {
                String path = "interfaces[" + i + "]";
                Map<String, Node> f = map(in.get(i), path, Set.of("machine", "name", "listenPort", "address", "peers"));
                String machine = machine(machineNames, str(required(f, "machine", in.get(i), path), path + ".machine"), f.get("machine"), path + ".machine");
                String ifName = str(required(f, "name", in.get(i), path), path + ".name");
                if (!ifName.matches("^[a-z0-9]{1,12}$")) {
                    throw error(f.get("name"), path + ".name", "'" + ifName + "' must be 1-12 lowercase letters or digits");
                }
                if (!interfaceRefs.add(machine + "/" + ifName)) {
                    throw error(f.get("name"), path + ".name", "interface " + machine + "/" + ifName + " is declared twice");
                }
                int port = integer(required(f, "listenPort", in.get(i), path), path + ".listenPort", 1, 65535);
                String address = cidr(str(required(f, "address", in.get(i), path), path + ".address"), f.get("address"), path + ".address");
                List<Scenario.Peer> peers = new ArrayList<>();
                if (f.containsKey("peers")) {
                    List<Node> pn = seq(f.get("peers"), path + ".peers");
                    for (int k = 0; k < pn.size(); k++) {
                        String pp = path + ".peers[" + k + "]";
                        Map<String, Node> p = map(pn.get(k), pp, Set.of("publicKey", "endpoint", "allowedIPs", "persistentKeepalive", "presharedKey"));
                        String key = str(required(p, "publicKey", pn.get(k), pp), pp + ".publicKey");
                        placeholders(key, p.get("publicKey"), pp + ".publicKey");
                        String endpoint = p.containsKey("endpoint") ? str(p.get("endpoint"), pp + ".endpoint") : null;
                        List<String> allowed = strings(required(p, "allowedIPs", pn.get(k), pp), pp + ".allowedIPs", -1);
                        for (int a = 0; a < allowed.size(); a++) {
                            cidr(allowed.get(a), p.get("allowedIPs"), pp + ".allowedIPs[" + a + "]");
                        }
                        Integer keepalive = p.containsKey("persistentKeepalive")
                                ? integer(p.get("persistentKeepalive"), pp + ".persistentKeepalive", 0, 65535) : null;
                        String psk = p.containsKey("presharedKey") ? str(p.get("presharedKey"), pp + ".presharedKey") : null;
                        if (psk != null) {
                            placeholders(psk, p.get("presharedKey"), pp + ".presharedKey");
                        }
                        peers.add(new Scenario.Peer(key, endpoint, allowed, keepalive, psk, line(pn.get(k))));
                    }
                }
                interfaces.add(new Scenario.Interface(machine, ifName, port, address, peers, line(in.get(i))));
            }
        }

        List<Scenario.PeerResource> resources = new ArrayList<>();
        Set<String> resourceNames = new LinkedHashSet<>();
        if (top.containsKey("wireGuardPeers")) {
            List<Node> rn = seq(top.get("wireGuardPeers"), "wireGuardPeers");
            for (int i = 0; i < rn.size(); i++) {
                String path = "wireGuardPeers[" + i + "]";
                Map<String, Node> r = map(rn.get(i), path, Set.of("name", "namespace", "spec"));
                String rname = str(required(r, "name", rn.get(i), path), path + ".name");
                String ns = r.containsKey("namespace") ? str(r.get("namespace"), path + ".namespace") : name;
                if (!resourceNames.add(ns + "/" + rname)) {
                    throw error(r.get("name"), path + ".name", "WireGuardPeer " + ns + "/" + rname + " is declared twice");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) plain(required(r, "spec", rn.get(i), path), path + ".spec");
                Object nodeName = spec.get("nodeName");
                if (nodeName instanceof String s && !machineNames.contains(s)) {
                    throw error(r.get("spec"), path + ".spec.nodeName", "no machine named '" + s + "'");
                }
                resources.add(new Scenario.PeerResource(ns, rname, spec, line(rn.get(i))));
            }
        }

        List<Scenario.Step> steps = new ArrayList<>();
        if (top.containsKey("steps")) {
            List<Node> sn = seq(top.get("steps"), "steps");
            for (int i = 0; i < sn.size(); i++) {
                steps.add(step(sn.get(i), "steps[" + i + "]", machineNames, resourceNames, name));
            }
        }

        Map<String, String> expect = new LinkedHashMap<>();
        if (top.containsKey("expect")) {
            map(top.get("expect"), "expect", null).forEach((k, v) -> {
                String ref = k.contains("/") ? k : name + "/" + k;
                if (!resourceNames.contains(ref)) {
                    throw error(v, "expect." + k, "no WireGuardPeer '" + k + "' in wireGuardPeers");
                }
                expect.put(ref, str(v, "expect." + k));
            });
        }
        Map<String, List<String>> expectEvidence = new LinkedHashMap<>();
        if (top.containsKey("expectEvidence")) {
            map(top.get("expectEvidence"), "expectEvidence", null).forEach((k, v) -> {
                String ref = k.contains("/") ? k : name + "/" + k;
                if (!resourceNames.contains(ref)) {
                    throw error(v, "expectEvidence." + k, "no WireGuardPeer '" + k + "' in wireGuardPeers");
                }
                List<String> texts = new ArrayList<>();
                for (Node t : seq(v, "expectEvidence." + k)) {
                    texts.add(str(t, "expectEvidence." + k + "[" + texts.size() + "]"));
                }
                expectEvidence.put(ref, List.copyOf(texts));
            });
        }
        return new Scenario(file, name, description, machines, links, interfaces, resources, steps, expect, expectEvidence);
    }

    private Scenario.Step step(Node node, String path, Set<String> machines, Set<String> resources, String scenario) {
        Map<String, Node> outer = map(node, path, null);
        if (outer.size() != 1) {
            throw error(node, path, "a step is one of: sleep, ping, diagnose, wg, nft, iptables, linkMtu, hosts, renumber, route, interfaceDown, interfaceDelete, run, nat");
        }
        String kindName = outer.keySet().iterator().next();
        Node body = outer.get(kindName);
        String p = path + "." + kindName;
        int line = line(node);
        switch (kindName) {
            case "sleep":
                return new Scenario.Step(Scenario.Kind.SLEEP, null, Map.of(), duration(body, p), line);
            case "diagnose": {
                List<String> peers = new ArrayList<>();
                if (body instanceof ScalarNode s && "all".equals(s.getValue())) {
                    peers.addAll(resources);
                } else {
                    for (String r : strings(body, p, -1)) {
                        String ref = r.contains("/") ? r : scenario + "/" + r;
                        if (!resources.contains(ref)) {
                            throw error(body, p, "no WireGuardPeer '" + r + "' in wireGuardPeers");
                        }
                        peers.add(ref);
                    }
                }
                return new Scenario.Step(Scenario.Kind.DIAGNOSE, null, Map.of("peers", peers), null, line);
            }
            default:
                break;
        }
        Map<String, Kindspec> kinds = Map.ofEntries(
                Map.entry("ping", new Kindspec(Scenario.Kind.PING, Set.of("to"), Set.of("size", "expect"))),
                Map.entry("wg", new Kindspec(Scenario.Kind.WG, Set.of("args"), Set.of())),
                Map.entry("nft", new Kindspec(Scenario.Kind.NFT, Set.of("ruleset"), Set.of())),
                Map.entry("iptables", new Kindspec(Scenario.Kind.IPTABLES, Set.of("args"), Set.of("backend", "family"))),
                Map.entry("linkMtu", new Kindspec(Scenario.Kind.LINK_MTU, Set.of("towards", "mtu"), Set.of())),
                Map.entry("hosts", new Kindspec(Scenario.Kind.HOSTS, Set.of("content"), Set.of())),
                Map.entry("renumber", new Kindspec(Scenario.Kind.RENUMBER, Set.of("from", "to"), Set.of())),
                Map.entry("route", new Kindspec(Scenario.Kind.ROUTE, Set.of("args"), Set.of())),
                Map.entry("interfaceDown", new Kindspec(Scenario.Kind.INTERFACE_DOWN, Set.of("interface"), Set.of())),
                Map.entry("interfaceDelete", new Kindspec(Scenario.Kind.INTERFACE_DELETE, Set.of("interface"), Set.of())),
                Map.entry("run", new Kindspec(Scenario.Kind.RUN, Set.of("command"), Set.of())),
                Map.entry("nat", new Kindspec(Scenario.Kind.NAT, Set.of("towards"), Set.of("udpTimeout", "ports"))));
        Kindspec k = kinds.get(kindName);
        if (k == null) {
            throw error(node, path, "unknown step '" + kindName + "'; a step is one of: sleep, ping, diagnose, "
                    + String.join(", ", new java.util.TreeSet<>(kinds.keySet())));
        }
        Set<String> allowed = new LinkedHashSet<>(k.required());
        allowed.addAll(k.optional());
        allowed.add("machine");
        Map<String, Node> fields = map(body, p, allowed);
        String machine = machine(machines, str(required(fields, "machine", body, p), p + ".machine"), fields.get("machine"), p + ".machine");
        Map<String, Object> args = new LinkedHashMap<>();
        for (String f : allowed) {
            if (f.equals("machine")) {
                continue;
            }
            if (k.required().contains(f)) {
                required(fields, f, body, p);
            }
            if (fields.containsKey(f)) {
                Object v = plain(fields.get(f), p + "." + f);
                if (f.equals("towards") && !machines.contains(String.valueOf(v))) {
                    throw error(fields.get(f), p + ".towards", "no machine named '" + v + "'");
                }
                if (f.equals("mtu")) {
                    v = integer(fields.get(f), p + ".mtu", 576, 65535);
                }
                if (f.equals("expect") && !("ok".equals(v) || "fail".equals(v))) {
                    throw error(fields.get(f), p + ".expect", "must be ok or fail");
                }
                if (f.equals("udpTimeout")) {
                    v = integer(fields.get(f), p + ".udpTimeout", 1, 86400);
                }
                if (f.equals("backend") && !("nft".equals(v) || "legacy".equals(v))) {
                    throw error(fields.get(f), p + ".backend", "must be nft (iptables-nft) or legacy (iptables-legacy)");
                }
                if (f.equals("family") && !("ip".equals(v) || "ip6".equals(v))) {
                    throw error(fields.get(f), p + ".family", "must be ip (iptables) or ip6 (ip6tables)");
                }
                if (f.equals("ports") && !("keep".equals(v) || "random".equals(v))) {
                    throw error(fields.get(f), p + ".ports", "must be keep or random");
                }
                args.put(f, v);
            }
        }
        return new Scenario.Step(k.kind(), machine, args, null, line);
    }

    private record Kindspec(Scenario.Kind kind, Set<String> required, Set<String> optional) {
    }

    // --- node helpers: each error names file:line:column and the field path ---------

    private ScenarioException error(Node n, String path, String message) {
        String where = n == null ? file.toString() : file + ":" + line(n) + ":" + (n.getStartMark().getColumn() + 1);
        return new ScenarioException(where + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    private Map<String, Node> map(Node n, String path, Set<String> allowed) {
        if (!(n instanceof MappingNode m)) {
            throw error(n, path, "expected a mapping (key: value)");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "keys must be plain words");
            }
            if (allowed != null && !allowed.contains(k.getValue())) {
                throw error(k, path.isEmpty() ? k.getValue() : path + "." + k.getValue(),
                        "unknown field; expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            out.put(k.getValue(), t.getValueNode());
        }
        return out;
    }

    private Node required(Map<String, Node> m, String key, Node parent, String path) {
        Node n = m.get(key);
        if (n == null) {
            throw error(parent, path.isEmpty() ? key : path + "." + key, "is required");
        }
        return n;
    }

    private List<Node> seq(Node n, String path) {
        if (!(n instanceof SequenceNode s)) {
            throw error(n, path, "expected a list");
        }
        return s.getValue();
    }

    private String str(Node n, String path) {
        if (!(n instanceof ScalarNode s)) {
            throw error(n, path, "expected a single value");
        }
        return s.getValue();
    }

    private boolean bool(Node n, String path) {
        String v = str(n, path).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw error(n, path, "'" + v + "' is not true or false");
        }
        return v.equals("true");
    }

    private int integer(Node n, String path, int min, int max) {
        String v = str(n, path);
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw error(n, path, i + " is outside " + min + ".." + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw error(n, path, "'" + v + "' is not a whole number");
        }
    }

    private List<String> strings(Node n, String path, int exactly) {
        List<Node> items = seq(n, path);
        if (exactly >= 0 && items.size() != exactly) {
            throw error(n, path, "expected exactly " + exactly + " entries, found " + items.size());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(str(items.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private String machine(Set<String> machines, String name, Node at, String path) {
        if (!machines.contains(name)) {
            throw error(at, path, "no machine named '" + name + "' (machines: " + String.join(", ", machines) + ")");
        }
        return name;
    }

    private String cidr(String value, Node at, String path) {
        try {
            if (value.indexOf('/') < 0) {
                throw new IllegalArgumentException("needs a prefix length");
            }
            io.wgfleet.diagnosis.net.IpPrefix.parse(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw error(at, path, "'" + value + "' is not an address/prefix: " + e.getMessage());
        }
    }

    private Duration duration(Node n, String path) {
        Matcher m = DURATION.matcher(str(n, path));
        if (!m.matches()) {
            throw error(n, path, "'" + str(n, path) + "' is not a duration such as 500ms, 4s or 1m");
        }
        double v = Double.parseDouble(m.group(1));
        long ms = switch (m.group(2)) {
            case "ms" -> (long) v;
            case "s" -> (long) (v * 1000);
            default -> (long) (v * 60_000);
        };
        return Duration.ofMillis(ms);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(key|psk):([^}]*)}");

    private void placeholders(String value, Node at, String path) {
        Matcher m = PLACEHOLDER.matcher(value);
        boolean any = false;
        while (m.find()) {
            any = true;
            if (m.group(2).isBlank()) {
                throw error(at, path, "empty placeholder " + m.group());
            }
        }
        if (!any) {
            throw error(at, path, "keys are never written in a scenario: use ${key:MACHINE/IFACE}, ${key:NAME} or ${psk:NAME}");
        }
    }

    /** A node as plain Java values (maps, lists, strings, numbers, booleans), for specs passed through. */
    private Object plain(Node n, String path) {
        if (n instanceof ScalarNode s) {
            String tag = s.getTag().getValue();
            String v = s.getValue();
            if (tag.endsWith(":int")) {
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw error(n, path, "'" + v + "' is not a number");
                }
            }
            if (tag.endsWith(":bool")) {
                return Boolean.parseBoolean(v);
            }
            if (tag.endsWith(":null")) {
                return null;
            }
            return v;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.getValue().size(); i++) {
                out.add(plain(s.getValue().get(i), path + "[" + i + "]"));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map(n, path, null).forEach((k, v) -> out.put(k, plain(v, path + "." + k)));
        return out;
    }
}
