package io.wgfleet.diagnosis;

import java.util.EnumSet;
import java.util.List;

/**
 * One diagnosis run, read top-down: the spec, the freshness gate, the tunnel built once, the
 * checks in layer order, the verdict. Every check records what it proves in {@link Findings};
 * the root cause is the fault declared first in {@link Reason} (the layer order) and every
 * other one becomes a finding. Checks that need a failing handshake guard on it themselves,
 * so a later layer never fires on evidence that only a working or a failing tunnel could produce.
 */
final class Evaluation {
    private static final DeclaredPeer NOTHING_DECLARED = new DeclaredPeer(null, null, null, null, List.of(), null, false, null);

    private static final LayerCheck SERVICE = new ServiceCheck();
    private static final LayerCheck REACHABILITY = new ReachabilityCheck();
    private static final LayerCheck FIREWALL = new FirewallCheck();
    private static final LayerCheck PATH = new PathCheck();
    private static final LayerCheck NAT = new NatCheck();
    private static final LayerCheck CRYPTO = new CryptoCheck();
    private static final LayerCheck ONE_SIDED = new OneSidedCheck();
    private static final LayerCheck ROUTING = new RoutingCheck();
    private static final LayerCheck MTU = new MtuCheck();
    private static final LayerCheck LIVENESS = new LivenessCheck();

    private Evaluation() {
    }

    static Diagnosis run(DiagnosisInput in) {
        DeclaredPeer declared = in.peer() == null ? NOTHING_DECLARED : in.peer();
        Findings found = new Findings();

        SpecValidation spec = SpecValidation.of(declared);
        invalidSpec(declared, spec, found);

        Finding unavailable = FreshnessGate.unavailable(in);
        if (unavailable != null) {
            return VerdictAggregator.withoutLocalFacts(in, unavailable, found);
        }

        Tunnel t = Tunnel.build(in, declared, spec);
        SERVICE.check(t, found);
        if (!t.hasLocalPeer()) {
            return VerdictAggregator.of(t, found);
        }
        if (!t.handshakeRecent) {
            REACHABILITY.check(t, found);
            FIREWALL.check(t, found);
            PATH.check(t, found);
            NAT.check(t, found);
            CRYPTO.check(t, found);
            ONE_SIDED.check(t, found);
        } else if (t.youngSessionLosesPackets()) {
            // A young session whose new packets get nowhere: a firewall rule added since, or
            // an endpoint that moved, breaks an established tunnel too, and the facts that
            // prove them do not depend on the handshake's age (measured in the lab: a drop
            // rule added after the handshake, a server renumbered behind a DNS name).
            REACHABILITY.check(t, found);
            FIREWALL.check(t, found);
            // a remote that dropped our peer entry or changed its key drops the session with it
            CryptoCheck.identity(t, found);
            if (t.reinitiationUnanswered()) {
                // WireGuard's own initiations went unanswered: one-sided, that is NoResponse
                // as for a tunnel that never came up
                ONE_SIDED.check(t, found);
            }
        }
        ROUTING.check(t, found);
        MTU.check(t, found);
        LIVENESS.check(t, found);
        return VerdictAggregator.of(t, found);
    }

    /** The spec layer: every problem of the declaration in one InvalidSpec finding. */
    private static void invalidSpec(DeclaredPeer declared, SpecValidation spec, Findings found) {
        if (spec.valid()) {
            return;
        }
        List<String> problems = spec.problems().stream().map(SpecValidation.Problem::toString).toList();
        String id = declared.id() == null ? "(unnamed peer)" : declared.id();
        found.add(Reason.InvalidSpec, "WireGuardPeer " + id + " is invalid: " + String.join("; ", problems),
                problems, List.of("Fix the WireGuardPeer spec: " + String.join("; ", problems),
                        "Re-apply it; the diagnosis resumes on the next round"),
                EnumSet.of(TunnelCondition.CONFIG_IN_SYNC));
    }
}
