package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Helm on the chart: {@code helm lint --strict} passes, and fails on a broken copy
 * (so the check can fail); {@code helm template} honours the chart's kubeVersion and the
 * values a user sets. The other value combinations are checked in ManifestsTest and
 * ValuesSchemaTest, on the same rendering.
 */
class HelmChartTest {

    static final String NS = "wgfleet-test";

    @Test
    void helmLintStrictPasses() {
        LintResult lint = HelmChart.lintStrict(HelmChart.CHART);
        lint.getMessages().forEach(m -> System.out.println("helm lint: " + m));
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).as("lint findings").noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void helmLintStrictFailsOnATemplateHelmRejects(@TempDir Path tmp) throws IOException {
        Path copy = copyChart(tmp);
        // a function Helm does not know: a home-made renderer could skip it, Helm cannot
        Files.writeString(copy.resolve("templates/service.yaml"), "\n  broken: {{ .Values.replicas | noSuchFunction }}\n",
                java.nio.file.StandardOpenOption.APPEND);
        LintResult lint = HelmChart.lintStrict(copy);
        assertThat(lint.isFailed()).as("lint of a chart with an unknown template function").isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains("noSuchFunction");
    }

    @Test
    void theKubeVersionConstraintIsEnforced() {
        assertThat(HelmChart.templateForKubeVersion(HelmChart.KUBE_VERSION)).contains("kind: Deployment");
        assertThatThrownBy(() -> HelmChart.templateForKubeVersion("1.24.0")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kubeVersion");
    }

    @Test
    void theDefaultsRenderTwoReplicasWithLeaderElection() {
        Container c = operator(HelmChart.defaultValues(), 2);
        assertThat(env(c, "WGFLEET_LEADER_ELECTION_ENABLED")).isEqualTo("true");
        assertThat(c.getImage()).isEqualTo("ghcr.io/wgfleet/wgfleet:0.1.0");
        assertThat(env(c, "WGFLEET_AGENT_IMAGE")).as("the agent runs the operator's image by default").isEqualTo(c.getImage());
    }

    @Test
    void theHeapIsTheChartsShareOfTheLimitAndLeavesRoomOutsideIt() throws IOException {
        Map<String, Object> v = HelmChart.deepCopy(HelmChart.defaultValues());
        HelmChart.at(v, "resources").put("limits", Map.of("memory", "1Gi"));
        v.put("heapPercentage", 60);
        Container c = operator(v, 2);
        assertThat(c.getCommand()).containsExactly("java", "-XX:MaxRAMPercentage=60", "-jar", "/deployments/quarkus-run.jar");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        // the defaults keep the rule the README states: at least 256Mi of the limit outside the heap
        Container d = operator(HelmChart.defaultValues(), 2);
        long limit = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(d.getResources().getLimits().get("memory")).longValue();
        int percent = ((Number) HelmChart.defaultValues().get("heapPercentage")).intValue();
        assertThat(d.getCommand()).contains("-XX:MaxRAMPercentage=" + percent);
        assertThat(limit * (100 - percent) / 100).isGreaterThanOrEqualTo(256L * 1024 * 1024);
        // the image run without the chart gets the same share
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("ENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=" + percent + "\"");
    }

    @Test
    void anAgentImageOverrideReachesTheOperator() {
        Map<String, Object> v = HelmChart.deepCopy(HelmChart.defaultValues());
        HelmChart.at(v, "agent").put("image", "registry.example.com/tools/wgfleet-agent:0.1.0-debug");
        HelmChart.at(v, "image").put("tag", "0.1.1");
        Container c = operator(v, 2);
        assertThat(c.getImage()).isEqualTo("ghcr.io/wgfleet/wgfleet:0.1.1");
        assertThat(env(c, "WGFLEET_AGENT_IMAGE")).isEqualTo("registry.example.com/tools/wgfleet-agent:0.1.0-debug");
    }

    @Test
    void monitoringOnAddsTheServiceMonitorAndDashboard() {
        List<String> off = HelmChart.template(HelmChart.defaultValues(), NS).stream().map(HelmChart.Document::template).toList();
        List<String> on = HelmChart.template(InstallManifests.withMonitoring(HelmChart.defaultValues()), NS).stream()
                .map(HelmChart.Document::template).toList();
        assertThat(off).doesNotContainAnyElementsOf(InstallManifests.MONITORING);
        assertThat(on).containsAll(InstallManifests.MONITORING).containsAll(off);
    }

    static Container operator(Map<String, Object> values, int replicas) {
        List<HasMetadata> objects = ManifestsTest.rendered(values);
        Deployment d = ManifestsTest.one(objects, Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(replicas);
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElseThrow();
    }

    static Path copyChart(Path tmp) throws IOException {
        Path to = tmp.resolve("wgfleet");
        try (Stream<Path> files = Files.walk(HelmChart.CHART)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(HelmChart.CHART.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }
}
