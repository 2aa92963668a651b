package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of JSONPath that CRD printer columns use: {@code .a.b}, {@code [n]} and
 * {@code [?(@.field=="value")]}. Several matches are joined with commas, as the API
 * server prints them.
 */
final class JsonPathLite {

    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)]");

    private JsonPathLite() {
    }

    static String read(JsonNode root, String path) {
        List<JsonNode> current = List.of(root);
        Matcher m = STEP.matcher(path);
        int at = 0;
        while (m.find()) {
            if (m.start() != at) {
                return "";
            }
            at = m.end();
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                if (m.group(1) != null) {
                    JsonNode c = n.get(m.group(1));
                    if (c != null && !c.isNull()) {
                        next.add(c);
                    }
                } else if (m.group(2) != null) {
                    JsonNode c = n.get(Integer.parseInt(m.group(2)));
                    if (c != null) {
                        next.add(c);
                    }
                } else if (n.isArray()) {
                    for (JsonNode e : n) {
                        if (m.group(4).equals(e.path(m.group(3)).asText(null))) {
                            next.add(e);
                        }
                    }
                }
            }
            current = next;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : current) {
            out.add(n.isValueNode() ? n.asText() : n.toString());
        }
        return String.join(",", out);
    }
}
