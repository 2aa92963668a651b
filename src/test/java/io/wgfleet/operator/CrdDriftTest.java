package io.wgfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.wgfleet.api.PrinterColumnOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs under crds/ are committed so users can install them without building.
 * This fails when they drift from the Java classes. To regenerate:
 * {@code mvn test -Dtest=CrdDriftTest -Dwgfleet.updateCrds=true}. The operator build
 * (QOSDK, into target/kubernetes) runs the same generator with the same post-processor
 * (application.properties), so its output is the same files.
 */
class CrdDriftTest {

    static final Path COMMITTED = Path.of("crds");

    @Test
    void committedCrdsMatchTheJavaClasses(@TempDir Path out) throws IOException {
        new CRDGenerator()
                .customResourceClasses(PrinterColumnOrder.RESOURCES.toArray(Class[]::new))
                .forCRDVersions("v1")
                .withPostProcessor(new PrinterColumnOrder())
                .inOutputDir(out.toFile())
                .generate();
        List<Path> generated;
        try (Stream<Path> s = Files.list(out)) {
            generated = s.sorted().toList();
        }
        assertThat(generated).extracting(p -> p.getFileName().toString())
                .containsExactly("wireguardnodereports.wgfleet.io-v1.yml", "wireguardpeers.wgfleet.io-v1.yml");
        if (Boolean.getBoolean("wgfleet.updateCrds")) {
            Files.createDirectories(COMMITTED);
            for (Path g : generated) {
                Files.copy(g, COMMITTED.resolve(g.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Path g : generated) {
            Path committed = COMMITTED.resolve(g.getFileName());
            assertThat(committed).as("committed CRD %s (regenerate with -Dwgfleet.updateCrds=true)", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s drifted from the Java classes; regenerate with mvn test -Dtest=CrdDriftTest -Dwgfleet.updateCrds=true", committed)
                    .isEqualTo(Files.readString(g));
        }
    }
}
