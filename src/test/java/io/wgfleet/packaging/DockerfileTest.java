package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.wgfleet.operator.OperatorConfig;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built here (no Docker engine), so this holds the Dockerfile to what
 * the rest of the project assumes of the image: the agent's tools from distribution
 * packages, the classpath the agent's Job starts, and the user the chart runs as.
 */
class DockerfileTest {

    final String dockerfile = read(Path.of("Dockerfile"));

    @Test
    void theAgentsToolsComeFromDistributionPackages() {
        assertThat(dockerfile).containsPattern("apt-get install -y --no-install-recommends[\\s\\\\]+openjdk-17-jre-headless");
        for (String pkg : List.of("wireguard-tools", "iproute2", "nftables", "conntrack", "iputils-ping")) {
            assertThat(dockerfile).as("package %s", pkg).containsPattern("\\s" + pkg + "\\s");
        }
        assertThat(dockerfile).contains("command -v wg ip nft conntrack ping getent cat");
        assertThat(dockerfile).doesNotContain("curl ", "wget ");
    }

    @Test
    void theImageHoldsTheClasspathTheAgentJobStarts() {
        Job job = new DiagnosticJobFactory(agentDefaults()).build(new NodeBuilder().withNewMetadata().withName("n1").withUid("u")
                .endMetadata().build(), List.of("ns/p"), Instant.parse("2026-11-25T00:00:00Z"));
        List<String> command = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
        String classpath = command.get(command.indexOf("-cp") + 1);
        for (String entry : classpath.split(":")) {
            String dir = entry.replace("/*", "").replace("/main", "");
            assertThat(dockerfile).as("the image has %s", entry).contains(" " + dir + "/");
        }
    }

    @Test
    void theOperatorRunsAsTheNonRootUserTheChartExpects() {
        assertThat(dockerfile).containsPattern("(?m)^USER 185$");
        Deployment d = ManifestsTest.one(ManifestsTest.rendered(HelmChart.defaultValues()), Deployment.class);
        assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(185L);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static OperatorConfig.Agent agentDefaults() {
        return new OperatorConfig.Agent() {
            public String image() { return "img"; }
            public String imagePullPolicy() { return "IfNotPresent"; }
            public String namespace() { return "wgfleet-system"; }
            public String serviceAccount() { return "wgfleet-agent"; }
            public Duration activeDeadline() { return Duration.ofSeconds(60); }
            public Duration ttlAfterFinished() { return Duration.ofMinutes(10); }
            public Duration batchDelay() { return Duration.ofSeconds(1); }
            public int maxConcurrentJobs() { return 10; }
            public String cpuRequest() { return "50m"; }
            public String memoryRequest() { return "128Mi"; }
            public String memoryLimit() { return "256Mi"; }
            public boolean tolerateAllTaints() { return true; }
            public Optional<String> tolerations() { return Optional.empty(); }
            public String probeWait() { return "5.5s"; }
        };
    }
}
