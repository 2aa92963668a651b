package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.lab.scenario.Scenario;
import io.wgfleet.lab.scenario.ScenarioParser;
import io.wgfleet.lab.scenario.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario under lab/scenarios, end to end: real wireguard-go in namespaces, the
 * packaged operator as its own process, the lab kubelet running the production agent, and
 * the reason the operator wrote on each WireGuardPeer. Runs after {@code package} (failsafe)
 * and needs root; without it, it is skipped with the reason printed.
 */
@EnabledIf("io.wgfleet.lab.LabEnvironment#scenariosAvailable")
class ShippedScenariosIT {

    /** The mock web server logs every request at INFO; held so the level sticks. */
    static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    static LabSession session;
    static final Path TIMINGS = Path.of("target", "lab-it", "timings.txt");

    @BeforeAll
    static void start() throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        session = LabSession.start(Path.of("target", "lab-it"));
        Files.deleteIfExists(TIMINGS);
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("lab", "scenarios"))) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theOperatorWritesTheExpectedReason(Path file) throws Exception {
        Scenario s = ScenarioParser.parse(file);
        ScenarioRunner.Result r = session.runner().run(s);
        System.out.print(session.getPeers(s));
        Files.writeString(TIMINGS, String.format("%-20s %s %s%n", s.name(), r.passed() ? "ok" : "FAILED",
                r.diagnoseTimes().stream().map(ScenarioMain::seconds).toList()), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(s.expect()).as("a shipped scenario must expect something").isNotEmpty();
        assertThat(r.failures()).as(s.name()).isEmpty();
    }
}
