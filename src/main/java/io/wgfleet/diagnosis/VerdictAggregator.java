package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.ConditionVerdict.Status;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the verdict from the findings: the root cause (the first proven fault in layer
 * order, else Connected or what is missing), the three conditions, the evidence and the
 * remediation. The only place that decides a condition's status.
 */
final class VerdictAggregator {
    private static final String WAIT_OR_ASK = "Wait for the next diagnosis round, or annotate the peer with wgfleet.io/diagnose";

    private VerdictAggregator() {
    }

    /** The verdict when the local facts are unusable: Unknown, unless the spec alone already proves a fault. */
    static Diagnosis withoutLocalFacts(DiagnosisInput in, Finding unavailable, Findings found) {
        Fault root = found.root();
        List<String> evidence = new ArrayList<>(notesOf(in.local()));
        ConditionVerdict unknown = ConditionVerdict.of(Status.UNKNOWN, unavailable.reason(), unavailable.message());
        if (root == null) {
            return new Diagnosis(unknown, unknown, unknown, unavailable, evidence,
                    List.of(unavailable.reason() == Reason.DiagnosticFailed
                            ? "Check the diagnostic Job's logs on node " + Tunnel.nodeNameOf(in) + " and the agent's permissions (NET_ADMIN, hostNetwork)"
                            : WAIT_OR_ASK + " to ask for one now"),
                    found.besides(null));
        }
        List<Finding> findings = new ArrayList<>(found.besides(root));
        findings.add(unavailable);
        ConditionVerdict config = root.falsifies().contains(TunnelCondition.CONFIG_IN_SYNC)
                ? ConditionVerdict.of(Status.FALSE, root.reason(), root.message()) : unknown;
        evidence.addAll(0, root.evidence());
        return new Diagnosis(unknown, config, unknown, new Finding(root.reason(), root.message()), evidence,
                root.remediation(), findings);
    }

    /** The verdict over a tunnel whose checks ran. */
    static Diagnosis of(Tunnel t, Findings found) {
        Fault root = found.root();
        List<String> evidence = new ArrayList<>();
        Finding rootFinding;
        List<String> remediation;
        if (root != null) {
            evidence.addAll(root.evidence());
            rootFinding = new Finding(root.reason(), root.message());
            remediation = root.remediation();
        } else {
            rootFinding = noFault(t);
            remediation = rootFinding.reason() == Reason.Connected ? List.of()
                    : rootFinding.reason() == Reason.DiagnosticFailed
                    ? List.of("Check the failed diagnostic Job's logs and the agent's permissions (NET_ADMIN, hostNetwork)")
                    : List.of(WAIT_OR_ASK + " to provoke a handshake now",
                    "Set spec.probeAddress to an address inside the tunnel that answers ping, so the agent can prove traffic");
        }
        evidence.addAll(tunnelEvidence(t));
        evidence.addAll(notesOf(t.local.facts));
        for (NodeFacts.CollectionError e : t.local.facts.collectionErrors()) {
            evidence.add("collector " + e.source() + " failed on " + t.nodeName + ": " + e.message());
        }
        if (t.remote != null) {
            for (NodeFacts.CollectionError e : t.remote.facts.collectionErrors()) {
                evidence.add("collector " + e.source() + " failed on " + t.remote.node + ": " + e.message());
            }
        }
        for (String m : t.missing) {
            evidence.add("missing: " + m);
        }
        ConditionVerdict handshake = handshakeVerdict(t, found, rootFinding);
        return new Diagnosis(handshake, configVerdict(t, found), trafficVerdict(t, found, rootFinding, handshake), rootFinding,
                Wording.dedupe(evidence), remediation, found.besides(root));
    }

    /** Both peer entries and probes, as far as they were seen. */
    private static List<String> tunnelEvidence(Tunnel t) {
        List<String> out = new ArrayList<>();
        if (!t.hasLocalPeer()) {
            return out;
        }
        out.add(Wording.peerEntry(t.local));
        if (t.local.probe != null) {
            out.add(Wording.probe(t.local));
        }
        NodeFacts.MtuProbe mtu = t.mtuProbe();
        if (mtu != null && mtu.smallestFailingPayload() != null && !mtu.limitProven()) {
            out.add(t.nodeName + " " + Wording.mtuSearch(mtu));
        }
        Side remote = t.remote;
        if (remote != null) {
            if (remote.peer != null) {
                out.add(Wording.peerEntry(remote));
            } else {
                out.add("remote node " + remote.node + " " + remote.iface.name() + " (key " + Keys.prefix(remote.iface.publicKey())
                        + ", port " + remote.iface.listenPort() + "): no peer entry for key " + Keys.prefix(t.local.iface.publicKey()));
            }
            if (remote.probe != null) {
                out.add(Wording.probe(remote));
            }
        }
        for (Side s : t.sides()) {
            NatMapping m = t.nat(s);
            if (m.measured()) {
                out.add("NAT in front of " + s.node + ", measured: " + m.describe());
            }
        }
        return out;
    }

    /**
     * The root when no fault is proven: Connected when traffic is proven, else Unknown:
     * DiagnosticFailed when the remote's Job failed, DiagnosticPending while the remote's
     * report is still to come, Inconclusive when the facts are all there and prove nothing.
     * Every Unknown message ends with the evidence that is missing.
     */
    private static Finding noFault(Tunnel t) {
        Side local = t.local;
        if (!t.hasLocalPeer()) {
            return new Finding(Reason.Inconclusive, "not enough facts for a verdict" + missing(t, "the peer entry on " + t.nodeName));
        }
        long age = t.handshakeAgeSeconds;
        if (t.handshakeRecent && trafficProven(t)) {
            return new Finding(Reason.Connected, "handshake with " + Keys.prefix(t.declared.publicKey()) + " on " + t.nodeName + " "
                    + ago(age) + ", traffic both ways (rx "
                    + local.rx() + " B, tx " + local.tx() + " B" + (probeReplied(local) ? ", probe answered" : "") + ")");
        }
        Reason unknown = unproven(t);
        if (t.handshakeRecent) {
            String why;
            String needed;
            if (t.pathLostDuringMtuSearch()) {
                why = t.packetLoss() + ", and nothing seen explains the loss (a NAT mapping that expires, a link that drops)";
                needed = "a probe window in which the path stays up (a NAT mapping kept alive: persistentKeepalive)";
            } else if (t.youngSessionLosesPackets()) {
                String target = Values.orDefault(local.probe.target(), "the tunnel");
                why = "a probe to " + target + " got no reply, and no AllowedIPs, route or MTU cause was found (the target may not answer ping)";
                needed = "a reply from " + target + ", or a fact that explains its silence";
            } else {
                why = "no probe reply and counters (rx " + local.rx() + " B, tx " + local.tx() + " B) that a handshake alone could explain";
                needed = local.probe == null ? "a probe through the tunnel (spec.probeAddress: an address inside it that answers ping)"
                        : local.probe.error() != null ? "a probe through the tunnel, which could not run (" + local.probe.error() + ")"
                        : "traffic beyond the handshake (a probe reply, or more than 240 B each way)";
            }
            return new Finding(unknown, "handshake " + ago(age) + " works, but traffic is not proven: " + why + missing(t, needed));
        }
        if (local.sentWithoutReply() || (t.remote != null && t.remote.sentWithoutReply())) {
            return new Finding(unknown, "handshake initiations get no reply, and the facts at hand prove no cause"
                    + missing(t, silenceEvidence(t)));
        }
        if (!t.inFleet && t.initiator == null) {
            return new Finding(unknown, "waiting for the remote end to initiate: no endpoint here, no handshake "
                    + (t.handshakeStale ? age + " s" : "ever") + "; arrivals on UDP " + local.listenPort() + ": "
                    + Wording.arrivals(local) + "; not a failure until the remote is known to try"
                    + missing(t, "an initiation from the remote end"));
        }
        String provoked = local.probe != null && local.probe.error() != null
                ? "a provoked handshake (the probe could not run: " + local.probe.error() + ")"
                : "a provoked handshake (nothing was sent to the peer in the window)";
        return new Finding(unknown, (t.handshakeStale ? "latest handshake " + age + " s ago" : "no handshake yet")
                + " and nothing provoked a new one: an idle peer, not a failure" + missing(t, provoked));
    }

    /** A recent handshake's age; the agent reports -1 for one that completed while it collected. */
    private static String ago(long age) {
        return age >= 0 ? age + " s ago" : "just now";
    }

    /** The Unknown reason of a verdict the checks could not reach. */
    private static Reason unproven(Tunnel t) {
        return t.remoteFailed ? Reason.DiagnosticFailed : t.remotePending ? Reason.DiagnosticPending : Reason.Inconclusive;
    }

    /** What would tell why initiations go unanswered: the facts not collected, else a cause none of them showed. */
    private static String silenceEvidence(Tunnel t) {
        List<String> needed = new ArrayList<>();
        if (t.remote != null && !t.comparableWindows()) {
            long apart = Math.abs(java.time.Duration.between(t.local.facts.collectionTime(), t.remote.facts.collectionTime()).getSeconds());
            needed.add("the two ends' reports from one window (collected " + apart + " s apart, more than REKEY_ATTEMPT_TIME "
                    + DiagnosisEngine.REKEY_ATTEMPT_TIME.getSeconds() + " s)");
        }
        for (Side s : t.sides()) {
            if (s == t.responder && s.arrivals() == null) {
                needed.add("the arrival count on " + s.node + "'s UDP port " + s.listenPort());
            }
        }
        if (needed.isEmpty() && t.missing.isEmpty()) {
            needed.add("a fact that explains the silence (no firewall rule, arrivals, key or endpoint problem seen on either end)");
        }
        return String.join("; ", needed);
    }

    /** "; missing: " and the evidence named, then the facts the tunnel lacks. */
    private static String missing(Tunnel t, String needed) {
        List<String> all = new ArrayList<>();
        if (needed != null && !needed.isEmpty()) {
            all.add(needed);
        }
        all.addAll(t.missing);
        return all.isEmpty() ? "" : "; missing: " + String.join("; ", all);
    }

    private static ConditionVerdict handshakeVerdict(Tunnel t, Findings found, Finding root) {
        if (t.handshakeRecent) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.CONNECTED, "latest handshake "
                    + (t.handshakeAgeSeconds >= 0 ? t.handshakeAgeSeconds + " s" : "just") + " before collection on " + t.nodeName);
        }
        Fault first = found.firstFalsifying(TunnelCondition.HANDSHAKE_SUCCEEDED);
        if (first != null) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        boolean failing = t.hasLocalPeer()
                && (t.local.sentWithoutReply() || (t.remote != null && t.remote.sentWithoutReply()));
        if (failing && root.reason().isFault()) {
            return ConditionVerdict.of(Status.FALSE, root.reason(), root.message());
        }
        Reason reason = root.reason().isFault() ? Reason.Inconclusive : root.reason();
        String message = root.reason().isFault()
                ? (t.handshakeStale ? "latest handshake " + t.handshakeAgeSeconds + " s ago" : "no handshake yet")
                + " and none provoked: not proven either way; missing: a provoked handshake"
                : root.message();
        return ConditionVerdict.of(Status.UNKNOWN, reason, message);
    }

    private static ConditionVerdict configVerdict(Tunnel t, Findings found) {
        Fault first = found.firstFalsifying(TunnelCondition.CONFIG_IN_SYNC);
        if (first != null) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        if (t.hasLocalPeer()) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.IN_SYNC, "peer " + Keys.prefix(t.declared.publicKey()) + " on "
                    + t.local.ifName() + " at " + t.nodeName + " matches " + t.id());
        }
        return ConditionVerdict.of(Status.UNKNOWN, Reason.Inconclusive, "not proven either way; missing: the peer entry on " + t.nodeName);
    }

    private static ConditionVerdict trafficVerdict(Tunnel t, Findings found, Finding root, ConditionVerdict handshake) {
        if (handshake.status() == Status.FALSE) {
            return handshake;
        }
        Fault first = found.firstFalsifying(TunnelCondition.TRAFFIC_FLOWING);
        if (first != null && t.handshakeRecent) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        if (t.handshakeRecent && trafficProven(t) && root.reason() == Reason.Connected) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.CONNECTED, "rx " + t.local.rx() + " B, tx " + t.local.tx() + " B"
                    + (probeReplied(t.local) ? ", probe answered" : ""));
        }
        Reason reason = root.reason().isUnknown() ? root.reason() : Reason.Inconclusive;
        return ConditionVerdict.of(Status.UNKNOWN, reason, root.reason().isUnknown() ? root.message()
                : "traffic not proven; missing: a probe reply, or counters beyond the handshake");
    }

    private static boolean probeReplied(Side local) {
        return local.probe != null && Boolean.TRUE.equals(local.probe.replied());
    }

    /**
     * Traffic is proven by a probe reply, or by counters larger than a handshake alone produces
     * (148 + 92 B each way): the lab's AllowedIPs fault shows rx 92 B with a recent handshake.
     */
    private static boolean trafficProven(Tunnel t) {
        Side local = t.local;
        if (t.youngSessionLosesPackets()) {
            return false;
        }
        return probeReplied(local)
                || (local.rx() > Side.INITIATION + Side.RESPONSE && local.tx() > Side.INITIATION + Side.RESPONSE);
    }

    private static List<String> notesOf(NodeFacts f) {
        return f == null ? List.of() : f.notes();
    }
}
