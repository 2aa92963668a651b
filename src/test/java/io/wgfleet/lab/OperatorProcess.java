package io.wgfleet.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built operator ({@code target/quarkus-app}) as its own process against an API server
 * URL, the way a pod runs it; {@link #kill()} is SIGKILL, as the kernel's OOM killer or a
 * node failure would end it, with no shutdown hook run. The fault and kill tests and the
 * scale benchmark start it here.
 */
public final class OperatorProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final Path log;
    private final int httpPort;

    private OperatorProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Null when the operator is built, else why the tests that run it cannot. */
    public static String unavailableReason() {
        return Files.exists(JAR) ? null : JAR + " is missing (it is built by mvn package; run these tests with mvn verify)";
    }

    /**
     * The lab's operator: a small heap, and a short gather delay (the lab starts peers one by
     * one, so a short gather keeps the time to a verdict low).
     *
     * @param env extra environment (WGFLEET_..., QUARKUS_...), over the lab's defaults
     */
    public static OperatorProcess start(String apiUrl, Path log, Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("WGFLEET_AGENT_BATCH_DELAY", "200ms"));
        all.putAll(env);
        return start(apiUrl, log, all, "256m", JAR);
    }

    /**
     * @param log  appended to (a restarted operator continues its predecessor's log)
     * @param env  environment over the settings that point it at the lab API server
     * @param heap -Xmx value, e.g. 320m
     * @param jar  the built operator
     */
    public static OperatorProcess start(String apiUrl, Path log, Map<String, String> env, String heap, Path jar) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing (it is built by mvn package)");
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        int port = LabSession.freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + heap, "-jar", jar.toString());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl);
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", "lab-has-no-authentication");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("WGFLEET_AGENT_NAMESPACE", LabSession.AGENT_NAMESPACE);
        pb.environment().remove("KUBECONFIG");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new OperatorProcess(pb.start(), log, port);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Waits until /q/health/ready answers 200. */
    public void awaitReady(Duration timeout) throws InterruptedException {
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
    public String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then waits for the exit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it has not exited in 15 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
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
