package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One source of truth: the Helm chart. {@code k8s/install/} is what helm template prints for it and the
 * chart's {@code crds/} is a copy of the generated top-level {@code crds/} (itself held to
 * the Java classes by CrdDriftTest). Both fail here when they drift; regenerate with
 * {@code mvn test -Dtest=InstallManifestsTest -Dwgfleet.updateManifests=true}.
 */
class InstallManifestsTest {

    static final boolean UPDATE = Boolean.getBoolean("wgfleet.updateManifests");
    static final String HOW = "regenerate with: mvn test -Dtest=InstallManifestsTest -Dwgfleet.updateManifests=true";

    @Test
    void installManifestsAreTheChartRendered() throws IOException {
        Map<String, String> rendered = InstallManifests.render();
        if (UPDATE) {
            InstallManifests.write(rendered);
        }
        assertThat(list(InstallManifests.DIR)).as("files in k8s/install (%s)", HOW)
                .containsExactlyInAnyOrderElementsOf(rendered.keySet());
        for (Map.Entry<String, String> f : rendered.entrySet()) {
            assertThat(Files.readString(InstallManifests.DIR.resolve(f.getKey())))
                    .as("k8s/install/%s drifted from helm/wgfleet; %s", f.getKey(), HOW)
                    .isEqualTo(f.getValue());
        }
    }

    @Test
    void everyTemplateIsInstalledByThePlainManifests() {
        List<String> covered = new ArrayList<>(InstallManifests.OPERATOR);
        covered.addAll(InstallManifests.MONITORING);
        covered.addAll(InstallManifests.NOT_MANIFESTS);
        assertThat(HelmChart.templateNames()).as("a new template must be placed in InstallManifests")
                .containsExactlyInAnyOrderElementsOf(covered);
    }

    @Test
    void chartCrdsAreTheGeneratedCrds() throws IOException {
        Path source = Path.of("crds");
        Path chartCrds = HelmChart.CHART.resolve("crds");
        if (UPDATE) {
            Files.createDirectories(chartCrds);
            for (String name : list(chartCrds)) {
                Files.delete(chartCrds.resolve(name));
            }
            for (String name : list(source)) {
                Files.copy(source.resolve(name), chartCrds.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertThat(list(chartCrds)).as("helm/wgfleet/crds (%s)", HOW).containsExactlyInAnyOrderElementsOf(list(source));
        for (String name : list(source)) {
            assertThat(Files.readString(chartCrds.resolve(name))).as("helm/wgfleet/crds/%s drifted from crds/; %s", name, HOW)
                    .isEqualTo(Files.readString(source.resolve(name)));
        }
    }

    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
