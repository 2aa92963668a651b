package io.wgfleet.lab.scenario;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.ProcessCommandRunner;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.lab.LabKubelet;
import io.wgfleet.lab.LabNetwork;
import io.wgfleet.lab.LabNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one scenario end to end against an API server that an operator is watching and a
 * lab kubelet serves: builds its lab network with real wireguard-go, registers its
 * machines as Nodes, applies its WireGuardPeers with kubectl, runs its steps, and compares
 * the reason the operator wrote on each peer with the expected one. Everything it built is
 * torn down when it ends, also on failure.
 */
public final class ScenarioRunner {

    /** What a scenario run found; {@code diagnoseTimes} are annotation-to-root-cause times per diagnose step. */
    public record Result(Scenario scenario, Map<String, String> actual, List<String> failures, List<Duration> diagnoseTimes) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    public static final String SCENARIO_LABEL = "wgfleet.io/lab-scenario";
    /** A bound, not a measurement: a Job run as a container starts a JVM in it, slow on a loaded machine. */
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(key|psk):([^}]*)}");

    private final KubernetesClient client;
    private final Path kubeconfig;
    private final LabKubelet kubelet;
    private final ProcessCommandRunner host = new ProcessCommandRunner();

    public ScenarioRunner(KubernetesClient client, Path kubeconfig, LabKubelet kubelet) {
        this.client = client;
        this.kubeconfig = kubeconfig;
        this.kubelet = kubelet;
    }

    /** The Kubernetes node name of a scenario's machine: scenarios share one API server. */
    public static String nodeName(Scenario s, String machine) {
        return s.name() + "-" + machine;
    }

    public Result run(Scenario s) throws Exception {
        List<String> failures = new ArrayList<>();
        List<Duration> times = new ArrayList<>();
        Map<String, String> actual = new LinkedHashMap<>();
        try (LabNetwork net = new LabNetwork()) {
            Map<String, LabNode> machines = new LinkedHashMap<>();
            Map<String, String> keys = new HashMap<>();
            Map<String, String> firstAddress = new HashMap<>();
            Map<String, String> linkIf = new HashMap<>();
            Path secrets = Files.createTempDirectory("wgfleet-lab-psk-");
            try {
                for (Scenario.Machine m : s.machines()) {
                    LabNode n = net.node(m.name());
                    machines.put(m.name(), n);
                    if (m.hosts() != null) {
                        n.hosts(m.hosts());
                    }
                }
                for (Scenario.Link l : s.links()) {
                    String[] ifs = net.link(machines.get(l.a()), l.addressA(), machines.get(l.b()), l.addressB());
                    linkIf.put(l.a() + ">" + l.b(), ifs[0]);
                    linkIf.put(l.b() + ">" + l.a(), ifs[1]);
                    firstAddress.putIfAbsent(l.a(), l.addressA().substring(0, l.addressA().indexOf('/')));
                    firstAddress.putIfAbsent(l.b(), l.addressB().substring(0, l.addressB().indexOf('/')));
                    if (l.mtu() != null) {
                        machines.get(l.a()).exec("ip", "link", "set", ifs[0], "mtu", l.mtu().toString());
                        machines.get(l.b()).exec("ip", "link", "set", ifs[1], "mtu", l.mtu().toString());
                    }
                }
                for (Scenario.Interface i : s.interfaces()) {
                    LabNode.WireGuard wg = machines.get(i.machine()).startWireGuard(i.name(), i.listenPort(), i.address());
                    keys.put(i.machine() + "/" + i.name(), wg.publicKey());
                }
                for (Scenario.Interface i : s.interfaces()) {
                    for (Scenario.Peer p : i.peers()) {
                        List<String> argv = new ArrayList<>(List.of("wg", "set", i.name(), "peer", substitute(p.publicKey(), keys, secrets, p.line())));
                        if (p.endpoint() != null) {
                            argv.addAll(List.of("endpoint", p.endpoint()));
                        }
                        argv.addAll(List.of("allowed-ips", String.join(",", p.allowedIPs())));
                        if (p.persistentKeepalive() != null) {
                            argv.addAll(List.of("persistent-keepalive", p.persistentKeepalive().toString()));
                        }
                        if (p.presharedKey() != null) {
                            argv.addAll(List.of("preshared-key", substitute(p.presharedKey(), keys, secrets, p.line())));
                        }
                        machines.get(i.machine()).exec(argv.toArray(String[]::new));
                    }
                }

                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(s.name()).endMetadata().build())
                        .createOr(x -> x.update());
                clearEarlierRun(s);
                for (Scenario.Machine m : s.machines()) {
                    if (m.external()) {
                        continue;
                    }
                    Map<String, String> labels = new LinkedHashMap<>(m.labels());
                    labels.put(SCENARIO_LABEL, s.name());
                    NodeBuilder nb = new NodeBuilder().withNewMetadata().withName(nodeName(s, m.name())).withLabels(labels).endMetadata();
                    if (firstAddress.containsKey(m.name())) {
                        nb.withNewStatus().addNewAddress().withType("InternalIP").withAddress(firstAddress.get(m.name())).endAddress().endStatus();
                    }
                    Node node = nb.build();
                    client.nodes().resource(node).createOr(x -> x.update());
                    kubelet.register(nodeName(s, m.name()), machines.get(m.name()));
                }
                // kubectl refuses an empty apply; a scenario may declare nothing (a failing step is its point)
                if (!s.resources().isEmpty()) {
                    kubectl(applyYaml(s, keys, secrets), "apply", "-f", "-");
                }
                // the operator's first round runs now; steps start once it is over, so each
                // diagnose step times a round of its own
                awaitFirstRound(s, failures);

                boolean diagnosedLast = false;
                for (Scenario.Step step : s.steps()) {
                    diagnosedLast = step.kind() == Scenario.Kind.DIAGNOSE;
                    try {
                        runStep(s, step, machines, linkIf, keys, secrets, failures, times);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        // the lab is torn down on the way out; the caller names the file and line and stops
                        throw new ScenarioStepException(s.file() + ":" + step.line() + ": step " + step.kind().name().toLowerCase()
                                + (step.machine() != null ? " on " + step.machine() : "") + " failed: " + e.getMessage(), e);
                    }
                }
                if (!diagnosedLast) {
                    times.add(diagnose(s, s.resources().stream().map(r -> r.namespace() + "/" + r.name()).toList(), failures));
                }
                for (Scenario.PeerResource r : s.resources()) {
                    WireGuardPeer p = client.resources(WireGuardPeer.class).inNamespace(r.namespace()).withName(r.name()).get();
                    String reason = p == null || p.getStatus() == null || p.getStatus().getRootCause() == null
                            ? "(none)" : p.getStatus().getRootCause().getReason();
                    actual.put(r.namespace() + "/" + r.name(), reason);
                }
                s.expect().forEach((peer, want) -> {
                    String got = actual.get(peer);
                    if (!want.equals(got)) {
                        failures.add(peer + ": expected " + want + ", got " + got + messageOf(peer));
                    }
                });
                s.expectEvidence().forEach((peer, texts) -> {
                    String told = toldOf(peer);
                    texts.stream().filter(t -> !told.contains(t)).forEach(t ->
                            failures.add(peer + ": expected its root cause to say \"" + t + "\", it says: " + told));
                });
                if (!failures.isEmpty()) {
                    keepEvidence(s);
                }
            } finally {
                for (Scenario.Machine m : s.machines()) {
                    kubelet.unregister(nodeName(s, m.name()));
                }
                try (var files = Files.list(secrets)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(secrets);
            }
        }
        return new Result(s, actual, failures, times);
    }

    /** A failed scenario's node reports and peers, saved under target/lab for a person to read. */
    private void keepEvidence(Scenario s) {
        try {
            Path dir = Path.of("target", "lab", s.name());
            Files.createDirectories(dir);
            KubernetesSerialization ser = new KubernetesSerialization();
            for (var r : client.resources(io.wgfleet.api.v1alpha1.WireGuardNodeReport.class).list().getItems()) {
                if (r.getMetadata().getName().startsWith(s.name() + "-")) {
                    Files.writeString(dir.resolve("report-" + r.getMetadata().getName() + ".yaml"), ser.asYaml(r));
                }
            }
            for (var p : client.resources(WireGuardPeer.class).inNamespace(s.name()).list().getItems()) {
                Files.writeString(dir.resolve("peer-" + p.getMetadata().getName() + ".yaml"), ser.asYaml(p));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("lab: could not keep the evidence of " + s.name() + ": " + e.getMessage());
        }
    }

    /**
     * A scenario run again in the same session starts from nothing: its peers from the earlier
     * run still carry that run's complete round, which would end the wait for the first round at
     * once and let the steps race the real one; its nodes' reports are that run's facts.
     */
    private void clearEarlierRun(Scenario s) throws InterruptedException {
        java.util.Set<String> namespaces = new java.util.TreeSet<>(List.of(s.name()));
        s.resources().forEach(r -> namespaces.add(r.namespace()));
        namespaces.forEach(ns -> client.resources(WireGuardPeer.class).inNamespace(ns).delete());
        for (Scenario.Machine m : s.machines()) {
            String node = nodeName(s, m.name());
            client.resources(io.wgfleet.api.v1alpha1.WireGuardNodeReport.class).list().getItems().stream()
                    .map(r -> r.getMetadata().getName())
                    .filter(n -> n.equals(node) || n.startsWith(node + ".part-"))
                    .forEach(n -> client.resources(io.wgfleet.api.v1alpha1.WireGuardNodeReport.class).withName(n).delete());
        }
        Instant deadline = Instant.now().plusSeconds(30);
        while (namespaces.stream().anyMatch(ns -> !client.resources(WireGuardPeer.class).inNamespace(ns).list().getItems().isEmpty())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the peers of an earlier run of " + s.name() + " are still there after 30 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Deletes what the scenario put into the API server (its peers and nodes), and the
     * diagnostic Jobs its nodes own, as a real API server's garbage collector would (the lab
     * server has none): a Job left on a deleted node never runs, so it would hold one of the
     * operator's Job slots for good, and enough of them stall every later scenario.
     */
    public void forget(Scenario s) {
        client.resources(WireGuardPeer.class).inNamespace(s.name()).delete();
        java.util.Set<String> uids = new java.util.HashSet<>();
        client.nodes().withLabel(SCENARIO_LABEL, s.name()).list().getItems().forEach(n -> uids.add(n.getMetadata().getUid()));
        client.nodes().withLabel(SCENARIO_LABEL, s.name()).delete();
        client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                .filter(j -> j.getMetadata().getOwnerReferences().stream().anyMatch(o -> "Node".equals(o.getKind()) && uids.contains(o.getUid())))
                .forEach(j -> client.resource(j).delete());
    }

    /** The root cause's message and evidence, one line each. */
    private String toldOf(String peer) {
        String[] nn = peer.split("/");
        WireGuardPeer p = client.resources(WireGuardPeer.class).inNamespace(nn[0]).withName(nn[1]).get();
        if (p == null || p.getStatus() == null || p.getStatus().getRootCause() == null) {
            return "(no root cause)";
        }
        List<String> lines = new ArrayList<>(List.of(String.valueOf(p.getStatus().getRootCause().getMessage())));
        lines.addAll(p.getStatus().getRootCause().getEvidence());
        return String.join("\n", lines);
    }

    private String messageOf(String peer) {
        String[] nn = peer.split("/");
        WireGuardPeer p = client.resources(WireGuardPeer.class).inNamespace(nn[0]).withName(nn[1]).get();
        return p == null || p.getStatus() == null || p.getStatus().getRootCause() == null ? ""
                : " (" + p.getStatus().getRootCause().getMessage() + ")";
    }

    private void runStep(Scenario s, Scenario.Step step, Map<String, LabNode> machines, Map<String, String> linkIf,
                         Map<String, String> keys, Path secrets, List<String> failures, List<Duration> times) throws Exception {
        LabNode n = step.machine() == null ? null : machines.get(step.machine());
        Map<String, Object> a = step.args();
        String where = s.file() + ":" + step.line() + ": ";
        switch (step.kind()) {
            case SLEEP -> Thread.sleep(step.duration().toMillis());
            case DIAGNOSE -> {
                @SuppressWarnings("unchecked")
                List<String> peers = (List<String>) a.get("peers");
                times.add(diagnose(s, peers, failures));
            }
            case PING -> {
                List<String> argv = new ArrayList<>(List.of("ping", "-n", "-q", "-c", "2", "-i", "0.3", "-W", "1"));
                if (a.containsKey("size")) {
                    argv.addAll(List.of("-M", "do", "-s", String.valueOf(a.get("size"))));
                }
                argv.add(String.valueOf(a.get("to")));
                boolean ok = n.tryExec(argv.toArray(String[]::new)).succeeded();
                String want = String.valueOf(a.getOrDefault("expect", "ok"));
                if (ok != want.equals("ok")) {
                    failures.add(where + "ping from " + step.machine() + " to " + a.get("to") + ": expected " + want + ", it did " + (ok ? "pass" : "fail"));
                }
            }
            case WG -> n.exec(words("wg " + substitute(String.valueOf(a.get("args")), keys, secrets, step.line())));
            case NFT -> n.execWithInput(String.valueOf(a.get("ruleset")), "nft", "-f", "-");
            case IPTABLES -> n.exec(words(iptablesCommand(a) + " " + a.get("args")));
            case ROUTE -> n.exec(words("ip route " + a.get("args")));
            case LINK_MTU -> n.exec("ip", "link", "set", linkIf.get(step.machine() + ">" + a.get("towards")), "mtu", String.valueOf(a.get("mtu")));
            case HOSTS -> n.hosts(String.valueOf(a.get("content")));
            case RENUMBER -> {
                // delete first: deleting a primary address also deletes its secondaries
                String from = String.valueOf(a.get("from"));
                String dev = deviceOf(n, from.substring(0, from.indexOf('/')));
                n.exec("ip", "addr", "del", from, "dev", dev);
                n.exec("ip", "addr", "add", String.valueOf(a.get("to")), "dev", dev);
                n.tryExec("ip", "neigh", "flush", "all");
                for (LabNode other : machines.values()) {
                    other.tryExec("ip", "neigh", "flush", "all");
                }
            }
            case INTERFACE_DOWN -> n.exec("ip", "link", "set", String.valueOf(a.get("interface")), "down");
            case INTERFACE_DELETE -> n.exec("ip", "link", "del", String.valueOf(a.get("interface")));
            case RUN -> n.exec("sh", "-c", String.valueOf(a.get("command")));
            case NAT -> {
                String out = linkIf.get(step.machine() + ">" + a.get("towards"));
                n.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
                // fully-random: a random source port for every new mapping, so each destination sees its own
                String flags = "random".equals(a.get("ports")) ? " fully-random" : "";
                n.execWithInput("table ip wgfleet_lab_nat {\n chain post { type nat hook postrouting priority srcnat; oifname \""
                        + out + "\" masquerade" + flags + "; }\n}\n", "nft", "-f", "-");
                if (a.containsKey("udpTimeout")) {
                    // the mapping's lifetime: conntrack's UDP timeouts are per network namespace
                    // (measured: the host keeps its 30 s while a lab node's is 3 s)
                    String t = String.valueOf(a.get("udpTimeout"));
                    n.exec("sysctl", "-qw", "net.netfilter.nf_conntrack_udp_timeout=" + t, "net.netfilter.nf_conntrack_udp_timeout_stream=" + t);
                }
            }
            default -> throw new IllegalStateException("unhandled step " + step.kind());
        }
    }

    /** iptables, ip6tables, or one backend of them explicitly (Debian installs both beside the alternative). */
    static String iptablesCommand(Map<String, Object> args) {
        String tool = "ip6".equals(args.get("family")) ? "ip6tables" : "iptables";
        Object backend = args.get("backend");
        return backend == null ? tool : tool + "-" + backend;
    }

    private static String deviceOf(LabNode n, String address) {
        for (String line : n.exec("ip", "-o", "addr", "show").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[3].startsWith(address + "/")) {
                return f[1];
            }
        }
        throw new IllegalStateException("no interface has address " + address);
    }

    private static String[] words(String s) {
        return s.trim().split("\\s+");
    }

    private void awaitFirstRound(Scenario s, List<String> failures) throws InterruptedException {
        Instant deadline = Instant.now().plus(ROUND_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            boolean all = s.resources().stream().allMatch(r -> {
                WireGuardPeer x = client.resources(WireGuardPeer.class).inNamespace(r.namespace()).withName(r.name()).get();
                // a Stalled peer gets no round (a fleet conflict found after its first round began
                // leaves that round incomplete for good), as in diagnose below
                return x != null && x.getStatus() != null && (x.getStatus().getDiagnosisRound() == null
                        ? !x.getStatus().getConditions().isEmpty() // not diagnosed at all (invalid spec, no nodes)
                        : Boolean.TRUE.equals(x.getStatus().getDiagnosisRound().getComplete()) || stalled(x));
            });
            if (all) {
                return;
            }
            Thread.sleep(100);
        }
        failures.add(s.file() + ": the first diagnosis round did not finish within " + ROUND_TIMEOUT.toSeconds() + " s");
    }

    /** Annotates the peers, then waits until each shows the verdict of the round it asked for. */
    private Duration diagnose(Scenario s, List<String> peers, List<String> failures) throws Exception {
        String value = Long.toString(System.currentTimeMillis());
        Instant start = Instant.now();
        // one kubectl call per namespace: requests that reach the operator together share one
        // round; a request that arrives after the round's Jobs started waits for the next one
        Map<String, List<String>> byNamespace = new LinkedHashMap<>();
        for (String p : peers) {
            String[] nn = p.split("/");
            byNamespace.computeIfAbsent(nn[0], k -> new ArrayList<>()).add(nn[1]);
        }
        for (Map.Entry<String, List<String>> e : byNamespace.entrySet()) {
            List<String> args = new ArrayList<>(List.of("annotate", "wgp", "-n", e.getKey()));
            args.addAll(e.getValue());
            args.addAll(List.of("wgfleet.io/diagnose=" + value, "--overwrite"));
            kubectl(null, args.toArray(String[]::new));
        }
        Instant deadline = start.plus(ROUND_TIMEOUT);
        List<String> waiting = new ArrayList<>(peers);
        Instant last = start;
        while (!waiting.isEmpty() && Instant.now().isBefore(deadline)) {
            waiting.removeIf(p -> {
                String[] nn = p.split("/");
                WireGuardPeer x = client.resources(WireGuardPeer.class).inNamespace(nn[0]).withName(nn[1]).get();
                if (x == null || x.getStatus() == null) {
                    return false;
                }
                // a Stalled peer (invalid spec, no nodes, a fleet conflict) gets no round until its spec or the fleet changes
                if (stalled(x)) {
                    return true;
                }
                return x.getStatus().getDiagnosisRound() != null
                        && value.equals(x.getStatus().getDiagnosisRound().getHandledRequest())
                        && Boolean.TRUE.equals(x.getStatus().getDiagnosisRound().getComplete());
            });
            last = Instant.now();
            if (!waiting.isEmpty()) {
                Thread.sleep(100);
            }
        }
        if (!waiting.isEmpty()) {
            failures.add(s.file() + ": no verdict within " + ROUND_TIMEOUT.toSeconds() + " s for " + String.join(", ", waiting));
        }
        return Duration.between(start, last);
    }

    /** Stalled=True for the peer's current generation: no diagnosis round will come for it. */
    static boolean stalled(WireGuardPeer x) {
        Long generation = x.getMetadata().getGeneration();
        return x.getStatus().getConditions().stream().anyMatch(c -> "Stalled".equals(c.getType()) && "True".equals(c.getStatus())
                && (generation == null || generation.equals(c.getObservedGeneration())));
    }

    private String applyYaml(Scenario s, Map<String, String> keys, Path secrets) throws IOException {
        KubernetesSerialization ser = new KubernetesSerialization();
        StringBuilder out = new StringBuilder();
        for (Scenario.PeerResource r : s.resources()) {
            Map<String, Object> spec = substituteAll(r.spec(), keys, secrets, r.line());
            if (spec.get("nodeName") instanceof String m) {
                spec.put("nodeName", nodeName(s, m));
            }
            if (spec.get("nodeSelector") instanceof Map<?, ?> sel) {
                Map<String, Object> scoped = new LinkedHashMap<>();
                sel.forEach((k, v) -> scoped.put(String.valueOf(k), v));
                scoped.put(SCENARIO_LABEL, s.name());
                spec.put("nodeSelector", scoped);
            }
            WireGuardPeer p = new WireGuardPeer();
            p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(r.name()).withNamespace(r.namespace()).build());
            p.setSpec(ser.convertValue(spec, WireGuardPeerSpec.class));
            p.setStatus(null); // a user applies the spec only; status belongs to the operator
            out.append("---\n").append(ser.asYaml(p));
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> substituteAll(Map<String, Object> in, Map<String, String> keys, Path secrets, int line) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String str) {
                v = substitute(str, keys, secrets, line);
            } else if (v instanceof Map<?, ?> m) {
                v = substituteAll((Map<String, Object>) m, keys, secrets, line);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * Replaces ${key:M/IF} with that interface's public key, ${key:NAME} with the public half
     * of a key generated now and held by nobody, ${psk:NAME} with the path of a 0600 file
     * holding a generated preshared key (wg reads keys from files; no key is ever printed).
     */
    private String substitute(String text, Map<String, String> keys, Path secrets, int line) throws IOException {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String id = m.group(1) + ":" + m.group(2);
            String value = keys.get(id.startsWith("key:") ? m.group(2) : id);
            if (value == null) {
                if (m.group(1).equals("key") && m.group(2).contains("/")) {
                    throw new ScenarioException("line " + line + ": ${key:" + m.group(2) + "}: no such interface in interfaces");
                }
                value = m.group(1).equals("key") ? generatePublicKey() : generatePsk(secrets, m.group(2));
                keys.put(id.startsWith("key:") ? m.group(2) : id, value);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String generatePublicKey() {
        CommandResult priv = host.run(List.of("wg", "genkey"), Duration.ofSeconds(5));
        CommandResult pub = host.run(List.of("wg", "pubkey"), priv.stdout(), Duration.ofSeconds(5));
        return pub.stdout().strip();
    }

    private String generatePsk(Path secrets, String name) throws IOException {
        Path f = secrets.resolve(name + ".psk");
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, host.run(List.of("wg", "genpsk"), Duration.ofSeconds(5)).stdout(), StandardCharsets.US_ASCII);
        return f.toString();
    }

    /** Real kubectl against the lab's API server. */
    public String kubectl(String stdin, String... args) throws IOException, InterruptedException {
        return io.wgfleet.lab.Kubectl.run(kubeconfig, stdin, args);
    }
}
