package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HostPathVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.wgfleet.operator.OperatorConfig;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticJobFactoryTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's real diagnostic Job, as the lab kubelet hands it to podman: every part
 * of the pod spec that decides what the agent may do appears in the command line exactly,
 * and what the lab cannot map faithfully is refused rather than approximated.
 */
class PodmanPodTest {

    static final OperatorConfig.Agent AGENT = DiagnosticJobFactoryTest.config(true, null);

    static final PodmanPod.NodeView NODE = new PodmanPod.NodeView("healthy-client", "wgfa-abc123-client",
            Path.of("/tmp/wgfa-abc123-x/run/client"), Path.of("/etc/netns/wgfa-abc123-client/hosts"));

    static PodSpec operatorsPod() {
        return new DiagnosticJobFactory(AGENT).build(new NodeBuilder().withNewMetadata().withName("healthy-client").withUid("u")
                .endMetadata().build(), List.of("healthy/to-server"), Instant.parse("2026-12-01T00:00:00Z"))
                .getSpec().getTemplate().getSpec();
    }

    static List<String> argv(PodSpec pod) {
        return PodmanPod.runCommand("c1", "job-1", "wgfleet-system", pod, NODE, "http://169.254.77.1:4321", Path.of("/tmp/sa"));
    }

    @Test
    void theJobsPodSpecIsTranslatedExactly() {
        List<String> argv = argv(operatorsPod());
        assertThat(argv).startsWith("podman", "run", "--rm", "--name", "c1", "--pull=never");
        assertThat(pairs(argv, "--network")).containsExactly("ns:/run/netns/wgfa-abc123-client");
        assertThat(pairs(argv, "--cap-drop")).containsExactly("ALL");
        assertThat(pairs(argv, "--cap-add")).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
        assertThat(pairs(argv, "--user")).containsExactly("0");
        assertThat(argv).contains("--read-only", "--read-only-tmpfs=false");
        assertThat(pairs(argv, "--security-opt")).containsExactly("no-new-privileges");
        assertThat(pairs(argv, "--memory")).containsExactly(Long.toString(256L * 1024 * 1024));
        assertThat(pairs(argv, "-v")).containsExactlyInAnyOrder(
                "/etc/netns/wgfa-abc123-client/hosts:/etc/hosts:ro",
                "/tmp/wgfa-abc123-x/run/client:/var/run/wireguard:ro",
                "/tmp/sa:" + PodmanPod.SERVICE_ACCOUNT_DIR + ":ro");
        assertThat(pairs(argv, "--mount")).containsExactly("type=tmpfs,destination=/tmp");
        assertThat(pairs(argv, "-e")).containsExactlyInAnyOrder("NODE_NAME=healthy-client", "KUBERNETES_MASTER=http://169.254.77.1:4321");
        String entrypoint = pairs(argv, "--entrypoint").get(0);
        assertThat(entrypoint).startsWith("[\"java\",").contains("\"io.wgfleet.agent.AgentMain\"", "\"--node\",\"healthy-client\"",
                "\"--peers\",\"healthy/to-server\"");
        assertThat(argv.get(argv.size() - 1)).as("the image, with no args after it").isEqualTo(AGENT.image());
    }

    @Test
    void aCapabilityTakenAwayIsNotAdded() {
        PodSpec pod = operatorsPod();
        pod.getContainers().get(0).getSecurityContext().getCapabilities().setAdd(List.of("NET_ADMIN"));
        assertThat(pairs(argv(pod), "--cap-add")).containsExactly("NET_ADMIN");
    }

    @Test
    void whatTheLabCannotMapIsRefused() {
        PodSpec otherHostPath = operatorsPod();
        otherHostPath.getVolumes().set(0, new VolumeBuilder().withName("wireguard-run")
                .withHostPath(new HostPathVolumeSourceBuilder().withPath("/etc/wireguard").build()).build());
        assertThatThrownBy(() -> argv(otherHostPath)).hasMessageContaining("/etc/wireguard");
        PodSpec podNetwork = operatorsPod();
        podNetwork.setHostNetwork(false);
        assertThatThrownBy(() -> argv(podNetwork)).hasMessageContaining("hostNetwork");
        PodSpec privileged = operatorsPod();
        privileged.getContainers().get(0).getSecurityContext().setPrivileged(true);
        assertThatThrownBy(() -> argv(privileged)).hasMessageContaining("privileged");
    }

    /** The values following each occurrence of a flag. */
    static List<String> pairs(List<String> argv, String flag) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(flag)) {
                out.add(argv.get(i + 1));
            }
        }
        return Collections.unmodifiableList(out);
    }

}
