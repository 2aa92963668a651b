package io.wgfleet.diagnosis;

import java.time.Duration;

/**
 * The first question of every diagnosis: are the local facts there and fresh? Without them
 * no layer can be judged, and the verdict is Unknown saying what is missing.
 */
final class FreshnessGate {
    private FreshnessGate() {
    }

    /** Why the local facts cannot be used (DiagnosticFailed or DiagnosticPending), or null when they can. */
    static Finding unavailable(DiagnosisInput in) {
        String node = Tunnel.nodeNameOf(in);
        if (in.localFailure() != null && !in.localFailure().isBlank()) {
            return new Finding(Reason.DiagnosticFailed, "the diagnostic job on node " + node + " failed: "
                    + in.localFailure() + "; no verdict without its facts");
        }
        NodeFacts f = in.local();
        if (f == null) {
            return new Finding(Reason.DiagnosticPending, "no report from node " + node
                    + " yet: waiting for its agent's facts");
        }
        String staleness = staleness(f, in);
        if (staleness != null) {
            return new Finding(Reason.DiagnosticPending, "the report of node " + node + " is " + staleness
                    + ": waiting for a fresh one");
        }
        NodeFacts.CollectionError wg = f.errorOf("wg");
        if (wg != null && f.interfaces().isEmpty()) {
            return new Finding(Reason.DiagnosticFailed, "node " + node + " could not read WireGuard state (wg: "
                    + wg.message() + "); interfaces and peers are unknown");
        }
        return null;
    }

    /** Null when the report is fresh at {@code in.now()}, else why not. */
    static String staleness(NodeFacts f, DiagnosisInput in) {
        if (f.collectionTime() == null) {
            return "without a valid collection time";
        }
        if (in.now() == null) {
            return "of unknown age (no current time given)";
        }
        Duration age = Duration.between(f.collectionTime(), in.now());
        if (age.compareTo(in.staleAfter()) > 0) {
            return age.getSeconds() + " s old (collected " + f.collectionTime() + ", stale after "
                    + in.staleAfter().getSeconds() + " s)";
        }
        return null;
    }
}
