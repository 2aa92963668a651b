package io.wgfleet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built operator ({@code target/quarkus-app}) as its own process against an API server
 * URL, the way a pod runs it; {@link #kill()} is SIGKILL, as the kernel's OOM killer or a
 * node failure would end it, with no shutdown hook run.
 */
public final class OperatorProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final Path log;

    private OperatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Null when the operator is built, else why the tests that run it cannot. */
    public static String unavailableReason() {
        return Files.exists(JAR) ? null : JAR + " is missing (it is built by mvn package; run these tests with mvn verify)";
    }

    /**
     * @param env extra environment (WGFLEET_..., QUARKUS_...), over the lab's defaults
     */
    public static OperatorProcess start(String apiUrl, Path log, Map<String, String> env) throws IOException {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", JAR.toString());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl);
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", "lab-has-no-authentication");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(LabSession.freePort()));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("WGFLEET_AGENT_NAMESPACE", LabSession.AGENT_NAMESPACE);
        // the lab starts peers one by one: a short gather keeps the time to a verdict low
        pb.environment().put("WGFLEET_AGENT_BATCH_DELAY", "200ms");
        pb.environment().remove("KUBECONFIG");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new OperatorProcess(pb.start(), log);
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

    /** SIGKILL (Process.destroyForcibly on Linux), then waits for the exit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it has not exited in 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
