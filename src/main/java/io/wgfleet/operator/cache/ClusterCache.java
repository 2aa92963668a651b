package io.wgfleet.operator.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wgfleet.api.Timestamps;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.ReportParts;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
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
import java.util.ArrayList;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The informers the peer reconciler watches besides its peers (nodes, node reports, the
 * fleet's peers, diagnostic Jobs), which events of theirs reconcile which peers, and the
 * reads over their caches.
 *
 * <p>Every read a reconcile makes is an index lookup sized by what the peer can affect,
 * never a scan of the fleet: the peers on one node and interface ({@link #NODE_INTERFACE_INDEX}),
 * the peers a node hosts ({@link #HOST_INDEX}), the peers naming another as their remote end
 * ({@link #REMOTE_INDEX}). Peers placed by a nodeSelector are indexed under {@code *}, and
 * checked against the node at lookup; they are few in the fleets this is built for.
 */
@Singleton
public class ClusterCache implements ClusterView {

    /** nodeName/interfaceName, or * /interfaceName for selector-placed peers. */
    static final String NODE_INTERFACE_INDEX = "by-node-interface";
    /** nodeName, or * for selector-placed peers. */
    static final String HOST_INDEX = "by-host";
    /** namespace/name of the peer's remotePeerRef. */
    static final String REMOTE_INDEX = "by-remote";
    /** The address of the peer's endpoint when it is an IP literal (canonical form). */
    static final String ENDPOINT_ADDRESS_INDEX = "by-endpoint-address";
    /** A node's addresses: its Node status, and the interface addresses of its last report. */
    static final String ADDRESS_INDEX = "by-address";
    /** The public keys of a report's peer lines: the nodes that hold an entry for a key. */
    static final String PEER_KEY_INDEX = "by-peer-key";
    static final String SELECTED = "*";
    static final String NODE_INDEX = "by-node";
    static final String NODES_SOURCE = "nodes";
    static final String REPORTS_SOURCE = "node-reports";
    static final String PEERS_SOURCE = "fleet-peers";
    static final String JOBS_SOURCE = "diagnostic-jobs";

    private final OperatorConfig config;
    /** Spec validity by uid, for the generation it was computed for: a peer's neighbours ask for it on every reconcile. */
    private final Map<String, Validity> validity = new ConcurrentHashMap<>();
    /** Peers whose last verdict was a fleet conflict: a change elsewhere may resolve theirs. */
    private final Set<ResourceID> inConflict = ConcurrentHashMap.newKeySet();
    /** Split reports joined with their continuations, per node, for the report's version. */
    private final Map<String, Joined> joined = new ConcurrentHashMap<>();

    private record Validity(Long generation, boolean valid) {
    }

    private final SpecOnlyStore fleetStore = new SpecOnlyStore();
    private volatile InformerEventSource<Node, WireGuardPeer> nodes;
    private volatile InformerEventSource<WireGuardNodeReport, WireGuardPeer> reports;
    private volatile InformerEventSource<WireGuardPeer, WireGuardPeer> fleetPeers;
    private volatile InformerEventSource<Job, WireGuardPeer> jobs;

    @Inject
    public ClusterCache(OperatorConfig config) {
        this.config = config;
    }

    /**
     * @param deleted told about every deleted peer (its metric series and remembered state go at once)
     */
    public List<EventSource<?, WireGuardPeer>> eventSources(EventSourceContext<WireGuardPeer> context,
                                                           Consumer<WireGuardPeer> deleted) {
        // A node joining, leaving or being relabelled changes which peers it hosts; its
        // status heartbeats change nothing for them.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, WireGuardPeer.class)
                .withName(NODES_SOURCE)
                .withOnUpdateFilter((next, prev) -> !Objects.equals(next.getMetadata().getLabels(), prev.getMetadata().getLabels()))
                .withSecondaryToPrimaryMapper(node -> peersAffectedBy(node.getMetadata().getName(), node))
                .build(), context);
        nodes.addIndexers(Map.of(ADDRESS_INDEX, IndexKeys::nodeAddresses));

        // A new report from a node is new evidence for the peers it hosts and their remote ends.
        reports = new InformerEventSource<>(InformerEventSourceConfiguration.from(WireGuardNodeReport.class, WireGuardPeer.class)
                .withName(REPORTS_SOURCE)
                // a continuation is written before its report, whose event follows
                .withSecondaryToPrimaryMapper(report -> ReportParts.isContinuation(report) ? Set.of()
                        : peersAffectedBy(report.getMetadata().getName(), null))
                .build(), context);
        reports.addIndexers(Map.of(ADDRESS_INDEX, IndexKeys::reportAddresses, PEER_KEY_INDEX, IndexKeys::reportPeerKeys));

        // Duplicate keys and overlapping AllowedIPs involve two peers on one node and
        // interface: a spec change of one re-evaluates the others it now collides with, and
        // those in a conflict it may have ended. This informer's cache, not the primary one,
        // is what the fleet checks read: it has already seen the change when its event
        // arrives. It keeps specs only (statuses are the primary cache's), and status-only
        // updates are filtered out so that status writes do not fan out.
        fleetPeers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(WireGuardPeer.class, WireGuardPeer.class)
                        .withName(PEERS_SOURCE)
                        .withItemStore(fleetStore)
                        .withOnUpdateFilter((next, prev) -> !Objects.equals(next.getMetadata().getGeneration(),
                                prev.getMetadata().getGeneration()))
                        .withOnDeleteFilter((peer, unknown) -> {
                            validity.remove(peer.getMetadata().getUid());
                            inConflict.remove(ResourceID.fromResource(peer));
                            deleted.accept(peer);
                            return true;
                        })
                        .withSecondaryToPrimaryMapper(this::collidingWith)
                        .build(), context);
        fleetPeers.addIndexers(Map.of(
                NODE_INTERFACE_INDEX, IndexKeys::nodeInterfaceKeys,
                HOST_INDEX, p -> p.getSpec() == null ? List.of() : List.of(IndexKeys.hostKey(p)),
                REMOTE_INDEX, IndexKeys::remoteKeys,
                ENDPOINT_ADDRESS_INDEX, IndexKeys::endpointAddress));

        // A Job that finishes (or disappears unfinished) answers its node's round. A Job
        // being created or starting changes no peer's status; freed slots are the round
        // queue's business (it retries while it holds batches).
        jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, WireGuardPeer.class)
                .withName(JOBS_SOURCE)
                .withNamespaces(Set.of(config.agent().namespace()))
                .withLabelSelector(DiagnosticJobFactory.APP_LABEL + "=" + DiagnosticJobFactory.APP)
                .withOnAddFilter(job -> !DiagnosticJobs.isActive(job))
                .withOnUpdateFilter((next, prev) -> DiagnosticJobs.isActive(prev) && !DiagnosticJobs.isActive(next))
                .withOnDeleteFilter((job, unknown) -> DiagnosticJobs.isActive(job))
                .withSecondaryToPrimaryMapper(job -> {
                    String node = DiagnosticJobs.node(job);
                    return node == null ? Set.of() : peersAffectedBy(node, null);
                })
                .build(), context);
        jobs.addIndexers(Map.of(NODE_INDEX, j -> j.getMetadata().getLabels() == null
                || j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL) == null
                ? List.of() : List.of(j.getMetadata().getLabels().get(DiagnosticJobFactory.NODE_LABEL))));
        return List.of(nodes, reports, fleetPeers, jobs);
    }

    /**
     * The nodes that have {@code address}, by their Node status or their last report; a
     * report outlives its node, so only reports of nodes that still exist count.
     */
    public Set<String> nodesWithAddress(String address) {
        Set<String> out = new java.util.TreeSet<>();
        nodes.byIndex(ADDRESS_INDEX, address).forEach(n -> out.add(n.getMetadata().getName()));
        reports.byIndex(ADDRESS_INDEX, address).stream().map(r -> r.getMetadata().getName())
                .filter(n -> node(n).isPresent()).forEach(out::add);
        return out;
    }

    /**
     * The nodes whose last report holds a peer entry for {@code publicKey} (a continuation's
     * lines count for its node), newest report first; only nodes that still exist.
     */
    public List<String> nodesWithPeer(String publicKey) {
        Map<String, Instant> collected = new HashMap<>();
        for (WireGuardNodeReport r : reports.byIndex(PEER_KEY_INDEX, publicKey)) {
            String name = r.getMetadata().getName();
            String node = ReportParts.isContinuation(r) && name.contains(".part-") ? name.substring(0, name.lastIndexOf(".part-")) : name;
            Instant t = r.getSpec().getCollectionTime() == null ? null : Timestamps.parse(r.getSpec().getCollectionTime());
            collected.merge(node, t == null ? Instant.EPOCH : t, (x, y) -> x.isAfter(y) ? x : y);
        }
        return collected.keySet().stream().filter(n -> node(n).isPresent())
                .sorted(Comparator.comparing((String n) -> collected.get(n)).reversed().thenComparing(Comparator.naturalOrder())).toList();
    }

    public List<Node> nodes() {
        return nodes.list().toList();
    }

    @Override
    public Optional<Node> node(String name) {
        return nodes.get(new ResourceID(name));
    }

    /**
     * The node's report, whole: a report split over several objects ({@link ReportParts}) is
     * joined with its continuations, once per version of it; while a continuation is missing
     * the node has no report yet.
     */
    @Override
    public Optional<WireGuardNodeReport> report(String node) {
        Optional<WireGuardNodeReport> stored = reports.get(new ResourceID(node));
        if (stored.isEmpty() || stored.get().getSpec() == null || stored.get().getSpec().getParts() == null
                || stored.get().getSpec().getParts() <= 1) {
            return stored;
        }
        WireGuardNodeReport r = stored.get();
        Joined known = joined.get(node);
        if (known != null && Objects.equals(known.resourceVersion(), r.getMetadata().getResourceVersion())) {
            return Optional.of(known.report());
        }
        WireGuardNodeReportSpec whole = ReportParts.merge(r, name -> reports.get(new ResourceID(name)).orElse(null));
        if (whole == null) {
            return Optional.empty();
        }
        WireGuardNodeReport report = new WireGuardNodeReport();
        report.setMetadata(r.getMetadata());
        report.setSpec(whole);
        joined.put(node, new Joined(r.getMetadata().getResourceVersion(), report));
        return Optional.of(report);
    }

    private record Joined(String resourceVersion, WireGuardNodeReport report) {
    }

    @Override
    public List<Job> jobsOfNode(String nodeLabel) {
        return jobs.byIndex(NODE_INDEX, nodeLabel);
    }

    @Override
    public Collection<Job> jobs() {
        return jobs.list().toList();
    }

    /** The nodes the spec targets: a lookup for spec.nodeName, a match over the nodes for a selector. */
    public List<String> targetNodes(io.wgfleet.api.v1alpha1.WireGuardPeerSpec spec) {
        if (spec != null && spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
            return node(spec.getNodeName()).isPresent() ? List.of(spec.getNodeName()) : List.of();
        }
        return NodeTargets.resolve(spec, nodes());
    }

    /**
     * The fleet's peers that may share a node and the interface with {@code peer} on one of
     * {@code targetNodes} (any namespace), this one included; selector-placed ones still need
     * checking against the nodes.
     */
    public List<WireGuardPeer> sameNodeAndInterface(WireGuardPeer peer, List<String> targetNodes) {
        if (peer.getSpec() == null || peer.getSpec().getInterfaceName() == null) {
            return List.of();
        }
        String iface = peer.getSpec().getInterfaceName();
        Map<ResourceID, WireGuardPeer> out = new LinkedHashMap<>();
        for (String n : targetNodes) {
            fleetPeers.byIndex(NODE_INTERFACE_INDEX, n + "/" + iface).forEach(p -> out.put(ResourceID.fromResource(p), p));
        }
        fleetPeers.byIndex(NODE_INTERFACE_INDEX, SELECTED + "/" + iface).forEach(p -> out.put(ResourceID.fromResource(p), p));
        return new ArrayList<>(out.values());
    }

    /** The peer as the fleet-peers cache holds it (spec only); empty before its event arrived. */
    public Optional<WireGuardPeer> fleetPeer(WireGuardPeer peer) {
        return fleetPeers.get(ResourceID.fromResource(peer));
    }

    /**
     * A count that moves whenever a peer joins or leaves the group of {@code node} and
     * {@code interfaceName}, or changes its spec; also for the selector-placed group ({@code *}).
     */
    public long groupChanges(String node, String interfaceName) {
        return fleetStore.groupChanges(node + "/" + interfaceName);
    }

    /** Whether any peer placed by a nodeSelector uses {@code interfaceName}. */
    public boolean selectorPlacedOn(String interfaceName) {
        return !fleetPeers.byIndex(NODE_INTERFACE_INDEX, SELECTED + "/" + interfaceName).isEmpty();
    }

    /** The WireGuardPeer the peer's remotePeerRef names, valid or not; empty when it names none or none exists. */
    public Optional<WireGuardPeer> remotePeer(WireGuardPeer peer) {
        PeerRef ref = peer.getSpec().getRemotePeerRef();
        if (ref == null || ref.getName() == null) {
            return Optional.empty();
        }
        return fleetPeers.get(new ResourceID(ref.getName(), PeerRefs.refNamespace(peer, ref)));
    }

    /** Whether the peer's spec is valid, remembered per generation. */
    public boolean valid(WireGuardPeer p) {
        if (p.getSpec() == null) {
            return false;
        }
        String uid = p.getMetadata().getUid();
        Long generation = p.getMetadata().getGeneration();
        Validity v = uid == null ? null : validity.get(uid);
        if (v != null && Objects.equals(v.generation(), generation)) {
            return v.valid();
        }
        boolean ok = SpecValidator.validate(p.getSpec()).isEmpty();
        if (uid != null) {
            validity.put(uid, new Validity(generation, ok));
        }
        return ok;
    }

    /** Records whether the peer's last verdict was a fleet conflict. */
    public void conflict(WireGuardPeer peer, boolean inConflictNow) {
        if (inConflictNow) {
            inConflict.add(ResourceID.fromResource(peer));
        } else {
            inConflict.remove(ResourceID.fromResource(peer));
        }
    }

    @Override
    public List<String> peersOnNode(String node) {
        return hostedBy(node, null).stream().filter(this::valid).map(PeerRefs::id).sorted().toList();
    }

    @Override
    public List<String> pendingRequestsOnNode(String node) {
        List<String> tokens = new ArrayList<>();
        for (WireGuardPeer p : hostedBy(node, null)) {
            String request = SpecOnlyStore.pendingRequest(p);
            if (request != null && valid(p)) {
                tokens.add(DiagnosticJobs.requestToken(PeerRefs.id(p), request));
            }
        }
        return tokens.stream().sorted().toList();
    }

    /** Peers hosted on the node: the ones naming it, and the selector-placed ones it matches. */
    private List<WireGuardPeer> hostedBy(String nodeName, Node node) {
        List<WireGuardPeer> out = new ArrayList<>(fleetPeers.byIndex(HOST_INDEX, nodeName));
        List<WireGuardPeer> selected = fleetPeers.byIndex(HOST_INDEX, SELECTED);
        if (!selected.isEmpty()) {
            Node n = node != null ? node : node(nodeName).orElse(null);
            selected.stream().filter(p -> NodeTargets.targets(p.getSpec(), n)).forEach(out::add);
        }
        return out;
    }

    /**
     * Peers hosted on the node, the peers whose remote end is one of those, and the peers whose
     * endpoint is one of the node's addresses (an undeclared remote end found by its address).
     */
    private Set<ResourceID> peersAffectedBy(String nodeName, Node node) {
        Set<ResourceID> out = new HashSet<>();
        for (WireGuardPeer p : hostedBy(nodeName, node)) {
            out.add(ResourceID.fromResource(p));
            fleetPeers.byIndex(REMOTE_INDEX, PeerRefs.id(p)).forEach(r -> out.add(ResourceID.fromResource(r)));
        }
        Node n = node != null ? node : node(nodeName).orElse(null);
        Set<String> addresses = new HashSet<>(n == null ? List.of() : IndexKeys.nodeAddresses(n));
        reports.get(new ResourceID(nodeName)).ifPresent(r -> addresses.addAll(IndexKeys.reportAddresses(r)));
        for (String a : addresses) {
            fleetPeers.byIndex(ENDPOINT_ADDRESS_INDEX, a).forEach(p -> out.add(ResourceID.fromResource(p)));
        }
        return out;
    }

    /**
     * The peers a spec change (or deletion) of {@code peer} can affect: those on the same node
     * and interface it now shares a public key or overlapping AllowedIPs with, and those in
     * a fleet conflict (which the change may have ended). Never the whole interface.
     */
    private Set<ResourceID> collidingWith(WireGuardPeer peer) {
        Set<ResourceID> out = new HashSet<>(inConflict);
        ResourceID self = ResourceID.fromResource(peer);
        if (peer.getSpec() != null && peer.getSpec().getInterfaceName() != null) {
            List<String> targets = targetNodes(peer.getSpec());
            FleetCollisions mine = FleetCollisions.of(peer.getSpec());
            for (WireGuardPeer other : sameNodeAndInterface(peer, targets)) {
                if (other.getSpec() != null && mine.collidesWith(other.getSpec())) {
                    out.add(ResourceID.fromResource(other));
                }
            }
        }
        // the changed peer itself is reconciled through its primary event
        out.remove(self);
        return out;
    }
}
