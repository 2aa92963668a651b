package io.wgfleet.operator.jobs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.operator.OperatorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Creates diagnostic Jobs, and runs deferred work (a round's gather delay) on a thread of
 * its own, which the container stops at shutdown. Decides nothing about rounds.
 */
@Singleton
public class JobLauncher {

    /** What became of a launch, and the Job it was about, as it was sent. */
    public record Launch(Outcome outcome, Job job) {
        public String jobName() {
            return job.getMetadata().getName();
        }
    }

    public enum Outcome {
        CREATED,
        /** A Job of that name exists: the same round was started a moment ago. */
        ALREADY_EXISTS,
        /**
         * The API server answered with a server error or not at all: it may have stored the
         * Job anyway (a timeout after the write), so the caller must not create another at once.
         */
        UNKNOWN,
        FAILED
    }

    private static final Logger LOG = Logger.getLogger(JobLauncher.class);

    private final KubernetesClient client;
    private final DiagnosticJobFactory factory;
    private final JobMetrics metrics;
    private final ScheduledExecutorService timer;

    @Inject
    public JobLauncher(KubernetesClient client, OperatorConfig config, JobMetrics metrics) {
        this(client, new DiagnosticJobFactory(config.agent()), metrics);
    }

    public JobLauncher(KubernetesClient client, DiagnosticJobFactory factory, JobMetrics metrics) {
        this.client = client;
        this.factory = factory;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wgfleet-rounds");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates the Job of the round started {@code now} on {@code node}, probing {@code peers}. */
    public Launch launch(Node node, List<String> peers, Instant now) {
        return launch(node, peers, now, List.of());
    }

    /** As {@link #launch(Node, List, Instant)}, for the on-demand requests {@code requestTokens} ({@link DiagnosticJobs#requestToken}). */
    public Launch launch(Node node, List<String> peers, Instant now, java.util.Collection<String> requestTokens) {
        Job job = factory.build(node, peers, now);
        job.getMetadata().getAnnotations().put(DiagnosticJobs.STARTED_AT_ANNOTATION, now.toString());
        if (!requestTokens.isEmpty()) {
            job.getMetadata().getAnnotations().put(DiagnosticJobs.REQUESTS_ANNOTATION, String.join(",", new java.util.TreeSet<>(requestTokens)));
        }
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
            metrics.started();
            return new Launch(Outcome.CREATED, job);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return new Launch(Outcome.ALREADY_EXISTS, job);
            }
            LOG.warnf("could not create diagnostic Job for node %s (HTTP %d): %s", node.getMetadata().getName(), e.getCode(), e.getMessage());
            metrics.createFailed();
            // no answer (code 0, or below for a client-side failure) or a server error
            boolean maybeStored = e.getCode() >= 500 || e.getCode() <= 0;
            return new Launch(maybeStored ? Outcome.UNKNOWN : Outcome.FAILED, job);
        }
    }

    /** Runs {@code task} after {@code delay} on the launcher's thread; a failure is logged, not thrown. */
    public void later(Duration delay, Runnable task) {
        try {
            timer.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf("starting queued diagnostic rounds failed: %s", e.getMessage());
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the rounds die with the process and the next leader rebuilds them
        }
    }

    @PreDestroy
    public void close() {
        timer.shutdownNow();
    }
}
