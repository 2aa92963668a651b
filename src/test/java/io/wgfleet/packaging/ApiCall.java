package io.wgfleet.packaging;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Arrays;
import java.util.List;

/**
 * One request to the API server as RBAC sees it: API group, resource (with subresource),
 * verb, and the namespace (null for cluster-scoped and all-namespace requests).
 */
record ApiCall(String group, String resource, String verb, String namespace) {

    @Override
    public String toString() {
        return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource + (namespace == null ? "" : " in " + namespace);
    }

    /** Maps a recorded request; null for non-resource URLs (/version, /apis discovery). */
    static ApiCall of(RecordedRequest r) {
        String full = r.getPath();
        int q = full.indexOf('?');
        String path = q < 0 ? full : full.substring(0, q);
        String query = q < 0 ? "" : full.substring(q + 1);
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String group;
        List<String> rest;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            rest = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            rest = parts.subList(3, parts.size());
        } else {
            return null;
        }
        if (rest.isEmpty()) {
            return null; // discovery of a group version
        }
        String namespace = null;
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : null;
        if (rest.size() > 2) {
            resource = resource + "/" + rest.get(2);
        }
        boolean watch = Arrays.asList(query.split("&")).contains("watch=true");
        String verb = switch (r.getMethod()) {
            case "GET" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException("unexpected method " + r.getMethod() + " " + full);
        };
        return new ApiCall(group, resource, verb, namespace);
    }
}
