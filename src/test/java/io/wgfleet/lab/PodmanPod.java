package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A diagnostic Job's pod as one {@code podman run} in a lab node, translated the way the
 * kubelet and the container runtime apply the pod spec, and refusing what it cannot
 * translate faithfully (an unknown volume type or field reference fails the Job instead of
 * running something else):
 * <ul>
 *   <li>command and args: the entrypoint and the arguments, the image's own cleared;</li>
 *   <li>securityContext: the user and group, the capabilities dropped and added exactly as
 *       listed, a read-only root filesystem (without podman's extra tmpfs mounts, which
 *       Kubernetes does not add), no-new-privileges for allowPrivilegeEscalation false;</li>
 *   <li>hostNetwork: the lab node's network namespace, which is the node's network;</li>
 *   <li>hostPath volumes: the lab node's own directory for that path (a lab node's
 *       /var/run/wireguard is its private run directory); emptyDir: a tmpfs;</li>
 *   <li>the node's /etc/hosts, as the kubelet gives hostNetwork pods;</li>
 *   <li>the memory limit; env values and the downward API fields spec.nodeName,
 *       metadata.name and metadata.namespace;</li>
 *   <li>the service account: a token file at the usual path. The lab API server speaks plain
 *       HTTP, so its address goes in KUBERNETES_MASTER (fabric8 would dial
 *       KUBERNETES_SERVICE_HOST with TLS): the one place this differs from a cluster.</li>
 * </ul>
 */
final class PodmanPod {

    static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    /** What of the lab node a pod sees: its namespace, its run directory and its hosts file. */
    record NodeView(String nodeName, String netns, Path wireguardRunDir, Path hostsFile) {
    }

    private PodmanPod() {
    }

    /**
     * The podman command line for the Job's pod.
     *
     * @param containerName the name podman gives the container (to stop it on a deadline)
     * @param serviceAccount a directory holding the token and namespace files to mount
     */
    static List<String> runCommand(String containerName, String podName, String podNamespace, PodSpec pod, NodeView node,
                                   String apiUrl, Path serviceAccount) {
        if (pod.getContainers().size() != 1 || pod.getInitContainers() != null && !pod.getInitContainers().isEmpty()) {
            throw new UnsupportedOperationException("the lab kubelet runs pods of one container and no init containers");
        }
        if (!Boolean.TRUE.equals(pod.getHostNetwork())) {
            throw new UnsupportedOperationException("the lab kubelet runs hostNetwork pods only: a lab node has no pod network");
        }
        Container c = pod.getContainers().get(0);
        List<String> argv = new ArrayList<>(List.of("podman", "run", "--rm", "--name", containerName,
                // the image must be local (IfNotPresent, and no registry is reachable)
                "--pull=never",
                "--network", "ns:/run/netns/" + node.netns(),
                "--hostname", node.nodeName().length() <= 63 ? node.nodeName() : node.nodeName().substring(0, 63),
                "--no-hosts", "-v", node.hostsFile() + ":/etc/hosts:ro"));
        security(argv, pod.getSecurityContext(), c.getSecurityContext());
        Quantity memory = c.getResources() == null || c.getResources().getLimits() == null ? null
                : c.getResources().getLimits().get("memory");
        if (memory != null) {
            argv.addAll(List.of("--memory", Long.toString(Quantity.getAmountInBytes(memory).longValueExact())));
        }
        volumes(argv, pod, c, node);
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            argv.addAll(List.of("-e", e.getName() + "=" + envValue(e, podName, podNamespace, node)));
        }
        argv.addAll(List.of("-e", "KUBERNETES_MASTER=" + apiUrl,
                "-v", serviceAccount + ":" + SERVICE_ACCOUNT_DIR + ":ro"));
        List<String> command = c.getCommand() == null ? List.of() : c.getCommand();
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
        if (!command.isEmpty()) {
            // a JSON array: the entrypoint exactly, and the image's CMD cleared, as Kubernetes does
            argv.addAll(List.of("--entrypoint", json(command)));
        }
        argv.add(c.getImage());
        argv.addAll(args);
        return argv;
    }

    private static void security(List<String> argv, PodSecurityContext podSc, SecurityContext sc) {
        Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : podSc == null ? null : podSc.getRunAsUser();
        Long group = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : podSc == null ? null : podSc.getRunAsGroup();
        if (user != null) {
            argv.addAll(List.of("--user", user + (group != null ? ":" + group : "")));
        }
        if (sc == null) {
            return;
        }
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
            throw new UnsupportedOperationException("the lab kubelet does not run privileged containers");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps != null) {
            for (String d : caps.getDrop() == null ? List.<String>of() : caps.getDrop()) {
                argv.addAll(List.of("--cap-drop", d));
            }
            for (String a : caps.getAdd() == null ? List.<String>of() : caps.getAdd()) {
                argv.addAll(List.of("--cap-add", a));
            }
        }
        if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            argv.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
        }
        if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            argv.addAll(List.of("--security-opt", "no-new-privileges"));
        }
    }

    private static void volumes(List<String> argv, PodSpec pod, Container c, NodeView node) {
        Map<String, Volume> byName = (pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()).stream()
                .collect(Collectors.toMap(Volume::getName, v -> v));
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Volume v = byName.get(m.getName());
            if (v == null) {
                throw new IllegalArgumentException("volumeMount " + m.getName() + " names no volume of the pod");
            }
            String ro = Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : "";
            if (v.getHostPath() != null) {
                argv.addAll(List.of("-v", nodePath(v.getHostPath().getPath(), node) + ":" + m.getMountPath() + ro));
            } else if (v.getEmptyDir() != null) {
                argv.addAll(List.of("--mount", "type=tmpfs,destination=" + m.getMountPath() + (ro.isEmpty() ? "" : ",ro=true")));
            } else {
                throw new UnsupportedOperationException("volume " + v.getName() + ": the lab kubelet maps hostPath and emptyDir only");
            }
        }
    }

    /** A hostPath on the lab node: the node's own directory where the lab gives it one. */
    static Path nodePath(String hostPath, NodeView node) {
        String p = hostPath.endsWith("/") ? hostPath.substring(0, hostPath.length() - 1) : hostPath;
        if (p.equals("/var/run/wireguard") || p.equals("/run/wireguard")) {
            return node.wireguardRunDir();
        }
        throw new UnsupportedOperationException("hostPath " + hostPath + ": a lab node has its own /var/run/wireguard only");
    }

    private static String envValue(EnvVar e, String podName, String podNamespace, NodeView node) {
        if (e.getValueFrom() == null) {
            return e.getValue() == null ? "" : e.getValue();
        }
        if (e.getValueFrom().getFieldRef() == null) {
            throw new UnsupportedOperationException("env " + e.getName() + ": the lab kubelet resolves fieldRef only");
        }
        String field = e.getValueFrom().getFieldRef().getFieldPath();
        return switch (field) {
            case "spec.nodeName" -> node.nodeName();
            case "metadata.name" -> podName;
            case "metadata.namespace" -> podNamespace;
            default -> throw new UnsupportedOperationException("env " + e.getName() + ": fieldRef " + field + " is not resolved by the lab kubelet");
        };
    }

    private static String json(List<String> items) {
        return items.stream().map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    /** The hosts file a hostNetwork pod on the node sees: the node's own, else the machine's. */
    static Path hostsOf(String netns) {
        Path own = Path.of("/etc/netns", netns, "hosts");
        return Files.exists(own) ? own : Path.of("/etc/hosts");
    }
}
