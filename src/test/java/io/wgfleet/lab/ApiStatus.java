package io.wgfleet.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code meta.k8s.io/v1 Status} bodies a real API server answers with on the failures
 * the lab API server reproduces, with the same code, reason and message wording, so that
 * clients (fabric8, JOSDK, kubectl) take the same paths as on a cluster.
 */
final class ApiStatus {

    /** etcd's default --max-request-bytes: larger objects cannot be stored. */
    static final int ETCD_MAX_REQUEST_BYTES = 1536 * 1024;
    /** The API server refuses request bodies over 3 MiB before decoding them (twice etcd's limit: JSON is larger than the stored form). */
    static final int MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiStatus() {
    }

    /** {@code resource} is the plural with its group ({@code leases.coordination.k8s.io}), as the server names it. */
    static MockResponse conflict(String resource, String group, String plural, String name) {
        ObjectNode s = status(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again");
        s.putObject("details").put("name", name).put("group", group).put("kind", plural);
        return response(s);
    }

    static MockResponse invalid(String kind, String group, String name, List<CrdSchema.Problem> problems) {
        String qualified = group.isEmpty() ? kind : kind + "." + group;
        String lines = problems.stream().map(CrdSchema.Problem::line).collect(Collectors.joining(", "));
        ObjectNode s = status(422, "Invalid", qualified + " \"" + name + "\" is invalid: "
                + (problems.size() == 1 ? lines : "[" + lines + "]"));
        ObjectNode details = s.putObject("details").put("name", name).put("group", group).put("kind", kind);
        ArrayNode causes = details.putArray("causes");
        for (CrdSchema.Problem p : problems) {
            causes.addObject().put("reason", p.reason()).put("message", p.detail()).put("field", p.field());
        }
        return response(s);
    }

    static MockResponse strictDecoding(String kind, String version, List<String> unknownFields) {
        String fields = unknownFields.stream().map(f -> "unknown field \"" + f + "\"").collect(Collectors.joining(", "));
        return response(status(400, "BadRequest", kind + " in version \"" + version + "\" cannot be handled as a " + kind
                + ": strict decoding error: " + fields));
    }

    /**
     * What the API server passes on when etcd refuses the write: etcd's error is not a
     * Status, so kube-apiserver wraps it as a 500 without a reason (kubernetes/kubernetes
     * #112152 asks for a 4xx and is open). Clients therefore see a server error and may
     * retry it, which is why the writer must stay under the limit rather than react to it.
     */
    static MockResponse etcdTooLarge() {
        ObjectNode s = status(500, "", "etcdserver: request is too large");
        s.remove("reason");
        return response(s);
    }

    static MockResponse bodyTooLarge() {
        return response(status(413, "RequestEntityTooLarge", "Request entity too large: limit is " + MAX_REQUEST_BODY_BYTES));
    }

    static MockResponse notFound(String resource, String name) {
        return response(status(404, "NotFound", resource + " \"" + name + "\" not found"));
    }

    static MockResponse badRequest(String message) {
        return response(status(400, "BadRequest", message));
    }

    static MockResponse unsupportedMediaType(String contentType) {
        return response(status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got " + contentType));
    }

    static MockResponse withCode(int code, String reason, String message) {
        return response(status(code, reason, message));
    }

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        return s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    }

    private static MockResponse response(ObjectNode status) {
        return new MockResponse().setResponseCode(status.get("code").asInt())
                .addHeader("Content-Type", "application/json").setBody(status.toString());
    }
}
