package io.wgfleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on loopback between a client (the operator) and the lab API server that
 * injects the failures a real control plane produces: by verb, resource and rate it answers
 * 500 or 503, 429 with {@code Retry-After}, 409 to updates, answers 500 after the request
 * was applied (a write that happened although the client saw it fail, as on an API server
 * timeout), adds latency, and closes watch connections (websocket or streaming) after a
 * random time. It counts what passed and what it injected, so tests can assert on both.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Verb { GET, LIST, WATCH, CREATE, UPDATE, PATCH, DELETE }

    public enum Fault { ERROR_500, UNAVAILABLE_503, TOO_MANY_429, CONFLICT_409, ERROR_500_AFTER_APPLY, LATENCY }

    /** Requests with one of {@code verbs} on a resource matching {@code resource} (plural, e.g. "jobs|leases") get {@code fault} at {@code rate}. */
    public record Rule(Set<Verb> verbs, Pattern resource, double rate, Fault fault, Duration latency, int retryAfterSeconds, int limit) {
        public static Rule of(Set<Verb> verbs, String resource, double rate, Fault fault) {
            return new Rule(verbs, Pattern.compile(resource), rate, fault, Duration.ZERO, 1, 0);
        }

        public Rule withLatency(Duration d) {
            return new Rule(verbs, resource, rate, fault, d, retryAfterSeconds, limit);
        }

        public Rule withRetryAfter(int seconds) {
            return new Rule(verbs, resource, rate, fault, latency, seconds, limit);
        }

        /** Fires at most {@code times} times (then lets requests pass): one fault, and what the client does next. */
        public Rule times(int times) {
            return new Rule(verbs, resource, rate, fault, latency, retryAfterSeconds, times);
        }
    }

    /** One request as seen here. */
    public record Seen(long atMillis, Verb verb, String resource, int code, Fault fault, String path, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Rule, AtomicLong> fired = new ConcurrentHashMap<>();
    public static final Set<Verb> WRITES = EnumSet.of(Verb.CREATE, Verb.UPDATE, Verb.PATCH, Verb.DELETE);

    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> daemon(r, "fault-proxy"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fault-proxy-timer"));
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Random random;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
    private final AtomicLong watchesDropped = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Duration watchDropMin;
    private volatile Duration watchDropMax;
    private volatile boolean closed;

    public FaultProxy(int upstreamPort, long seed) throws IOException {
        this.upstreamPort = upstreamPort;
        this.random = new Random(seed);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        connections.execute(this::accept);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public FaultProxy add(Rule rule) {
        rules.add(rule);
        return this;
    }

    public void clearRules() {
        rules.clear();
        watchDropMin = null;
        watchDropMax = null;
    }

    /** Every watch connection opened from now on is closed after a random time in [min, max]. */
    public FaultProxy dropWatchesAfter(Duration min, Duration max) {
        this.watchDropMin = min;
        this.watchDropMax = max;
        return this;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public Map<Fault, Long> injected() {
        Map<Fault, Long> out = new TreeMap<>();
        injected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long injectedTotal() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long watchesDropped() {
        return watchesDropped.get();
    }

    /** Requests by "VERB resource" with their count. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        for (Seen s : seen) {
            out.merge(s.verb() + " " + s.resource(), 1L, Long::sum);
        }
        return out;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy: accept: " + e.getMessage());
                }
            }
        }
    }

    private record Head(String firstLine, Map<String, String> headers, byte[] raw) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            open.add(upstream);
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            InputStream uin = new BufferedInputStream(upstream.getInputStream());
            OutputStream uout = upstream.getOutputStream();
            while (!closed) {
                Head req = readHead(cin);
                if (req == null) {
                    return;
                }
                byte[] body = readBody(cin, req, false);
                String[] line = req.firstLine().split(" ");
                String method = line[0];
                String path = line.length > 1 ? line[1] : "/";
                String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                StrictWrites.ApiPath at = StrictWrites.ApiPath.parse(bare);
                String resource = at == null ? bare : at.plural() + (at.subresource() == null ? "" : "/" + at.subresource());
                boolean watch = path.contains("watch=true") || path.contains("watch=1");
                Verb verb = verb(method, at, watch);
                Rule rule = pick(verb, resource);
                if (rule != null && rule.latency().compareTo(Duration.ZERO) > 0) {
                    Thread.sleep(rule.latency().toMillis());
                }
                if (rule != null && rule.fault() != Fault.LATENCY && rule.fault() != Fault.ERROR_500_AFTER_APPLY) {
                    count(rule.fault());
                    int code = writeFault(cout, rule, at);
                    seen.add(new Seen(System.currentTimeMillis(), verb, resource, code, rule.fault(), path, null));
                    continue;
                }
                if (rule != null && rule.fault() == Fault.LATENCY) {
                    count(Fault.LATENCY);
                }
                uout.write(req.raw());
                uout.write(body);
                uout.flush();
                if (watch || "websocket".equalsIgnoreCase(req.header("upgrade"))) {
                    seen.add(new Seen(System.currentTimeMillis(), Verb.WATCH, resource, 101, null, path, null));
                    pipe(client, cin, cout, upstream, uin, uout);
                    return;
                }
                Head resp = readHead(uin);
                if (resp == null) {
                    return;
                }
                byte[] respBody = method.equals("HEAD") ? new byte[0] : readBody(uin, resp, true);
                int code = Integer.parseInt(resp.firstLine().split(" ")[1]);
                seen.add(new Seen(System.currentTimeMillis(), verb, resource, code,
                        rule != null && rule.fault() == Fault.ERROR_500_AFTER_APPLY ? Fault.ERROR_500_AFTER_APPLY : null, path,
                        verb == Verb.CREATE ? new String(body, StandardCharsets.UTF_8) : null));
                if (rule != null && rule.fault() == Fault.ERROR_500_AFTER_APPLY) {
                    count(Fault.ERROR_500_AFTER_APPLY);
                    writeFault(cout, rule, at);
                    continue;
                }
                cout.write(resp.raw());
                cout.write(respBody);
                cout.flush();
                if ("close".equalsIgnoreCase(resp.header("connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a closed connection: the client or the upstream went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
            open.remove(client);
            open.remove(upstream);
        }
    }

    private static Verb verb(String method, StrictWrites.ApiPath at, boolean watch) {
        return switch (method) {
            case "POST" -> Verb.CREATE;
            case "PUT" -> Verb.UPDATE;
            case "PATCH" -> Verb.PATCH;
            case "DELETE" -> Verb.DELETE;
            default -> watch ? Verb.WATCH : at != null && at.name() != null ? Verb.GET : Verb.LIST;
        };
    }

    private Rule pick(Verb verb, String resource) {
        for (Rule r : rules) {
            if (r.verbs().contains(verb) && r.resource().matcher(resource).matches()) {
                boolean hit;
                synchronized (random) {
                    hit = random.nextDouble() < r.rate();
                }
                if (hit && (r.limit() == 0 || fired.computeIfAbsent(r, k -> new AtomicLong()).incrementAndGet() <= r.limit())) {
                    return r;
                }
            }
        }
        return null;
    }

    private void count(Fault f) {
        injected.computeIfAbsent(f, k -> new AtomicLong()).incrementAndGet();
    }

    /** The Status a real API server (or its front) answers with for this fault. */
    private static int writeFault(OutputStream out, Rule rule, StrictWrites.ApiPath at) throws IOException {
        int code;
        String reason;
        String message;
        switch (rule.fault()) {
            case UNAVAILABLE_503 -> {
                code = 503;
                reason = "ServiceUnavailable";
                message = "the server is currently unable to handle the request";
            }
            case TOO_MANY_429 -> {
                code = 429;
                reason = "TooManyRequests";
                message = "the server has received too many requests and has asked us to try again later";
            }
            case CONFLICT_409 -> {
                code = 409;
                reason = "Conflict";
                message = "Operation cannot be fulfilled on " + (at == null ? "resource" : at.resource()) + " \""
                        + (at == null || at.name() == null ? "" : at.name()) + "\": the object has been modified; please apply your changes to the latest version and try again";
            }
            case ERROR_500_AFTER_APPLY -> {
                code = 500;
                reason = "InternalError";
                message = "Internal error occurred: the request was applied but the response was lost (injected after apply)";
            }
            default -> {
                code = 500;
                reason = "InternalError";
                message = "Internal error occurred: injected by the fault proxy";
            }
        }
        ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        if (code == 429) {
            s.putObject("details").put("retryAfterSeconds", rule.retryAfterSeconds());
        }
        byte[] body = s.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(reason).append("\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        if (code == 429 || code == 503) {
            head.append("Retry-After: ").append(rule.retryAfterSeconds()).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return code;
    }

    /** A watch: bytes both ways until either side closes, or until the drop timer closes both. */
    private void pipe(Socket client, InputStream cin, OutputStream cout, Socket upstream, InputStream uin, OutputStream uout)
            throws InterruptedException {
        Duration min = watchDropMin;
        Duration max = watchDropMax;
        if (min != null) {
            long span = Math.max(0, max.toMillis() - min.toMillis());
            long after;
            synchronized (random) {
                after = min.toMillis() + (span == 0 ? 0 : (long) (random.nextDouble() * span));
            }
            timers.schedule(() -> {
                if (!client.isClosed()) {
                    watchesDropped.incrementAndGet();
                    closeQuietly(client);
                    closeQuietly(upstream);
                }
            }, after, TimeUnit.MILLISECONDS);
        }
        Thread back = new Thread(() -> copy(uin, cout, client, upstream), "fault-proxy-watch");
        back.setDaemon(true);
        back.start();
        copy(cin, uout, client, upstream);
        back.join(1000);
    }

    private static void copy(InputStream in, OutputStream out, Socket a, Socket b) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int c = in.read();
            if (c < 0) {
                if (raw.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a message head");
            }
            raw.write(c);
            last4 = (last4 << 8) | c;
        }
        String text = raw.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Head(lines[0], headers, raw.toByteArray());
    }

    /** The body as it was sent (chunked bodies keep their framing), so it can be relayed unchanged. */
    private static byte[] readBody(InputStream in, Head head, boolean response) throws IOException {
        String length = head.header("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.trim()));
        }
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in, out);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!readLine(in, out).isEmpty()) {
                        // trailers
                    }
                    return out.toByteArray();
                }
                out.write(in.readNBytes(n));
                readLine(in, out);
            }
        }
        if (!response) {
            return new byte[0];
        }
        String status = head.firstLine().split(" ")[1];
        if (status.startsWith("1") || status.equals("204") || status.equals("304")) {
            return new byte[0];
        }
        return in.readAllBytes();
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            copy.write(c);
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (c < 0) {
            throw new EOFException();
        }
        return line.toString();
    }

    /** Successful creations of {@code plural} whose body names {@code field} (a JSON pointer), by its value. */
    public Map<String, Integer> createdBy(String plural, String pointer) {
        Map<String, Integer> out = new TreeMap<>();
        for (Seen s : seen) {
            if (s.verb() == Verb.CREATE && s.resource().equals(plural) && (s.code() == 201 || s.code() == 200) && s.body() != null) {
                try {
                    JsonNode n = JSON.readTree(s.body()).at(pointer);
                    out.merge(n.isMissingNode() ? "?" : n.asText(), 1, Integer::sum);
                } catch (IOException e) {
                    out.merge("?", 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /** Requests per whole second since {@code fromMillis}, for rates. */
    public List<Integer> perSecond(long fromMillis, long toMillis) {
        List<Integer> out = new ArrayList<>();
        for (long t = fromMillis; t < toMillis; t += 1000) {
            long start = t;
            out.add((int) seen.stream().filter(s -> s.atMillis() >= start && s.atMillis() < start + 1000).count());
        }
        return out;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
        connections.shutdownNow();
        timers.shutdownNow();
    }
}
