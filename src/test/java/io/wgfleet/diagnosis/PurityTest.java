package io.wgfleet.diagnosis;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine stays pure: no Kubernetes, no API types, no I/O, no clock of its own. */
class PurityTest {
    private static final List<String> FORBIDDEN = List.of(
            "import io.fabric8", "import io.javaoperatorsdk", "import io.quarkus", "import io.wgfleet.api",
            "import java.io.", "import java.nio.", "import java.net.", "Instant.now(", "System.currentTimeMillis(",
            "System.nanoTime(", "Clock.system", "LocalDateTime.now(", "new Random(", "Math.random(");

    @Test
    void diagnosisSourcesUseNoForbiddenApis() throws IOException {
        Path root = Path.of("src/main/java/io/wgfleet/diagnosis");
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> java = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(java).isNotEmpty();
            for (Path p : java) {
                String text = Files.readString(p);
                for (String f : FORBIDDEN) {
                    assertThat(text).as("%s must not use %s", p, f).doesNotContain(f);
                }
            }
        }
    }
}
