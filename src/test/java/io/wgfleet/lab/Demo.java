package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The README's main command: an embedded API server that kubectl can use, the operator
 * (the built application, as its own process), the sample peers and a few broken ones
 * applied with real kubectl, then what {@code kubectl get} and {@code kubectl describe}
 * show. Everything it starts is stopped on exit or Ctrl-C.
 */
public final class Demo {

    private static final Path WORK = Path.of("target", "demo");
    /** The mock web server logs every request at INFO; the demo's output is kubectl's. Held so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private static final java.util.logging.Logger AGENT_LOG = java.util.logging.Logger.getLogger("io.wgfleet.agent");

    /**
     * The full demo: every shipped scenario on real WireGuard (a healthy pair and broken
     * ones), diagnosed by the operator from the agents' real reports, then real kubectl.
     */
    private static int runLab(boolean keep) throws Exception {
        List<io.wgfleet.lab.scenario.Scenario> scenarios = new ArrayList<>();
        try (var files = Files.list(Path.of("lab", "scenarios"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                scenarios.add(io.wgfleet.lab.scenario.ScenarioParser.parse(f));
            }
        }
        List<String> table = new ArrayList<>();
        int failed = 0;
        try (LabSession session = LabSession.start(WORK)) {
            step("Embedded API server " + session.apiUrl() + " (loopback only), operator pid running, lab kubelet serving the lab nodes.\n"
                    + "   kubeconfig: " + session.kubeconfig() + "   (kubectl --kubeconfig " + session.kubeconfig() + " get wgp -A)");
            for (io.wgfleet.lab.scenario.Scenario s : scenarios) {
                System.out.println("   lab: " + s.name() + ": " + s.description());
                io.wgfleet.lab.scenario.ScenarioRunner.Result r = session.runner().run(s);
                table.add(String.format("   %-20s %-7s %-20s %s", s.name(), r.passed() ? "ok" : "FAILED",
                        String.join(",", s.expect().values()), r.diagnoseTimes().stream().map(ScenarioMain::seconds).toList()));
                if (!r.passed()) {
                    failed++;
                    r.failures().forEach(f -> System.out.println("   FAILED " + f));
                }
            }
            kubectl(session.kubeconfig(), "get", "wgp", "-A");
            kubectl(session.kubeconfig(), "describe", "wgp", "-n", "udp-blocked", "to-server");
            step("Scenario results (annotation to root cause on the resource):\n"
                    + "   scenario             result  expected             time\n" + String.join("\n", table));
            if (keep) {
                step("Still running (--keep): the lab networks are gone, the API server and the operator stay. Ctrl-C ends it.");
                Thread.currentThread().join();
            }
        }
        return failed == 0 ? 0 : 1;
    }

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        AGENT_LOG.setLevel(java.util.logging.Level.WARNING);
        boolean keep = java.util.Arrays.asList(args).contains("--keep");
        String unavailable = LabEnvironment.scenarioUnavailableReason();
        if (unavailable == null) {
            System.exit(runLab(keep));
        }
        System.out.println("demo: the namespace lab cannot run here (" + unavailable + "); showing the operator on the embedded API server only.");
        Path operatorJar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(operatorJar)) {
            System.err.println("demo: " + operatorJar + " is missing; build first with: mvn -B package -DskipTests");
            System.exit(2);
        }
        List<AutoCloseable> toClose = new ArrayList<>();
        Thread cleanup = new Thread(() -> closeAll(toClose), "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int rc = 1;
        try {
            rc = run(operatorJar, toClose);
        } finally {
            closeAll(toClose);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(rc);
    }

    private static int run(Path operatorJar, List<AutoCloseable> toClose) throws Exception {
        Files.createDirectories(WORK);
        KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
        toClose.add(api);
        Path kubeconfig = api.writeKubeconfig(WORK.resolve("kubeconfig").toAbsolutePath());
        step("Embedded API server on " + api.url() + " (loopback only); kubeconfig " + kubeconfig);

        try (KubernetesClient c = api.client()) {
            for (Node n : List.of(
                    node("gw-berlin-1", Map.of("wgfleet.io/site", "berlin"), "192.0.2.10"),
                    node("gw-berlin-2", Map.of("wgfleet.io/site", "berlin"), "192.0.2.11"),
                    node("node-a", Map.of("wgfleet.io/mesh", "true"), "198.51.100.1"),
                    node("node-b", Map.of("wgfleet.io/mesh", "true"), "198.51.100.2"))) {
                c.nodes().resource(n).create();
            }
        }
        step("Nodes: gw-berlin-1, gw-berlin-2 (site=berlin), node-a, node-b");

        Process operator = startOperator(operatorJar, api);
        toClose.add(() -> stop(operator));
        step("Operator started (pid " + operator.pid() + "), log " + WORK.resolve("operator.log"));

        kubectl(kubeconfig, "apply", "--validate=false", "-f", "k8s/samples/");
        kubectl(kubeconfig, "apply", "--validate=false", "-f", "src/test/resources/demo/broken-peers.yaml");

        try (KubernetesClient c = api.client()) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(deadline)) {
                List<WireGuardPeer> peers = c.resources(WireGuardPeer.class).inAnyNamespace().list().getItems();
                boolean done = !peers.isEmpty() && peers.stream().allMatch(p -> p.getStatus() != null
                        && p.getStatus().getConditions().size() == 6
                        && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration()));
                if (done) {
                    break;
                }
                if (!operator.isAlive()) {
                    System.err.println("demo: the operator exited with " + operator.exitValue() + "; see " + WORK.resolve("operator.log"));
                    return 1;
                }
                Thread.sleep(250);
            }
        }
        kubectl(kubeconfig, "get", "wgp", "-A");
        kubectl(kubeconfig, "describe", "wgp", "-n", "branches", "lyon-branch");
        kubectl(kubeconfig, "get", "wgp", "-A", "-o",
                "custom-columns=PEER:.metadata.name,READY:.status.conditions[?(@.type==\"Ready\")].status,"
                        + "REASON:.status.rootCause.reason,MESSAGE:.status.rootCause.message");
        step("Try it yourself while nothing runs: the demo stops everything it started now.\n"
                + "  (The namespace lab with real WireGuard tunnels comes with the lab harness.)");
        return 0;
    }

    private static Node node(String name, Map<String, String> labels, String address) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(address).endAddress().endStatus()
                .build();
    }

    private static Process startOperator(Path jar, KubectlApiServer api) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", api.url());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", "lab-has-no-authentication");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().remove("KUBECONFIG");
        pb.redirectErrorStream(true);
        pb.redirectOutput(WORK.resolve("operator.log").toFile());
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        System.out.println("\n$ kubectl " + String.join(" ", args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        // kubectl's streaming watch is not served by the mock; it falls back to a list and says so
        out.lines().filter(l -> !l.contains("the server could not find the requested resource") || !l.contains("watch"))
                .forEach(System.out::println);
    }

    private static void step(String s) {
        System.out.println("\n== " + s);
    }

    private static void closeAll(List<AutoCloseable> toClose) {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                System.err.println("demo: cleanup: " + e.getMessage());
            }
        }
        toClose.clear();
    }
}
