package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Nat;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The liveness layer: a side behind NAT without persistent keepalive loses its mapping when
 * idle (KeepaliveMissing, a cause or an advisory), and a handshake older than
 * REJECT_AFTER_TIME although traffic was expected means a dead session (HandshakeStale).
 * An old handshake on an idle tunnel is not a failure: only provocation or keepalive makes it one.
 */
final class LivenessCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side local = t.local;
        Side remote = t.remote;
        boolean probeFailed = t.youngSessionLosesPackets();
        boolean trafficExplained = found.firstFalsifying(TunnelCondition.TRAFFIC_FLOWING) != null;
        boolean trafficExpected = local.provokedWithoutHandshake() || local.keepalive() > 0
                || (remote != null && (remote.provokedWithoutHandshake() || remote.keepalive() > 0));
        boolean staleFailure = t.handshakeStale && trafficExpected;
        boolean keepaliveCause = false;
        for (Side s : t.sides()) {
            Side other = t.otherThan(s);
            String natWhy = natEvidence(t, s);
            if (natWhy == null || keepsMappingAlive(s)) {
                continue;
            }
            boolean cause = staleFailure || (probeFailed && !trafficExplained && s != local);
            keepaliveCause |= cause;
            String otherName = other != null ? other.node : "the remote end";
            Set<TunnelCondition> falsifies = !cause ? EnumSet.noneOf(TunnelCondition.class)
                    : staleFailure ? EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING)
                    : EnumSet.of(TunnelCondition.TRAFFIC_FLOWING);
            String keepalive = s.keepalive() <= 0 ? "sends no persistent keepalive"
                    : "sends a persistent keepalive every " + s.keepalive() + " s, not shorter than the " + LIFETIME
                    + " s a NAT mapping is assumed to live";
            found.add(new Fault(Reason.KeepaliveMissing, s.label() + " is behind NAT (" + natWhy + ") and " + keepalive
                    + (s.peer != null ? " to " + Keys.prefix(t.keyHeldBy(s)) : "")
                    + ": its NAT mapping expires when idle and " + otherName + " can no longer reach it"
                    + (staleFailure ? "; the latest handshake is " + t.handshakeAgeSeconds + " s old" : "")
                    + (probeFailed && s != local ? "; " + t.packetLoss() + " although the handshake is "
                    + t.handshakeAgeSeconds + " s old" : ""),
                    List.of(s.node + " NAT: " + natWhy, s.node + " persistent keepalive: " + Wording.keepalive(s.keepalive())
                            + " (needed: shorter than the NAT mapping's lifetime, assumed " + LIFETIME + " s)"),
                    List.of("Set persistentKeepalive 25 on " + s.node + "'s peer entry: wg set " + s.ifName() + " peer <key> persistent-keepalive 25"
                                    + (s.declared != null ? ", and spec.persistentKeepalive: 25 in " + s.declared.id() : ""),
                            "Or make " + s.node + " reachable without NAT (public address, port forward)"),
                    falsifies, !cause));
        }
        if (staleFailure && !keepaliveCause) {
            boolean provoked = local.provokedWithoutHandshake() || (remote != null && remote.provokedWithoutHandshake());
            found.add(Reason.HandshakeStale, "the latest handshake with " + Keys.prefix(t.declared.publicKey()) + " on " + t.nodeName
                            + " is " + t.handshakeAgeSeconds + " s old, beyond REJECT_AFTER_TIME (180 s), although "
                            + (provoked ? "a probe provoked a new one" : "persistent keepalive is set") + ": the session is dead",
                    List.of(Wording.peerEntry(local)),
                    List.of("Check both ends are up and reachable (wg show on both)",
                            "Check for packet loss or a NAT timeout on the path (ping the endpoint address)",
                            "Set persistentKeepalive 25 on the side behind NAT"),
                    EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
        }
    }

    private static final long LIFETIME = DiagnosisEngine.NAT_MAPPING_LIFETIME.getSeconds();

    /** A keepalive shorter than the mapping's lifetime refreshes it before the NAT forgets it. */
    private static boolean keepsMappingAlive(Side s) {
        return s.keepalive() > 0 && s.keepalive() < LIFETIME;
    }

    /**
     * Why side s is behind NAT, or null when unproven. A measurement decides: a fleet node that
     * sees s at its own address and port proves no NAT on that path, whatever s's address range.
     * Unmeasured, a CGNAT address (100.64.0.0/10, which is shared address space behind a carrier's
     * NAT by definition) is the sign.
     */
    private static String natEvidence(Tunnel t, Side s) {
        NatMapping m = t.nat(s);
        Nat cgnat = s.cgnat();
        String sign = cgnat == null ? null : "CGNAT address " + cgnat.address() + " on " + cgnat.interfaceName();
        if (m.measured()) {
            return !m.natted() ? null : m.describe() + (sign == null ? "" : "; " + sign);
        }
        return sign == null ? null : sign + " (no fleet node has measured the mapping)";
    }
}
