package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.agent.AgentMain;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
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
import java.util.logging.Logger;

/**
 * Plays the kubelet and the Job controller for lab nodes: for a diagnostic Job pinned to a
 * registered node it runs the Job's agent command line with the production agent code, on
 * the host (so it reaches the loopback API server) with its commands executed inside the
 * node's namespace through the agent's command seam, and writes the Job's status as the
 * Job controller would (active, then Complete or Failed with a reason).
 */
public final class LabKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LabKubelet.class.getName());

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, CommandRunner> nodes = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lab-kubelet"));
    private final ExecutorService pods = Executors.newCachedThreadPool(r -> daemon(r, "lab-pod"));

    public LabKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        poll.scheduleWithFixedDelay(this::sync, 0, 100, TimeUnit.MILLISECONDS);
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
    }

    private void sync() {
        try {
            for (Job job : client.batch().v1().jobs().inNamespace(namespace)
                    .withLabel(DiagnosticJobFactory.APP_LABEL, DiagnosticJobFactory.APP).list().getItems()) {
                String node = job.getSpec().getTemplate().getSpec().getNodeName();
                CommandRunner runner = node == null ? null : nodes.get(node);
                if (runner != null && job.getStatus() == null && seen.add(job.getMetadata().getUid())) {
                    pods.submit(() -> runPod(job, node, runner));
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

    private static JobStatus active(Instant start) {
        JobStatus s = new JobStatus();
        s.setStartTime(start.truncatedTo(ChronoUnit.SECONDS).toString());
        s.setActive(1);
        return s;
    }

    private static JobStatus finished(Instant start, boolean ok, String reason, String message) {
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
    }
}
