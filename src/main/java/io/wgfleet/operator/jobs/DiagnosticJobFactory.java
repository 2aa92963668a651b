package io.wgfleet.operator.jobs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.wgfleet.operator.OperatorConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the diagnostic Job for one node and one round. The agent needs the node's
 * network namespace (host networking) and NET_ADMIN/NET_RAW, nothing else; the Job
 * is owned by the Node so it goes away with the node, and by TTL once finished.
 */
public final class DiagnosticJobFactory {

    public static final String APP_LABEL = "app.kubernetes.io/name";
    public static final String APP = "wgfleet-agent";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "wgfleet-operator";
    /** Label with the node (hashed when the name does not fit a label value). */
    public static final String NODE_LABEL = "wgfleet.io/node";
    /** Annotation with the exact node name, whatever its length. */
    public static final String NODE_ANNOTATION = "wgfleet.io/node";
    public static final String PEERS_ANNOTATION = "wgfleet.io/peers";
    public static final String AGENT_MAIN = "io.wgfleet.agent.AgentMain";

    private final OperatorConfig.Agent config;

    public DiagnosticJobFactory(OperatorConfig.Agent config) {
        this.config = config;
    }

    /** The label value that selects a node's Jobs. */
    public static String nodeLabel(String nodeName) {
        if (nodeName.length() <= 63) {
            return nodeName;
        }
        return nodeName.substring(0, 50) + "-" + hash(nodeName).substring(0, 12);
    }

    public Job build(Node node, List<String> peers, Instant roundStart) {
        String nodeName = node.getMetadata().getName();
        String stamp = Long.toString(roundStart.getEpochSecond(), 36);
        String name = jobName(nodeName, stamp);
        List<String> command = new ArrayList<>(List.of("java", "-XX:MaxRAMPercentage=75",
                "-cp", "/deployments/app/*:/deployments/lib/main/*", AGENT_MAIN,
                "--node", nodeName, "--probe-wait", config.probeWait()));
        if (!peers.isEmpty()) {
            command.add("--peers");
            command.add(String.join(",", peers));
        }
        return new JobBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(config.namespace())
                    .withLabels(Map.of(APP_LABEL, APP, MANAGED_BY_LABEL, MANAGED_BY, NODE_LABEL, nodeLabel(nodeName)))
                    .withAnnotations(Map.of(NODE_ANNOTATION, nodeName, PEERS_ANNOTATION, String.join(",", peers)))
                    // owned by the Node: deleting the node deletes its pending diagnostics
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion("v1").withKind("Node").withName(nodeName).withUid(node.getMetadata().getUid())
                            .withBlockOwnerDeletion(false).withController(false).build())
                .endMetadata()
                .withNewSpec()
                    // a failed diagnostic is reported, not retried: the next round runs anyway
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(config.activeDeadline().toSeconds())
                    .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(Map.of(APP_LABEL, APP, MANAGED_BY_LABEL, MANAGED_BY, NODE_LABEL, nodeLabel(nodeName)))
                        .endMetadata()
                        .withNewSpec()
                            .withNodeName(nodeName)
                            .withRestartPolicy("Never")
                            .withServiceAccountName(config.serviceAccount())
                            // the agent observes and probes the node's own network stack
                            .withHostNetwork(true)
                            .withDnsPolicy("ClusterFirstWithHostNet")
                            .withTolerations(tolerations())
                            .addNewContainer()
                                .withName("agent")
                                .withImage(config.image())
                                .withImagePullPolicy(config.imagePullPolicy())
                                .withCommand(command)
                                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                                    .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                                .withNewResources()
                                    .withRequests(Map.of("cpu", new Quantity(config.cpuRequest()), "memory", new Quantity(config.memoryRequest())))
                                    .withLimits(Map.of("memory", new Quantity(config.memoryLimit())))
                                .endResources()
                                .withNewSecurityContext()
                                    // root inside the container, but only two capabilities:
                                    // NET_ADMIN to read WireGuard state and add/remove the agent's
                                    // own counter-only nftables table; NET_RAW for the probe pings
                                    .withRunAsUser(0L)
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withNewCapabilities().withDrop("ALL").withAdd("NET_ADMIN", "NET_RAW").endCapabilities()
                                .endSecurityContext()
                                .addNewVolumeMount().withName("wireguard-run").withMountPath("/var/run/wireguard").withReadOnly(true).endVolumeMount()
                                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                            // wireguard-go's control sockets live here; kernel WireGuard needs only netlink
                            .addNewVolume().withName("wireguard-run").withNewHostPath().withPath("/var/run/wireguard")
                                .withType("DirectoryOrCreate").endHostPath().endVolume()
                            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private List<Toleration> tolerations() {
        List<Toleration> out = new ArrayList<>();
        if (config.tolerateAllTaints()) {
            out.add(new TolerationBuilder().withOperator("Exists").build());
        }
        config.tolerations().ifPresent(list -> {
            for (String t : list.split(",")) {
                String s = t.trim();
                if (s.isEmpty()) {
                    continue;
                }
                int colon = s.lastIndexOf(':');
                String kv = colon < 0 ? s : s.substring(0, colon);
                String effect = colon < 0 ? null : s.substring(colon + 1);
                int eq = kv.indexOf('=');
                TolerationBuilder b = new TolerationBuilder().withKey(eq < 0 ? kv : kv.substring(0, eq)).withEffect(effect);
                out.add(eq < 0 ? b.withOperator("Exists").build() : b.withOperator("Equal").withValue(kv.substring(eq + 1)).build());
            }
        });
        return out;
    }

    static String jobName(String nodeName, String stamp) {
        String base = "wgfleet-agent-" + nodeName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = "-" + stamp;
        // Job names feed the pods' job-name label: 63 characters at most
        if (base.length() + suffix.length() > 63) {
            base = base.substring(0, 63 - suffix.length() - 9) + "-" + hash(nodeName).substring(0, 8);
        }
        return base + suffix;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
