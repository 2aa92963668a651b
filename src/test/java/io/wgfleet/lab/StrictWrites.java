package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes (create, update, patch, delete) as a real API server does them, in front of the
 * CRUD mock's store, which alone accepts a stale status update, stores anything a CRD's
 * schema would refuse and objects etcd could not hold:
 * <ul>
 * <li>optimistic concurrency: an update or patch that carries a {@code resourceVersion}
 *     other than the stored one gets 409 Conflict (status subresource and Leases included);
 *     an update of a custom resource without one gets 422, as custom resources allow no
 *     unconditional update;</li>
 * <li>custom resources are pruned, defaulted and validated against their CRD's
 *     {@code openAPIV3Schema} on create and on every update (422 Invalid naming the
 *     fields; unknown fields are dropped with a warning, or refused with 400 under
 *     {@code fieldValidation=Strict}, as kubectl apply asks); status is dropped on create
 *     and ignored on updates of the main resource when the status subresource is on;</li>
 * <li>size: request bodies over 3 MiB get 413; stored objects over etcd's 1.5 MiB get the
 *     500 "etcdserver: request is too large" that kube-apiserver passes on from etcd.</li>
 * </ul>
 * Every patch is resolved here into the complete object and stored as an update, under
 * one lock, so that read, check and write cannot interleave with another write.
 */
final class StrictWrites {

    /** The parts of a resource path: /api/v1/namespaces/NS/PLURAL/NAME/SUB or /apis/GROUP/VERSION/... */
    record ApiPath(String group, String version, String namespace, String plural, String name, String subresource) {
        static ApiPath parse(String bare) {
            String[] p = bare.split("/");
            int at;
            String group;
            String version;
            if (p.length >= 3 && p[1].equals("api")) {
                group = "";
                version = p[2];
                at = 3;
            } else if (p.length >= 4 && p[1].equals("apis")) {
                group = p[2];
                version = p[3];
                at = 4;
            } else {
                return null;
            }
            String ns = null;
            if (p.length > at + 2 && p[at].equals("namespaces")) {
                ns = p[at + 1];
                at += 2;
            }
            if (p.length <= at) {
                return null;
            }
            return new ApiPath(group, version, ns, p[at], p.length > at + 1 ? p[at + 1] : null, p.length > at + 2 ? p[at + 2] : null);
        }

        String resource() {
            return group.isEmpty() ? plural : plural + "." + group;
        }

        String objectPath() {
            return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
                    + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural + "/" + name;
        }

        boolean status() {
            return "status".equals(subresource);
        }
    }

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantLock lock = new ReentrantLock();
    private final Function<RecordedRequest, MockResponse> store;
    private final Function<ApiPath, DiscoveryDispatcher.Served> served;
    private final Map<String, CrdSchema> schemas;

    /** {@code schemas}: by "group/version/plural". */
    StrictWrites(Function<RecordedRequest, MockResponse> store, Function<ApiPath, DiscoveryDispatcher.Served> served,
                 Map<String, CrdSchema> schemas) {
        this.store = store;
        this.served = served;
        this.schemas = schemas;
    }

    /** The response, or null when this is not a write on a resource path (the caller dispatches it). */
    MockResponse handle(RecordedRequest request, String path, String bare) {
        String method = request.getMethod();
        if (!List.of("POST", "PUT", "PATCH", "DELETE").contains(method)) {
            return null;
        }
        ApiPath at = ApiPath.parse(bare);
        if (at == null) {
            return null;
        }
        byte[] body = request.getBody().getBytes();
        if (body.length > ApiStatus.MAX_REQUEST_BODY_BYTES) {
            return ApiStatus.bodyTooLarge();
        }
        lock.lock();
        try {
            return switch (method) {
                case "POST" -> at.name() == null ? create(request, path, at, body) : null;
                case "PUT" -> at.name() == null ? null : update(request, path, at, body);
                case "PATCH" -> at.name() == null ? null : patch(request, path, at, body);
                default -> at.name() == null ? null : delete(request, at, body);
            };
        } catch (IOException e) {
            return ApiStatus.badRequest("the request body is not valid JSON: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private MockResponse create(RecordedRequest request, String path, ApiPath at, byte[] body) throws IOException {
        JsonNode parsed = json.readTree(body);
        if (!(parsed instanceof ObjectNode object)) {
            return null;
        }
        DiscoveryDispatcher.Served s = served.apply(at);
        if (s != null && s.statusSubresource()) {
            object.remove("status");
        }
        return checkAndStore(request, path, at, HttpMethod.POST, object);
    }

    private MockResponse update(RecordedRequest request, String path, ApiPath at, byte[] body) throws IOException {
        JsonNode parsed = json.readTree(body);
        if (!(parsed instanceof ObjectNode sent)) {
            return null;
        }
        ObjectNode current = current(request, at);
        if (current == null) {
            return ApiStatus.notFound(at.resource(), at.name());
        }
        String sentVersion = sent.path("metadata").path("resourceVersion").asText("");
        if (!sentVersion.isEmpty() && !sentVersion.equals(version(current))) {
            return ApiStatus.conflict(at.resource(), at.group(), at.plural(), at.name());
        }
        if (sentVersion.isEmpty() && schemaFor(at) != null) {
            return ApiStatus.invalid(kind(at, sent), at.group(), at.name(), List.of(new CrdSchema.Problem("metadata.resourceVersion",
                    "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")));
        }
        return checkAndStore(request, path, at, HttpMethod.PUT, resolve(at, current, sent));
    }

    private MockResponse patch(RecordedRequest request, String path, ApiPath at, byte[] body) throws IOException {
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        ObjectNode current = current(request, at);
        if (current == null) {
            return ApiStatus.notFound(at.resource(), at.name());
        }
        JsonNode patch = json.readTree(body);
        if (System.getenv("STRICT_DEBUG") != null) {
            System.err.println("PATCH " + path + " " + contentType + " " + patch + " current=" + current);
        }
        JsonNode patched;
        if (contentType.contains("json-patch")) {
            try {
                patched = JsonPatch.apply(patch, current.deepCopy());
            } catch (JsonPatchException | IllegalArgumentException e) {
                return ApiStatus.withCode(422, "Invalid", "the server rejected our request due to an error in our request: " + e.getMessage());
            }
        } else if (contentType.contains("merge-patch")) {
            patched = DiscoveryDispatcher.merge(current, patch);
        } else if (contentType.contains("strategic-merge-patch")) {
            // kubectl annotate and label on built-in kinds: their maps merge the same way
            patched = DiscoveryDispatcher.merge(current, patch);
        } else {
            return ApiStatus.unsupportedMediaType(contentType);
        }
        if (!(patched instanceof ObjectNode sent)) {
            return ApiStatus.badRequest("the patch does not leave an object");
        }
        String sentVersion = sent.path("metadata").path("resourceVersion").asText("");
        if (!sentVersion.isEmpty() && !sentVersion.equals(version(current))) {
            return ApiStatus.conflict(at.resource(), at.group(), at.plural(), at.name());
        }
        ObjectNode resolved = resolve(at, current, sent);
        ((ObjectNode) resolved.with("metadata")).put("resourceVersion", version(current));
        String updatePath = at.objectPath() + (at.status() ? "/status" : "") + query(path);
        return checkAndStore(request, updatePath, at, HttpMethod.PUT, resolved);
    }

    private MockResponse delete(RecordedRequest request, ApiPath at, byte[] body) throws IOException {
        if (body.length > 0) {
            JsonNode options = json.readTree(body);
            String wanted = options == null ? "" : options.path("preconditions").path("resourceVersion").asText("");
            if (!wanted.isEmpty()) {
                ObjectNode current = current(request, at);
                if (current != null && !wanted.equals(version(current))) {
                    return ApiStatus.conflict(at.resource(), at.group(), at.plural(), at.name());
                }
            }
        }
        return store.apply(request);
    }

    /** The object an update leaves: the status subresource changes only status, the main resource everything else. */
    private ObjectNode resolve(ApiPath at, ObjectNode current, ObjectNode sent) {
        DiscoveryDispatcher.Served s = served.apply(at);
        if (s == null || !s.statusSubresource()) {
            return sent;
        }
        ObjectNode out;
        if (at.status()) {
            out = current.deepCopy();
            if (sent.has("status")) {
                out.set("status", sent.get("status"));
            } else {
                out.remove("status");
            }
            if (sent.path("metadata").has("resourceVersion")) {
                ((ObjectNode) out.with("metadata")).set("resourceVersion", sent.path("metadata").get("resourceVersion"));
            }
        } else {
            out = sent;
            if (current.has("status")) {
                out.set("status", current.get("status"));
            } else {
                out.remove("status");
            }
        }
        return out;
    }

    private MockResponse checkAndStore(RecordedRequest request, String path, ApiPath at, HttpMethod method, ObjectNode object)
            throws IOException {
        CrdSchema schema = schemaFor(at);
        String warning = null;
        if (schema != null) {
            String name = object.path("metadata").path("name").asText(at.name() == null ? "" : at.name());
            CrdSchema.Outcome outcome = schema.apply(object);
            List<CrdSchema.Problem> problems = new java.util.ArrayList<>(outcome.problems());
            if (!name.isEmpty() && (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253)) {
                problems.add(0, new CrdSchema.Problem("metadata.name", "FieldValueInvalid", "Invalid value: \"" + name
                        + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
            }
            String validation = queryParam(path, "fieldValidation");
            if (!outcome.unknownFields().isEmpty() && "Strict".equalsIgnoreCase(validation)) {
                return ApiStatus.strictDecoding(kind(at, object), at.version(), outcome.unknownFields());
            }
            if (!problems.isEmpty()) {
                return ApiStatus.invalid(kind(at, object), at.group(), name, problems);
            }
            if (!outcome.unknownFields().isEmpty() && !"Ignore".equalsIgnoreCase(validation)) {
                warning = outcome.unknownFields().stream().map(f -> "299 - \"unknown field \\\"" + f + "\\\"\"")
                        .reduce((a, b) -> a + ", " + b).orElse(null);
            }
        }
        byte[] stored = json.writeValueAsBytes(object);
        if (stored.length > ApiStatus.ETCD_MAX_REQUEST_BYTES) {
            return ApiStatus.etcdTooLarge();
        }
        MockResponse response = store.apply(new RecordedRequest(method.name() + " " + path + " HTTP/1.1", method, path,
                request.getHeaders(), new Buffer(stored)));
        if (warning != null) {
            response.addHeader("Warning", warning);
        }
        return response;
    }

    private ObjectNode current(RecordedRequest request, ApiPath at) throws IOException {
        String path = at.objectPath();
        MockResponse got = store.apply(new RecordedRequest("GET " + path + " HTTP/1.1", HttpMethod.GET, path, request.getHeaders(), new Buffer()));
        if (got.code() != 200) {
            return null;
        }
        JsonNode node = json.readTree(got.getBody().readUtf8());
        return node instanceof ObjectNode o ? o : null;
    }

    private CrdSchema schemaFor(ApiPath at) {
        return schemas.get(at.group() + "/" + at.version() + "/" + at.plural());
    }

    private String kind(ApiPath at, JsonNode object) {
        DiscoveryDispatcher.Served s = served.apply(at);
        return s != null ? s.kind() : object.path("kind").asText(at.plural());
    }

    private static String version(JsonNode object) {
        return object.path("metadata").path("resourceVersion").asText("");
    }

    private static String query(String path) {
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q);
    }

    static String queryParam(String path, String name) {
        int q = path.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String param : path.substring(q + 1).split("&")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).equals(name)) {
                return URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
