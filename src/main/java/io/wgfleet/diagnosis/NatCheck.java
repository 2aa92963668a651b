package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Nat;

import java.util.EnumSet;
import java.util.List;

/** The NAT layer: the end that must accept handshakes sits behind carrier-grade NAT and cannot initiate (BehindCGNAT). */
final class NatCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side responder = t.responder;
        if (responder == null) {
            return;
        }
        Nat cgnat = responder.cgnat();
        if (cgnat == null || t.canInitiate(responder)) {
            return;
        }
        found.add(Reason.BehindCGNAT, responder.label() + " must accept inbound handshakes but sits behind carrier-grade NAT ("
                        + cgnat.address() + " on " + cgnat.interfaceName() + ") and has no endpoint to initiate itself: nothing from outside can reach it",
                List.of(responder.node + " NAT finding: " + cgnat.kind() + " " + cgnat.address() + " on " + cgnat.interfaceName(),
                        responder.node + " has no endpoint for the other end"),
                List.of("Let " + responder.node + " initiate: give its peer entry an endpoint for the other end and persistentKeepalive 25",
                        "Or get a public IPv4/IPv6 address or a port forward for " + responder.node + " from the ISP",
                        "Or relay through a reachable hub peer"),
                EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
    }
}
