package io.wgfleet.packaging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders the chart's templates the way helm does, for the small subset of the template
 * language the chart is held to. There is no helm binary on the build machines, so this
 * is what generates {@code k8s/install/} and what the manifest tests read; any action
 * outside the subset fails the render instead of being guessed at, so a template cannot
 * quietly mean something else to helm than to the tests. The subset:
 * <ul>
 *   <li>{@code .Values.a.b}, {@code .Release.Namespace}, {@code .Chart.Version}, {@code .Chart.AppVersion}</li>
 *   <li>{@code toYaml .Values.x} and {@code .Files.Get "path"} as the head of a pipeline</li>
 *   <li>pipes {@code quote}, {@code indent N}, {@code nindent N}</li>
 *   <li>{@code if PIPELINE} / {@code else} / {@code end}</li>
 *   <li>the whitespace trim markers {@code {{- } and {@code -}}}</li>
 * </ul>
 */
final class ChartRenderer {

    static final Path CHART = Path.of("helm", "wgfleet");
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-\\s)?\\s*(.*?)\\s*(\\s-)?}}", Pattern.DOTALL);
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path chart;

    ChartRenderer(Path chart) {
        this.chart = chart;
    }

    ChartRenderer() {
        this(CHART);
    }

    Path chart() {
        return chart;
    }

    /** values.yaml as helm reads it. */
    Map<String, Object> defaultValues() {
        return readYaml(chart.resolve("values.yaml"));
    }

    Map<String, Object> chartYaml() {
        return readYaml(chart.resolve("Chart.yaml"));
    }

    /** The names of templates/*, sorted: the manifests and NOTES.txt. */
    List<String> templateNames() {
        try (Stream<Path> s = Files.list(chart.resolve("templates"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every template rendered, by name, in name order. */
    Map<String, String> renderAll(Map<String, Object> values, String namespace) {
        Map<String, String> out = new TreeMap<>();
        for (String name : templateNames()) {
            out.put(name, render(name, values, namespace));
        }
        return out;
    }

    String render(String templateName, Map<String, Object> values, String namespace) {
        String text;
        try {
            text = Files.readString(chart.resolve("templates").resolve(templateName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Values", values);
        root.put("Release", Map.of("Namespace", namespace, "Name", "wgfleet"));
        Map<String, Object> chartMeta = chartYaml();
        root.put("Chart", Map.of("Version", String.valueOf(chartMeta.get("version")),
                "AppVersion", String.valueOf(chartMeta.get("appVersion")), "Name", String.valueOf(chartMeta.get("name"))));
        try {
            return render(text, root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(templateName + ": " + e.getMessage(), e);
        }
    }

    /** The documents of a rendered manifest template, leaving out empty and comment-only ones. */
    static List<String> documents(String rendered) {
        List<String> out = new ArrayList<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            boolean content = doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
            if (content) {
                out.add(doc.strip() + "\n");
            }
        }
        return out;
    }

    // --- the template language subset -------------------------------------------------

    private String render(String text, Map<String, Object> root) {
        // pass 1: tokens with helm's trimming applied to the text between actions
        List<String> texts = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        Matcher m = ACTION.matcher(text);
        int at = 0;
        boolean trimNext = false;
        while (m.find()) {
            String before = text.substring(at, m.start());
            if (trimNext) {
                before = before.stripLeading();
            }
            if (m.group(1) != null) {
                before = before.stripTrailing();
            }
            texts.add(before);
            actions.add(m.group(2));
            trimNext = m.group(3) != null;
            at = m.end();
        }
        String tail = text.substring(at);
        texts.add(trimNext ? tail.stripLeading() : tail);

        // pass 2: evaluate; a stack of "is this branch emitting" for if/else/end
        StringBuilder out = new StringBuilder();
        Deque<boolean[]> branches = new ArrayDeque<>(); // {emitting, conditionWasTrue}
        for (int i = 0; i < actions.size(); i++) {
            if (emitting(branches)) {
                out.append(texts.get(i));
            }
            String action = actions.get(i);
            if (action.startsWith("/*")) {
                continue;
            }
            if (action.startsWith("if ")) {
                boolean cond = emitting(branches) && truthy(evaluate(action.substring(3).trim(), root, true));
                branches.push(new boolean[] {cond, cond});
            } else if (action.equals("else")) {
                boolean[] top = branches.peek();
                if (top == null) {
                    throw new IllegalArgumentException("else without if");
                }
                branches.pop();
                boolean parent = emitting(branches);
                branches.push(new boolean[] {parent && !top[1], top[1]});
            } else if (action.equals("end")) {
                if (branches.isEmpty()) {
                    throw new IllegalArgumentException("end without if");
                }
                branches.pop();
            } else if (emitting(branches)) {
                out.append(toText(evaluate(action, root, false)));
            } else {
                evaluate(action, root, true); // unsupported syntax fails even in a branch not taken
            }
        }
        if (!branches.isEmpty()) {
            throw new IllegalArgumentException("if without end");
        }
        out.append(texts.get(texts.size() - 1));
        return out.toString();
    }

    private static boolean emitting(Deque<boolean[]> branches) {
        return branches.isEmpty() || branches.peek()[0];
    }

    private Object evaluate(String pipeline, Map<String, Object> root, boolean missingIsNull) {
        String[] stages = pipeline.split("\\|");
        Object value = head(stages[0].trim(), root, missingIsNull);
        for (int s = 1; s < stages.length; s++) {
            String[] fn = stages[s].trim().split("\\s+");
            switch (fn[0]) {
                case "quote" -> value = quote(value == null ? "" : toText(value));
                case "indent" -> value = indent(toText(value), Integer.parseInt(arg(fn)));
                case "nindent" -> value = "\n" + indent(toText(value), Integer.parseInt(arg(fn)));
                default -> throw new IllegalArgumentException("unsupported function in the chart's template subset: " + fn[0]);
            }
        }
        return value;
    }

    private static String arg(String[] fn) {
        if (fn.length != 2) {
            throw new IllegalArgumentException(fn[0] + " takes one argument");
        }
        return fn[1];
    }

    private Object head(String expr, Map<String, Object> root, boolean missingIsNull) {
        if (expr.startsWith("toYaml ")) {
            return toYaml(lookup(expr.substring(7).trim(), root, false), 0).stripTrailing();
        }
        Matcher files = Pattern.compile("\\.Files\\.Get \"([^\"]+)\"").matcher(expr);
        if (files.matches()) {
            try {
                return Files.readString(chart.resolve(files.group(1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lookup(expr, root, missingIsNull);
    }

    @SuppressWarnings("unchecked")
    private static Object lookup(String path, Map<String, Object> root, boolean missingIsNull) {
        if (!path.matches("(\\.[A-Za-z][A-Za-z0-9_]*)+")) {
            throw new IllegalArgumentException("unsupported expression in the chart's template subset: " + path);
        }
        Object at = root;
        for (String key : path.substring(1).split("\\.")) {
            if (!(at instanceof Map<?, ?> map) || !map.containsKey(key)) {
                if (missingIsNull) {
                    return null;
                }
                throw new IllegalArgumentException(path + " is not set");
            }
            at = ((Map<String, Object>) map).get(key);
        }
        return at;
    }

    /** Go's truth: false, 0, nil and empty strings, maps and lists are false. */
    private static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    private static String toText(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("a missing value would render as nothing");
        }
        if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
            throw new IllegalArgumentException("a map or list needs toYaml");
        }
        return v.toString();
    }

    /** Sprig's quote: Go's %q. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    /** Sprig's indent: every line, empty ones included, gets the padding. */
    private static String indent(String s, int n) {
        String pad = " ".repeat(n);
        return pad + s.replace("\n", "\n" + pad);
    }

    /** toYaml as helm writes it: block style, keys sorted, strings quoted where YAML would read them otherwise. */
    private static String toYaml(Object v, int level) {
        String pad = "  ".repeat(level);
        StringBuilder out = new StringBuilder();
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return "{}\n";
            }
            new TreeMap<>(map).forEach((k, val) -> {
                out.append(pad).append(scalar(k.toString())).append(':');
                if (val instanceof Map<?, ?> m2 && !m2.isEmpty() || val instanceof Collection<?> c2 && !c2.isEmpty()) {
                    out.append('\n').append(toYaml(val, val instanceof Map<?, ?> ? level + 1 : level));
                } else {
                    out.append(' ').append(toYaml(val, 0));
                }
            });
            return out.toString();
        }
        if (v instanceof Collection<?> list) {
            if (list.isEmpty()) {
                return "[]\n";
            }
            for (Object item : list) {
                boolean block = item instanceof Map<?, ?> m2 && !m2.isEmpty() || item instanceof Collection<?> c2 && !c2.isEmpty();
                String inner = toYaml(item, block ? level + 1 : 0);
                // the item's first line goes after the dash, the rest keep their deeper indent
                out.append(pad).append("- ").append(block ? inner.substring(pad.length() + 2) : inner);
            }
            return out.toString();
        }
        return scalar(v) + "\n";
    }

    private static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        String s = v.toString();
        boolean plain = s.matches("[A-Za-z][A-Za-z0-9._/-]*")
                && !s.matches("(?i)true|false|yes|no|on|off|y|n|null|~");
        return plain ? s : quote(s);
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
}
