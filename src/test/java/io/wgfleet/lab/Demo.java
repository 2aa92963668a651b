package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        // the agent in its image when that is cheap (podman and a local base: a build of seconds),
        // else the production agent as a host process: the fast default
        String noContainers = LabImage.unavailableReason();
        if (noContainers == null && !LabImage.baseCached()) {
            noContainers = "no local base image yet (sudo ./image.sh once builds it)";
        }
        LabImage image = noContainers == null ? LabImage.build(WORK.resolve("image")) : null;
        LabSession session = null;
        try {
            session = image == null ? LabSession.start(WORK) : LabSession.startWithContainers(WORK, image);
            step("Embedded API server " + session.apiUrl() + " (" + (image == null ? "loopback only" : "host-only management network")
                    + "), operator pid running, lab kubelet serving the lab nodes.\n"
                    + "   diagnostic Jobs: " + (image == null ? "the agent as a host process (" + noContainers + ")"
                    : "containers from " + image.tag() + ", built in " + image.buildSeconds() + " s") + "\n"
                    + "   kubeconfig: " + session.kubeconfig() + "   (kubectl --kubeconfig " + session.kubeconfig() + " get wgp -A)");
            int ran = 0;
            for (io.wgfleet.lab.scenario.Scenario s : scenarios) {
                LabSession next = session.forScenario(ran++);
                if (next != session) {
                    System.out.println("   lab: a fresh API server and operator for the next " + LabSession.SCENARIOS_PER_SESSION
                            + " scenarios (see LabSession.SCENARIOS_PER_SESSION)");
                    session = next;
                }
                System.out.println("   lab: " + s.name() + ": " + s.description());
                io.wgfleet.lab.scenario.ScenarioRunner.Result r = session.runner().run(s);
                if (s.name().equals("udp-blocked")) {
                    kubectl(session, "describe", "wgp", "-n", "udp-blocked", "to-server");
                }
                table.add(String.format("   %-20s %-7s %-20s %s", s.name(), r.passed() ? "ok" : "FAILED",
                        String.join(",", s.expect().values()), r.diagnoseTimes().stream().map(ScenarioMain::seconds).toList()));
                if (!r.passed()) {
                    failed++;
                    r.failures().forEach(f -> System.out.println("   FAILED " + f));
                }
            }
            kubectl(session, "get", "wgp", "-A");
            step("Scenario results (annotation to root cause on the resource):\n"
                    + "   scenario             result  expected             time\n" + String.join("\n", table));
            if (keep) {
                step("Still running (--keep): the lab networks are gone, the API server and the operator stay. Ctrl-C ends it.");
                Thread.currentThread().join();
            }
        } finally {
            if (session != null) {
                session.close();
            }
            if (image != null) {
                image.close();
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
        System.exit(runApiOnly());
    }

    /** Without the lab: the sample peers and some broken ones on the embedded API server. */
    private static int runApiOnly() throws Exception {
        try (LabSession session = LabSession.start(WORK)) {
            step("Embedded API server on " + session.apiUrl() + " (loopback only); kubeconfig " + session.kubeconfig()
                    + "\n   operator log " + session.operatorLog());
            for (Node n : List.of(
                    node("gw-berlin-1", Map.of("wgfleet.io/site", "berlin"), "192.0.2.10"),
                    node("gw-berlin-2", Map.of("wgfleet.io/site", "berlin"), "192.0.2.11"),
                    node("node-a", Map.of("wgfleet.io/mesh", "true"), "198.51.100.1"),
                    node("node-b", Map.of("wgfleet.io/mesh", "true"), "198.51.100.2"))) {
                session.client().nodes().resource(n).create();
            }
            step("Nodes: gw-berlin-1, gw-berlin-2 (site=berlin), node-a, node-b");
            kubectl(session, "apply", "-f", "k8s/samples/");
            kubectl(session, "apply", "-f", "src/test/resources/demo/broken-peers.yaml");

            session.awaitOperatorAlive(Duration.ofSeconds(60));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(deadline)) {
                List<WireGuardPeer> peers = session.client().resources(WireGuardPeer.class).inAnyNamespace().list().getItems();
                boolean done = !peers.isEmpty() && peers.stream().allMatch(p -> p.getStatus() != null
                        && p.getStatus().getConditions().size() == 6
                        && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration()));
                if (done) {
                    break;
                }
                Thread.sleep(250);
            }
            kubectl(session, "get", "wgp", "-A");
            kubectl(session, "describe", "wgp", "-n", "branches", "lyon-branch");
            kubectl(session, "get", "wgp", "-A", "-o",
                    "custom-columns=PEER:.metadata.name,READY:.status.conditions[?(@.type==\"Ready\")].status,"
                            + "REASON:.status.rootCause.reason,MESSAGE:.status.rootCause.message");
            step("The demo stops everything it started now. As root, ./demo.sh runs the namespace lab with real WireGuard.");
        }
        return 0;
    }

    private static Node node(String name, Map<String, String> labels, String address) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(address).endAddress().endStatus()
                .build();
    }

    /** Real kubectl against the session's API server, its output printed. */
    static void kubectl(LabSession session, String... args) throws IOException, InterruptedException {
        System.out.println("\n$ kubectl " + String.join(" ", args));
        // kubectl's streaming watch is not served by the mock; it falls back to a list and says so
        session.runner().kubectl(null, args).lines()
                .filter(l -> !l.contains("the server could not find the requested resource") || !l.contains("watch"))
                .forEach(System.out::println);
    }

    private static void step(String s) {
        System.out.println("\n== " + s);
    }
}
