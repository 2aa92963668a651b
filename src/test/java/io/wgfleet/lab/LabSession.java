package io.wgfleet.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.lab.scenario.Scenario;
import io.wgfleet.lab.scenario.ScenarioRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the lab commands share: the embedded API server (kubectl-capable, loopback only, or
 * on the host-only management address when the Jobs run as containers), the operator as its
 * own process (the built application), and the lab kubelet. Closing it stops all of them
 * (and removes the management network); a JVM shutdown hook does the same on Ctrl-C.
 */
public final class LabSession implements AutoCloseable {

    public static final String AGENT_NAMESPACE = "wgfleet-system";

    private final Path work;
    private final KubectlApiServer api;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private final LabKubelet kubelet;
    private final Process operator;
    private final ManagementNetwork management;
    private final Thread hook;
    private final LabImage image;

    private LabSession(Path work, KubectlApiServer api, Process operator, ManagementNetwork management, LabImage image)
            throws IOException {
        this.work = work;
        this.image = image;
        this.api = api;
        this.operator = operator;
        this.management = management;
        this.client = api.client();
        this.kubeconfig = api.writeKubeconfig(work.resolve("kubeconfig").toAbsolutePath());
        this.kubelet = image == null ? new LabKubelet(client, AGENT_NAMESPACE)
                : LabKubelet.containers(client, AGENT_NAMESPACE, new LabKubelet.Containers(image.containersConf(), management,
                        api.url(), work.toAbsolutePath()));
        this.hook = new Thread(this::closeQuietly, "lab-session-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * How many scenarios one session (lab API server and operator) runs before a fresh one:
     * in three runs of all 33 scenarios the operator stopped starting Jobs about 6.5 minutes
     * (16 scenarios) in, after nat-symmetric, with informers that missed events (a Node
     * unknown, an annotation never reconciled), also when its watches were ended every 1 to 4
     * minutes. Runs of up to 17 scenarios never did. Not taken apart yet: until it is, a
     * session runs 8 (about 3 minutes) and the next starts from nothing.
     */
    public static final int SCENARIOS_PER_SESSION = 8;

    /**
     * The session to run scenario number {@code ran} (from 0) in: this one, or every
     * {@link #SCENARIOS_PER_SESSION} scenarios a fresh one like it, this one closed.
     */
    public LabSession forScenario(int ran) throws IOException, InterruptedException {
        if (ran == 0 || ran % SCENARIOS_PER_SESSION != 0) {
            return this;
        }
        close();
        return start(work, image);
    }

    /** Starts the API server and the operator from {@code target/quarkus-app}; the agent runs as host processes. */
    public static LabSession start(Path work) throws IOException, InterruptedException {
        return start(work, null);
    }

    /**
     * As {@link #start(Path)}, but the diagnostic Jobs name {@code image} and run as containers
     * from it in the lab nodes, reaching the API server over the management network.
     */
    public static LabSession startWithContainers(Path work, LabImage image) throws IOException, InterruptedException {
        return start(work, image);
    }

    private static LabSession start(Path work, LabImage image) throws IOException, InterruptedException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build first with: mvn -B package -DskipTests");
        }
        Files.createDirectories(work);
        ManagementNetwork management = image == null ? null : ManagementNetwork.create();
        KubectlApiServer api;
        try {
            api = management == null ? KubectlApiServer.start(Path.of("crds"))
                    : KubectlApiServer.start(Path.of("crds"), management.hostAddress());
        } catch (IOException | RuntimeException e) {
            if (management != null) {
                management.close();
            }
            throw e;
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", api.url());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", "lab-has-no-authentication");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("WGFLEET_AGENT_NAMESPACE", AGENT_NAMESPACE);
        // the lab starts peers one by one: a short gather keeps the time to a verdict low
        pb.environment().put("WGFLEET_AGENT_BATCH_DELAY", "200ms");
        if (image != null) {
            pb.environment().put("WGFLEET_AGENT_IMAGE", image.tag());
        }
        pb.environment().remove("KUBECONFIG");
        pb.redirectErrorStream(true);
        pb.redirectOutput(work.resolve("operator.log").toFile());
        Process operator;
        try {
            operator = pb.start();
        } catch (IOException e) {
            api.close();
            if (management != null) {
                management.close();
            }
            throw e;
        }
        return new LabSession(work, api, operator, management, image);
    }

    /** For tests whose operator runs in the test JVM against an API server they started. */
    public static LabSession attach(Path work, KubectlApiServer api) throws IOException {
        Files.createDirectories(work);
        return new LabSession(work, api, null, null, null);
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String apiUrl() {
        return api.url();
    }

    public LabKubelet kubelet() {
        return kubelet;
    }

    public ScenarioRunner runner() {
        return new ScenarioRunner(client, kubeconfig, kubelet);
    }

    public Path operatorLog() {
        return work.resolve("operator.log");
    }

    /** Waits until the operator has written a status on some peer, or fails when it died. */
    public void awaitOperatorAlive(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (operator != null && !operator.isAlive()) {
                    throw new IllegalStateException("the operator exited with " + operator.exitValue() + "; see " + operatorLog());
                }
                return client.resources(WireGuardPeer.class).inAnyNamespace().list().getItems().stream()
                        .anyMatch(p -> p.getStatus() != null && !p.getStatus().getConditions().isEmpty());
            });
        } catch (ConditionTimeoutException e) {
            // no peer has a status yet: the caller's own waits say what is missing
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The peers of one scenario as kubectl shows them. */
    public String getPeers(Scenario s) throws IOException, InterruptedException {
        return runner().kubectl(null, "get", "wgp", "-n", s.name());
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("lab: cleanup: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        kubelet.close();
        if (operator != null && operator.isAlive()) {
            operator.destroy();
            try {
                if (!operator.waitFor(10, TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                    operator.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        api.close();
        if (management != null) {
            try {
                management.close();
            } catch (RuntimeException e) {
                // a teardown problem must not hide the others' teardown, but must be seen
                System.err.println("lab: removing the management network failed: " + e.getMessage());
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook running
        }
    }
}
