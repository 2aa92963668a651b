package io.wgfleet.bench.scale;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.lab.KubectlApiServer;
import io.wgfleet.lab.LabSession;
import io.wgfleet.lab.RequestCounter;
import io.wgfleet.lab.SimulatedKubelet;
import io.wgfleet.lab.SyntheticAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The scale benchmark: the lab API server, the built operator as its own process with the
 * chart's heap, and the {@link SimulatedKubelet} answering every diagnostic Job with a
 * healthy synthetic report after {@code jobTime}. It declares a fleet, lets the operator
 * run two rounds (the first, then the one the interval starts), sits through a quiet minute
 * between them, asks for an on-demand diagnosis while the second round runs (and, for
 * {@code churn}, edits and re-creates peers then), and prints what it measured.
 *
 * <pre>
 * mvn -B -Pbench -DskipTests package exec:exec@scale -Dshape=wide|concentrator|churn
 *     [-Dnodes=1000 -DpeersPerNode=10 -Dpeers=5000 -DjobTime=7s -Dheap=(the chart's) -Dinterval=5m -Dtimeout=20m
 *      -DoperatorEnv=WGFLEET_AGENT_MAX_CONCURRENT_JOBS=20,...]
 * </pre>
 *
 * Run it alone: CPU seconds come from /proc and hold under load, wall times do not.
 */
public final class ScaleBench {

    static final String USER_AGENT = "wgfleet-bench";
    static final String OPERATOR = "fabric8-kubernetes-client";
    /** Held so that the level sticks (JUL keeps loggers weakly): one log line per request costs the API server. */
    private static final java.util.logging.Logger QUIET_MOCK = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private static final java.util.logging.Logger QUIET_VERSION_WARNING =
            java.util.logging.Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

    private final Map<String, String> opts;
    private final String shape;
    private final Path work;
    private final StringBuilder out = new StringBuilder();
    private final Map<String, String> table = new LinkedHashMap<>();

    private ScaleBench(Map<String, String> opts) {
        this.opts = opts;
        this.shape = opts.getOrDefault("shape", "wide");
        this.work = Path.of("target", "scale", shape);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            String s = a.startsWith("--") ? a.substring(2) : a;
            int eq = s.indexOf('=');
            if (eq > 0 && !s.substring(eq + 1).isBlank() && !s.substring(eq + 1).equals("default")) {
                opts.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        QUIET_MOCK.setLevel(java.util.logging.Level.WARNING);
        QUIET_VERSION_WARNING.setLevel(java.util.logging.Level.SEVERE);
        int status = 2;
        try {
            status = new ScaleBench(opts).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            // the API server's and clients' threads would keep the JVM alive
            System.exit(status);
        }
    }

    private String opt(String k, String dflt) {
        return opts.getOrDefault(k, dflt);
    }

    private int run() throws Exception {
        Fleet fleet = switch (shape) {
            case "wide", "churn" -> Fleet.wide(Integer.parseInt(opt("nodes", "1000")), Integer.parseInt(opt("peersPerNode", "10")),
                    opts.get("interval"));
            case "concentrator" -> Fleet.concentrator(Integer.parseInt(opt("peers", "5000")), opts.get("interval"));
            default -> throw new IllegalArgumentException("shape must be wide, concentrator or churn, not " + shape);
        };
        Duration jobTime = duration(opt("jobTime", "7s"));
        Duration interval = duration(opt("interval", "5m"));
        Duration timeout = duration(opt("timeout", "20m"));
        Duration quiet = duration(opt("quiet", "60s"));
        ChartHeap chart = ChartHeap.read();
        String heap = opt("heap", chart.xmx());
        Files.createDirectories(work);
        int peers = fleet.peers.size();
        line("# scale benchmark: %s, %d nodes, %d peers, Job time %s, heap -Xmx%s (%s), interval %s (%s)", shape, fleet.nodes.size(),
                peers, opt("jobTime", "7s"), heap, opts.containsKey("heap") ? "set by -Dheap" : chart, opt("interval", "5m"), Instant.now());

        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             KubernetesClient admin = api.client();
             KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                     .withUserAgent(USER_AGENT).withRequestTimeout(60_000).build()).build()) {
            RequestCounter counter = RequestCounter.of(api);
            for (int i = 0; i < Fleet.NAMESPACES; i++) {
                client.resource(namespace(Fleet.namespace(i))).create();
            }
            client.resource(namespace(LabSession.AGENT_NAMESPACE)).create();
            parallel(fleet.nodes, n -> client.resource(n).create());

            Map<String, String> env = new TreeMap<>();
            // e.g. -DoperatorEnv=WGFLEET_AGENT_MAX_CONCURRENT_JOBS=20,WGFLEET_AGENT_BATCH_DELAY=2s
            for (String kv : opt("operatorEnv", "").split(",")) {
                if (kv.contains("=")) {
                    env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
            // the fleet exists when the operator starts (an install, upgrade or restart): the
            // API server's own create cost stays out of the operator's numbers
            Instant c0 = Instant.now();
            parallel(fleet.peers, p -> client.resource(p).create());
            line("created %d peers in %.1f s before the operator started", peers, secs(c0, Instant.now()));
            // the kubelet and the tracker list before the operator does, so that their start does not load its
            try (SimulatedKubelet kubelet = new SimulatedKubelet(admin, LabSession.AGENT_NAMESPACE, jobTime, new SyntheticAgent(Fleet.NETWORK));
                 PeerTracker tracker = new PeerTracker(client);
                 MeasuredOperator operator = MeasuredOperator.start(api.url(), heap, work, env,
                         Path.of(opt("jar", "target/quarkus-app/quarkus-run.jar")))) {
                // at thousands of peers the lab API server takes minutes to list them all
                try {
                    operator.awaitReady(timeout);
                } catch (IllegalStateException e) {
                    put("operator ready", "not within " + timeout.toMinutes() + " min (" + (operator.alive() ? "alive" : "exited") + ")");
                    put("OutOfMemoryError", operator.sawOutOfMemory() ? "yes" : "no");
                    printTable(Map.of(), Map.of(), Map.of(), peers);
                    return 1;
                }
                Sample s0 = sample(operator, counter, kubelet);
                Instant t0 = Instant.now();

                // --- round 1: the operator meets the fleet
                boolean r1 = await(timeout, operator, () -> tracker.withVerdict() >= peers,
                        () -> String.format("round 1: %d/%d with status, %d with verdict, %d Jobs, %s",
                                tracker.withStatus(), peers, tracker.withVerdict(), kubelet.jobsSucceeded(), rss(operator)));
                if (r1) {
                    awaitIdle(kubelet, operator, Duration.ofMinutes(2));
                }
                Sample s1 = sample(operator, counter, kubelet);
                double heap1 = operator.alive() ? operator.heapAfterFullGcMib() : -1;
                Map<String, Instant> round1 = new HashMap<>();
                tracker.all().forEach((k, v) -> round1.put(k, requestedAt(v.latest)));
                put("peers / nodes", peers + " / " + fleet.nodes.size());
                put("round 1: every peer has a status", tracker.withStatus() >= peers
                        ? String.format("%.0f s after the operator was ready", secs(t0, tracker.lastFirstStatus()))
                        : "not reached: " + tracker.withStatus() + " of " + peers);
                put("round 1: every peer has a verdict", r1
                        ? String.format("%.0f s", secs(t0, tracker.lastFirstVerdict()))
                        : "not reached in " + timeout.toMinutes() + " min: " + tracker.withVerdict() + " of " + peers);
                put("round 1: operator CPU per peer-round", ms(s1.cpu - s0.cpu, peers));
                put("round 1: Jobs per node", String.format("%.2f", (s1.jobs - s0.jobs) / (double) fleet.nodes.size()));
                put("heap after full GC (after round 1)", mib(heap1));
                put("peak RSS (VmHWM) after round 1", operator.alive() ? String.format("%.0f MiB", operator.peakRssMib()) : "operator died");
                if (!r1) {
                    put("OutOfMemoryError", operator.sawOutOfMemory() ? "yes" : "no");
                    Map<RequestCounter.Key, Long> d = delta(s0.requests, s1.requests);
                    put("status writes per peer (round 1, unfinished)", String.format("%.2f", statusWritesOf(d) / (double) peers));
                    if (operator.alive()) {
                        String metrics = operator.metrics();
                        put("metric series (of them operator_sdk_*)", metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count()
                                + " (" + metrics.lines().filter(l -> l.startsWith("operator_sdk")).count() + ")");
                    }
                    printTable(d, Map.of(), Map.of(), peers);
                    if (operator.alive()) {
                        line("");
                        line("heap histogram (top 12):");
                        line("```");
                        line("%s", operator.histogram(12));
                        line("```");
                    }
                    return 1;
                }

                // --- a quiet minute: nothing changed, no round due
                Sample q0 = sample(operator, counter, kubelet);
                Thread.sleep(quiet.toMillis());
                Sample q1 = sample(operator, counter, kubelet);
                put("writes during a quiet minute", writes(q0, q1) + " (Jobs started in it: " + (q1.jobs - q0.jobs) + ")");

                // --- round 2: the interval elapses; an on-demand request and (churn) edits meanwhile
                Instant r2wait = Instant.now();
                boolean started = await(interval.plus(timeout), operator, () -> kubelet.jobsSucceeded() + kubelet.jobsRunning() > s1.jobs,
                        () -> "waiting for round 2");
                Sample s2 = sample(operator, counter, kubelet);
                Instant r2start = Instant.now();
                line("round 2 started %.0f s after the quiet minute", secs(r2wait, r2start));
                WireGuardPeer onDemand = fleet.peers.get(fleet.peers.size() - 1);
                Churn churn = shape.equals("churn") ? new Churn(client, tracker, fleet) : null;
                if (churn != null) {
                    churn.start();
                }
                Instant asked = Instant.now();
                client.resources(WireGuardPeer.class).inNamespace(onDemand.getMetadata().getNamespace())
                        .withName(onDemand.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                                "{\"metadata\":{\"annotations\":{\"" + WireGuardPeer.DIAGNOSE_ANNOTATION + "\":\"" + asked.getEpochSecond() + "\"}}}");
                Instant[] answered = new Instant[1];
                boolean r2 = await(timeout, operator, () -> {
                    WireGuardPeer p = tracker.get(onDemand.getMetadata().getNamespace(), onDemand.getMetadata().getName());
                    if (answered[0] == null && p != null && p.getStatus() != null && p.getStatus().getDiagnosisRound() != null
                            && "Requested".equals(p.getStatus().getDiagnosisRound().getTrigger())
                            && PeerTracker.roundCompleteAfter(p, asked.minusSeconds(2))) {
                        answered[0] = Instant.now();
                    }
                    int done = tracker.count(p2 -> PeerTracker.roundCompleteAfter(p2, round1.getOrDefault(PeerTracker.key(p2), Instant.EPOCH)));
                    return done >= peers && answered[0] != null && (churn == null || churn.done());
                }, () -> String.format("round 2: %d/%d done, %d Jobs running", tracker.count(p2 -> PeerTracker.roundCompleteAfter(p2,
                        round1.getOrDefault(PeerTracker.key(p2), Instant.EPOCH))), peers, kubelet.jobsRunning()));
                Instant r2end = Instant.now();
                awaitIdle(kubelet, operator, Duration.ofMinutes(2));
                Sample s3 = sample(operator, counter, kubelet);
                double heap2 = operator.alive() ? operator.heapAfterFullGcMib() : -1;
                put("round 2: every peer re-diagnosed", started && r2 ? String.format("%.0f s after its first Job", secs(r2start, r2end))
                        : "not reached");
                put("round 2: operator CPU per peer-round", ms(s3.cpu - s2.cpu, peers));
                put("round 2: Jobs per node", String.format("%.2f", (s3.jobs - s2.jobs) / (double) fleet.nodes.size()));
                put("on-demand request during round 2: time to verdict", answered[0] == null ? "not answered"
                        : String.format("%.1f s (Job time %s)", secs(asked, answered[0]), opt("jobTime", "7s")));
                if (churn != null) {
                    put("churn: " + churn.describe(), churn.doneAt == null ? "not done"
                            : String.format("%.0f s until every changed peer had its verdict", secs(churn.startedAt, churn.doneAt)));
                }
                put("heap after full GC (after round 2)", mib(heap2));
                put("peak RSS (VmHWM)", operator.alive() ? String.format("%.0f MiB", operator.peakRssMib()) : "operator died");
                put("OutOfMemoryError", operator.sawOutOfMemory() ? "yes" : "no");
                Map<RequestCounter.Key, Long> all = delta(s0.requests, s3.requests);
                long events = all.entrySet().stream().filter(e -> e.getKey().client().equals(OPERATOR)
                        && e.getKey().resource().equals("events") && !e.getKey().verb().matches("get|list|watch"))
                        .mapToLong(Map.Entry::getValue).sum();
                put("Events written per peer (both rounds)", String.format("%.2f", events / (double) peers));
                put("status writes per peer-round (round 1 / round 2)", String.format("%.2f / %.2f",
                        statusWrites(s0, s1) / (double) peers, statusWrites(s2, s3) / (double) peers));
                put("largest node report object", String.format("%.0f KiB (a report in at most %d objects)",
                        kubelet.largestReportBytes() / 1024.0, kubelet.mostReportParts()));
                if (operator.alive()) {
                    String metrics = operator.metrics();
                    long series = metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
                    long josdk = metrics.lines().filter(l -> l.startsWith("operator_sdk")).count();
                    put("metric series (of them operator_sdk_*)", series + " (" + josdk + ")");
                }

                printTable(delta(s0.requests, s1.requests), delta(s2.requests, s3.requests), delta(q0.requests, q1.requests), peers);
                if (operator.alive()) {
                    line("");
                    line("heap histogram after round 2 (top 12):");
                    line("```");
                    line("%s", operator.histogram(12));
                    line("```");
                }
            }
        } finally {
            Files.writeString(work.resolve("result.md"), out);
            System.out.println("written to " + work.resolve("result.md"));
        }
        return 0;
    }

    /** Edits 1 % of the specs and deletes then re-creates 0.5 % of the peers. */
    private final class Churn {
        final KubernetesClient client;
        final PeerTracker tracker;
        final List<WireGuardPeer> edited = new ArrayList<>();
        final List<WireGuardPeer> recreated = new ArrayList<>();
        Instant startedAt;
        Instant doneAt;

        Churn(KubernetesClient client, PeerTracker tracker, Fleet fleet) {
            this.client = client;
            this.tracker = tracker;
            for (int i = 0; i < fleet.peers.size(); i++) {
                if (i % 100 == 7) {
                    edited.add(fleet.peers.get(i));
                } else if (i % 200 == 57) {
                    recreated.add(fleet.peers.get(i));
                }
            }
        }

        String describe() {
            return edited.size() + " specs edited, " + recreated.size() + " peers deleted and re-created during round 2";
        }

        void start() {
            startedAt = Instant.now();
            Thread t = new Thread(() -> {
                for (WireGuardPeer p : edited) {
                    client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"persistentKeepalive\":21}}");
                }
                for (WireGuardPeer p : recreated) {
                    client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (WireGuardPeer p : recreated) {
                    WireGuardPeer fresh = Serialization.clone(p);
                    fresh.getMetadata().setResourceVersion(null);
                    fresh.setStatus(null);
                    client.resource(fresh).create();
                }
            }, "churn");
            t.setDaemon(true);
            t.start();
        }

        boolean done() {
            if (doneAt != null) {
                return true;
            }
            for (WireGuardPeer p : edited) {
                WireGuardPeer x = tracker.get(p.getMetadata().getNamespace(), p.getMetadata().getName());
                if (x == null || x.getStatus() == null || !java.util.Objects.equals(x.getStatus().getObservedGeneration(), x.getMetadata().getGeneration())
                        || !PeerTracker.roundCompleteAfter(x, startedAt.minusSeconds(1))) {
                    return false;
                }
            }
            for (WireGuardPeer p : recreated) {
                WireGuardPeer x = tracker.get(p.getMetadata().getNamespace(), p.getMetadata().getName());
                if (x == null || !PeerTracker.roundCompleteAfter(x, startedAt)) {
                    return false;
                }
            }
            doneAt = Instant.now();
            return true;
        }
    }

    record Sample(double cpu, int jobs, Map<RequestCounter.Key, Long> requests) {
    }

    private static Sample sample(MeasuredOperator op, RequestCounter counter, SimulatedKubelet kubelet) throws IOException {
        return new Sample(op.alive() ? op.cpuSeconds() : Double.NaN, kubelet.jobsSucceeded() + kubelet.jobsFailed() + kubelet.jobsRunning(),
                counter.snapshot());
    }

    private void printTable(Map<RequestCounter.Key, Long> r1, Map<RequestCounter.Key, Long> r2, Map<RequestCounter.Key, Long> quiet,
                            int peers) {
        line("");
        line("| measure | value |");
        line("|---|---|");
        table.forEach((k, v) -> line("| %s | %s |", k, v));
        line("");
        line("API requests of the operator per peer-round, by verb and resource (round 1 | round 2 | quiet minute, total):");
        line("");
        line("| verb resource | round 1 | round 2 | quiet minute |");
        line("|---|---|---|---|");
        Map<String, double[]> rows = new TreeMap<>();
        addRows(rows, r1, 0, peers);
        addRows(rows, r2, 1, peers);
        addRows(rows, quiet, 2, 1);
        rows.forEach((k, v) -> line("| %s | %.3f | %.3f | %.0f |", k, v[0], v[1], v[2]));
    }

    private static long statusWritesOf(Map<RequestCounter.Key, Long> d) {
        return d.entrySet().stream()
                .filter(e -> e.getKey().client().equals(OPERATOR) && e.getKey().resource().equals("wireguardpeers/status")
                        && !e.getKey().verb().matches("get|list|watch"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static long writes(Sample a, Sample b) {
        return delta(a.requests, b.requests).entrySet().stream()
                .filter(e -> e.getKey().client().equals(OPERATOR) && !e.getKey().verb().matches("get|list|watch"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static long statusWrites(Sample a, Sample b) {
        return delta(a.requests, b.requests).entrySet().stream()
                .filter(e -> e.getKey().client().equals(OPERATOR) && e.getKey().resource().equals("wireguardpeers/status")
                        && !e.getKey().verb().matches("get|list|watch"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static void addRows(Map<String, double[]> rows, Map<RequestCounter.Key, Long> d, int col, int per) {
        d.forEach((k, v) -> {
            if (k.client().equals(OPERATOR)) {
                rows.computeIfAbsent(k.verb() + " " + k.resource(), x -> new double[3])[col] = v / (double) per;
            }
        });
    }

    static Map<RequestCounter.Key, Long> delta(Map<RequestCounter.Key, Long> before, Map<RequestCounter.Key, Long> after) {
        Map<RequestCounter.Key, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    private static Instant requestedAt(WireGuardPeer p) {
        if (p == null || p.getStatus() == null || p.getStatus().getDiagnosisRound() == null
                || p.getStatus().getDiagnosisRound().getRequestedAt() == null) {
            return Instant.EPOCH;
        }
        return Instant.parse(p.getStatus().getDiagnosisRound().getRequestedAt());
    }

    /** Polls until done, the timeout, or the operator's death; prints progress every 15 s. */
    private boolean await(Duration timeout, MeasuredOperator op, BooleanSupplier done, java.util.function.Supplier<String> progress)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextReport = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (!op.alive()) {
                line("the operator died; see %s", op.log());
                return false;
            }
            if (Instant.now().isAfter(nextReport)) {
                System.out.println(Instant.now() + " " + progress.get());
                nextReport = Instant.now().plusSeconds(15);
            }
            Thread.sleep(500);
        }
        line("timed out after %s: %s", timeout, progress.get());
        return false;
    }

    /** Waits until no simulated Job runs and the operator had 3 s to write what follows. */
    private void awaitIdle(SimulatedKubelet kubelet, MeasuredOperator op, Duration timeout) throws InterruptedException {
        await(timeout, op, () -> kubelet.jobsRunning() == 0, () -> kubelet.jobsRunning() + " Jobs still running");
        Thread.sleep(3000);
    }

    private static String rss(MeasuredOperator op) {
        try {
            return op.alive() ? String.format("RSS %.0f MiB", op.rssMib()) : "dead";
        } catch (IOException e) {
            return "?";
        }
    }

    private <T> void parallel(List<T> items, java.util.function.Consumer<T> action) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (T t : items) {
            pool.execute(() -> {
                try {
                    action.accept(t);
                } catch (RuntimeException e) {
                    System.err.println("create failed: " + e.getMessage());
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private void put(String k, String v) {
        table.put(k, v);
        System.out.println(k + ": " + v);
    }

    private void line(String fmt, Object... args) {
        String s = args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args);
        out.append(s).append('\n');
        System.out.println(s);
    }

    private static double secs(Instant a, Instant b) {
        return b == null ? Double.NaN : Duration.between(a, b).toMillis() / 1000.0;
    }

    private static String ms(double cpuSeconds, int peerRounds) {
        return String.format(Locale.ROOT, "%.2f ms", cpuSeconds * 1000 / peerRounds);
    }

    private static String mib(double m) {
        return m < 0 ? "n/a (operator died)" : String.format(Locale.ROOT, "%.0f MiB", m);
    }

    static Duration duration(String s) {
        s = s.trim();
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        char unit = s.charAt(s.length() - 1);
        double v = Double.parseDouble(s.substring(0, s.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofMillis(Math.round(v * 1000));
            case 'm' -> Duration.ofMillis(Math.round(v * 60_000));
            case 'h' -> Duration.ofMillis(Math.round(v * 3_600_000));
            default -> throw new IllegalArgumentException("not a duration: " + s);
        };
    }
}
