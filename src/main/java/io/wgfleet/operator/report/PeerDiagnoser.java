package io.wgfleet.operator.report;

import io.micrometer.core.instrument.Timer;
import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.diagnosis.DeclaredPeer;
import io.wgfleet.diagnosis.Diagnosis;
import io.wgfleet.diagnosis.DiagnosisEngine;
import io.wgfleet.diagnosis.DiagnosisInput;
import io.wgfleet.diagnosis.NodeDiagnosis;
import io.wgfleet.diagnosis.NodeFacts;
import io.wgfleet.operator.publish.PeerMetrics;
import io.wgfleet.operator.round.NodeRound;
import io.wgfleet.operator.round.PlannedRound;
import io.wgfleet.operator.status.PeerVerdict;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Feeds the engine: for each node hosting the peer, that node's report (when it answers
 * the current round), the Job's failure if it failed, the remote end's report when the
 * remote is in the fleet, and the last reports of further nodes that hold a peer entry for
 * either end's key (where they see that end's packets come from measures its NAT); then
 * the engine's summary over the nodes.
 */
@Singleton
public class PeerDiagnoser {

    /** The verdict, the per-node facts for status, and what the round still waits for (null: complete). */
    public record Outcome(PeerVerdict verdict, List<PeerNodeStatus> nodes, String lastDiagnosisTime, String roundInProgress) {
    }

    private final PeerMetrics metrics;
    /**
     * Each report mapped once per version, not once per peer: a concentrator's 5,000 peers
     * share one report of 5,000 peer lines.
     */
    private final Map<String, Mapped> mapped = new ConcurrentHashMap<>();

    private record Mapped(String uid, String resourceVersion, NodeFacts facts) {
    }

    /**
     * Further observers per end: two observations already tell whether a mapping varies by
     * destination, and a concentrator's key is held by thousands of nodes.
     */
    static final int MAX_OBSERVERS = 2;
    /**
     * A key held by more nodes than this (a concentrator's, by its thousands of road warriors)
     * has its first holders reused for {@link #HOLDERS_REUSED_FOR} instead of being listed
     * again for each of the peers that share it; any two of them measure it. A key held by a
     * few nodes (the usual NATed end) is looked up every time, so a report that just arrived counts.
     */
    static final int MANY_HOLDERS = 16;
    static final Duration HOLDERS_REUSED_FOR = Duration.ofSeconds(2);
    private static final int HOLDER_LISTS_KEPT = 10_000;
    private final Map<String, Holders> holders = new ConcurrentHashMap<>();

    private record Holders(Instant at, List<String> nodes) {
    }

    @Inject
    public PeerDiagnoser(PeerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param nodesWithPeer the nodes whose last report holds a peer entry for a public key, newest report first
     */
    public Outcome diagnose(WireGuardPeer peer, List<String> targetNodes, RemoteEnd remote, PlannedRound round, Function<String, WireGuardNodeReport> reports,
                            Function<String, NodeRound> roundState, Function<String, List<String>> nodesWithPeer, Instant now, Duration staleAfter) {
        String ns = peer.getMetadata().getNamespace();
        DeclaredPeer declared = ReportMapper.toDeclaredPeer(ns, peer.getMetadata().getName(), peer.getSpec());

        List<String> waiting = new ArrayList<>();
        DiagnosisInput.RemoteSide remoteSide = null;
        if (remote.inFleet()) {
            String rn = remote.node();
            Evidence e = evidence(rn, reports.apply(rn), round, roundState, waiting, this::facts);
            WireGuardPeer r = remote.declared();
            // an undeclared remote end has no declaration: the engine finds its interface by the keys
            remoteSide = new DiagnosisInput.RemoteSide(r == null ? null
                    : ReportMapper.toDeclaredPeer(r.getMetadata().getNamespace(), r.getMetadata().getName(), r.getSpec()),
                    rn, e.facts(), e.failure());
        }

        List<NodeDiagnosis> perNode = new ArrayList<>();
        List<PeerNodeStatus> nodeStatus = new ArrayList<>();
        Instant newest = null;
        Timer.Sample sample = Timer.start();
        for (String node : targetNodes) {
            WireGuardNodeReport report = reports.apply(node);
            Evidence e = evidence(node, report, round, roundState, waiting, this::facts);
            List<NodeFacts> observers = observers(node, e.facts(), peer, remote.node(), reports, nodesWithPeer, now);
            DiagnosisInput input = new DiagnosisInput(declared, node, e.facts(), e.failure(), remoteSide, now, staleAfter, observers);
            perNode.add(new NodeDiagnosis(node, DiagnosisEngine.diagnose(input)));
            nodeStatus.add(PeerNodeFacts.of(node, peer.getSpec(), report));
            if (e.facts() != null && e.facts().collectionTime() != null
                    && (newest == null || e.facts().collectionTime().isAfter(newest))) {
                newest = e.facts().collectionTime();
            }
        }
        Diagnosis summary = DiagnosisEngine.summarize(perNode);
        sample.stop(metrics.diagnosisTimer());

        String inProgress = waiting.isEmpty() ? null
                : "Diagnosis round (" + round.trigger() + ") requested at " + round.requestedAt() + " is waiting for "
                        + String.join(", ", waiting) + ".";
        PeerVerdict verdict = PeerVerdict.fromDiagnosis(summary, inProgress);
        if (remote.problem() != null) {
            verdict = verdict.withRemoteNote("Diagnosed from this end only: " + remote.problem() + ".");
        } else if (remote.foundBy() != null) {
            verdict = verdict.withRemoteNote("Remote end found: " + remote.foundBy() + ".");
        }
        return new Outcome(verdict, nodeStatus,
                newest == null ? null : newest.toString(), inProgress);
    }

    private record Evidence(NodeFacts facts, String failure) {
    }

    /**
     * The last reports of nodes other than this end's and the remote end's that hold a peer
     * entry for this end's key (the local interface's, from its report) or the remote end's
     * (the declared publicKey): at most {@link #MAX_OBSERVERS} each, the newest reports. Reports
     * from earlier rounds count (what the fleet already sees); the engine drops stale ones and
     * compares only recent handshakes.
     */
    private List<NodeFacts> observers(String node, NodeFacts local, WireGuardPeer peer, String remoteNode,
                                      Function<String, WireGuardNodeReport> reports, Function<String, List<String>> nodesWithPeer,
                                      Instant now) {
        NodeFacts.Interface iface = local == null ? null : local.findInterface(peer.getSpec().getInterfaceName());
        List<String> keys = new ArrayList<>(2);
        if (iface != null && iface.publicKey() != null) {
            keys.add(iface.publicKey());
        }
        if (peer.getSpec().getPublicKey() != null && !keys.contains(peer.getSpec().getPublicKey())) {
            keys.add(peer.getSpec().getPublicKey());
        }
        java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
        for (String key : keys) {
            int taken = 0;
            for (String n : holdersOf(key, nodesWithPeer, now)) {
                if (taken == MAX_OBSERVERS) {
                    break;
                }
                if (!n.equals(node) && !n.equals(remoteNode)) {
                    chosen.add(n);
                    taken++;
                }
            }
        }
        List<NodeFacts> out = new ArrayList<>(chosen.size());
        for (String n : chosen) {
            WireGuardNodeReport r = reports.apply(n);
            if (r != null && r.getSpec() != null) {
                out.add(facts(r));
            }
        }
        return out;
    }

    /** The first nodes holding the key (enough to choose from once this end and the remote are left out). */
    private List<String> holdersOf(String key, Function<String, List<String>> nodesWithPeer, Instant now) {
        Holders h = holders.get(key);
        if (h != null && !now.isBefore(h.at()) && now.isBefore(h.at().plus(HOLDERS_REUSED_FOR))) {
            return h.nodes();
        }
        List<String> all = nodesWithPeer.apply(key);
        List<String> first = List.copyOf(all.subList(0, Math.min(all.size(), MAX_OBSERVERS + 2)));
        if (all.size() > MANY_HOLDERS) {
            if (holders.size() > HOLDER_LISTS_KEPT) {
                holders.clear();
            }
            holders.put(key, new Holders(now, first));
        }
        return first;
    }

    /** The report's facts, mapped again only when the report changed (NodeFacts are immutable). */
    private NodeFacts facts(WireGuardNodeReport report) {
        String name = report.getMetadata() == null ? null : report.getMetadata().getName();
        String uid = report.getMetadata() == null ? null : report.getMetadata().getUid();
        String version = report.getMetadata() == null ? null : report.getMetadata().getResourceVersion();
        if (name == null || version == null) {
            return ReportMapper.toNodeFacts(report.getSpec());
        }
        Mapped m = mapped.get(name);
        if (m != null && version.equals(m.resourceVersion()) && java.util.Objects.equals(uid, m.uid())) {
            return m.facts();
        }
        NodeFacts f = ReportMapper.toNodeFacts(report.getSpec());
        mapped.put(name, new Mapped(uid, version, f));
        return f;
    }

    /**
     * The facts a node contributes to the current round. A report from before the round
     * stands in only for routine re-checks; after a spec change or on the first round the
     * engine gets nothing and says DiagnosticPending, so an old verdict is never shown as new.
     */
    private static Evidence evidence(String node, WireGuardNodeReport report, PlannedRound round,
                                     Function<String, NodeRound> roundState, List<String> waiting,
                                     Function<WireGuardNodeReport, NodeFacts> toFacts) {
        NodeRound state = roundState.apply(node);
        boolean fresh = state.answeredBy(report, round.requestedAt());
        NodeFacts facts = report == null ? null : toFacts.apply(report);
        if (state.state() == NodeRound.State.FAILED) {
            return new Evidence(fresh ? facts : null, state.detail());
        }
        if (fresh) {
            return new Evidence(facts, null);
        }
        // named without the Job's state: the message must not change (and be rewritten) as the Job progresses
        waiting.add("the report of node " + node);
        return new Evidence(round.acceptsEarlierEvidence() ? facts : null, null);
    }
}
