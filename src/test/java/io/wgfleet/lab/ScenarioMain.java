package io.wgfleet.lab;

import io.wgfleet.lab.scenario.Scenario;
import io.wgfleet.lab.scenario.ScenarioException;
import io.wgfleet.lab.scenario.ScenarioParser;
import io.wgfleet.lab.scenario.ScenarioRunner;
import io.wgfleet.lab.scenario.ScenarioStepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs scenario files end to end on real WireGuard: {@code ./lab.sh FILE|DIR...}. Prints
 * each scenario's peers as kubectl shows them and the time from the diagnose annotation to
 * the root cause; exits 1 when an expectation fails, 2 when a file is wrong or one of its
 * steps fails (the message names the file and line; the lab is torn down first).
 */
public final class ScenarioMain {

    private ScenarioMain() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
        quiet.setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger agentLog = java.util.logging.Logger.getLogger("io.wgfleet.agent");
        agentLog.setLevel(java.util.logging.Level.WARNING);
        if (args.length == 0) {
            System.err.println("usage: lab.sh SCENARIO.yaml|DIR ...   (shipped scenarios: lab/scenarios/)");
            System.exit(2);
        }
        List<Scenario> scenarios = new ArrayList<>();
        try {
            for (String a : args) {
                Path p = Path.of(a);
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.list(p)) {
                        for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                            scenarios.add(ScenarioParser.parse(f));
                        }
                    }
                } else {
                    scenarios.add(ScenarioParser.parse(p));
                }
            }
        } catch (ScenarioException e) {
            System.err.println("lab: " + e.getMessage());
            System.exit(2);
        }
        String unavailable = LabEnvironment.scenarioUnavailableReason();
        if (unavailable != null) {
            System.err.println("lab: cannot run the namespace lab here: " + unavailable);
            System.exit(3);
        }
        int failed = 0;
        List<String> table = new ArrayList<>();
        int exit = 1;
        // exec:java waits for the API server's and the operator's non-daemon threads: only
        // System.exit ends the run, so every way out of here goes through it
        try (LabSession session = LabSession.start(Path.of("target", "lab"))) {
            System.out.println("lab: API server " + session.apiUrl() + ", kubeconfig " + session.kubeconfig());
            for (Scenario s : scenarios) {
                System.out.println("\n== scenario " + s.name() + " (" + s.file() + "): " + s.description());
                ScenarioRunner.Result r;
                try {
                    r = session.runner().run(s);
                } catch (ScenarioStepException e) {
                    System.err.println("lab: " + e.getMessage());
                    table.add(String.format("%-22s %-6s %s", s.name(), "ERROR", e.getMessage()));
                    printTable(table);
                    exit = 2;
                    return;
                }
                System.out.print(session.getPeers(s));
                String times = r.diagnoseTimes().stream().map(ScenarioMain::seconds).reduce((a, b) -> a + ", " + b).orElse("-");
                table.add(String.format("%-22s %-6s %s", s.name(), r.passed() ? "ok" : "FAILED", times));
                if (!r.passed()) {
                    failed++;
                    r.failures().forEach(f -> System.out.println("  FAILED " + f));
                }
            }
            printTable(table);
            exit = failed == 0 ? 0 : 1;
        } catch (Throwable e) {
            System.err.println("lab: " + e);
            e.printStackTrace();
        } finally {
            System.out.flush();
            System.exit(exit);
        }
    }

    private static void printTable(List<String> table) {
        System.out.println("\nscenario               result annotation-to-root-cause");
        table.forEach(System.out::println);
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
