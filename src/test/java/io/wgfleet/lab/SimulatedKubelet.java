package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.api.v1alpha1.ReportParts;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Plays the kubelet, the Job controller, the TTL controller and the node agent for fleets
 * that have no WireGuard: every diagnostic Job the operator creates is marked active, and
 * after a configurable delay (the Job's time on a real cluster: scheduling, image, JVM,
 * probe window) answered with the report an {@link Agent} makes up for the Job's declared
 * peers, then marked succeeded as the Job controller would. An agent that answers
 * {@code null} fails the Job instead, with the reason a real Job controller gives.
 *
 * <p>Unlike {@link LabKubelet} it watches (one informer for the Jobs, one for the peers)
 * instead of listing, so that at thousands of nodes its own reads do not load the API
 * server that is being measured. Its clients send the User-Agent {@link #USER_AGENT}, so
 * request counts at the API server can tell its requests from the operator's.
 */
public final class SimulatedKubelet implements AutoCloseable {

    public static final String USER_AGENT = "wgfleet-simulated-kubelet";
    private static final Logger LOG = Logger.getLogger(SimulatedKubelet.class.getName());

    /** The node agent's part: what the node would report for the declared peers. */
    @FunctionalInterface
    public interface Agent {
        /**
         * @param node     the Job's node
         * @param declared the peers the Job asks about (its --peers, or those with spec.nodeName = node)
         * @param fleet    every peer the kubelet has seen, for the far ends of in-fleet tunnels
         * @param now      the collection time
         * @return the report's spec, or null for a Job that fails without writing one
         */
        WireGuardNodeReportSpec report(String node, List<WireGuardPeer> declared, Fleet fleet, Instant now);
    }

    /** Read access to the peers the kubelet's informer holds. */
    @FunctionalInterface
    public interface Fleet {
        WireGuardPeer peer(String namespace, String name);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Agent agent;
    private volatile Duration jobTime;
    private final ScheduledExecutorService pods;
    private final SharedIndexInformer<WireGuardPeer> peers;
    private final SharedIndexInformer<Job> jobs;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> jobsPerNode = new ConcurrentHashMap<>();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong largestReportBytes = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger reportParts = new AtomicInteger();

    /**
     * @param client    a client of the API server (its User-Agent is replaced by {@link #USER_AGENT}, and its
     *                  request timeout raised: a lab API server holding thousands of objects answers slowly)
     * @param namespace where the operator creates its Jobs
     * @param jobTime   from the Job's creation to its report and completion
     * @param agent     what each node reports
     */
    public SimulatedKubelet(KubernetesClient client, String namespace, Duration jobTime, Agent agent) {
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(USER_AGENT).withRequestTimeout(120_000).build()).build();
        this.namespace = namespace;
        this.jobTime = jobTime;
        this.agent = agent;
        this.pods = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "simulated-kubelet");
            t.setDaemon(true);
            return t;
        });
        this.peers = this.client.resources(WireGuardPeer.class).inAnyNamespace().inform();
        this.jobs = this.client.batch().v1().jobs().inNamespace(namespace)
                .withLabel(DiagnosticJobFactory.APP_LABEL, DiagnosticJobFactory.APP)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        admit(job);
                    }

                    @Override
                    public void onUpdate(Job old, Job job) {
                        admit(job);
                    }

                    @Override
                    public void onDelete(Job job, boolean unknownFinalState) {
                        seen.remove(job.getMetadata().getUid());
                    }
                });
    }

    /** Changes the time a Job takes from now on (Jobs already running keep theirs). */
    public void setJobTime(Duration jobTime) {
        this.jobTime = jobTime;
    }

    private void admit(Job job) {
        if (job.getStatus() != null && (job.getStatus().getConditions() != null && !job.getStatus().getConditions().isEmpty()
                || job.getStatus().getActive() != null)) {
            return;
        }
        if (!seen.add(job.getMetadata().getUid())) {
            return;
        }
        String node = node(job);
        jobsPerNode.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
        running.incrementAndGet();
        Instant start = Instant.now();
        pods.execute(() -> setStatus(job.getMetadata().getName(), active(start)));
        pods.schedule(() -> finish(job, node, start), jobTime.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String node(Job job) {
        Map<String, String> a = job.getMetadata().getAnnotations();
        String n = a == null ? null : a.get(DiagnosticJobFactory.NODE_ANNOTATION);
        return n != null ? n : job.getSpec().getTemplate().getSpec().getNodeName();
    }

    private void finish(Job job, String node, Instant start) {
        try {
            List<WireGuardPeer> declared = declared(job, node);
            WireGuardNodeReportSpec spec;
            try {
                spec = agent.report(node, declared, this::peer, Instant.now());
            } catch (RuntimeException e) {
                LOG.warning("simulated agent on " + node + " failed: " + e);
                spec = null;
            }
            boolean ok = spec != null && writeReport(node, spec);
            setStatus(job.getMetadata().getName(), finished(start, ok));
            (ok ? succeeded : failed).incrementAndGet();
            Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
            if (ttl != null) {
                pods.schedule(() -> deleteJob(job.getMetadata().getName()), ttl, TimeUnit.SECONDS);
            }
        } finally {
            running.decrementAndGet();
        }
    }

    private List<WireGuardPeer> declared(Job job, String node) {
        Map<String, String> a = job.getMetadata().getAnnotations();
        String refs = a == null ? null : a.get(DiagnosticJobFactory.PEERS_ANNOTATION);
        List<WireGuardPeer> out = new ArrayList<>();
        if (refs == null || refs.isBlank()) {
            for (WireGuardPeer p : peers.getStore().list()) {
                if (p.getSpec() != null && node.equals(p.getSpec().getNodeName())) {
                    out.add(p);
                }
            }
            return out;
        }
        for (String ref : refs.split(",")) {
            WireGuardPeer p = peers.getStore().getByKey(ref.strip());
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    private WireGuardPeer peer(String ns, String name) {
        return peers.getStore().getByKey(ns + "/" + name);
    }

    /** As the agent does: read the report, then create or replace it. */
    private boolean writeReport(String node, WireGuardNodeReportSpec spec) {
        try {
            // as the agent's ReportWriter: continuations first, the report last
            List<WireGuardNodeReportSpec> specs = ReportParts.split(spec, ReportParts.BUDGET_BYTES);
            for (int k = specs.size() - 1; k >= 0; k--) {
                WireGuardNodeReportSpec one = specs.get(k);
                largestReportBytes.accumulateAndGet(Serialization.asJson(one).getBytes(StandardCharsets.UTF_8).length, Math::max);
                String name = k == 0 ? node : ReportParts.partName(node, k);
                WireGuardNodeReport existing = client.resources(WireGuardNodeReport.class).withName(name).get();
                if (existing == null) {
                    WireGuardNodeReport r = new WireGuardNodeReport();
                    r.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of("app.kubernetes.io/managed-by", "wgfleet-agent")).build());
                    r.setSpec(one);
                    client.resource(r).create();
                } else {
                    existing.setSpec(one);
                    client.resource(existing).update();
                }
            }
            reportParts.accumulateAndGet(specs.size(), Math::max);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warning("simulated agent: cannot write WireGuardNodeReport " + node + ": " + e.getMessage());
            return false;
        }
    }

    private static JobStatus active(Instant start) {
        return LabKubelet.active(start);
    }

    private static JobStatus finished(Instant start, boolean ok) {
        return LabKubelet.finished(start, ok, ok ? null : "BackoffLimitExceeded", ok ? null : "Job has reached the specified backoff limit");
    }

    private void setStatus(String name, JobStatus status) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                // the cached copy saves a read; a server that checks resourceVersions may answer 409
                Job j = attempt == 0 ? jobs.getStore().getByKey(namespace + "/" + name) : null;
                if (j == null) {
                    j = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
                }
                if (j == null) {
                    return;
                }
                Job copy = Serialization.clone(j);
                copy.setStatus(status);
                client.batch().v1().jobs().inNamespace(namespace).resource(copy).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.warning("simulated kubelet: could not update Job " + name + ": " + e.getMessage());
                    return;
                }
            }
        }
    }

    private void deleteJob(String name) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name).delete();
        } catch (KubernetesClientException e) {
            LOG.fine(() -> "simulated TTL controller: " + e.getMessage());
        }
    }

    /** Diagnostic Jobs answered per node so far. */
    public Map<String, Integer> jobsPerNode() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        jobsPerNode.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int jobsSucceeded() {
        return succeeded.get();
    }

    public int jobsFailed() {
        return failed.get();
    }

    /** Jobs started and not finished yet. */
    public int jobsRunning() {
        return running.get();
    }

    /** The most objects one report was split into. */
    public int mostReportParts() {
        return reportParts.get();
    }

    /** The largest report object written, as JSON bytes of its spec. */
    public long largestReportBytes() {
        return largestReportBytes.get();
    }

    @Override
    public void close() {
        pods.shutdownNow();
        try {
            pods.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.close();
        peers.close();
        client.close();
    }
}
