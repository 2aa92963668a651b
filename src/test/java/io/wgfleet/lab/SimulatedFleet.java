package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.testing.Peers;
import io.wgfleet.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of one-sided peers on simulated nodes (no WireGuard: {@link SimulatedKubelet}
 * answers every diagnostic Job with a healthy {@link SyntheticAgent} report), and what the
 * fault and kill tests check on it, read straight from the API server: verdicts, rounds,
 * Jobs per node, conditions whose lastTransitionTime moved without a status change (seen
 * on a watch of every peer update), and Ready transitions against recorded Events.
 */
final class SimulatedFleet implements AutoCloseable {

    static final String NS = "fleet";
    static final String DIAGNOSE = "wgfleet.io/diagnose";

    final KubernetesClient client;
    final SimulatedKubelet kubelet;
    final List<String> nodes = new ArrayList<>();
    final List<String> peers = new ArrayList<>();
    final List<String> transitionViolations = new CopyOnWriteArrayList<>();
    private final Map<String, List<Condition>> lastConditions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> readyTransitions = new ConcurrentHashMap<>();
    private final Watch watch;

    /** The test's own client goes straight to the API server: its reads are never faulted. */
    SimulatedFleet(KubectlApiServer api, int nodeCount, int peersPerNode, Duration jobTime) {
        this.client = api.client();
        this.kubelet = new SimulatedKubelet(client, LabSession.AGENT_NAMESPACE, jobTime,
                new SyntheticAgent(SyntheticAgent.Network.byIndex(n -> Integer.parseInt(n.substring(n.indexOf('-') + 1)))));
        this.watch = client.resources(WireGuardPeer.class).inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, WireGuardPeer p) {
                observe(p);
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        for (int n = 0; n < nodeCount; n++) {
            String node = "node-" + n;
            nodes.add(node);
            client.resource(Peers.node(node, Map.of("wgfleet.io/fleet", "simulated"))).create();
            for (int i = 0; i < peersPerNode; i++) {
                String name = "p-" + n + "-" + i;
                WireGuardPeer p = Peers.peer(NS, name, node, "wg0", "10.200." + n + "." + (i + 1) + "/32");
                p.getSpec().setPublicKey(TestKeys.key());
                p.getSpec().setEndpoint("198.51.100." + (i + 1) + ":51820");
                client.resource(p).create();
                peers.add(name);
            }
        }
    }

    private void observe(WireGuardPeer p) {
        String name = p.getMetadata().getName();
        List<Condition> now = p.getStatus() == null ? List.of() : p.getStatus().getConditions();
        List<Condition> before = lastConditions.put(name, List.copyOf(now));
        if (before == null) {
            return;
        }
        for (Condition c : now) {
            for (Condition b : before) {
                if (b.getType().equals(c.getType()) && Objects.equals(b.getStatus(), c.getStatus())
                        && !Objects.equals(b.getLastTransitionTime(), c.getLastTransitionTime())) {
                    transitionViolations.add(name + " " + c.getType() + " stayed " + c.getStatus() + " but lastTransitionTime moved "
                            + b.getLastTransitionTime() + " -> " + c.getLastTransitionTime());
                }
                if (b.getType().equals("Ready") && c.getType().equals("Ready")
                        && (!Objects.equals(b.getStatus(), c.getStatus()) || !Objects.equals(b.getReason(), c.getReason()))) {
                    readyTransitions.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        }
    }

    List<WireGuardPeer> list() {
        return client.resources(WireGuardPeer.class).inNamespace(NS).list().getItems();
    }

    static Condition condition(WireGuardPeer p, String type) {
        if (p.getStatus() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** Peers by their Ready reason ("none" without a Ready condition). */
    Map<String, Long> byReason() {
        Map<String, Long> out = new TreeMap<>();
        for (WireGuardPeer p : list()) {
            Condition r = condition(p, "Ready");
            out.merge(r == null ? "none" : r.getReason(), 1L, Long::sum);
        }
        return out;
    }

    /** Every peer has its verdict: Ready True, reason Connected (the synthetic fleet is healthy). */
    boolean allConnected() {
        List<WireGuardPeer> all = list();
        return all.size() == peers.size() && all.stream().allMatch(p -> {
            Condition r = condition(p, "Ready");
            return r != null && "True".equals(r.getStatus()) && "Connected".equals(r.getReason());
        });
    }

    /** Every peer answered the diagnose request {@code value} and is Connected. */
    boolean allAnswered(String value) {
        return allConnected() && list().stream().allMatch(p -> p.getStatus().getDiagnosisRound() != null
                && value.equals(p.getStatus().getDiagnosisRound().getHandledRequest())
                && Boolean.TRUE.equals(p.getStatus().getDiagnosisRound().getComplete()));
    }

    /** Peers whose Reconciling condition is True. */
    List<String> reconciling() {
        List<String> out = new ArrayList<>();
        for (WireGuardPeer p : list()) {
            Condition c = condition(p, "Reconciling");
            if (c != null && "True".equals(c.getStatus())) {
                out.add(p.getMetadata().getName());
            }
        }
        return out;
    }

    void requestDiagnosis(List<String> names, String value) {
        for (String name : names) {
            client.resources(WireGuardPeer.class).inNamespace(NS).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + DIAGNOSE + "\":\"" + value + "\"}}}");
        }
    }

    /** Nodes the kubelet answered more than {@code rounds} Jobs for. */
    Map<String, Integer> nodesWithMoreJobsThan(int rounds) {
        Map<String, Integer> out = new TreeMap<>();
        kubelet.jobsPerNode().forEach((node, n) -> {
            if (n > rounds) {
                out.put(node, n);
            }
        });
        return out;
    }

    /**
     * (node, peer) pairs that more than {@code rounds} Jobs probed: the same work done twice
     * in one round. A node may legitimately get a second Job in a round for a peer whose
     * first reconcile came after the node's Job had started (that Job did not probe it).
     */
    Map<String, Integer> peersProbedMoreThan(int rounds) {
        Map<String, Integer> count = new TreeMap<>();
        for (Job j : client.batch().v1().jobs().inNamespace(LabSession.AGENT_NAMESPACE).list().getItems()) {
            Map<String, String> a = j.getMetadata().getAnnotations();
            String node = a == null ? null : a.get(DiagnosticJobFactory.NODE_ANNOTATION);
            String probed = a == null ? null : a.get(DiagnosticJobFactory.PEERS_ANNOTATION);
            if (node == null || probed == null) {
                continue;
            }
            for (String peer : probed.split(",")) {
                if (!peer.isBlank()) {
                    count.merge(node + " " + peer.strip(), 1, Integer::sum);
                }
            }
        }
        count.values().removeIf(n -> n <= rounds);
        return count;
    }

    /** When the node's first diagnostic Job was created (second precision, as the API server stores it). */
    java.time.Instant firstJobCreated(String node) {
        return firstJob(node).map(j -> java.time.Instant.parse(j.getMetadata().getCreationTimestamp())).orElse(java.time.Instant.MAX);
    }

    /** Whether the node's first diagnostic Job carries the peer's on-demand request {@code value}. */
    boolean firstJobServes(String node, String peerKey, String value) {
        return firstJob(node).map(j -> io.wgfleet.operator.jobs.DiagnosticJobs.serves(j, peerKey, value)).orElse(false);
    }

    private java.util.Optional<Job> firstJob(String node) {
        return client.batch().v1().jobs().inNamespace(LabSession.AGENT_NAMESPACE).list().getItems().stream()
                .filter(j -> j.getMetadata().getAnnotations() != null
                        && node.equals(j.getMetadata().getAnnotations().get(DiagnosticJobFactory.NODE_ANNOTATION)))
                .min(java.util.Comparator.comparing((Job j) -> j.getMetadata().getCreationTimestamp())
                        .thenComparing(j -> j.getMetadata().getName()));
    }

    /** The diagnostic Jobs of {@code nodes}, one line each, for a failure's message: what the operator created and when. */
    String describeJobsOf(java.util.Collection<String> nodes) {
        StringBuilder out = new StringBuilder();
        for (Job j : client.batch().v1().jobs().inNamespace(LabSession.AGENT_NAMESPACE).list().getItems()) {
            Map<String, String> a = j.getMetadata().getAnnotations();
            if (a != null && nodes.contains(a.get(DiagnosticJobFactory.NODE_ANNOTATION))) {
                out.append(String.format("%n  %s created %s round-started-at %s probes %s requests %s", j.getMetadata().getName(),
                        j.getMetadata().getCreationTimestamp(), a.get(io.wgfleet.operator.jobs.DiagnosticJobs.STARTED_AT_ANNOTATION),
                        a.get(DiagnosticJobFactory.PEERS_ANNOTATION), a.get(io.wgfleet.operator.jobs.DiagnosticJobs.REQUESTS_ANNOTATION)));
            }
        }
        return out.toString();
    }

    int jobsTotal() {
        return kubelet.jobsPerNode().values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Peers whose Events count more occurrences than the Ready transitions seen on them
     * (plus the first verdict): an Event that is not aggregated, or one recorded twice.
     */
    Map<String, String> eventsBeyondTransitions() {
        Map<String, Integer> counted = new TreeMap<>();
        for (Event e : client.v1().events().inNamespace(NS).list().getItems()) {
            counted.merge(e.getInvolvedObject().getName(), e.getCount() == null ? 1 : e.getCount(), Integer::sum);
        }
        Map<String, String> out = new TreeMap<>();
        counted.forEach((peer, n) -> {
            int transitions = readyTransitions.getOrDefault(peer, new AtomicInteger()).get() + 1;
            if (n > transitions) {
                out.put(peer, n + " event occurrences for " + transitions + " Ready transition(s)");
            }
        });
        return out;
    }

    int eventsTotal() {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    @Override
    public void close() {
        watch.close();
        kubelet.close();
        client.close();
    }
}
