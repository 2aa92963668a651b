package io.wgfleet.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticRounds;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Turns a WireGuardPeer into standard conditions: validates the spec, checks it against
 * the other peers on the same node and interface, resolves its nodes, runs diagnosis
 * rounds (one Job per node per round), and diagnoses from the node reports. Writes
 * status only when it differs and never touches the spec.
 */
// Not generation-aware: the wgfleet.io/diagnose annotation changes no generation but must
// start a round. The periodic resync also catches cases no event maps back (a peer that
// moved to another interface leaves its old neighbours' conflicts to be re-evaluated).
@ControllerConfiguration(name = WireGuardPeerReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class WireGuardPeerReconciler implements Reconciler<WireGuardPeer> {

    public static final String NAME = "wireguardpeer";
    static final String INTERFACE_INDEX = "by-interface";
    static final String NODE_INDEX = "by-node";
    static final String NODES_SOURCE = "nodes";
    static final String REPORTS_SOURCE = "node-reports";
    static final String PEERS_SOURCE = "fleet-peers";
    static final String JOBS_SOURCE = "diagnostic-jobs";
    /** While a round runs, look again this often even without events (a lost event must not leave it pending). */
    static final Duration ROUND_POLL = Duration.ofSeconds(15);
    /** Node clocks and the operator's may differ a little; a report this much older than a round still answers it. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final Clock clock;
    private final PeerEventRecorder events;
    private final PeerMetrics metrics;
    private final OperatorConfig config;
    private final DiagnosticRounds rounds;
    private final FleetConflicts fleet = new FleetConflicts();
    private final PeerDiagnoser diagnoser;
    static final Duration SWEEP_EVERY = Duration.ofSeconds(30);
    private volatile Instant lastSweep;
    /** The last status decided per peer: the primary cache may not show our own patch yet. */
    private final Map<String, WireGuardPeerStatus> decided = new ConcurrentHashMap<>();

    private volatile InformerEventSource<Node, WireGuardPeer> nodes;
    private volatile InformerEventSource<WireGuardNodeReport, WireGuardPeer> reports;
    private volatile InformerEventSource<WireGuardPeer, WireGuardPeer> fleetPeers;
    private volatile InformerEventSource<Job, WireGuardPeer> jobs;

    @Inject
    public WireGuardPeerReconciler(Clock clock, PeerEventRecorder events, PeerMetrics metrics, OperatorConfig config,
                                   KubernetesClient client) {
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
        this.rounds = new DiagnosticRounds(client, new DiagnosticJobFactory(config.agent()), clock,
                config.agent().maxConcurrentJobs(), config.agent().batchDelay(), this::clusterView, metrics);
        this.diagnoser = new PeerDiagnoser(metrics);
    }

    @Override
    public List<EventSource<?, WireGuardPeer>> prepareEventSources(EventSourceContext<WireGuardPeer> context) {
        // A node joining, leaving or being relabelled changes which peers it hosts.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, WireGuardPeer.class)
                .withName(NODES_SOURCE)
                .withSecondaryToPrimaryMapper(node -> peersAffectedBy(node.getMetadata().getName(), node))
                .build(), context);

        // A new report from a node is new evidence for the peers it hosts and their remote ends.
        reports = new InformerEventSource<>(InformerEventSourceConfiguration.from(WireGuardNodeReport.class, WireGuardPeer.class)
                .withName(REPORTS_SOURCE)
                .withSecondaryToPrimaryMapper(report -> peersAffectedBy(report.getMetadata().getName(), null))
                .build(), context);

        // Duplicate keys and overlapping AllowedIPs involve two peers: a spec change of
        // one must re-evaluate the others on the same interface. This informer's cache,
        // not the primary one, is what the fleet checks read: it is the cache that has
        // already seen the change when its event arrives. Status-only updates are
        // filtered out so that status writes do not fan out.
        fleetPeers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(WireGuardPeer.class, WireGuardPeer.class)
                        .withName(PEERS_SOURCE)
                        .withOnUpdateFilter((next, prev) -> !Objects.equals(next.getMetadata().getGeneration(),
                                prev.getMetadata().getGeneration()))
                        // the changed peer itself is reconciled through its primary event
                        .withSecondaryToPrimaryMapper(peer -> sameInterface(peer).stream()
                                .map(ResourceID::fromResource)
                                .filter(id -> !id.equals(ResourceID.fromResource(peer)))
                                .collect(Collectors.toSet()))
                        .build(), context);
        fleetPeers.addIndexers(Map.of(INTERFACE_INDEX, p -> p.getSpec() == null || p.getSpec().getInterfaceName() == null
                ? List.of() : List.of(p.getSpec().getInterfaceName())));

        // A Job that finishes answers its node's round, and frees a slot for queued rounds.
        jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, WireGuardPeer.class)
                .withName(JOBS_SOURCE)
                .withNamespaces(Set.of(config.agent().namespace()))
                .withLabelSelector(DiagnosticJobFactory.APP_LABEL + "=" + DiagnosticJobFactory.APP)
                .withOnUpdateFilter((next, prev) -> {
                    if (DiagnosticRounds.isActive(prev) && !DiagnosticRounds.isActive(next)) {
                        metrics.jobFinished(next.getStatus() != null && next.getStatus().getSucceeded() != null
                                && next.getStatus().getSucceeded() > 0 ? "succeeded" : "failed");
                    }
                    return true;
                })
                .withSecondaryToPrimaryMapper(job -> {
                    rounds.seen(job);
                    Set<ResourceID> out = new java.util.HashSet<>();
                    String node = job.getMetadata().getAnnotations() == null ? null
                            : job.getMetadata().getAnnotations().get(DiagnosticJobFactory.NODE_ANNOTATION);
                    if (node != null) {
                        out.addAll(peersAffectedBy(node, null));
                    }
                    // a finished Job frees a slot: the peers waiting for one get their turn
                    rounds.queuedNodes().forEach(n -> out.addAll(peersAffectedBy(n, null)));
                    return out;
                })
                .build(), context);
        jobs.addIndexers(Map.of(NODE_INDEX, j -> j.getMetadata().getLabels() == null
                || j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL) == null
                ? List.of() : List.of(j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL))));
        return List.of(nodes, reports, fleetPeers, jobs);
    }

    private DiagnosticRounds.Cluster clusterView() {
        return new DiagnosticRounds.Cluster() {
            @Override
            public List<Job> jobsOfNode(String nodeLabel) {
                return jobs.byIndex(NODE_INDEX, nodeLabel);
            }

            @Override
            public Optional<Node> node(String name) {
                return nodes.get(new ResourceID(name));
            }

            @Override
            public int activeJobs() {
                return (int) jobs.list().filter(DiagnosticRounds::isActive).count();
            }
        };
    }

    private List<WireGuardPeer> sameInterface(WireGuardPeer peer) {
        return peer.getSpec() == null || peer.getSpec().getInterfaceName() == null
                ? List.of()
                : fleetPeers.byIndex(INTERFACE_INDEX, peer.getSpec().getInterfaceName());
    }

    /** Peers hosted on the node, and the peers whose remote end is one of those. */
    private Set<ResourceID> peersAffectedBy(String nodeName, Node node) {
        Node n = node != null ? node : nodes.get(new ResourceID(nodeName)).orElse(null);
        List<WireGuardPeer> all = fleetPeers.list().toList();
        Set<ResourceID> hosted = all.stream()
                .filter(p -> p.getSpec() != null && (nodeName.equals(p.getSpec().getNodeName()) || NodeTargets.targets(p.getSpec(), n)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
        Set<ResourceID> out = new java.util.HashSet<>(hosted);
        for (WireGuardPeer p : all) {
            PeerRef ref = p.getSpec() == null ? null : p.getSpec().getRemotePeerRef();
            if (ref != null && ref.getName() != null
                    && hosted.contains(new ResourceID(ref.getName(), refNamespace(p, ref)))) {
                out.add(ResourceID.fromResource(p));
            }
        }
        return out;
    }

    static String refNamespace(WireGuardPeer p, PeerRef ref) {
        return ref.getNamespace() == null || ref.getNamespace().isEmpty() ? p.getMetadata().getNamespace() : ref.getNamespace();
    }

    @Override
    public UpdateControl<WireGuardPeer> reconcile(WireGuardPeer peer, Context<WireGuardPeer> context) {
        Instant now = clock.instant();
        String uid = peer.getMetadata().getUid();
        WireGuardPeerStatus cached = peer.getStatus();
        WireGuardPeerStatus previous = newer(cached, decided.get(uid));
        Collection<Node> allNodes = nodes.list().toList();
        List<String> targetNodes = List.of();
        PeerVerdict verdict;
        PeerDiagnoser.Outcome outcome = null;
        RoundPlanner.Round round = null;

        List<SpecValidator.Problem> problems = SpecValidator.validate(peer.getSpec());
        if (!problems.isEmpty()) {
            verdict = PeerVerdicts.invalidSpec(problems);
        } else {
            targetNodes = NodeTargets.resolve(peer.getSpec(), allNodes);
            PeerVerdict conflict = fleet.check(peer, targetNodes, sameInterface(peer), allNodes);
            if (conflict != null) {
                verdict = conflict;
            } else if (targetNodes.isEmpty()) {
                String deleted = deletedDuringRound(previous);
                if (deleted != null) {
                    verdict = PeerVerdicts.nodeDeleted(deleted);
                    // keep naming the lost node until its Job is gone, so the verdict does not flap
                    targetNodes = List.of(previous.getTargetNodes().split(","));
                } else {
                    verdict = PeerVerdicts.noMatchingNodes(peer.getSpec());
                }
            } else {
                Duration interval = SpecValidator.interval(peer.getSpec());
                Optional<WireGuardPeer> remote = remotePeer(peer);
                List<String> remoteNodes = remote.map(r -> NodeTargets.resolve(r.getSpec(), allNodes)).orElse(List.of());
                List<String> roundNodes = new ArrayList<>(targetNodes);
                remoteNodes.stream().limit(1).forEach(roundNodes::add);

                var previousRound = previous == null ? null : previous.getDiagnosisRound();
                Instant previousAt = previousRound == null ? null : RoundPlanner.parse(previousRound.getRequestedAt());
                boolean previousComplete = previousAt != null && roundNodes.stream()
                        .allMatch(n -> answered(n, previousAt));
                RoundPlanner.Round planned = RoundPlanner.plan(peer, previousRound, previousComplete, interval, now);
                round = planned;

                // both ends start together so that their probes overlap
                Map<String, List<String>> peersByNode = new TreeMap<>();
                for (String n : roundNodes) {
                    peersByNode.put(n, peersOnNode(n, allNodes));
                }
                rounds.request(peersByNode, planned.requestedAt());

                Duration staleAfter = interval.plus(config.agent().activeDeadline()).plus(CLOCK_SKEW);
                outcome = diagnoser.diagnose(peer, targetNodes, remote.orElse(null), remoteNodes, planned,
                        n -> reports.get(new ResourceID(n)).orElse(null),
                        n -> rounds.status(n, planned.requestedAt()), now, staleAfter);
                verdict = outcome.verdict();
            }
        }

        WireGuardPeerStatus next = compose(peer, verdict, targetNodes, previous, outcome, round, now);
        decided.put(uid, next);
        metrics.update(peer, peer.getSpec() == null ? "" : peer.getSpec().getInterfaceName(),
                ConditionMerger.find(next.getConditions(), ConditionType.READY).getStatus(),
                verdict.reason(), next.getNodes());
        forgetDeletedPeers(context, now);

        if (!StatusComparison.same(previous, next)) {
            recordTransitions(peer, previous == null ? List.of() : previous.getConditions(), next.getConditions());
        }
        Duration again = nextLook(round, outcome, problems.isEmpty() ? SpecValidator.interval(peer.getSpec()) : null, now);
        if (StatusComparison.same(cached, next)) {
            UpdateControl<WireGuardPeer> none = UpdateControl.noUpdate();
            return again == null ? none : none.rescheduleAfter(again);
        }
        peer.setStatus(next);
        UpdateControl<WireGuardPeer> patch = UpdateControl.patchStatus(peer);
        return again == null ? patch : patch.rescheduleAfter(again);
    }

    /** Why the round failed on a node that hosted the peer and no longer exists, or null. */
    private String deletedDuringRound(WireGuardPeerStatus previous) {
        if (previous == null || previous.getTargetNodes() == null || previous.getDiagnosisRound() == null) {
            return null;
        }
        Instant since = RoundPlanner.parse(previous.getDiagnosisRound().getRequestedAt());
        if (since == null) {
            return null;
        }
        for (String node : previous.getTargetNodes().split(",")) {
            if (nodes.get(new ResourceID(node)).isEmpty()) {
                DiagnosticRounds.NodeRound r = rounds.status(node, since);
                if (r.state() == DiagnosticRounds.State.FAILED) {
                    return r.detail();
                }
            }
        }
        return null;
    }

    /**
     * Drops the metric series and remembered statuses of deleted peers. A sweep over the
     * whole cache, so at most every {@link #SWEEP_EVERY} rather than on every reconcile.
     */
    private void forgetDeletedPeers(Context<WireGuardPeer> context, Instant now) {
        Instant last = lastSweep;
        if (last != null && now.isBefore(last.plus(SWEEP_EVERY))) {
            return;
        }
        lastSweep = now;
        Set<String> ids = new java.util.HashSet<>();
        Set<String> uids = new java.util.HashSet<>();
        context.getPrimaryCache().list().forEach(p -> {
            ids.add(FleetConflicts.id(p));
            uids.add(p.getMetadata().getUid());
        });
        metrics.retainOnly(ids);
        decided.keySet().retainAll(uids);
    }

    /** Our own last decision when the cache has not caught up with it yet. */
    private static WireGuardPeerStatus newer(WireGuardPeerStatus cached, WireGuardPeerStatus mine) {
        if (mine == null) {
            return cached;
        }
        if (cached == null) {
            return mine;
        }
        long cg = cached.getObservedGeneration() == null ? 0 : cached.getObservedGeneration();
        long mg = mine.getObservedGeneration() == null ? 0 : mine.getObservedGeneration();
        if (mg != cg) {
            return mg > cg ? mine : cached;
        }
        Instant ct = cached.getDiagnosisRound() == null ? null : RoundPlanner.parse(cached.getDiagnosisRound().getRequestedAt());
        Instant mt = mine.getDiagnosisRound() == null ? null : RoundPlanner.parse(mine.getDiagnosisRound().getRequestedAt());
        // same generation: ours unless the cache holds a later round (another writer)
        return mt != null && (ct == null || !mt.isBefore(ct)) ? mine : cached;
    }

    private boolean answered(String node, Instant since) {
        DiagnosticRounds.NodeRound r = rounds.status(node, since);
        return r.state() == DiagnosticRounds.State.FAILED || answers(reports.get(new ResourceID(node)).orElse(null), r, since);
    }

    /**
     * Whether the node's report belongs to the round: written by the round's Job (collected
     * after the Job started, with room for the node's clock to differ from ours), or, with
     * no Job to go by, collected after the round was requested.
     */
    static boolean answers(WireGuardNodeReport report, DiagnosticRounds.NodeRound round, Instant requestedAt) {
        if (report == null || report.getSpec() == null) {
            return false;
        }
        Instant t = RoundPlanner.parse(report.getSpec().getCollectionTime());
        if (t == null) {
            return false;
        }
        if (round.state() == DiagnosticRounds.State.SUCCEEDED && round.startedAt() != null) {
            return !t.isBefore(round.startedAt().minus(CLOCK_SKEW));
        }
        return !t.isBefore(requestedAt);
    }

    private Optional<WireGuardPeer> remotePeer(WireGuardPeer peer) {
        PeerRef ref = peer.getSpec().getRemotePeerRef();
        if (ref == null || ref.getName() == null) {
            return Optional.empty();
        }
        return fleetPeers.get(new ResourceID(ref.getName(), refNamespace(peer, ref)))
                .filter(r -> r.getSpec() != null && SpecValidator.validate(r.getSpec()).isEmpty());
    }

    /** Every valid peer a node hosts, as namespace/name: its agent probes them all in one round. */
    private List<String> peersOnNode(String node, Collection<Node> allNodes) {
        Node n = allNodes.stream().filter(x -> node.equals(x.getMetadata().getName())).findFirst().orElse(null);
        return fleetPeers.list()
                .filter(p -> p.getSpec() != null && NodeTargets.targets(p.getSpec(), n) && SpecValidator.validate(p.getSpec()).isEmpty())
                .map(FleetConflicts::id)
                .sorted()
                .toList();
    }

    private Duration nextLook(RoundPlanner.Round round, PeerDiagnoser.Outcome outcome, Duration interval, Instant now) {
        if (round == null || interval == null) {
            return null;
        }
        if (outcome != null && outcome.roundInProgress() != null) {
            return ROUND_POLL;
        }
        Duration untilNext = Duration.between(now, round.requestedAt().plus(interval));
        return untilNext.isNegative() || untilNext.isZero() ? Duration.ofSeconds(1) : untilNext;
    }

    private WireGuardPeerStatus compose(WireGuardPeer peer, PeerVerdict verdict, List<String> targetNodes,
                                        WireGuardPeerStatus previous, PeerDiagnoser.Outcome outcome,
                                        RoundPlanner.Round round, Instant now) {
        WireGuardPeerStatus next = new WireGuardPeerStatus();
        Long generation = peer.getMetadata().getGeneration();
        next.setObservedGeneration(generation);
        next.setConditions(ConditionMerger.merge(previous == null ? null : previous.getConditions(),
                verdict.conditions(), generation, now));
        next.setTargetNodes(targetNodes.isEmpty() ? null : String.join(",", targetNodes));
        next.setRootCause(verdict.rootCause());
        if (outcome != null) {
            next.setNodes(new ArrayList<>(outcome.nodes()));
            next.setLatestHandshakeTime(outcome.nodes().stream().map(PeerNodeStatus::getLatestHandshakeTime)
                    .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null));
            next.setLastDiagnosisTime(outcome.lastDiagnosisTime());
            next.setDiagnosisRound(round.toStatus(outcome.roundInProgress() == null));
        } else if (previous != null) {
            // facts from earlier diagnoses stay visible while the spec is being fixed
            next.setNodes(previous.getNodes() == null ? new ArrayList<>() : previous.getNodes());
            next.setLatestHandshakeTime(previous.getLatestHandshakeTime());
            next.setLastDiagnosisTime(previous.getLastDiagnosisTime());
            next.setDiagnosisRound(previous.getDiagnosisRound());
        }
        return next;
    }

    /**
     * Events: every transition of Ready (its status or its reason, the root cause), and
     * the other conditions turning into a failure or recovering from one. Reconciling is
     * kstatus bookkeeping that flips every round, so it records none.
     */
    private void recordTransitions(WireGuardPeer peer, List<Condition> before, List<Condition> after) {
        for (ConditionType type : ConditionType.values()) {
            if (type == ConditionType.RECONCILING) {
                continue;
            }
            Condition was = ConditionMerger.find(before, type);
            Condition now = ConditionMerger.find(after, type);
            if (now == null) {
                continue;
            }
            boolean statusChanged = was == null || !Objects.equals(was.getStatus(), now.getStatus());
            boolean worth;
            if (type == ConditionType.READY) {
                worth = statusChanged || !Objects.equals(was.getReason(), now.getReason());
            } else {
                // the other conditions speak up for a failure and for the recovery from one;
                // Unknown -> True on a first diagnosis is already told by Ready
                worth = was != null && statusChanged && (type.isFailure(now.getStatus()) || type.isFailure(was.getStatus()));
            }
            if (!worth) {
                continue;
            }
            String note = type.type() + "=" + now.getStatus() + ": " + now.getMessage();
            if (type.isFailure(now.getStatus())) {
                events.warning(peer, now.getReason(), note);
            } else {
                events.normal(peer, now.getReason(), note);
            }
        }
    }
}
