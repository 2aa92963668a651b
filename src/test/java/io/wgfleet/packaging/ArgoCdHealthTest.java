package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo CD health check (docs/argocd/health-wireguardpeer.lua) run by a real Lua 5.4
 * on sample statuses, the way Argo CD runs it: the resource as the global {@code obj},
 * the script's return value the health. Skipped with a reason when lua5.4 is missing;
 * .ci/run installs it.
 */
class ArgoCdHealthTest {

    static final Path SCRIPT = Path.of("docs", "argocd", "health-wireguardpeer.lua");
    static final Path SAMPLES = Path.of("src", "test", "resources", "argocd");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> eachSampleStatusGetsItsHealth() throws IOException {
        String lua = lua();
        Assumptions.assumeTrue(lua != null, () -> {
            System.out.println("ArgoCdHealthTest skipped: lua5.4 is not installed (apt-get install lua5.4)");
            return "lua5.4 is not installed";
        });
        List<Path> samples;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            samples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(6);
        return samples.stream().map(sample -> DynamicTest.dynamicTest(sample.getFileName().toString(), () -> {
            Map<String, Object> doc = HelmChart.readYaml(sample);
            @SuppressWarnings("unchecked")
            Map<String, Object> expected = (Map<String, Object>) doc.get("expected");
            List<String> health = run(lua, doc.get("object"));
            assertThat(health.get(0)).as("health of %s", sample).isEqualTo(expected.get("status"));
            assertThat(health.get(1)).as("message of %s", sample).contains((String) expected.get("messageContains"));
        }));
    }

    List<String> run(String lua, Object obj) throws Exception {
        Path harness = tmp.resolve("harness.lua");
        Files.writeString(harness, "obj = " + toLua(obj) + "\n"
                + "local check = assert(loadfile(\"" + SCRIPT.toAbsolutePath() + "\"))\n"
                + "local hs = check()\n"
                + "print(hs.status)\n"
                + "print(hs.message)\n");
        Process p = new ProcessBuilder(lua, harness.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("lua output: %s", out).isZero();
        return out.lines().toList();
    }

    /** The resource as a Lua table, as Argo CD hands it over (JSON objects, arrays, numbers). */
    static String toLua(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> "[" + toLua(e.getKey().toString()) + "]=" + toLua(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof Collection<?> list) {
            return list.stream().map(ArgoCdHealthTest::toLua).collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String lua() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "lua5.4");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
