package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.OperatorConfig;
import io.wgfleet.operator.SpecValidator;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest parses into typed Kubernetes objects and carries what the API server
 * requires; the rendered chart hangs together (selectors, service accounts, env the
 * operator reads) for the defaults and for the other value combinations.
 */
class ManifestsTest {

    static final String NS = "wgfleet-test";
    /** Value combinations worth rendering: defaults (two replicas), everything optional on, one replica, custom agent. */
    List<Map<String, Object>> valueSets() {
        Map<String, Object> single = HelmChart.deepCopy(HelmChart.defaultValues());
        single.put("replicas", 1);
        ValuesSchemaTest.at(single, "leaderElection").put("enabled", false);
        ValuesSchemaTest.at(single, "agent").put("image", "registry.example.com/wgfleet:0.1.0");
        ValuesSchemaTest.at(single, "agent").put("tolerations", "dedicated=vpn:NoSchedule");
        Map<String, Object> monitoring = InstallManifests.withMonitoring(HelmChart.defaultValues());
        ValuesSchemaTest.at(monitoring, "serviceMonitor").put("labels", Map.of("release", "kube-prometheus-stack"));
        return List.of(HelmChart.defaultValues(), monitoring, single);
    }

    /** The chart as helm template renders it, parsed. */
    static List<HasMetadata> rendered(Map<String, Object> values) {
        List<HasMetadata> out = new ArrayList<>();
        for (HelmChart.Document d : HelmChart.template(values, NS)) {
            out.add(parse(d.template(), d.text()));
        }
        return out;
    }

    static HasMetadata parse(String where, String doc) {
        HasMetadata o = Serialization.unmarshal(doc, HasMetadata.class);
        assertThat(o).as("%s parses", where).isNotNull();
        assertThat(o.getApiVersion()).as("%s apiVersion", where).isNotBlank();
        assertThat(o.getKind()).as("%s kind", where).isNotBlank();
        assertThat(o.getMetadata()).as("%s metadata", where).isNotNull();
        assertThat(o.getMetadata().getName()).as("%s metadata.name", where).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        return o;
    }

    static List<HasMetadata> parseFile(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : HelmChart.yamlDocuments(Files.readString(file))) {
            out.add(parse(file.toString(), doc));
        }
        return out;
    }

    @Test
    void everyRenderedTemplateIsATypedObjectInTheReleaseNamespace() {
        for (Map<String, Object> values : valueSets()) {
            List<HasMetadata> objects = rendered(values);
            assertThat(objects).extracting(HasMetadata::getKind)
                    .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment");
            for (HasMetadata o : objects) {
                boolean clusterScoped = o instanceof ClusterRole || o instanceof ClusterRoleBinding;
                assertThat(o.getMetadata().getNamespace()).as("namespace of %s %s", o.getKind(), o.getMetadata().getName())
                        .isEqualTo(clusterScoped ? null : NS);
                if (o instanceof GenericKubernetesResource g) {
                    // only kinds fabric8 has no model for may stay generic
                    assertThat(g.getKind()).isEqualTo("ServiceMonitor");
                }
            }
        }
    }

    @Test
    void theDeploymentHangsTogether() throws Exception {
        for (Map<String, Object> values : valueSets()) {
            List<HasMetadata> objects = rendered(values);
            Deployment d = one(objects, Deployment.class);
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            assertThat(d.getSpec().getReplicas()).isEqualTo(((Number) values.get("replicas")).intValue());
            Service svc = one(objects, Service.class);
            assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
            assertThat(objects).filteredOn(o -> o.getKind().equals("ServiceAccount")).extracting(o -> o.getMetadata().getName())
                    .contains(d.getSpec().getTemplate().getSpec().getServiceAccountName(), "wgfleet-agent");

            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c.getImage()).isNotBlank();
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();

            // every WGFLEET_AGENT_* the chart sets is a setting OperatorConfig.Agent reads
            Set<String> agentSettings = Arrays.stream(OperatorConfig.Agent.class.getDeclaredMethods())
                    .map(Method::getName).map(ManifestsTest::envName).map(n -> "WGFLEET_AGENT_" + n).collect(Collectors.toSet());
            List<String> env = c.getEnv().stream().map(EnvVar::getName).toList();
            assertThat(env).doesNotHaveDuplicates();
            assertThat(env.stream().filter(n -> n.startsWith("WGFLEET_AGENT_"))).isSubsetOf(agentSettings);
            assertThat(env).contains("WGFLEET_LEADER_ELECTION_ENABLED", "WGFLEET_LEADER_ELECTION_NAMESPACE",
                    "WGFLEET_AGENT_NAMESPACE", "WGFLEET_AGENT_IMAGE");
            String le = c.getEnv().stream().filter(e -> e.getName().equals("WGFLEET_LEADER_ELECTION_ENABLED")).findFirst().orElseThrow().getValue();
            assertThat(le).isEqualTo(ValuesSchemaTest.at(values, "leaderElection").get("enabled").toString());
            String agentImage = c.getEnv().stream().filter(e -> e.getName().equals("WGFLEET_AGENT_IMAGE")).findFirst().orElseThrow().getValue();
            String custom = (String) ValuesSchemaTest.at(values, "agent").get("image");
            assertThat(agentImage).isEqualTo(custom.isEmpty() ? c.getImage() : custom);
        }
    }

    @Test
    void monitoringIsOptionalAndConsistent() throws Exception {
        assertThat(rendered(HelmChart.defaultValues())).extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor", "ConfigMap");
        List<HasMetadata> on = rendered(valueSets().get(1));
        GenericKubernetesResource sm = (GenericKubernetesResource) on.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        assertThat(sm.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        @SuppressWarnings("unchecked")
        Map<String, String> smSelector = (Map<String, String>) ((Map<String, Object>) ((Map<String, Object>) sm.getAdditionalProperties()
                .get("spec")).get("selector")).get("matchLabels");
        assertThat(one(on, Service.class).getMetadata().getLabels()).containsAllEntriesOf(smSelector);
        ConfigMap dashboard = one(on, ConfigMap.class);
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        String json = dashboard.getData().get("wgfleet.json");
        assertThat(json).isEqualTo(Files.readString(HelmChart.CHART.resolve("dashboards/wgfleet.json")).stripTrailing());
        var tree = new ObjectMapper().readTree(json);
        assertThat(tree.get("panels")).extracting(p -> p.get("title").asText())
                .contains("Handshake age", "Ready peers", "Root causes over time", "Diagnostic Job failures");
    }

    @Test
    void notesRenderAndTellHowToSeePeerHealth() {
        for (Map<String, Object> values : valueSets()) {
            String notes = HelmChart.installDryRunOutput(values, NS);
            assertThat(notes).contains("kubectl get wireguardpeers -A", "kubectl wait --for=condition=Ready", NS,
                    "replicas: " + values.get("replicas"));
            boolean monitoring = (Boolean) ValuesSchemaTest.at(values, "serviceMonitor").get("enabled");
            assertThat(notes.contains("a ServiceMonitor scrapes /q/metrics")).as("NOTES mention the ServiceMonitor").isEqualTo(monitoring);
        }
    }

    @Test
    void plainManifestsCrdsAndSamplesParse() throws IOException {
        Map<String, List<String>> kinds = new TreeMap<>();
        for (Path dir : List.of(Path.of("k8s", "install"), Path.of("crds"), HelmChart.CHART.resolve("crds"), Path.of("k8s", "samples"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                    kinds.put(f.toString(), parseFile(f).stream().map(HasMetadata::getKind).toList());
                }
            }
        }
        assertThat(kinds.get("k8s/install/operator.yaml")).startsWith("Namespace").contains("Deployment");
        assertThat(kinds.get("crds/wireguardpeers.wgfleet.io-v1.yml")).containsExactly("CustomResourceDefinition");
        assertThat(kinds.get("helm/wgfleet/crds/wireguardnodereports.wgfleet.io-v1.yml")).containsExactly("CustomResourceDefinition");
        for (Path crd : List.of(Path.of("crds/wireguardpeers.wgfleet.io-v1.yml"), Path.of("crds/wireguardnodereports.wgfleet.io-v1.yml"))) {
            CustomResourceDefinition d = (CustomResourceDefinition) parseFile(crd).get(0);
            assertThat(d.getSpec().getVersions()).anySatisfy(v -> assertThat(v.getSubresources() == null || v.getStorage()).isTrue());
        }
    }

    @Test
    void theSamplesAreValidPeers() throws IOException {
        int peers = 0;
        try (Stream<Path> files = Files.list(Path.of("k8s", "samples"))) {
            for (Path f : files.sorted().toList()) {
                for (String doc : HelmChart.yamlDocuments(Files.readString(f))) {
                    HasMetadata o = parse(f.toString(), doc);
                    if (o instanceof Namespace) {
                        continue;
                    }
                    assertThat(o.getApiVersion() + " " + o.getKind()).as(f.toString()).isEqualTo("wgfleet.io/v1alpha1 WireGuardPeer");
                    WireGuardPeer peer = Serialization.unmarshal(doc, WireGuardPeer.class);
                    assertThat(SpecValidator.validate(peer.getSpec())).as("%s %s", f, o.getMetadata().getName()).isEmpty();
                    assertThat(o.getMetadata().getNamespace()).isNotBlank();
                    peers++;
                }
            }
        }
        assertThat(peers).isGreaterThanOrEqualTo(4);
    }

    static String envName(String method) {
        return method.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("one %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }
}
