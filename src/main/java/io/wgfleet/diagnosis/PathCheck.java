package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Arrivals;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The path layer, in the fleet: initiations leave one end and never reach the other's port,
 * or the answers never come back (PacketsNotArriving). Both ends' counters over comparable
 * windows prove it; a blocking firewall rule found before explains the loss instead.
 */
final class PathCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side initiator = t.initiator;
        Side responder = t.responder;
        if (initiator == null || responder == null || t.remote == null) {
            return;
        }
        boolean firewallExplains = found.has(Reason.UDPPortBlocked);
        // forward: initiations leave the initiator and never reach the responder's port
        Arrivals at = responder.arrivals();
        if (at != null && initiator.sentWithoutReply() && t.comparableWindows() && responder.cgnat() == null
                && !firewallExplains && responder.packetsFrom(initiator) == 0) {
            long attempts = Math.max(1, initiator.tx() / Side.INITIATION);
            found.add(Reason.PacketsNotArriving, initiator.label() + " sent handshake initiations (tx " + initiator.tx()
                            + " B, about " + attempts + " × 148 B) to " + t.endpointText(initiator) + ", but " + responder.label()
                            + " counted 0 packets from it to UDP port " + responder.listenPort() + " in its "
                            + Values.orZero(at.windowMillis()) + " ms window, and no firewall rule on " + responder.node
                            + " explains it: they are lost on the path (cloud security group, router forwarding, ISP)",
                    List.of(initiator.node + " tx " + initiator.tx() + " B, rx " + initiator.rx() + " B, handshake never",
                            responder.node + " arrivals on port " + responder.listenPort() + ": " + Values.orZero(at.packets())
                                    + " packets total, 0 from " + initiator.node),
                    List.of("Allow UDP " + responder.listenPort() + " to " + responder.node + " in the cloud security group / network ACL",
                            "Check the router or load balancer in front of " + responder.node + " forwards UDP " + responder.listenPort(),
                            "Check " + initiator.node + " can route to the endpoint (ip route get <endpoint address>)",
                            "Test from another network to rule out ISP filtering of UDP"),
                    EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
            return;
        }
        // return path: the responder answers, the answers never reach the initiator
        Arrivals back = initiator.arrivals();
        if (back != null && responder.replied() && initiator.rx() == 0 && t.comparableWindows()
                && Objects.equals(initiator.presharedKeyFingerprint(), responder.presharedKeyFingerprint())
                && initiator.packetsFrom(responder) == 0 && !firewallExplains) {
            found.add(Reason.PacketsNotArriving, responder.label() + " answers (rx " + responder.rx() + " B, tx " + responder.tx()
                            + " B for us) but " + initiator.label() + " counted 0 packets from it on UDP port "
                            + initiator.listenPort() + ": the responses are lost on the way back (security group, NAT, ISP)",
                    List.of(responder.node + " rx " + responder.rx() + " B tx " + responder.tx() + " B",
                            initiator.node + " rx 0 B, arrivals on port " + initiator.listenPort() + " from " + responder.node + ": 0"),
                    List.of("Allow UDP from " + responder.node + " back to " + initiator.node + " port " + initiator.listenPort()
                                    + " (security group, stateful NAT on the way)",
                            "Check the NAT in front of " + initiator.node + " keeps the UDP mapping (persistentKeepalive 25)"),
                    EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
        }
    }
}
