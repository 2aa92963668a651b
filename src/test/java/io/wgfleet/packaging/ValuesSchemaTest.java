package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json, as Helm itself enforces it: helm template accepts the chart's
 * defaults and the documented overrides, and refuses what would install a broken
 * operator. Helm validates the values merged from values.yaml and the user's overrides,
 * so each broken case is the defaults with one override. Helm's wording differs between
 * versions, so the refusal is checked to name the offending key, not matched word for word.
 */
class ValuesSchemaTest {

    static final String NS = "wgfleet-test";

    @Test
    void theDefaultsAreValid() {
        assertThatCode(() -> HelmChart.template(HelmChart.defaultValues(), NS)).doesNotThrowAnyException();
    }

    @Test
    void theMonitoringAndCustomAgentSettingsAreValid() {
        Map<String, Object> v = InstallManifests.withMonitoring(HelmChart.defaultValues());
        at(v, "serviceMonitor").put("labels", Map.of("release", "kube-prometheus-stack"));
        at(v, "agent").put("image", "registry.example.com/wgfleet/wgfleet:0.1.0");
        at(v, "agent").put("tolerateAllTaints", false);
        at(v, "agent").put("tolerations", "dedicated=vpn:NoSchedule,gateway:NoExecute");
        v.put("replicas", 1);
        at(v, "leaderElection").put("enabled", false);
        assertThatCode(() -> HelmChart.template(v, NS)).doesNotThrowAnyException();
    }

    /** A broken override and a word the refusal must contain (the key, or the value where Helm names that). */
    record Broken(String what, Consumer<Map<String, Object>> override, String named) {
    }

    @Test
    void brokenValuesAreRejectedByHelm() {
        List<Broken> broken = List.of(
                new Broken("unknown top-level key (a typo)", v -> v.put("replica", 2), "replica"),
                new Broken("unknown nested key", v -> at(v, "agent").put("maxConcurentJobs", 5), "maxConcurentJobs"),
                new Broken("replicas zero", v -> v.put("replicas", 0), "replicas"),
                new Broken("replicas as a string", v -> v.put("replicas", "2"), "replicas"),
                new Broken("two replicas without leader election", v -> at(v, "leaderElection").put("enabled", false), "replicas"),
                new Broken("pull policy not one of the three", v -> at(v, "image").put("pullPolicy", "Sometimes"), "pullPolicy"),
                new Broken("empty image tag", v -> at(v, "image").put("tag", ""), "tag"),
                new Broken("image repository with a space", v -> at(v, "image").put("repository", "ghcr.io/wg fleet"), "repository"),
                new Broken("duration without unit", v -> at(v, "agent").put("activeDeadline", "60"), "activeDeadline"),
                new Broken("duration as a number", v -> at(v, "agent").put("ttlAfterFinished", 600), "ttlAfterFinished"),
                new Broken("no concurrent jobs", v -> at(v, "agent").put("maxConcurrentJobs", 0), "maxConcurrentJobs"),
                new Broken("toleration with an unknown effect", v -> at(v, "agent").put("tolerations", "dedicated=vpn:Sometimes"), "tolerations"),
                new Broken("memory quantity with a bad unit", v -> at(at(v, "agent"), "resources").put("memoryLimit", "256MB"), "memoryLimit"),
                new Broken("operator resources with an unknown resource", v -> at(v, "resources").put("gpu", Map.of()), "gpu"),
                new Broken("serviceMonitor.enabled as a string", v -> at(v, "serviceMonitor").put("enabled", "yes"), "enabled"),
                new Broken("serviceMonitor label value not a string", v -> at(v, "serviceMonitor").put("labels", Map.of("release", 1)), "release"),
                                // null is how a user removes a default in Helm; the schema requires the key
                new Broken("dashboard.enabled removed", v -> at(v, "dashboard").put("enabled", null), "enabled"));
        Map<String, String> refusals = new LinkedHashMap<>();
        for (Broken b : broken) {
            Map<String, Object> v = HelmChart.deepCopy(HelmChart.defaultValues());
            b.override().accept(v);
            Throwable refused = catchThrowable(() -> HelmChart.template(v, NS));
            assertThat(refused).as("helm template with %s", b.what()).isInstanceOf(IllegalStateException.class);
            assertThat(refused.getMessage()).as("helm's refusal of %s", b.what()).contains("values").contains(b.named());
            refusals.put(b.what(), refused.getMessage().lines().filter(l -> l.contains(b.named())).findFirst().orElse(""));
        }
        refusals.forEach((what, line) -> System.out.println("helm refuses " + what + ": " + line.strip()));
    }

    @Test
    void everyDurationDefaultIsOneTheOperatorParses() {
        Map<String, Object> agent = at(HelmChart.defaultValues(), "agent");
        for (String key : List.of("activeDeadline", "ttlAfterFinished", "batchDelay")) {
            String value = (String) agent.get(key);
            assertThat(new io.quarkus.runtime.configuration.DurationConverter().convert(value)).as(key).isPositive();
        }
        assertThat(new io.quarkus.runtime.configuration.DurationConverter().convert("500ms").toMillis()).isEqualTo(500);
    }

    static Map<String, Object> at(Map<String, Object> values, String key) {
        return HelmChart.at(values, key);
    }
}
