package io.wgfleet.operator.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.NodeTargets;
import io.wgfleet.operator.OperatorConfig;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticJobs;
import io.wgfleet.operator.round.ClusterView;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The informers the peer reconciler watches besides its peers (nodes, node reports, the
 * fleet's peers, diagnostic Jobs), which events of theirs reconcile which peers, and the
 * reads over their caches. Filters and mappers only decide; they change nothing.
 */
@Singleton
public class ClusterCache implements ClusterView {

    static final String INTERFACE_INDEX = "by-interface";
    static final String NODE_INDEX = "by-node";
    static final String NODES_SOURCE = "nodes";
    static final String REPORTS_SOURCE = "node-reports";
    static final String PEERS_SOURCE = "fleet-peers";
    static final String JOBS_SOURCE = "diagnostic-jobs";

    private final OperatorConfig config;

    private volatile InformerEventSource<Node, WireGuardPeer> nodes;
    private volatile InformerEventSource<WireGuardNodeReport, WireGuardPeer> reports;
    private volatile InformerEventSource<WireGuardPeer, WireGuardPeer> fleetPeers;
    private volatile InformerEventSource<Job, WireGuardPeer> jobs;

    @Inject
    public ClusterCache(OperatorConfig config) {
        this.config = config;
    }

    /**
     * @param waitingNodes nodes whose rounds wait for a free slot: a finished Job frees one,
     *                     so its event reconciles their peers too
     */
    public List<EventSource<?, WireGuardPeer>> eventSources(EventSourceContext<WireGuardPeer> context,
                                                           Supplier<Set<String>> waitingNodes) {
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
                .withSecondaryToPrimaryMapper(job -> {
                    Set<ResourceID> out = new HashSet<>();
                    String node = DiagnosticJobs.node(job);
                    if (node != null) {
                        out.addAll(peersAffectedBy(node, null));
                    }
                    waitingNodes.get().forEach(n -> out.addAll(peersAffectedBy(n, null)));
                    return out;
                })
                .build(), context);
        jobs.addIndexers(Map.of(NODE_INDEX, j -> j.getMetadata().getLabels() == null
                || j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL) == null
                ? List.of() : List.of(j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL))));
        return List.of(nodes, reports, fleetPeers, jobs);
    }

    public List<Node> nodes() {
        return nodes.list().toList();
    }

    @Override
    public Optional<Node> node(String name) {
        return nodes.get(new ResourceID(name));
    }

    @Override
    public Optional<WireGuardNodeReport> report(String node) {
        return reports.get(new ResourceID(node));
    }

    @Override
    public List<Job> jobsOfNode(String nodeLabel) {
        return jobs.byIndex(NODE_INDEX, nodeLabel);
    }

    @Override
    public Collection<Job> jobs() {
        return jobs.list().toList();
    }

    /** The fleet's peers on an interface of the same name (any node, any namespace), this one included. */
    public List<WireGuardPeer> sameInterface(WireGuardPeer peer) {
        return peer.getSpec() == null || peer.getSpec().getInterfaceName() == null
                ? List.of()
                : fleetPeers.byIndex(INTERFACE_INDEX, peer.getSpec().getInterfaceName());
    }

    /** The in-fleet remote end of the peer when it names one and that one's spec is valid. */
    public Optional<WireGuardPeer> remotePeer(WireGuardPeer peer) {
        PeerRef ref = peer.getSpec().getRemotePeerRef();
        if (ref == null || ref.getName() == null) {
            return Optional.empty();
        }
        return fleetPeers.get(new ResourceID(ref.getName(), PeerRefs.refNamespace(peer, ref)))
                .filter(r -> r.getSpec() != null && SpecValidator.validate(r.getSpec()).isEmpty());
    }

    @Override
    public List<String> peersOnNode(String node) {
        Node n = node(node).orElse(null);
        return fleetPeers.list()
                .filter(p -> p.getSpec() != null && NodeTargets.targets(p.getSpec(), n) && SpecValidator.validate(p.getSpec()).isEmpty())
                .map(PeerRefs::id)
                .sorted()
                .toList();
    }

    /** Peers hosted on the node, and the peers whose remote end is one of those. */
    private Set<ResourceID> peersAffectedBy(String nodeName, Node node) {
        Node n = node != null ? node : nodes.get(new ResourceID(nodeName)).orElse(null);
        List<WireGuardPeer> all = fleetPeers.list().toList();
        Set<ResourceID> hosted = all.stream()
                .filter(p -> p.getSpec() != null && (nodeName.equals(p.getSpec().getNodeName()) || NodeTargets.targets(p.getSpec(), n)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
        Set<ResourceID> out = new HashSet<>(hosted);
        for (WireGuardPeer p : all) {
            PeerRef ref = p.getSpec() == null ? null : p.getSpec().getRemotePeerRef();
            if (ref != null && ref.getName() != null
                    && hosted.contains(new ResourceID(ref.getName(), PeerRefs.refNamespace(p, ref)))) {
                out.add(ResourceID.fromResource(p));
            }
        }
        return out;
    }
}
