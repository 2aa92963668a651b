package io.wgfleet.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wgfleet.diagnosis.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Every catalogue reason is expected by a shipped scenario (lab/scenarios/*.yaml) or is listed,
 * with why, in lab/scenarios-not-reproducible.yaml; the list stays honest: a listed reason that
 * a scenario expects, or that is no catalogue constant, fails too.
 */
class CatalogueCoverageTest {

    static final Path SCENARIOS = Path.of("lab", "scenarios");
    static final Path NOT_REPRODUCIBLE = Path.of("lab", "scenarios-not-reproducible.yaml");

    @Test
    void everyCatalogueReasonHasAShippedScenarioOrAWhy() throws IOException {
        Map<String, Set<String>> expected = expectedReasons(SCENARIOS);
        Map<String, String> listed = notReproducible(Files.readString(NOT_REPRODUCIBLE));
        assertThat(problems(expected, listed, catalogue())).as("catalogue coverage of %s and %s", SCENARIOS, NOT_REPRODUCIBLE).isEmpty();
    }

    @Test
    void aReasonWithoutScenarioOrWhyFails() {
        Map<String, Set<String>> expected = Map.of("Connected", Set.of("healthy.yaml"));
        assertThat(problems(expected, Map.of("NoResponse", "outside the lab"), List.of("Connected", "NoResponse", "HandshakeStale")))
                .containsExactly("HandshakeStale: no shipped scenario expects it and " + NOT_REPRODUCIBLE + " does not say why");
    }

    @Test
    void aListedReasonThatAScenarioExpectsOrThatIsNoReasonFails() {
        Map<String, Set<String>> expected = Map.of("Connected", Set.of("healthy.yaml"), "Connectd", Set.of("typo.yaml"));
        assertThat(problems(expected, Map.of("Connected", "x", "Vanished", "y", "NoResponse", " "), List.of("Connected", "NoResponse")))
                .containsExactlyInAnyOrder(
                        "Connected: listed in " + NOT_REPRODUCIBLE + " as not reproducible, but healthy.yaml expects it: delete its entry",
                        "Vanished: listed in " + NOT_REPRODUCIBLE + " but no catalogue reason (io.wgfleet.diagnosis.Reason)",
                        "NoResponse: the entry in " + NOT_REPRODUCIBLE + " gives no why",
                        "Connectd: expected by typo.yaml but no catalogue reason (io.wgfleet.diagnosis.Reason)");
    }

    @Test
    void theListIsAMappingOfReasonToWhyWithEachReasonOnce() {
        assertThat(notReproducible("# none\n")).isEmpty();
        assertThat(notReproducible("A: \"why a\"\nB: why b\n")).containsExactly(Map.entry("A", "why a"), Map.entry("B", "why b"));
        assertThatThrownBy(() -> notReproducible("A: x\nA: y\n")).hasMessageContaining("A");
        assertThatThrownBy(() -> notReproducible("- A\n")).hasMessageContaining("reason: why");
        assertThatThrownBy(() -> notReproducible("A: [x]\n")).hasMessageContaining("A");
    }

    static List<String> catalogue() {
        return Arrays.stream(Reason.values()).map(Reason::name).toList();
    }

    /** Each reason some scenario expects, with the files that expect it. */
    static Map<String, Set<String>> expectedReasons(Path dir) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                ScenarioParser.parse(f).expect().values()
                        .forEach(r -> out.computeIfAbsent(r, k -> new TreeSet<>()).add(f.getFileName().toString()));
            }
        }
        return out;
    }

    /** The file's entries, reason to why, in file order; duplicates and other shapes are refused. */
    static Map<String, String> notReproducible(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object root = new Yaml(options).load(yaml);
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(NOT_REPRODUCIBLE + ": expected a mapping of reason: why");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!(v instanceof String why)) {
                throw new IllegalArgumentException(NOT_REPRODUCIBLE + ": " + k + ": the why must be text");
            }
            out.put(String.valueOf(k), why);
        });
        return out;
    }

    static List<String> problems(Map<String, Set<String>> expected, Map<String, String> listed, List<String> catalogue) {
        List<String> out = new ArrayList<>();
        for (String r : catalogue) {
            if (!expected.containsKey(r) && !listed.containsKey(r)) {
                out.add(r + ": no shipped scenario expects it and " + NOT_REPRODUCIBLE + " does not say why");
            }
        }
        listed.forEach((r, why) -> {
            if (!catalogue.contains(r)) {
                out.add(r + ": listed in " + NOT_REPRODUCIBLE + " but no catalogue reason (io.wgfleet.diagnosis.Reason)");
            } else if (expected.containsKey(r)) {
                out.add(r + ": listed in " + NOT_REPRODUCIBLE + " as not reproducible, but " + String.join(", ", expected.get(r))
                        + " expects it: delete its entry");
            } else if (why.isBlank()) {
                out.add(r + ": the entry in " + NOT_REPRODUCIBLE + " gives no why");
            }
        });
        expected.forEach((r, files) -> {
            if (!catalogue.contains(r)) {
                out.add(r + ": expected by " + String.join(", ", files) + " but no catalogue reason (io.wgfleet.diagnosis.Reason)");
            }
        });
        return out;
    }
}
