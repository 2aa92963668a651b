package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Nat;

import java.util.EnumSet;
import java.util.List;

/**
 * The NAT layer: the end that must accept handshakes sits behind carrier-grade NAT, cannot
 * initiate, and inbound is proven impossible (BehindCGNAT): an address in 100.64.0.0/10
 * alone proves nothing (the NAT may forward a port, or the range may be routed), so the
 * verdict also needs the initiator's packets counted as not arriving, and no handshake ever
 * reaching it.
 */
final class NatCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side responder = t.responder;
        if (responder == null) {
            return;
        }
        Nat cgnat = responder.cgnat();
        if (cgnat == null || t.canInitiate(responder) || !inboundImpossible(t, responder)) {
            return;
        }
        found.add(Reason.BehindCGNAT, responder.label() + " must accept inbound handshakes but sits behind carrier-grade NAT ("
                        + cgnat.address() + " on " + cgnat.interfaceName() + ") and has no endpoint to initiate itself: nothing from outside can reach it",
                List.of(responder.node + " NAT finding: " + cgnat.kind() + " " + cgnat.address() + " on " + cgnat.interfaceName(),
                        responder.node + " has no endpoint for the other end",
                        responder.node + " arrivals on UDP " + responder.listenPort() + ": " + Wording.arrivals(responder)
                                + (t.initiator != null ? ", 0 from " + t.initiator.node : "") + "; no handshake ever completed with it"),
                List.of("Let " + responder.node + " initiate: give its peer entry an endpoint for the other end and persistentKeepalive 25",
                        "Or get a public IPv4/IPv6 address or a port forward for " + responder.node + " from the ISP",
                        "Or relay through a reachable hub peer"),
                EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
    }

    /**
     * Nothing gets in: the initiator sends, the responder's counter sees none of it (nothing
     * maps a port to it), and no handshake with the responder ever completed on either end
     * (one would have been initiated from outside, since the responder has no endpoint).
     */
    private static boolean inboundImpossible(Tunnel t, Side responder) {
        Side initiator = t.initiator;
        if (initiator == null || !initiator.sentWithoutReply() || responder.arrivals() == null
                || responder.packetsFrom(initiator) != 0) {
            return false;
        }
        return Values.orZero(responder.peer == null ? null : responder.peer.latestHandshake()) <= 0
                && Values.orZero(initiator.peer == null ? null : initiator.peer.latestHandshake()) <= 0
                && !t.nat(responder).measured();
    }
}
