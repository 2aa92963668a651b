package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.ProvokedHandshake;
import io.wgfleet.diagnosis.net.Endpoint;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The one-sided layer: the remote end is outside the fleet, our initiations get no answer,
 * and nothing on our side explains it (NoResponse). The verdict says what this side proved
 * and lists what to check on the remote, since only its facts could name the cause.
 */
final class OneSidedCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side local = t.local;
        if (t.inFleet || t.initiator != local || !local.sentWithoutReply()) {
            return;
        }
        if (found.hasCauseBefore(Reason.NoResponse)) {
            return; // a cause on our side explains it
        }
        Endpoint e = t.localRunningEndpoint != null ? t.localRunningEndpoint : t.spec.endpoint();
        String endpoint = e == null ? "(no endpoint)" : e.toString();
        String host = e == null ? "the remote" : e.host();
        int port = e == null ? 51820 : e.port();
        ProvokedHandshake p = local.probe;
        String provoked = p != null && local.provokedWithoutHandshake()
                ? "a handshake provoked towards " + Values.orDefault(p.target(), "the tunnel") + " got no reply within "
                + Values.orZero(p.waitedMillis()) + " ms" + " (tx +" + Values.orZero(p.txDelta()) + " B, rx +"
                + Values.orZero(p.rxDelta()) + " B)"
                + (p.initiationsSent() != null && p.initiationsSent() > 0 && t.handshakeRecent
                ? ", WireGuard's own " + p.initiationsSent() + " re-initiation" + (p.initiationsSent() == 1 ? "" : "s")
                + " of the " + t.handshakeAgeSeconds + " s old session included"
                + (p.escalatedMillis() != null ? " (the agent waited " + p.escalatedMillis() + " ms beyond its first window for it)" : "")
                : "")
                + (t.handshakeRecent && t.remoteRetries() > 0 ? ", and the remote's own " + (t.remoteRetries() + 1)
                + " initiations arrived, each answered with a 92 B response, and it kept retrying: our answers never reached it"
                + (p.escalatedMillis() != null && (p.initiationsSent() == null || p.initiationsSent() == 0)
                ? " (the agent kept provoking " + p.escalatedMillis() + " ms beyond its first window)" : "") : "")
                : "initiations go out (tx " + local.tx() + " B, about " + Math.max(1, local.tx() / Side.INITIATION)
                + " × 148 B) and nothing comes back (rx 0 B)";
        List<String> proven = new ArrayList<>();
        proven.add("the peer entry matches the declaration");
        if (Boolean.TRUE.equals(local.iface.udpSocketBound())) {
            proven.add("UDP " + local.listenPort() + " is bound");
        }
        if (local.facts.errorOf("nft") == null && local.facts.errorOf("iptables") == null) {
            proven.add("no firewall rule drops it");
        }
        found.add(Reason.NoResponse, "no response from " + endpoint + ": " + provoked + "; on " + t.nodeName + " "
                        + String.join(", ", proven) + "; the remote end is outside the fleet, so the cause lies there or on the path",
                List.of(Wording.peerEntry(local)),
                List.of("Check the remote's public address and DNS record: is " + host + " really where it is reachable now?",
                        "Check the remote listens on UDP " + port + " (wg show on it) and any port forward to it",
                        "Check the remote's local firewall (Windows Defender Firewall: allow the WireGuard app on private and public networks; security suites)",
                        "Check the cloud security group or router port forward for UDP " + port + " in front of the remote",
                        "Check for CGNAT on the remote's line: compare its router's WAN address with its public address",
                        "Test from another network (a phone hotspot) to rule out ISP filtering",
                        "On Windows: tunnel adapter state, route metrics, conflicting VPN or virtual adapters",
                        "Confirm the remote has this node's public key " + Keys.prefix(local.iface.publicKey())
                                + " as a peer, and the same preshared key if any"),
                EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
    }
}
