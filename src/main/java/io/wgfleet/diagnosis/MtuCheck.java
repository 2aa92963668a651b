package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.MtuProbe;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.EnumSet;
import java.util.List;

/**
 * The MTU layer, on a working handshake: Don't-Fragment pings through the tunnel pass up to
 * one size and vanish above it, below the link's own MTU (MTUBlackhole). The agent's controls
 * must back every failure: a path lost during the search is not a size limit.
 */
final class MtuCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        if (!t.handshakeRecent) {
            return;
        }
        MtuProbe m = t.mtuProbe();
        // a failure proves a size limit only beside a control that passed in its window, twice;
        // otherwise the path was lost (Tunnel.youngSessionLosesPackets) or a packet was
        if (m == null || !m.limitProven() || m.largestPassingPayload() == null || m.smallestFailingPayload() == null
                || m.largestPassingPayload() <= 0 || m.largestPassingPayload() >= m.smallestFailingPayload()) {
            return;
        }
        Side local = t.local;
        IpAddress target = Tolerant.address(m.target());
        int headers = target != null && target.ipv6() ? 48 : 28; // IP header + ICMP header
        int failingPacket = m.smallestFailingPayload() + headers;
        Integer linkMtu = local.iface.mtu();
        // a size above our own link MTU fails locally (EMSGSIZE); only sizes the link accepts prove a black hole
        if (linkMtu != null && failingPacket > linkMtu) {
            return;
        }
        int mtu = m.largestPassingPayload() + headers;
        found.add(Reason.MTUBlackhole, "Don't-Fragment pings to " + Values.orDefault(m.target(), "the tunnel") + " through " + local.ifName()
                        + ": " + m.largestPassingPayload() + " B payload passes, " + m.smallestFailingPayload()
                        + " B fails (" + failingPacket + " B packets" + (linkMtu != null ? ", below the link MTU " + linkMtu : "")
                        + "): large packets vanish on the path; set MTU " + mtu + " on " + local.ifName()
                        + " (largest passing payload " + m.largestPassingPayload() + " + " + headers + " B of IP and ICMP headers)",
                List.of(Wording.mtuSearch(m), local.ifName() + " MTU " + linkMtu),
                List.of("Set the tunnel MTU to " + mtu + " on both ends: ip link set " + local.ifName() + " mtu " + mtu
                                + " (MTU = " + mtu + " in the [Interface] section)",
                        "Probe sizes between " + m.largestPassingPayload() + " and " + m.smallestFailingPayload()
                                + " to find the exact limit; the inner MTU is the largest passing payload + " + headers,
                        "Or fix the path: an outer link MTU below 1420 + 80 B of WireGuard overhead, or blocked ICMP 'fragmentation needed'"),
                EnumSet.of(TunnelCondition.TRAFFIC_FLOWING));
    }
}
