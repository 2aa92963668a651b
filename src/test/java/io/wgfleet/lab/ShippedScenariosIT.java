package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.lab.scenario.Scenario;
import io.wgfleet.lab.scenario.ScenarioParser;
import io.wgfleet.lab.scenario.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario under lab/scenarios, end to end: real wireguard-go in namespaces, the
 * packaged operator as its own process, and the reason the operator wrote on each
 * WireGuardPeer. With podman (CI installs it) the diagnostic Jobs run as containers from
 * the image built from the Dockerfile, with the Job's capabilities, user, read-only root and
 * mounts; without it the lab kubelet runs the production agent as a host process, and says
 * so. Runs after {@code package} (failsafe) and needs root; without it, it is skipped with
 * the reason printed. In CI (CI=true) the container mode is required.
 */
@EnabledIf("io.wgfleet.lab.LabEnvironment#scenariosAvailable")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedScenariosIT {

    /** The mock web server logs every request at INFO; held so the level sticks. */
    static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    static LabImage image;
    static LabSession session;
    /** Scenarios run so far: a fresh session every {@link LabSession#SCENARIOS_PER_SESSION}. */
    static int ran;
    static final Path WORK = Path.of("target", "lab-it");
    static final Path TIMINGS = WORK.resolve("timings.txt");

    @BeforeAll
    static void start() throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        Files.createDirectories(WORK);
        Files.deleteIfExists(TIMINGS);
        String noContainers = LabImage.unavailableReason();
        if (noContainers != null && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI runs the agent in its image, but: " + noContainers);
        }
        if (noContainers == null) {
            image = LabImage.build(Path.of("target", "lab-image"));
            System.out.println("[lab] image " + image.tag() + " built in " + image.buildSeconds()
                    + " s; the diagnostic Jobs run as containers from it");
            Files.writeString(TIMINGS, "image build " + image.buildSeconds() + " s\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            session = LabSession.startWithContainers(WORK, image);
        } else {
            System.out.println("[lab] the diagnostic Jobs run as host processes: " + noContainers);
            session = LabSession.start(WORK);
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (session != null) {
                session.close();
            }
        } finally {
            if (image != null) {
                image.close();
            }
        }
    }

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("lab", "scenarios"))) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            return all.stream();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theOperatorWritesTheExpectedReason(Path file) throws Exception {
        session = session.forScenario(ran++);
        Scenario s = ScenarioParser.parse(file);
        ScenarioRunner.Result r = session.runner().run(s);
        System.out.print(session.getPeers(s));
        Files.writeString(TIMINGS, String.format("%-20s %s %s%n", s.name(), r.passed() ? "ok" : "FAILED",
                r.diagnoseTimes().stream().map(ScenarioMain::seconds).toList()), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(s.expect()).as("a shipped scenario must expect something").isNotEmpty();
        assertThat(r.failures()).as(s.name()).isEmpty();
    }

    /**
     * A step that fails (here nft rejects a ruleset) names the file and line, and the lab it had
     * built is gone: no namespace is left behind.
     */
    @Order(3)
    @Test
    void aStepThatFailsNamesItsLineAndLeavesNothingBehind() throws Exception {
        Path file = Path.of("src", "test", "resources", "lab", "broken-step.yaml");
        Scenario s = ScenarioParser.parse(file);
        int line = s.steps().get(0).line();
        String before = new io.wgfleet.agent.exec.ProcessCommandRunner().run(List.of("ip", "netns", "list"), java.time.Duration.ofSeconds(10)).stdout();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.runner().run(s))
                .isInstanceOf(io.wgfleet.lab.scenario.ScenarioStepException.class)
                .hasMessageContaining(file + ":" + line + ": step nft on server failed");
        String after = new io.wgfleet.agent.exec.ProcessCommandRunner().run(List.of("ip", "netns", "list"), java.time.Duration.ofSeconds(10)).stdout();
        assertThat(after).isEqualTo(before);
    }

    /**
     * The Job without NET_RAW (as a policy that strips capabilities would leave it): the
     * agent's probe pings are refused, and the report and the peer's evidence say so and name
     * the capability, instead of a silent peer being reported.
     */
    @Order(2)
    @Test
    void aJobWithoutNetRawIsReportedAsSuch() throws Exception {
        Assumptions.assumeTrue(session.kubelet().runsContainers(), "capabilities are enforced only when the Jobs run as containers");
        List<List<String>> seen = new ArrayList<>();
        session.kubelet().admission(pod -> {
            Capabilities caps = pod.getContainers().get(0).getSecurityContext().getCapabilities();
            seen.add(List.copyOf(caps.getAdd()));
            caps.setAdd(caps.getAdd().stream().filter(c -> !c.equals("NET_RAW")).toList());
            return pod;
        });
        try {
            Scenario s = ScenarioParser.parse(Path.of("lab", "scenarios", "healthy.yaml"));
            ScenarioRunner.Result r = session.runner().run(s);
            assertThat(seen).as("the operator's Jobs add NET_ADMIN and NET_RAW").isNotEmpty()
                    .allSatisfy(add -> assertThat(add).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW"));
            String client = ScenarioRunner.nodeName(s, "client");
            WireGuardNodeReport report = session.client().resources(WireGuardNodeReport.class).withName(client).get();
            assertThat(report).as("the agent still writes its report").isNotNull();
            // the agent writes each probe on its peer's line; the top-level list is the older place
            List<HandshakeProbe> probes = new ArrayList<>(report.getSpec().getHandshakeProbes());
            report.getSpec().getInterfaces().stream().flatMap(i -> i.getPeers().stream())
                    .map(PeerReport::getProbe).filter(Objects::nonNull).forEach(probes::add);
            assertThat(probes).as("probes of %s", client).isNotEmpty().allSatisfy(p -> {
                assertThat(p.getError()).contains("CAP_NET_RAW");
                assertThat(p.getReplied()).as("no answer is not reported for a ping never sent").isNull();
            });
            WireGuardPeer peer = session.client().resources(WireGuardPeer.class).inNamespace(s.name()).withName("to-server").get();
            String reason = peer.getStatus().getRootCause().getReason();
            List<String> evidence = peer.getStatus().getRootCause().getEvidence();
            System.out.println("[lab] without NET_RAW: to-server " + reason + ": " + peer.getStatus().getRootCause().getMessage()
                    + "\n      evidence: " + evidence);
            assertThat(String.join("\n", evidence)).as("the peer's evidence names the missing capability").contains("CAP_NET_RAW");
            assertThat(r.actual()).as("verdicts without NET_RAW").isNotEmpty();
        } finally {
            session.kubelet().admission(java.util.function.UnaryOperator.identity());
        }
    }
}
