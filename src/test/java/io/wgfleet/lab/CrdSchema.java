package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A CRD version's structural {@code openAPIV3Schema} applied to a custom resource the way
 * the API server applies it on create and update, in its order: unknown fields are pruned
 * (and remembered, for {@code fieldValidation}), nulls of non-nullable fields dropped,
 * defaults filled in, then the object validated. Problems are worded as the API server
 * words them, so tests and users see what a cluster would say.
 */
final class CrdSchema {

    /** One field error: {@code field} as the API server names it, {@code reason} its cause reason. */
    record Problem(String field, String reason, String detail) {
        /** As printed after the field: {@code spec.x: <detail>}. */
        String line() {
            return field + ": " + detail;
        }
    }

    /** What applying the schema found; the object itself is pruned and defaulted in place. */
    record Outcome(List<Problem> problems, List<String> unknownFields) {
    }

    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private final JsonNode root;

    CrdSchema(JsonNode openApiV3Schema) {
        this.root = openApiV3Schema;
    }

    JsonNode json() {
        return root;
    }

    /** Prunes, defaults and validates {@code object} (changed in place). */
    Outcome apply(ObjectNode object) {
        List<Problem> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        JsonNode props = root.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        List<String> drop = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ROOT_FIELDS.contains(e.getKey())) {
                continue;
            }
            if (!props.has(e.getKey()) && !preservesUnknown(root)) {
                unknown.add(e.getKey());
                drop.add(e.getKey());
            }
        }
        drop.forEach(object::remove);
        for (Iterator<Map.Entry<String, JsonNode>> f = props.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> p = f.next();
            if (ROOT_FIELDS.contains(p.getKey())) {
                continue;
            }
            JsonNode child = object.get(p.getKey());
            if (child != null) {
                JsonNode kept = prune(child, p.getValue(), p.getKey(), unknown);
                if (kept == null) {
                    object.remove(p.getKey());
                } else {
                    object.set(p.getKey(), kept);
                }
            }
        }
        applyDefaults(object, root);
        for (Iterator<Map.Entry<String, JsonNode>> f = props.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> p = f.next();
            if (!ROOT_FIELDS.contains(p.getKey()) && object.has(p.getKey())) {
                validate(object.get(p.getKey()), p.getValue(), p.getKey(), problems);
            }
        }
        required(object, root, "", problems);
        return new Outcome(problems, unknown);
    }

    /** The pruned value, or null when it is a null the schema does not allow (dropped, as the API server does). */
    private static JsonNode prune(JsonNode value, JsonNode schema, String path, List<String> unknown) {
        if (value.isNull()) {
            return schema.path("nullable").asBoolean(false) ? value : null;
        }
        if (value.isObject() && "object".equals(schema.path("type").asText("object"))) {
            ObjectNode obj = (ObjectNode) value;
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            List<String> remove = new ArrayList<>();
            List<Map.Entry<String, JsonNode>> replace = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String childPath = path + "." + e.getKey();
                JsonNode childSchema = props.has(e.getKey()) ? props.get(e.getKey())
                        : additional != null && additional.isObject() ? additional : null;
                if (childSchema == null) {
                    if (!preservesUnknown(schema) && !(additional != null && additional.asBoolean(false))) {
                        unknown.add(childPath);
                        remove.add(e.getKey());
                    }
                    continue;
                }
                JsonNode kept = prune(e.getValue(), childSchema, childPath, unknown);
                if (kept == null) {
                    remove.add(e.getKey());
                } else if (kept != e.getValue()) {
                    replace.add(Map.entry(e.getKey(), kept));
                }
            }
            remove.forEach(obj::remove);
            replace.forEach(e -> obj.set(e.getKey(), e.getValue()));
        } else if (value.isArray() && schema.has("items")) {
            ArrayNode arr = (ArrayNode) value;
            for (int i = 0; i < arr.size(); i++) {
                JsonNode kept = prune(arr.get(i), schema.get("items"), path + "[" + i + "]", unknown);
                if (kept != null && kept != arr.get(i)) {
                    arr.set(i, kept);
                }
            }
        }
        return value;
    }

    private static boolean preservesUnknown(JsonNode schema) {
        return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    }

    /** Defaults of absent properties, inside objects that are present (the API server does not create parents). */
    private static void applyDefaults(JsonNode value, JsonNode schema) {
        if (value instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!obj.has(p.getKey()) && p.getValue().has("default")) {
                    obj.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (obj.has(p.getKey())) {
                    applyDefaults(obj.get(p.getKey()), p.getValue());
                }
            }
            JsonNode additional = schema.get("additionalProperties");
            if (additional != null && additional.isObject()) {
                obj.fields().forEachRemaining(e -> applyDefaults(e.getValue(), additional));
            }
        } else if (value instanceof ArrayNode arr && schema.has("items")) {
            arr.forEach(v -> applyDefaults(v, schema.get("items")));
        }
    }

    private static void validate(JsonNode value, JsonNode schema, String path, List<Problem> problems) {
        if (value.isNull()) {
            return;
        }
        String type = schema.path("type").asText("");
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                problems.add(typeProblem(path, value, "integer or string"));
            }
        } else if (!type.isEmpty() && !hasType(value, type)) {
            problems.add(typeProblem(path, value, type));
            return;
        }
        if (value.isTextual()) {
            String s = value.asText();
            if (schema.has("pattern") && !pattern(schema.get("pattern").asText()).matcher(s).find()) {
                problems.add(invalid(path, value, path + " in body should match '" + schema.get("pattern").asText() + "'"));
            }
            if (schema.has("maxLength") && s.codePointCount(0, s.length()) > schema.get("maxLength").asInt()) {
                problems.add(new Problem(path, "FieldValueTooLong", "Too long: may not be more than " + schema.get("maxLength").asInt() + " bytes"));
            }
            if (schema.has("minLength") && s.codePointCount(0, s.length()) < schema.get("minLength").asInt()) {
                problems.add(invalid(path, value, path + " in body should be at least " + schema.get("minLength").asInt() + " chars long"));
            }
        }
        if (value.isNumber()) {
            BigDecimal n = value.decimalValue();
            if (schema.has("maximum")) {
                BigDecimal max = schema.get("maximum").decimalValue();
                boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
                if (exclusive ? n.compareTo(max) >= 0 : n.compareTo(max) > 0) {
                    problems.add(invalid(path, value, path + " in body should be less than " + (exclusive ? "" : "or equal to ") + plain(max)));
                }
            }
            if (schema.has("minimum")) {
                BigDecimal min = schema.get("minimum").decimalValue();
                boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
                if (exclusive ? n.compareTo(min) <= 0 : n.compareTo(min) < 0) {
                    problems.add(invalid(path, value, path + " in body should be greater than " + (exclusive ? "" : "or equal to ") + plain(min)));
                }
            }
        }
        if (schema.has("enum")) {
            boolean found = false;
            List<String> supported = new ArrayList<>();
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value);
                supported.add(quote(e));
            }
            if (!found) {
                problems.add(new Problem(path, "FieldValueNotSupported", "Unsupported value: " + quote(value) + ": supported values: " + String.join(", ", supported)));
            }
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                problems.add(new Problem(path, "FieldValueTooMany", "Too many: " + value.size() + ": must have at most " + schema.get("maxItems").asInt() + " items"));
            }
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                problems.add(invalid(path, value, path + " in body should have at least " + schema.get("minItems").asInt() + " items"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.get("items"), path + "[" + i + "]", problems);
                }
            }
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            value.fields().forEachRemaining(e -> {
                if (props.has(e.getKey())) {
                    validate(e.getValue(), props.get(e.getKey()), path + "." + e.getKey(), problems);
                } else if (additional != null && additional.isObject()) {
                    validate(e.getValue(), additional, path + "[" + e.getKey() + "]", problems);
                }
            });
            required(value, schema, path, problems);
        }
    }

    /** Required properties, also for nested objects that are present (a missing parent reports only itself). */
    private static void required(JsonNode value, JsonNode schema, String path, List<Problem> problems) {
        for (JsonNode r : schema.path("required")) {
            JsonNode child = value.get(r.asText());
            if (child == null || child.isNull()) {
                problems.add(new Problem(path.isEmpty() ? r.asText() : path + "." + r.asText(), "FieldValueRequired", "Required value"));
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static Problem typeProblem(String path, JsonNode value, String wanted) {
        String actual = jsonType(value);
        return new Problem(path, "FieldValueTypeInvalid",
                "Invalid value: \"" + actual + "\": " + path + " in body must be of type " + wanted + ": \"" + actual + "\"");
    }

    private static Problem invalid(String path, JsonNode value, String why) {
        return new Problem(path, "FieldValueInvalid", "Invalid value: " + quote(value) + ": " + why);
    }

    private static String jsonType(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        return v.isBoolean() ? "boolean" : "null";
    }

    /** Like Go's %q for strings, numbers as written. */
    private static String quote(JsonNode v) {
        if (v.isTextual()) {
            return v.toString();
        }
        if (v.isNumber()) {
            return plain(v.decimalValue());
        }
        return v.isContainerNode() ? "\"" + jsonType(v) + "\"" : v.asText();
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }

    private static Pattern pattern(String regex) {
        return PATTERNS.computeIfAbsent(regex, Pattern::compile);
    }
}
