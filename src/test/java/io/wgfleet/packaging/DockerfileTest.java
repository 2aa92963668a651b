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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds the Dockerfile to what the rest of the project assumes of the image: the agent's
 * tools from distribution packages and checked at build time, the classpath the agent's
 * Job starts, and the user the chart runs as. ImageIT builds and runs the image itself.
 */
class DockerfileTest {

    final String dockerfile = read(Path.of("Dockerfile"));

    @Test
    void theAgentsToolsComeFromDistributionPackages() {
        assertThat(dockerfile).containsPattern("apt-get install -y --no-install-recommends[\\s\\\\]+openjdk-17-jre-headless");
        for (String pkg : List.of("wireguard-tools", "iproute2", "nftables", "conntrack", "iputils-ping", "iptables")) {
            assertThat(dockerfile).as("package %s", pkg).containsPattern("\\s" + pkg + "\\s");
        }
        assertThat(toolCheck()).as("the build-time tool check").startsWith("for tool in wg ip nft conntrack ping iptables-legacy-save iptables-nft-save getent cat;");
        assertThat(dockerfile).doesNotContain("curl ", "wget ");
    }

    /**
     * The Dockerfile's tool check, run by dash (what RUN's /bin/sh is on Debian) with a PATH
     * holding every tool but one: it must fail and name that tool; with all of them it passes.
     * The old check, {@code command -v wg ip ...}, passed here: dash looks at the first name only.
     */
    @Test
    void theToolCheckFailsTheBuildWhenOneToolIsMissing(@TempDir Path bin) throws Exception {
        String shell = Files.isExecutable(Path.of("/bin/dash")) ? "/bin/dash" : "/bin/sh";
        List<String> tools = List.of("wg", "ip", "nft", "conntrack", "ping", "iptables-legacy-save", "iptables-nft-save", "getent", "cat");
        for (String tool : tools) {
            Path stub = bin.resolve(tool);
            Files.writeString(stub, "#!/bin/sh\nexit 0\n");
            stub.toFile().setExecutable(true);
        }
        assertThat(runCheck(shell, toolCheck(), bin).exit()).as("all tools present").isZero();
        for (String tool : tools) {
            Path hidden = bin.resolve(tool + ".hidden");
            Files.move(bin.resolve(tool), hidden);
            Shell r = runCheck(shell, toolCheck(), bin);
            assertThat(r.exit()).as("check with %s missing", tool).isNotZero();
            assertThat(r.stderr()).as("check with %s missing", tool).contains("missing tool: " + tool);
            if (!tool.equals("wg")) {
                assertThat(runCheck(shell, "command -v wg ip nft conntrack ping getent cat >/dev/null", bin).exit())
                        .as("dash's command -v with several names checks only the first (why the check loops)").isZero();
            }
            Files.move(hidden, bin.resolve(tool));
        }
    }

    /** The tool check of the Dockerfile's RUN step, as written there. */
    String toolCheck() {
        Matcher m = Pattern.compile("for tool in [^;]+; do .*?; done").matcher(dockerfile);
        assertThat(m.find()).as("the Dockerfile has a tool check loop").isTrue();
        return m.group();
    }

    record Shell(int exit, String stderr) {
    }

    static Shell runCheck(String shell, String script, Path path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shell, "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", path.toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes());
        return new Shell(p.waitFor(), err);
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
