package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents for the custom resources, as a real API server publishes them from
 * the CRDs' schemas: {@code /openapi/v3} lists one document per group-version, each holding
 * the kinds' schemas (with {@code x-kubernetes-group-version-kind}) and their paths. That is
 * what {@code kubectl explain} reads, and what tells {@code kubectl apply} that the server
 * validates fields itself ({@code fieldValidation} on the PATCH operation), so it needs no
 * {@code --validate=false}. Built-in kinds are not described (kubectl explain does not
 * know them here).
 */
final class OpenApiDocuments {

    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final List<String> WRITE_PARAMS = List.of("dryRun", "fieldManager", "fieldValidation");

    private final ObjectMapper json = new ObjectMapper();
    /** By "group/version": the document and its hash. */
    private final Map<String, String> documents = new LinkedHashMap<>();
    private final Map<String, String> hashes = new LinkedHashMap<>();

    OpenApiDocuments(List<DiscoveryDispatcher.Served> served, Map<String, CrdSchema> schemas) {
        Map<String, ObjectNode> byGroupVersion = new LinkedHashMap<>();
        for (DiscoveryDispatcher.Served s : served) {
            CrdSchema schema = schemas.get(s.group() + "/" + s.version() + "/" + s.plural());
            if (schema == null) {
                continue;
            }
            ObjectNode doc = byGroupVersion.computeIfAbsent(s.groupVersion(), gv -> document());
            String name = reverse(s.group()) + "." + s.version() + "." + s.kind();
            ((ObjectNode) doc.with("components").with("schemas")).set(name, kindSchema(s, schema.json()));
            String base = "/apis/" + s.groupVersion() + (s.namespaced() ? "/namespaces/{namespace}/" : "/") + s.plural();
            ObjectNode paths = (ObjectNode) doc.with("paths");
            paths.set(base, collection(s, name));
            paths.set(base + "/{name}", item(s, name));
            if (s.statusSubresource()) {
                paths.set(base + "/{name}/status", item(s, name));
            }
        }
        byGroupVersion.forEach((gv, doc) -> {
            String text = doc.toString();
            documents.put(gv, text);
            hashes.put(gv, sha512(text));
        });
    }

    /** The response body for a GET of {@code path} under /openapi/v3, or null when there is none. */
    String get(String bare) {
        if (bare.equals("/openapi/v3") || bare.equals("/openapi/v3/")) {
            ObjectNode root = json.createObjectNode();
            ObjectNode paths = root.putObject("paths");
            documents.keySet().forEach(gv -> paths.putObject("apis/" + gv)
                    .put("serverRelativeURL", "/openapi/v3/apis/" + gv + "?hash=" + hashes.get(gv)));
            return root.toString();
        }
        if (bare.startsWith("/openapi/v3/apis/")) {
            return documents.get(bare.substring("/openapi/v3/apis/".length()));
        }
        return null;
    }

    private ObjectNode document() {
        ObjectNode doc = json.createObjectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
        doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ObjectNode meta = schemas.putObject(OBJECT_META).put("type", "object")
                .put("description", "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.");
        ObjectNode props = meta.putObject("properties");
        for (String f : List.of("name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp")) {
            props.putObject(f).put("type", "string");
        }
        props.putObject("generation").put("type", "integer").put("format", "int64");
        for (String f : List.of("labels", "annotations")) {
            props.putObject(f).put("type", "object").putObject("additionalProperties").put("type", "string");
        }
        props.putObject("finalizers").put("type", "array").putObject("items").put("type", "string");
        return doc;
    }

    private ObjectNode kindSchema(DiscoveryDispatcher.Served s, JsonNode crdSchema) {
        ObjectNode out = crdSchema.deepCopy();
        ObjectNode props = (ObjectNode) out.with("properties");
        ObjectNode ordered = json.createObjectNode();
        ordered.putObject("apiVersion").put("type", "string")
                .put("description", "APIVersion defines the versioned schema of this representation of an object.");
        ordered.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the REST resource this object represents.");
        ordered.putObject("metadata").put("description", "Standard object's metadata.")
                .putArray("allOf").addObject().put("$ref", "#/components/schemas/" + OBJECT_META);
        ordered.setAll(props);
        out.set("properties", ordered);
        out.put("type", "object");
        gvk(out, s);
        return out;
    }

    private ObjectNode collection(DiscoveryDispatcher.Served s, String schema) {
        ObjectNode p = json.createObjectNode();
        p.set("get", operation(s, "list", schema, false));
        p.set("post", operation(s, "post", schema, true));
        return p;
    }

    private ObjectNode item(DiscoveryDispatcher.Served s, String schema) {
        ObjectNode p = json.createObjectNode();
        p.set("get", operation(s, "get", schema, false));
        p.set("put", operation(s, "put", schema, true));
        p.set("patch", operation(s, "patch", schema, true));
        p.set("delete", operation(s, "delete", schema, false));
        return p;
    }

    private ObjectNode operation(DiscoveryDispatcher.Served s, String action, String schema, boolean write) {
        ObjectNode op = json.createObjectNode().put("x-kubernetes-action", action);
        gvkSingle(op, s);
        ArrayNode params = op.putArray("parameters");
        if (write) {
            WRITE_PARAMS.forEach(n -> params.addObject().put("name", n).put("in", "query").putObject("schema").put("type", "string"));
        }
        op.putObject("responses").putObject("200").put("description", "OK").putObject("content").putObject("application/json")
                .putObject("schema").put("$ref", "#/components/schemas/" + schema);
        return op;
    }

    private static void gvk(ObjectNode node, DiscoveryDispatcher.Served s) {
        node.putArray("x-kubernetes-group-version-kind").addObject().put("group", s.group()).put("kind", s.kind()).put("version", s.version());
    }

    private static void gvkSingle(ObjectNode node, DiscoveryDispatcher.Served s) {
        node.putObject("x-kubernetes-group-version-kind").put("group", s.group()).put("kind", s.kind()).put("version", s.version());
    }

    /** wgfleet.io becomes io.wgfleet, as the API server names schemas. */
    private static String reverse(String group) {
        String[] parts = group.split("\\.");
        StringBuilder b = new StringBuilder();
        for (int i = parts.length - 1; i >= 0; i--) {
            b.append(parts[i]).append(i > 0 ? "." : "");
        }
        return b.toString();
    }

    private static String sha512(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8))).toUpperCase();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
