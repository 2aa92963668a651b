package io.wgfleet.packaging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart as real Helm (3.21, the native library of helm-java) lints and renders it:
 * what {@code helm lint --strict} and {@code helm template} print, values.schema.json
 * enforced by Helm itself. The tests and the generated {@code k8s/install/} read nothing
 * else, so a template Helm rejects fails the build.
 */
final class HelmChart {

    static final Path CHART = Path.of("helm", "wgfleet");
    static final String RELEASE = "wgfleet";
    /** A Kubernetes version inside the chart's kubeVersion constraint (Helm's default would be older). */
    static final String KUBE_VERSION = "1.30.0";
    private static final Pattern SOURCE = Pattern.compile("\\A# Source: " + Pattern.quote(RELEASE) + "/templates/([^\\n]+)\\n");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** One document of {@code helm template} output: the template it came from and its text (Source line removed). */
    record Document(String template, String text) {
    }

    /** values.yaml as Helm reads it. */
    static Map<String, Object> defaultValues() {
        return readYaml(CHART.resolve("values.yaml"));
    }

    /** The names of templates/*, sorted: the manifests and NOTES.txt. */
    static List<String> templateNames() {
        try (Stream<Path> s = Files.list(CHART.resolve("templates"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code helm lint --strict CHART}. */
    static LintResult lintStrict(Path chart) {
        return new Helm(chart).lint().strict().call();
    }

    /** {@code helm template} of the chart's defaults for another Kubernetes version (the chart's kubeVersion constraint applies). */
    static String templateForKubeVersion(String kubeVersion) {
        return new Helm(CHART).template().withName(RELEASE).withNamespace("default").withKubeVersion(kubeVersion).call();
    }

    /**
     * {@code helm template} with these values as the one values file (so every key given
     * replaces the chart's default, and Helm validates the merged values against the schema).
     * Helm refuses values the schema rejects with an {@link IllegalStateException}.
     */
    static String templateRaw(Map<String, Object> values, String namespace) {
        Path file = valuesFile(values);
        try {
            return new Helm(CHART).template().withName(RELEASE).withNamespace(namespace).withKubeVersion(KUBE_VERSION)
                    .withValuesFile(file).call();
        } finally {
            delete(file);
        }
    }

    /** The rendered documents, in Helm's order (its install order by kind), without empty ones. */
    static List<Document> template(Map<String, Object> values, String namespace) {
        return documents(templateRaw(values, namespace));
    }

    /** What {@code helm install --dry-run} prints, NOTES.txt included (client only: no cluster is contacted). */
    static String installDryRunOutput(Map<String, Object> values, String namespace) {
        Path file = valuesFile(values);
        try {
            return new Helm(CHART).install().withName(RELEASE).withNamespace(namespace).withKubeVersion(KUBE_VERSION)
                    .withValuesFile(file).dryRun().clientOnly().call().getOutput();
        } finally {
            delete(file);
        }
    }

    static List<Document> documents(String helmOutput) {
        List<Document> out = new ArrayList<>();
        for (String doc : helmOutput.split("(?m)^---\\s*$")) {
            String text = doc.strip() + "\n";
            if (text.isBlank()) {
                continue;
            }
            Matcher m = SOURCE.matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("a document of helm template output without its # Source line: " + text);
            }
            String body = text.substring(m.end());
            boolean content = body.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
            if (content) {
                out.add(new Document(m.group(1), body));
            }
        }
        return out;
    }

    /** The documents of a plain YAML file, leaving out empty and comment-only ones. */
    static List<String> yamlDocuments(String text) {
        List<String> out = new ArrayList<>();
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))) {
                out.add(doc.strip() + "\n");
            }
        }
        return out;
    }

    static Map<String, Object> readYaml(Path file) {
        try {
            return YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> values) {
        return YAML.convertValue(values, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> values, String key) {
        return (Map<String, Object>) values.get(key);
    }

    private static Path valuesFile(Map<String, Object> values) {
        try {
            Path file = Files.createTempFile("wgfleet-values-", ".yaml");
            YAML.writeValue(file.toFile(), values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HelmChart() {
    }
}
