package io.wgfleet.bench.scale;

import io.wgfleet.lab.LabSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built operator ({@code target/quarkus-app/quarkus-run.jar}) as its own process, with
 * the heap the Helm chart gives it, and what /proc and jcmd say about it.
 */
final class OperatorProcess implements AutoCloseable {

    /** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final Process process;
    private final Path log;
    private final int httpPort;

    private OperatorProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /**
     * @param heap  -Xmx value, e.g. 320m (the chart's, {@link ChartHeap})
     * @param extra environment for the operator (WGFLEET_... settings)
     * @param jar   the built operator, normally target/quarkus-app/quarkus-run.jar
     */
    static OperatorProcess start(String apiUrl, String heap, Path work, Map<String, String> extra, Path jar) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build first with: mvn -B package -DskipTests");
        }
        Files.createDirectories(work);
        int port = LabSession.freePort();
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + heap, "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl);
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", "lab-has-no-authentication");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("WGFLEET_AGENT_NAMESPACE", LabSession.AGENT_NAMESPACE);
        pb.environment().putAll(extra);
        pb.environment().remove("KUBECONFIG");
        Path log = work.resolve("operator.log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return new OperatorProcess(pb.start(), log, port);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until /q/health/ready answers 200. */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the operator was not ready within " + timeout + "; see " + log);
    }

    /** The Prometheus text of /q/metrics. */
    String metrics() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** User plus system CPU seconds so far (/proc/PID/stat fields 14 and 15). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    }

    /** VmHWM (peak resident set) in MiB. */
    double peakRssMib() throws IOException {
        return statusKb("VmHWM") / 1024.0;
    }

    double rssMib() throws IOException {
        return statusKb("VmRSS") / 1024.0;
    }

    private long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in MiB; -1 when jcmd fails. */
    double heapAfterFullGcMib() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(2)) / 1024.0 : -1;
    }

    /** The heap histogram's top lines (jcmd GC.class_histogram), for the notes. */
    String histogram(int lines) throws IOException, InterruptedException {
        String h = jcmd("GC.class_histogram");
        return String.join("\n", h.lines().limit(lines + 3).toList());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** Whether the operator's log shows an OutOfMemoryError. */
    boolean sawOutOfMemory() throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.anyMatch(l -> l.contains("OutOfMemoryError"));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
