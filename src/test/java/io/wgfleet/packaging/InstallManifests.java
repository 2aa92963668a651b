package io.wgfleet.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the plain install manifests under {@code k8s/install/} from the Helm chart:
 * its templates rendered with the defaults of {@code values.yaml} into the namespace
 * {@value #NAMESPACE}. The chart is the one source; {@link InstallManifestsTest} fails
 * when the committed files differ from this rendering and rewrites them with
 * {@code mvn test -Dtest=InstallManifestsTest -Dwgfleet.updateManifests=true}.
 */
final class InstallManifests {

    static final Path DIR = Path.of("k8s", "install");
    static final String NAMESPACE = "wgfleet-system";
    /** Templates of operator.yaml, in apply order (what a later object refers to comes first). */
    static final List<String> OPERATOR = List.of("serviceaccounts.yaml", "rbac-operator.yaml", "rbac-agent.yaml",
            "service.yaml", "deployment.yaml");
    /** Templates of monitoring.yaml: the optional parts, rendered as if enabled. */
    static final List<String> MONITORING = List.of("servicemonitor.yaml", "dashboard-configmap.yaml");
    /** Templates that are not manifests. */
    static final List<String> NOT_MANIFESTS = List.of("NOTES.txt");

    private InstallManifests() {
    }

    /** File name under k8s/install to its content. */
    static Map<String, String> render(ChartRenderer chart) {
        Map<String, Object> defaults = chart.defaultValues();
        Map<String, String> out = new LinkedHashMap<>();

        StringBuilder operator = new StringBuilder(header("the operator: namespace, service accounts, RBAC, Service, Deployment",
                "Install the CRDs first: kubectl apply -f crds/"));
        operator.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(NAMESPACE).append('\n');
        for (String t : OPERATOR) {
            for (String doc : ChartRenderer.documents(chart.render(t, defaults, NAMESPACE))) {
                operator.append("---\n").append(doc);
            }
        }
        out.put("operator.yaml", operator.toString());

        Map<String, Object> monitoringOn = withMonitoring(defaults);
        StringBuilder monitoring = new StringBuilder(header("optional monitoring: a prometheus-operator ServiceMonitor and the Grafana dashboard",
                "Needs the monitoring.coreos.com CRDs (kube-prometheus-stack) and a Grafana dashboard sidecar."));
        boolean first = true;
        for (String t : MONITORING) {
            for (String doc : ChartRenderer.documents(chart.render(t, monitoringOn, NAMESPACE))) {
                monitoring.append(first ? "" : "---\n").append(doc);
                first = false;
            }
        }
        out.put("monitoring.yaml", monitoring.toString());
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> withMonitoring(Map<String, Object> defaults) {
        Map<String, Object> values = ChartRenderer.deepCopy(defaults);
        ((Map<String, Object>) values.get("serviceMonitor")).put("enabled", true);
        ((Map<String, Object>) values.get("dashboard")).put("enabled", true);
        return values;
    }

    private static String header(String what, String note) {
        return "# wgfleet " + what + ".\n"
                + "# " + note + "\n"
                + "# GENERATED from helm/wgfleet (templates, values.yaml defaults, namespace " + NAMESPACE + ") by\n"
                + "# src/test/java/io/wgfleet/packaging/InstallManifests.java. Do not edit: change the chart, then run\n"
                + "#   mvn test -Dtest=InstallManifestsTest -Dwgfleet.updateManifests=true\n";
    }

    static void write(Map<String, String> files) throws IOException {
        Files.createDirectories(DIR);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(DIR.resolve(f.getKey()), f.getValue());
        }
    }
}
