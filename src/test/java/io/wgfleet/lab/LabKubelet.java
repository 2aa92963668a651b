package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.agent.AgentMain;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Plays the kubelet and the Job controller for lab nodes: for a diagnostic Job pinned to a
 * registered node it runs the Job's pod, and writes the Job's status as the Job controller
 * would (active, then Complete or Failed with a reason). Two ways to run the pod:
 * <ul>
 *   <li>containers ({@link #containers}): the pod spec as a {@code podman run} of the Job's
 *       image in the lab node's network namespace ({@link PodmanPod}: command, env, user,
 *       capabilities, read-only root, hostPath volumes mapped to the node's own directories);
 *       the agent reaches the API server over the node's {@link ManagementNetwork} link, as a
 *       hostNetwork pod reaches it over the node's network;</li>
 *   <li>host processes (the fast default when podman or the image is missing): the Job's
 *       agent command line with the production agent code in this JVM, its commands executed
 *       inside the node's namespace through the agent's command seam.</li>
 * </ul>
 */
public final class LabKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LabKubelet.class.getName());

    /** What the container mode needs: the image's podman settings, the nodes' links to the API server, a work directory. */
    public record Containers(Path containersConf, ManagementNetwork management, String apiUrl, Path work) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Containers containers;
    private final Map<String, CommandRunner> nodes = new ConcurrentHashMap<>();
    private final Map<String, LabNode> labNodes = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile UnaryOperator<PodSpec> admission = UnaryOperator.identity();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lab-kubelet"));
    private final ExecutorService pods = Executors.newCachedThreadPool(r -> daemon(r, "lab-pod"));

    /** Runs the agent of each Job as a host process with its commands in the node's namespace. */
    public LabKubelet(KubernetesClient client, String namespace) {
        this(client, namespace, null);
    }

    private LabKubelet(KubernetesClient client, String namespace, Containers containers) {
        this.client = client;
        this.namespace = namespace;
        this.containers = containers;
        poll.scheduleWithFixedDelay(this::sync, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Runs each Job's pod as a container from the Job's image, in the lab node's network namespace. */
    public static LabKubelet containers(KubernetesClient client, String namespace, Containers containers) {
        return new LabKubelet(client, namespace, containers);
    }

    public boolean runsContainers() {
        return containers != null;
    }

    /**
     * Changes every pod spec before it runs, as a mutating admission policy would (tests
     * use it to take a capability away from the Job).
     */
    public void admission(UnaryOperator<PodSpec> change) {
        admission = change;
    }

    /** Jobs pinned to {@code nodeName} run on this lab node: as containers in its namespace, or with its command runner. */
    public void register(String nodeName, LabNode node) {
        if (containers == null) {
            register(nodeName, node.runner());
            return;
        }
        containers.management().attach(node);
        labNodes.put(nodeName, node);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Jobs pinned to {@code nodeName} run with commands inside this runner's namespace. */
    public void register(String nodeName, CommandRunner runner) {
        nodes.put(nodeName, runner);
    }

    public void unregister(String nodeName) {
        nodes.remove(nodeName);
        LabNode node = labNodes.remove(nodeName);
        if (node != null) {
            containers.management().detach(node);
        }
    }

    private void sync() {
        try {
            for (Job job : client.batch().v1().jobs().inNamespace(namespace)
                    .withLabel(DiagnosticJobFactory.APP_LABEL, DiagnosticJobFactory.APP).list().getItems()) {
                String node = job.getSpec().getTemplate().getSpec().getNodeName();
                if (node == null || job.getStatus() != null) {
                    continue;
                }
                CommandRunner runner = nodes.get(node);
                LabNode labNode = labNodes.get(node);
                if (runner != null && seen.add(job.getMetadata().getUid())) {
                    pods.submit(() -> runPod(job, node, runner));
                } else if (labNode != null && seen.add(job.getMetadata().getUid())) {
                    pods.submit(() -> runContainer(job, node, labNode));
                }
            }
        } catch (KubernetesClientException e) {
            LOG.fine(() -> "lab kubelet: " + e.getMessage());
        }
    }

    private void runPod(Job job, String node, CommandRunner runner) {
        String name = job.getMetadata().getName();
        Instant start = Instant.now();
        setStatus(name, active(start));
        List<String> command = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
        int main = command.indexOf(AgentMain.class.getName());
        String[] args = command.subList(main + 1, command.size()).toArray(String[]::new);
        long deadline = job.getSpec().getActiveDeadlineSeconds() == null ? 60 : job.getSpec().getActiveDeadlineSeconds();
        ExecutorService one = Executors.newSingleThreadExecutor(r -> daemon(r, "agent-" + node));
        Future<Integer> agent = one.submit(() -> AgentMain.run(args, node, client, runner, Clock.systemUTC()));
        JobStatus end;
        try {
            int exit = agent.get(deadline, TimeUnit.SECONDS);
            end = exit == 0 ? finished(start, true, null, null)
                    : finished(start, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit (agent exited with status " + exit + ")");
        } catch (TimeoutException e) {
            agent.cancel(true);
            end = finished(start, false, "DeadlineExceeded", "Job was active longer than specified deadline");
        } catch (ExecutionException e) {
            end = finished(start, false, "BackoffLimitExceeded", "agent crashed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            agent.cancel(true);
            return;
        } finally {
            one.shutdownNow();
        }
        setStatus(name, end);
    }

    /** The Job's pod as a podman container; its exit code decides the Job's status. */
    private void runContainer(Job job, String node, LabNode labNode) {
        String name = job.getMetadata().getName();
        Instant start = Instant.now();
        setStatus(name, active(start));
        String container = "wgfleet-lab-" + name;
        long deadline = job.getSpec().getActiveDeadlineSeconds() == null ? 60 : job.getSpec().getActiveDeadlineSeconds();
        JobStatus end;
        try {
            Path podDir = containers.work().resolve("pods").resolve(name);
            Path serviceAccount = podDir.resolve("serviceaccount");
            Files.createDirectories(serviceAccount);
            // the projected service account token a pod gets; the lab API server does not check it
            Files.writeString(serviceAccount.resolve("token"), "lab-has-no-authentication");
            Files.writeString(serviceAccount.resolve("namespace"), namespace);
            PodSpec spec = admission.apply(job.getSpec().getTemplate().getSpec());
            List<String> argv = PodmanPod.runCommand(container, name, namespace, spec,
                    new PodmanPod.NodeView(node, labNode.namespace, labNode.runDir(), PodmanPod.hostsOf(labNode.namespace)),
                    containers.apiUrl(), serviceAccount);
            Path log = podDir.resolve("agent.log");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("CONTAINERS_CONF", containers.containersConf().toString());
            running.add(container);
            Process p = pb.start();
            if (!p.waitFor(deadline, TimeUnit.SECONDS)) {
                removeContainer(container);
                p.waitFor(10, TimeUnit.SECONDS);
                end = finished(start, false, "DeadlineExceeded", "Job was active longer than specified deadline");
            } else {
                int exit = p.exitValue();
                end = exit == 0 ? finished(start, true, null, null)
                        : finished(start, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit (container exited with status "
                        + exit + ": " + lastLine(log) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeContainer(container);
            return;
        } catch (IOException | RuntimeException e) {
            end = finished(start, false, "BackoffLimitExceeded", "the lab kubelet could not run the pod: " + e.getMessage());
        } finally {
            running.remove(container);
        }
        setStatus(name, end);
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            return "no log: " + e.getMessage();
        }
    }

    private void removeContainer(String container) {
        try {
            ProcessBuilder pb = new ProcessBuilder("podman", "rm", "-f", "-t", "0", container)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("CONTAINERS_CONF", containers.containersConf().toString());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warning("lab kubelet: could not remove container " + container + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A Job's status while its pod runs, as the Job controller writes it (also the simulated kubelet's). */
    static JobStatus active(Instant start) {
        JobStatus s = new JobStatus();
        s.setStartTime(start.truncatedTo(ChronoUnit.SECONDS).toString());
        s.setActive(1);
        return s;
    }

    /** A Job's status once its pod ended, as the Job controller writes it (also the simulated kubelet's). */
    static JobStatus finished(Instant start, boolean ok, String reason, String message) {
        JobStatus s = new JobStatus();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        s.setStartTime(start.truncatedTo(ChronoUnit.SECONDS).toString());
        s.setActive(0);
        s.setSucceeded(ok ? 1 : 0);
        s.setFailed(ok ? 0 : 1);
        if (ok) {
            s.setCompletionTime(now);
        }
        s.setConditions(List.of(new JobConditionBuilder().withType(ok ? "Complete" : "Failed").withStatus("True")
                .withReason(reason).withMessage(message).withLastTransitionTime(now).build()));
        return s;
    }

    private void setStatus(String name, JobStatus status) {
        try {
            Job j = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (j != null) {
                j.setStatus(status);
                client.batch().v1().jobs().inNamespace(namespace).resource(j).updateStatus();
            }
        } catch (KubernetesClientException e) {
            LOG.warning("lab kubelet: could not update Job " + name + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        poll.shutdownNow();
        pods.shutdownNow();
        try {
            pods.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a container whose Job was still running when the session ended
        for (String container : List.copyOf(running)) {
            removeContainer(container);
        }
    }
}
