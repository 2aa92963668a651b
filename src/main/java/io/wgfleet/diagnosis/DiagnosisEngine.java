package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.ConditionVerdict.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The diagnosis engine: node facts in, one proven root cause out. Pure: no Kubernetes types,
 * no I/O, no clock (the time is part of the input). Safe to call from any thread.
 *
 * <p>Root-cause selection follows the layer order of the reason catalogue (docs/reasons.md),
 * which is the declaration order of {@link Reason}: every check that proves a fault records
 * it, and the fault declared first becomes the root cause; the others become findings. A
 * fault that the evidence does not prove is never reported: the verdict is then Unknown,
 * {@link Reason#DiagnosticPending} while a report is still to come, {@link Reason#Inconclusive}
 * when the reports are there and prove nothing, {@link Reason#DiagnosticFailed} when a Job
 * failed, each naming what is missing.
 *
 * <p>An idle peer (no handshake and nothing provoked one) is not a failure: its verdict is
 * Unknown with reason Inconclusive, saying that a provoked handshake is missing.
 */
public final class DiagnosisEngine {

    /** A handshake older than this means the session is dead (WireGuard's REJECT_AFTER_TIME). */
    public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** An unanswered initiation is retried after this; a "no reply" verdict needs one such wait. */
    public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    /** WireGuard gives up retrying after this; used to decide whether two nodes' windows overlap. */
    public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    /**
     * How long a NAT is assumed to keep an idle UDP mapping when nothing measured it: no node
     * can read the NAT's timer, and 30 s is Linux conntrack's default for UDP
     * (nf_conntrack_udp_timeout) and the low end of home routers; a persistent keepalive must be
     * shorter (WireGuard's documented 25 s is).
     */
    public static final Duration NAT_MAPPING_LIFETIME = Duration.ofSeconds(30);
    /** Size of a handshake initiation message. */
    public static final int HANDSHAKE_INITIATION_BYTES = 148;
    /** Size of a handshake response message. */
    public static final int HANDSHAKE_RESPONSE_BYTES = 92;

    private DiagnosisEngine() {
    }

    /**
     * Diagnoses one peer on one node. Never throws: malformed input yields
     * {@link Reason#InvalidSpec} or an Unknown verdict.
     */
    public static Diagnosis diagnose(DiagnosisInput input) {
        if (input == null) {
            Finding f = new Finding(Reason.DiagnosticPending, "no input");
            ConditionVerdict u = ConditionVerdict.of(Status.UNKNOWN, f.reason(), f.message());
            return new Diagnosis(u, u, u, f, List.of(), List.of(), List.of());
        }
        try {
            return Evaluation.run(input);
        } catch (RuntimeException e) {
            // a bug must not take the operator down or produce a confident wrong cause
            Finding f = new Finding(Reason.DiagnosticFailed, "internal error in the diagnosis engine ("
                    + e.getClass().getSimpleName() + "); no verdict");
            ConditionVerdict u = ConditionVerdict.of(Status.UNKNOWN, f.reason(), f.message());
            return new Diagnosis(u, u, u, f, List.of(), List.of(), List.of());
        }
    }

    /**
     * Combines the per-node diagnoses of a peer that targets several nodes. No nodes gives
     * {@link Reason#NoMatchingNodes}. All Connected gives Connected. Otherwise the node with
     * the first failing layer wins (a proven fault before an Unknown verdict; ties by node
     * name), its message prefixed with the node; the other nodes' non-healthy root causes
     * become findings. Each condition is False if any node's is, else Unknown if any is, else True.
     */
    public static Diagnosis summarize(List<NodeDiagnosis> perNode) {
        List<NodeDiagnosis> nodes = new ArrayList<>();
        if (perNode != null) {
            for (NodeDiagnosis n : perNode) {
                if (n != null && n.diagnosis() != null) {
                    nodes.add(n);
                }
            }
        }
        if (nodes.isEmpty()) {
            Finding f = new Finding(Reason.NoMatchingNodes, "the peer's nodeSelector/nodeName matches no node");
            ConditionVerdict u = ConditionVerdict.of(Status.UNKNOWN, f.reason(), f.message());
            return new Diagnosis(u, u, u, f, List.of(),
                    List.of("Check spec.nodeSelector or spec.nodeName against the labels of the nodes that host the interface (kubectl get nodes --show-labels)"),
                    List.of());
        }
        nodes.sort(Comparator.comparing((NodeDiagnosis n) -> severity(n.diagnosis().reason()))
                .thenComparing(n -> n.nodeName() == null ? "" : n.nodeName()));
        NodeDiagnosis worst = nodes.get(0);
        Diagnosis w = worst.diagnosis();
        String wn = name(worst);
        Finding root;
        if (w.reason() == Reason.Connected && nodes.size() > 1) {
            root = new Finding(Reason.Connected, "connected on all " + nodes.size() + " nodes; " + wn + ": " + w.message());
        } else {
            root = new Finding(w.reason(), wn + ": " + w.message());
        }
        List<Finding> findings = new ArrayList<>();
        for (Finding f : w.findings()) {
            findings.add(new Finding(f.reason(), wn + ": " + f.message()));
        }
        for (NodeDiagnosis n : nodes.subList(1, nodes.size())) {
            if (n.diagnosis().reason() != Reason.Connected) {
                findings.add(new Finding(n.diagnosis().reason(), name(n) + ": " + n.diagnosis().message()));
            }
        }
        List<String> evidence = new ArrayList<>();
        for (String e : w.evidence()) {
            evidence.add(wn + ": " + e);
        }
        return new Diagnosis(
                combine(nodes, Diagnosis::handshakeSucceeded),
                combine(nodes, Diagnosis::configInSync),
                combine(nodes, Diagnosis::trafficFlowing),
                root, evidence, w.remediation(), findings);
    }

    private static String name(NodeDiagnosis n) {
        return "node " + (n.nodeName() == null ? "(unknown)" : n.nodeName());
    }

    /** Faults first in layer order, then Unknown verdicts, then healthy. */
    private static int severity(Reason r) {
        if (r.isFault()) {
            return r.ordinal();
        }
        return r.isUnknown() ? 1000 + r.ordinal() : 2000;
    }

    private static ConditionVerdict combine(List<NodeDiagnosis> sorted,
                                            java.util.function.Function<Diagnosis, ConditionVerdict> pick) {
        for (Status s : new Status[] {Status.FALSE, Status.UNKNOWN}) {
            for (NodeDiagnosis n : sorted) {
                ConditionVerdict v = pick.apply(n.diagnosis());
                if (v.status() == s) {
                    return new ConditionVerdict(s, v.reason(), name(n) + ": " + v.message());
                }
            }
        }
        ConditionVerdict first = pick.apply(sorted.get(0).diagnosis());
        return new ConditionVerdict(Status.TRUE, first.reason(),
                sorted.size() == 1 ? name(sorted.get(0)) + ": " + first.message() : "all " + sorted.size() + " nodes");
    }
}
