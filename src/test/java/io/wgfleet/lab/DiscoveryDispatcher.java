package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kubectl needs beyond CRUD: discovery documents (/version, /api, /apis and the
 * resource lists), the custom resources' OpenAPI v3 documents ({@link OpenApiDocuments}:
 * kubectl explain, and kubectl apply without --validate=false), and server-side Tables built from the CRDs' printer columns, so
 * {@code kubectl get wgp} shows the columns a real API server would. Writes go through
 * {@link StrictWrites} (conflicts, schema validation, size limits, as a real API server).
 */
final class DiscoveryDispatcher extends IndexedCrudDispatcher {

    /** A served resource: what discovery says about it. */
    record Served(String group, String version, String plural, String singular, String kind, boolean namespaced,
                  List<String> shortNames, List<String> categories, boolean statusSubresource,
                  List<CustomResourceColumnDefinition> columns) {
        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    /** Built-in kinds whose status is a subresource, as on a real API server. */
    private static final java.util.Set<String> WITH_STATUS = java.util.Set.of("namespaces", "nodes", "pods", "jobs", "deployments");
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    private final ObjectMapper json = new ObjectMapper();
    private final List<Served> served = new ArrayList<>();
    private volatile String serverAddress = "127.0.0.1:0";
    private final Map<String, CrdSchema> schemas = new LinkedHashMap<>();
    private final StrictWrites writes;
    private final OpenApiDocuments openApi;

    DiscoveryDispatcher(List<CustomResourceDefinition> crds) {
        builtIn("", "v1", "namespaces", "Namespace", false, List.of("ns"));
        builtIn("", "v1", "nodes", "Node", false, List.of("no"));
        builtIn("", "v1", "events", "Event", true, List.of("ev"));
        builtIn("", "v1", "pods", "Pod", true, List.of("po"));
        builtIn("", "v1", "secrets", "Secret", true, List.of());
        builtIn("", "v1", "configmaps", "ConfigMap", true, List.of("cm"));
        builtIn("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"));
        builtIn("batch", "v1", "jobs", "Job", true, List.of());
        builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, List.of());
        builtIn("events.k8s.io", "v1", "events", "Event", true, List.of("ev"));
        builtIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds"));
        builtIn("rbac.authorization.k8s.io", "v1", "roles", "Role", true, List.of());
        builtIn("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, List.of());
        builtIn("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, List.of());
        builtIn("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, List.of());
        builtIn("apps", "v1", "deployments", "Deployment", true, List.of("deploy"));
        builtIn("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, List.of());
        for (CustomResourceDefinition crd : crds) {
            var names = crd.getSpec().getNames();
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                served.add(new Served(crd.getSpec().getGroup(), v.getName(), names.getPlural(), names.getSingular(), names.getKind(),
                        "Namespaced".equals(crd.getSpec().getScope()),
                        names.getShortNames() == null ? List.of() : names.getShortNames(),
                        names.getCategories() == null ? List.of() : names.getCategories(),
                        v.getSubresources() != null && v.getSubresources().getStatus() != null,
                        v.getAdditionalPrinterColumns() == null ? List.of() : v.getAdditionalPrinterColumns()));
                if (v.getSchema() != null && v.getSchema().getOpenAPIV3Schema() != null) {
                    schemas.put(crd.getSpec().getGroup() + "/" + v.getName() + "/" + names.getPlural(),
                            new CrdSchema(json.valueToTree(v.getSchema().getOpenAPIV3Schema())));
                }
            }
        }
        this.writes = new StrictWrites(super::dispatch, this::served, schemas);
        this.openApi = new OpenApiDocuments(served, schemas);
    }

    Map<String, CrdSchema> schemas() {
        return schemas;
    }

    List<Served> served() {
        return served;
    }

    private Served served(StrictWrites.ApiPath at) {
        for (Served s : served) {
            if (s.group().equals(at.group()) && s.version().equals(at.version()) && s.plural().equals(at.plural())) {
                return s;
            }
        }
        return null;
    }

    void setServerAddress(String address) {
        this.serverAddress = address;
    }

    private void builtIn(String group, String version, String plural, String kind, boolean namespaced, List<String> shortNames) {
        served.add(new Served(group, version, plural, kind.toLowerCase(), kind, namespaced, shortNames, List.of(),
                WITH_STATUS.contains(plural), List.of()));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if ("POST".equals(request.getMethod()) && bare.equals("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
            // the lab has no authorization: every client may do everything (leader election asks first)
            ObjectNode review = json.createObjectNode().put("kind", "SelfSubjectRulesReview").put("apiVersion", "authorization.k8s.io/v1");
            ObjectNode rule = review.putObject("status").put("incomplete", false).putArray("resourceRules").addObject();
            rule.putArray("verbs").add("*");
            rule.putArray("apiGroups").add("*");
            rule.putArray("resources").add("*");
            review.with("status").putArray("nonResourceRules");
            return new MockResponse().setResponseCode(201).addHeader("Content-Type", "application/json").setBody(review.toString());
        }
        MockResponse written = writes.handle(request, path, bare);
        if (written != null) {
            return written;
        }
        if ("GET".equals(request.getMethod())) {
            if (bare.equals("/version")) {
                return ok(json.createObjectNode().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-wgfleet-lab")
                        .put("platform", "linux/amd64"));
            }
            if (bare.equals("/api")) {
                ObjectNode n = json.createObjectNode().put("kind", "APIVersions");
                n.putArray("versions").add("v1");
                n.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
                return ok(n);
            }
            if (bare.equals("/apis")) {
                return ok(groupList());
            }
            if (bare.equals("/api/v1")) {
                return ok(resourceList("", "v1"));
            }
            if (bare.startsWith("/openapi")) {
                String doc = openApi.get(bare);
                return doc != null ? new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json").setBody(doc)
                        : new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":404}");
            }
            String[] parts = bare.split("/");
            if (parts.length == 4 && parts[1].equals("apis")) {
                ObjectNode list = resourceList(parts[2], parts[3]);
                return list == null ? super.dispatch(request) : ok(list);
            }
            if (bare.endsWith("/events") && path.contains("fieldSelector=")) {
                return eventsByInvolvedObject(request, path);
            }
            String accept = request.getHeader("Accept");
            if (accept != null && accept.contains("as=Table") && !path.contains("watch=true")) {
                MockResponse plain = super.dispatch(request);
                return plain.code() == 200 ? table(bare, plain) : plain;
            }
        }
        return WholeWatchEvents.of(super.dispatch(request));
    }

    /**
     * kubectl describe lists Events with an involvedObject.* field selector, which the
     * CRUD mock does not evaluate: answer the unfiltered list, filtered here.
     */
    private MockResponse eventsByInvolvedObject(RecordedRequest request, String path) {
        String query = path.substring(path.indexOf('?') + 1);
        Map<String, String> wanted = new LinkedHashMap<>();
        List<String> keep = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.startsWith("fieldSelector=")) {
                String selector = java.net.URLDecoder.decode(param.substring("fieldSelector=".length()), java.nio.charset.StandardCharsets.UTF_8);
                for (String term : selector.split(",")) {
                    int eq = term.indexOf('=');
                    if (eq > 0) {
                        wanted.put(term.substring(0, eq), term.substring(eq + 1));
                    }
                }
            } else {
                keep.add(param);
            }
        }
        String unfiltered = path.substring(0, path.indexOf('?')) + (keep.isEmpty() ? "" : "?" + String.join("&", keep));
        MockResponse all = super.dispatch(new RecordedRequest(request.getRequestLine(), request.method(), unfiltered,
                request.getHeaders(), request.getBody()));
        if (all.code() != 200) {
            return all;
        }
        try {
            ObjectNode list = (ObjectNode) json.readTree(all.getBody().readUtf8());
            ArrayNode items = json.createArrayNode();
            for (JsonNode e : list.path("items")) {
                boolean match = wanted.entrySet().stream()
                        .allMatch(w -> w.getValue().equals(JsonPathLite.read(e, "." + w.getKey())));
                if (match) {
                    items.add(e);
                }
            }
            list.set("items", items);
            list.put("kind", "EventList");
            return ok(list);
        } catch (java.io.IOException ex) {
            return all;
        }
    }

    /** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : new ObjectMapper().createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    private MockResponse ok(JsonNode body) {
        return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json").setBody(body.toString());
    }

    private ObjectNode groupList() {
        ObjectNode n = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = n.putArray("groups");
        Map<String, List<String>> versions = new LinkedHashMap<>();
        served.stream().filter(s -> !s.group().isEmpty())
                .forEach(s -> versions.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s.version()));
        versions.forEach((group, vs) -> {
            ObjectNode g = groups.addObject().put("name", group);
            ArrayNode arr = g.putArray("versions");
            vs.stream().distinct().forEach(v -> arr.addObject().put("groupVersion", group + "/" + v).put("version", v));
            g.putObject("preferredVersion").put("groupVersion", group + "/" + vs.get(0)).put("version", vs.get(0));
        });
        return n;
    }

    private ObjectNode resourceList(String group, String version) {
        List<Served> in = served.stream().filter(s -> s.group().equals(group) && s.version().equals(version)).toList();
        if (in.isEmpty()) {
            return null;
        }
        ObjectNode n = json.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", in.get(0).groupVersion());
        ArrayNode resources = n.putArray("resources");
        for (Served s : in) {
            ObjectNode r = resources.addObject().put("name", s.plural()).put("singularName", s.singular())
                    .put("namespaced", s.namespaced()).put("kind", s.kind());
            VERBS.forEach(r.putArray("verbs")::add);
            s.shortNames().forEach(r.putArray("shortNames")::add);
            s.categories().forEach(r.putArray("categories")::add);
            if (s.statusSubresource()) {
                ObjectNode st = resources.addObject().put("name", s.plural() + "/status").put("singularName", "")
                        .put("namespaced", s.namespaced()).put("kind", s.kind());
                st.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return n;
    }

    /** Converts a list or single object into a meta.k8s.io/v1 Table, as the real server does for kubectl get. */
    private MockResponse table(String path, MockResponse plain) {
        try {
            JsonNode body = json.readTree(plain.getBody().readUtf8());
            Served s = resourceFor(path);
            List<JsonNode> items = new ArrayList<>();
            if (body.has("items")) {
                body.get("items").forEach(items::add);
            } else {
                items.add(body);
            }
            ObjectNode t = json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
            t.putObject("metadata").put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
            ArrayNode cols = t.putArray("columnDefinitions");
            cols.addObject().put("name", "Name").put("type", "string").put("format", "name").put("description", "Name").put("priority", 0);
            List<CustomResourceColumnDefinition> defs = s == null || s.columns().isEmpty() ? List.of(ageColumn()) : s.columns();
            for (CustomResourceColumnDefinition c : defs) {
                cols.addObject().put("name", c.getName()).put("type", c.getType()).put("format", c.getFormat() == null ? "" : c.getFormat())
                        .put("description", c.getDescription() == null ? "" : c.getDescription())
                        .put("priority", c.getPriority() == null ? 0 : c.getPriority());
            }
            ArrayNode rows = t.putArray("rows");
            for (JsonNode item : items) {
                ObjectNode row = rows.addObject();
                ArrayNode cells = row.putArray("cells");
                cells.add(item.path("metadata").path("name").asText());
                for (CustomResourceColumnDefinition c : defs) {
                    String v = JsonPathLite.read(item, c.getJsonPath());
                    cells.add("date".equals(c.getType()) ? age(v) : v);
                }
                row.set("object", item);
            }
            return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json").setBody(t.toString());
        } catch (Exception e) {
            return plain;
        }
    }

    private static CustomResourceColumnDefinition ageColumn() {
        CustomResourceColumnDefinition c = new CustomResourceColumnDefinition();
        c.setName("Age");
        c.setType("date");
        c.setJsonPath(".metadata.creationTimestamp");
        return c;
    }

    private Served resourceFor(String path) {
        String[] p = path.split("/");
        for (Served s : served) {
            for (int i = 0; i < p.length; i++) {
                if (p[i].equals(s.plural()) && path.startsWith(s.group().isEmpty() ? "/api/" + s.version() : "/apis/" + s.groupVersion())) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Like the API server's human-readable duration for date columns. */
    static String age(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<none>";
        }
        try {
            long s = Math.max(0, Duration.between(Instant.parse(timestamp), Instant.now()).getSeconds());
            if (s < 120) {
                return s + "s";
            }
            long m = s / 60;
            if (m < 10) {
                return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
            }
            if (m < 180) {
                return m + "m";
            }
            long h = m / 60;
            if (h < 8) {
                return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
            }
            if (h < 48) {
                return h + "h";
            }
            long d = h / 24;
            return d < 8 ? d + "d" + (h % 24 == 0 ? "" : (h % 24) + "h") : d < 730 ? d + "d" : (d / 365) + "y";
        } catch (DateTimeParseException e) {
            return timestamp;
        }
    }
}
