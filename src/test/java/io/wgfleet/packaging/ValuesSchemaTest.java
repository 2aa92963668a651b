package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json accepts the chart's defaults and rejects what would install a broken
 * operator. helm validates the values merged from values.yaml and the user's overrides,
 * so each broken case here is the defaults with one override.
 */
class ValuesSchemaTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final ChartRenderer chart = new ChartRenderer();

    Set<ValidationMessage> validate(Map<String, Object> values) throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(Files.readString(chart.chart().resolve("values.schema.json")));
        JsonNode node = JSON.valueToTree(values);
        return schema.validate(node);
    }

    @Test
    void theDefaultsAreValid() throws Exception {
        assertThat(validate(chart.defaultValues())).isEmpty();
    }

    @Test
    void theMonitoringAndCustomAgentSettingsAreValid() throws Exception {
        Map<String, Object> v = InstallManifests.withMonitoring(chart.defaultValues());
        at(v, "serviceMonitor").put("labels", Map.of("release", "kube-prometheus-stack"));
        at(v, "agent").put("image", "registry.example.com/wgfleet/wgfleet:0.1.0");
        at(v, "agent").put("tolerateAllTaints", false);
        at(v, "agent").put("tolerations", "dedicated=vpn:NoSchedule,gateway:NoExecute");
        v.put("replicas", 1);
        at(v, "leaderElection").put("enabled", false);
        assertThat(validate(v)).isEmpty();
    }

    @Test
    void brokenValuesAreRejected() throws Exception {
        Map<String, Consumer<Map<String, Object>>> broken = new LinkedHashMap<>();
        broken.put("unknown top-level key (a typo)", v -> v.put("replica", 2));
        broken.put("unknown nested key", v -> at(v, "agent").put("maxConcurentJobs", 5));
        broken.put("replicas zero", v -> v.put("replicas", 0));
        broken.put("replicas as a string", v -> v.put("replicas", "2"));
        broken.put("two replicas without leader election", v -> at(v, "leaderElection").put("enabled", false));
        broken.put("pull policy not one of the three", v -> at(v, "image").put("pullPolicy", "Sometimes"));
        broken.put("empty image tag", v -> at(v, "image").put("tag", ""));
        broken.put("image repository with a space", v -> at(v, "image").put("repository", "ghcr.io/wg fleet"));
        broken.put("duration without unit", v -> at(v, "agent").put("activeDeadline", "60"));
        broken.put("duration as a number", v -> at(v, "agent").put("ttlAfterFinished", 600));
        broken.put("no concurrent jobs", v -> at(v, "agent").put("maxConcurrentJobs", 0));
        broken.put("toleration with an unknown effect", v -> at(v, "agent").put("tolerations", "dedicated=vpn:Sometimes"));
        broken.put("memory quantity with a bad unit", v -> at(at(v, "agent"), "resources").put("memoryLimit", "256MB"));
        broken.put("operator resources with an unknown resource", v -> at(v, "resources").put("gpu", Map.of()));
        broken.put("serviceMonitor.enabled as a string", v -> at(v, "serviceMonitor").put("enabled", "yes"));
        broken.put("serviceMonitor label value not a string", v -> at(v, "serviceMonitor").put("labels", Map.of("release", 1)));
        broken.put("dashboard missing enabled", v -> at(v, "dashboard").remove("enabled"));
        for (Map.Entry<String, Consumer<Map<String, Object>>> c : broken.entrySet()) {
            Map<String, Object> v = ChartRenderer.deepCopy(chart.defaultValues());
            c.getValue().accept(v);
            assertThat(validate(v)).as("values with %s", c.getKey()).isNotEmpty();
        }
    }

    @Test
    void everyDurationDefaultIsOneTheOperatorParses() {
        Map<String, Object> agent = at(chart.defaultValues(), "agent");
        for (String key : List.of("activeDeadline", "ttlAfterFinished", "batchDelay")) {
            String value = (String) agent.get(key);
            assertThat(new io.quarkus.runtime.configuration.DurationConverter().convert(value)).as(key).isPositive();
        }
        assertThat(new io.quarkus.runtime.configuration.DurationConverter().convert("500ms").toMillis()).isEqualTo(500);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> values, String key) {
        return (Map<String, Object>) values.get(key);
    }
}
