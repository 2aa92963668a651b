package io.wgfleet.lab;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests an API server answers, by client, verb and resource, as a real API
 * server's apiserver_request_total does. It wraps the server's dispatcher and changes no
 * answer. The client is the request's User-Agent up to the first '/': the operator's
 * fabric8 client sends {@code fabric8-kubernetes-client/...}; the lab's own clients (the
 * simulated kubelet, benchmark drivers) send their own names.
 */
public final class RequestCounter extends Dispatcher implements Resetable, CustomResourceAware {

    /** One counted kind of request. */
    public record Key(String client, String verb, String resource) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return client + " " + verb + " " + resource;
        }
    }

    private static final Map<KubectlApiServer, RequestCounter> BY_SERVER = Collections.synchronizedMap(new WeakHashMap<>());

    private final Dispatcher delegate;
    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    RequestCounter(Dispatcher delegate) {
        this.delegate = delegate;
    }

    /** Wraps {@code delegate} and remembers the counter as {@code server}'s. */
    static Dispatcher wrap(KubectlApiServer server, Dispatcher delegate) {
        RequestCounter c = new RequestCounter(delegate);
        BY_SERVER.put(server, c);
        return c;
    }

    /** The counter of a running lab API server. */
    public static RequestCounter of(KubectlApiServer server) {
        RequestCounter c = BY_SERVER.get(server);
        if (c == null) {
            throw new IllegalStateException("this API server counts no requests");
        }
        return c;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        counts.computeIfAbsent(classify(request), k -> new LongAdder()).increment();
        return delegate.dispatch(request);
    }

    /** Counts so far, sorted. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    static Key classify(RecordedRequest r) {
        String ua = r.getHeader("User-Agent");
        String client = ua == null || ua.isBlank() ? "unknown" : ua.contains("/") ? ua.substring(0, ua.indexOf('/')) : ua;
        String path = r.getPath();
        String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] resourceAndName = resource(bare);
        String verb = switch (r.getMethod()) {
            case "GET" -> query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : resourceAndName[1] == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> resourceAndName[1] == null ? "deletecollection" : "delete";
            default -> r.getMethod().toLowerCase();
        };
        return new Key(client, verb, resourceAndName[0]);
    }

    /**
     * {resource[/subresource], name or null} of an API path: /api/v1/[namespaces/NS/]RES[/NAME[/SUB]]
     * or /apis/GROUP/VERSION/[namespaces/NS/]RES[/NAME[/SUB]]; other paths are their own resource.
     */
    static String[] resource(String path) {
        String[] p = path.replaceAll("^/+|/+$", "").split("/");
        int i;
        if (p.length >= 2 && p[0].equals("api")) {
            i = 2;
        } else if (p.length >= 3 && p[0].equals("apis")) {
            i = 3;
        } else {
            return new String[] {path, null};
        }
        if (p.length <= i) {
            return new String[] {path, null};
        }
        if (p[i].equals("namespaces") && p.length > i + 2) {
            i += 2;
        }
        String res = p[i];
        String name = p.length > i + 1 ? p[i + 1] : null;
        String sub = p.length > i + 2 ? "/" + p[i + 2] : "";
        return new String[] {res + sub, name};
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public void reset() {
        if (delegate instanceof Resetable r) {
            r.reset();
        }
    }

    @Override
    public void expectCustomResource(CustomResourceDefinitionContext rdc) {
        if (delegate instanceof CustomResourceAware a) {
            a.expectCustomResource(rdc);
        }
    }
}
