package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Route;
import io.wgfleet.diagnosis.net.Coverage;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The routing layer: AllowedIPs on both ends cover the addresses the tunnel carries
 * (AllowedIPsMismatch), and the kernel routes those addresses into the tunnel (RouteConflict).
 */
final class RoutingCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        allowedIPs(t, found);
        routes(t, found);
    }

    private static void allowedIPs(Tunnel t, Findings found) {
        Side local = t.local;
        Side remote = t.remote;
        List<IpPrefix> allowed = t.localRunningAllowed;
        String allowedText = allowed.isEmpty() ? "none" : Wording.join(allowed);
        List<String> parts = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        IpAddress target = t.spec.probeAddress() != null ? t.spec.probeAddress()
                : local.probe != null ? Tolerant.address(local.probe.target()) : null;
        if (target != null && !Coverage.covers(allowed, target)) {
            parts.add("the probe address " + target + " is outside the AllowedIPs of peer " + Keys.prefix(t.declared.publicKey())
                    + " on " + local.ifName() + " at " + t.nodeName + " (" + allowedText + ")");
            fixes.add("Add " + target + " to AllowedIPs on " + t.nodeName + ": wg set " + local.ifName() + " peer <key> allowed-ips "
                    + (allowed.isEmpty() ? "" : Wording.joinComma(allowed) + ",") + IpPrefix.of(target) + " and to spec.allowedIPs");
        }
        if (remote != null) {
            List<IpAddress> theirs = Tolerant.addresses(remote.iface.addresses());
            if (!theirs.isEmpty() && !Coverage.coversAny(allowed, theirs)) {
                parts.add("remote node " + remote.node + "'s tunnel address " + Wording.join(theirs) + " is outside our AllowedIPs ("
                        + allowedText + ")");
                fixes.add("Add " + Wording.join(theirs) + " to the AllowedIPs of " + t.id());
            }
            List<IpAddress> ours = Tolerant.addresses(local.iface.addresses());
            if (remote.peer != null && !ours.isEmpty()) {
                List<IpPrefix> theirAllowed = Tolerant.prefixes(remote.peer.allowedIPs());
                if (!Coverage.coversAny(theirAllowed, ours)) {
                    String ourKey = Keys.prefix(local.iface.publicKey());
                    parts.add("remote node " + remote.node + "'s AllowedIPs for our key " + ourKey + " ("
                            + (theirAllowed.isEmpty() ? "none" : Wording.join(theirAllowed)) + ") do not cover our tunnel address "
                            + Wording.join(ours) + ": it accepts the handshake but drops our packets");
                    fixes.add("Add " + Wording.join(ours) + " to the AllowedIPs of our key on " + remote.node + " (wg set " + remote.ifName()
                            + " peer " + ourKey + " allowed-ips ...)"
                            + (t.remoteDeclared != null ? " and to " + t.remoteDeclared.id() + " spec.allowedIPs" : ""));
                }
            }
        }
        if (!parts.isEmpty()) {
            found.add(Reason.AllowedIPsMismatch, String.join("; ", parts), parts, fixes, EnumSet.of(TunnelCondition.TRAFFIC_FLOWING));
        }
    }

    /**
     * A route that takes an address of the tunnel out of another device, on this node or, in the
     * fleet, on the remote node for the addresses its entry for us claims: that end's packets leave
     * outside the tunnel (measured in the lab: with {@code ip route add 10.77.0.1/32 via 192.0.2.1} on
     * the client, its pings reach the server in clear over the link and are answered there, so the
     * server's own probe through the tunnel is answered too, by packets that bypass it).
     */
    private static void routes(Tunnel t, Findings found) {
        IpAddress endpointAddress = t.spec.endpoint() != null ? t.spec.endpoint().address() : null;
        routes(t, t.local, t.localRunningAllowed, endpointAddress, found);
        Side remote = t.remote;
        if (remote != null && remote.peer != null) {
            var remoteEndpoint = Tolerant.endpoint(remote.peer.endpoint());
            routes(t, remote, Tolerant.prefixes(remote.peer.allowedIPs()), remoteEndpoint == null ? null : remoteEndpoint.address(), found);
        }
    }

    private static void routes(Tunnel t, Side s, List<IpPrefix> allowed, IpAddress endpointAddress, Findings found) {
        for (Route r : s.facts.routes()) {
            IpAddress destination = Tolerant.address(r.destination());
            // an address of the node itself is delivered locally (dev lo): AllowedIPs that cover
            // the whole tunnel subnet, e.g. 10.77.0.0/24, hold the node's own tunnel address too
            if (destination == null || r.error() != null || r.device() == null || r.device().equals(s.ifName())
                    || destination.equals(endpointAddress) || s.addresses().contains(destination)) {
                continue;
            }
            IpPrefix inside = Coverage.coveringPrefix(allowed, destination);
            if (inside == null) {
                continue;
            }
            String where = s.local ? "the kernel on " + s.node : "the kernel on remote node " + s.node + ", the other end of this tunnel,";
            found.add(Reason.RouteConflict, where + " routes " + destination + " (inside AllowedIPs " + inside
                            + (s.local ? "" : " of its entry for our key " + Keys.prefix(t.local.iface.publicKey()))
                            + ") via " + r.device() + (r.gateway() != null ? " gateway " + r.gateway() : "") + ", not via " + s.ifName()
                            + (s.local ? "" : ": its packets for " + destination + " leave outside the tunnel"),
                    List.of("ip route get " + destination + " on " + s.node + ": dev " + r.device()
                            + (r.gateway() != null ? " via " + r.gateway() : "") + (r.source() != null ? " src " + r.source() : "")),
                    List.of("Find the competing route on " + s.node + ": ip route get " + destination + "; ip route show table all | grep "
                                    + inside.network(),
                            "Remove it, or give " + s.ifName() + " a more specific route or a lower metric for " + inside,
                            "Check for other VPNs or container networks (Docker, Tailscale, other WireGuard interfaces) that claim " + inside),
                    EnumSet.of(TunnelCondition.TRAFFIC_FLOWING));
        }
    }
}
