package io.wgfleet.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
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
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Turns a WireGuardPeer into standard conditions: validates the spec, checks it against
 * the other peers on the same node and interface, resolves its nodes, and reads the
 * node reports. Writes status only when it differs and never touches the spec.
 */
// The periodic resync also catches the cases no event maps back (a peer that moved to
// another interface leaves its old neighbours' conflicts to be re-evaluated).
@ControllerConfiguration(name = WireGuardPeerReconciler.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class WireGuardPeerReconciler implements Reconciler<WireGuardPeer> {

    public static final String NAME = "wireguardpeer";
    static final String INTERFACE_INDEX = "by-interface";
    static final String NODES_SOURCE = "nodes";
    static final String REPORTS_SOURCE = "node-reports";
    static final String PEERS_SOURCE = "fleet-peers";

    private final Clock clock;
    private final PeerEventRecorder events;
    private final FleetConflicts fleet = new FleetConflicts();

    private volatile InformerEventSource<Node, WireGuardPeer> nodes;
    private volatile InformerEventSource<WireGuardNodeReport, WireGuardPeer> reports;
    private volatile InformerEventSource<WireGuardPeer, WireGuardPeer> fleetPeers;

    @Inject
    public WireGuardPeerReconciler(Clock clock, PeerEventRecorder events) {
        this.clock = clock;
        this.events = events;
    }

    @Override
    public List<EventSource<?, WireGuardPeer>> prepareEventSources(EventSourceContext<WireGuardPeer> context) {
        var cache = context.getPrimaryCache();

        // A node joining, leaving or being relabelled changes which peers it hosts.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, WireGuardPeer.class)
                .withName(NODES_SOURCE)
                .withSecondaryToPrimaryMapper(node -> cache.list()
                        .filter(p -> NodeTargets.targets(p.getSpec(), node))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);

        // A new report from a node is new evidence for every peer that node hosts.
        reports = new InformerEventSource<>(InformerEventSourceConfiguration.from(WireGuardNodeReport.class, WireGuardPeer.class)
                .withName(REPORTS_SOURCE)
                .withSecondaryToPrimaryMapper(report -> peersOnNode(cache.list().toList(), report.getMetadata().getName()))
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
        return List.of(nodes, reports, fleetPeers);
    }

    private List<WireGuardPeer> sameInterface(WireGuardPeer peer) {
        return peer.getSpec() == null || peer.getSpec().getInterfaceName() == null
                ? List.of()
                : fleetPeers.byIndex(INTERFACE_INDEX, peer.getSpec().getInterfaceName());
    }

    private Set<ResourceID> peersOnNode(List<WireGuardPeer> peers, String nodeName) {
        Node node = nodes.get(new ResourceID(nodeName)).orElse(null);
        return peers.stream()
                .filter(p -> p.getSpec() != null && (nodeName.equals(p.getSpec().getNodeName()) || NodeTargets.targets(p.getSpec(), node)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<WireGuardPeer> reconcile(WireGuardPeer peer, Context<WireGuardPeer> context) {
        Instant now = clock.instant();
        Collection<Node> allNodes = nodes.list().toList();
        List<String> targetNodes = List.of();
        PeerVerdict verdict;

        List<SpecValidator.Problem> problems = SpecValidator.validate(peer.getSpec());
        if (!problems.isEmpty()) {
            verdict = PeerVerdicts.invalidSpec(problems);
        } else {
            WireGuardPeerSpec spec = peer.getSpec();
            targetNodes = NodeTargets.resolve(spec, allNodes);
            PeerVerdict conflict = fleet.check(peer, targetNodes, sameInterface(peer), allNodes);
            if (conflict != null) {
                verdict = conflict;
            } else if (targetNodes.isEmpty()) {
                verdict = PeerVerdicts.noMatchingNodes(spec);
            } else {
                List<String> missing = targetNodes.stream()
                        .filter(n -> reports.get(new ResourceID(n)).isEmpty())
                        .toList();
                verdict = PeerVerdicts.diagnosticPending(targetNodes, missing);
            }
        }

        WireGuardPeerStatus previous = peer.getStatus();
        WireGuardPeerStatus next = compose(peer, verdict, targetNodes, previous, now);
        if (StatusComparison.same(previous, next)) {
            return UpdateControl.noUpdate();
        }
        recordTransitions(peer, previous == null ? List.of() : previous.getConditions(), next.getConditions());
        peer.setStatus(next);
        return UpdateControl.patchStatus(peer);
    }

    private WireGuardPeerStatus compose(WireGuardPeer peer, PeerVerdict verdict, List<String> targetNodes,
                                        WireGuardPeerStatus previous, Instant now) {
        WireGuardPeerStatus next = new WireGuardPeerStatus();
        Long generation = peer.getMetadata().getGeneration();
        next.setObservedGeneration(generation);
        next.setConditions(ConditionMerger.merge(previous == null ? null : previous.getConditions(),
                verdict.conditions(), generation, now));
        next.setTargetNodes(targetNodes.isEmpty() ? null : String.join(",", targetNodes));
        next.setRootCause(verdict.rootCause());
        if (previous != null) {
            // Facts from earlier diagnoses stay until a new diagnosis replaces them.
            next.setNodes(previous.getNodes() == null ? new ArrayList<>() : previous.getNodes());
            next.setLatestHandshakeTime(previous.getLatestHandshakeTime());
            next.setLastDiagnosisTime(previous.getLastDiagnosisTime());
        }
        return next;
    }

    /** One Event per condition that changed status, and for Ready also when its reason changed. */
    private void recordTransitions(WireGuardPeer peer, List<Condition> before, List<Condition> after) {
        for (ConditionType type : ConditionType.values()) {
            Condition was = ConditionMerger.find(before, type);
            Condition now = ConditionMerger.find(after, type);
            if (now == null) {
                continue;
            }
            boolean statusChanged = was == null || !Objects.equals(was.getStatus(), now.getStatus());
            boolean readyReasonChanged = type == ConditionType.READY
                    && (was == null || !Objects.equals(was.getReason(), now.getReason()));
            boolean firstVisit = was == null && type != ConditionType.READY;
            if (firstVisit || !(statusChanged || readyReasonChanged)) {
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
