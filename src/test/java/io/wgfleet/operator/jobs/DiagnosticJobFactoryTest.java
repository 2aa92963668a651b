package io.wgfleet.operator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.wgfleet.operator.OperatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class DiagnosticJobFactoryTest {

    public static OperatorConfig.Agent config(boolean tolerateAll, String extraTolerations) {
        return new OperatorConfig.Agent() {
            public String image() { return "registry.example/wgfleet:1.2.3"; }
            public String imagePullPolicy() { return "IfNotPresent"; }
            public String namespace() { return "wgfleet-system"; }
            public String serviceAccount() { return "wgfleet-agent"; }
            public Duration activeDeadline() { return Duration.ofSeconds(60); }
            public Duration ttlAfterFinished() { return Duration.ofMinutes(10); }
            public int maxConcurrentJobs() { return 3; }
            public Duration batchDelay() { return Duration.ofSeconds(1); }
            public String cpuRequest() { return "50m"; }
            public String memoryRequest() { return "128Mi"; }
            public String memoryLimit() { return "256Mi"; }
            public boolean tolerateAllTaints() { return tolerateAll; }
            public Optional<String> tolerations() { return Optional.ofNullable(extraTolerations); }
            public String probeWait() { return "5.5s"; }
        };
    }

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).withUid("uid-" + name).endMetadata().build();
    }

    @Test
    void theJobIsPinnedPrivilegedJustEnoughAndOwnedByItsNode() {
        Job job = new DiagnosticJobFactory(config(true, null))
                .build(node("gw-berlin-1"), List.of("network/paris-office", "network/alice"), Instant.parse("2026-11-25T10:00:00Z"));

        assertThat(job.getMetadata().getNamespace()).isEqualTo("wgfleet-system");
        assertThat(job.getMetadata().getName()).startsWith("wgfleet-agent-gw-berlin-1-").hasSizeLessThanOrEqualTo(63);
        assertThat(job.getMetadata().getLabels()).containsEntry("wgfleet.io/node", "gw-berlin-1")
                .containsEntry("app.kubernetes.io/name", "wgfleet-agent");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Node");
            assertThat(o.getName()).isEqualTo("gw-berlin-1");
            assertThat(o.getUid()).isEqualTo("uid-gw-berlin-1");
        });
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(60L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(job.getSpec().getBackoffLimit()).isZero();

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeName()).isEqualTo("gw-berlin-1");
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("wgfleet-agent");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/var/run/wireguard"));

        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/wgfleet:1.2.3");
        assertThat(c.getCommand()).containsSubsequence("io.wgfleet.agent.AgentMain", "--node", "gw-berlin-1")
                .containsSubsequence("--peers", "network/paris-office,network/alice");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getPrivileged()).isNull();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/run/wireguard");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(c.getResources().getLimits()).containsKey("memory");
        // nothing secret travels in the Job: no env from Secrets, no key-shaped argument
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null).isTrue());
    }

    @Test
    void longNodeNamesStillGiveValidJobNamesAndLabels() {
        String longName = "ip-10-0-12-34.eu-central-1.compute.internal.a-very-long-cluster-domain.example.com";
        Job job = new DiagnosticJobFactory(config(false, "dedicated=vpn:NoSchedule,gateway:NoExecute")).build(node(longName), List.of(), Instant.EPOCH);
        assertThat(job.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9-]+");
        assertThat(job.getMetadata().getLabels().get("wgfleet.io/node")).hasSizeLessThanOrEqualTo(63);
        assertThat(job.getMetadata().getAnnotations()).containsEntry("wgfleet.io/node", longName);
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations()).satisfiesExactly(
                t -> {
                    assertThat(t.getKey()).isEqualTo("dedicated");
                    assertThat(t.getValue()).isEqualTo("vpn");
                    assertThat(t.getEffect()).isEqualTo("NoSchedule");
                },
                t -> {
                    assertThat(t.getKey()).isEqualTo("gateway");
                    assertThat(t.getOperator()).isEqualTo("Exists");
                });
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand()).doesNotContain("--peers");
    }
}
