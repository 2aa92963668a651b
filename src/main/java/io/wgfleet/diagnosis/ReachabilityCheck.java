package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Dns;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.ArrayList;
import java.util.List;

/**
 * The reachability layer: someone can initiate (NoEndpoint), the endpoint's name resolves
 * (EndpointUnresolvable) to what WireGuard uses (StaleEndpointDNS), and the endpoint is the
 * responder's address (EndpointMismatch) and listen port (PortMismatch).
 */
final class ReachabilityCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        noEndpoint(t, found);
        Side initiator = t.initiator;
        if (initiator == null) {
            return;
        }
        Endpoint declared;
        Endpoint running = Tolerant.endpoint(initiator.peer == null ? null : initiator.peer.endpoint());
        String whose;
        if (initiator.local) {
            declared = t.spec.endpoint();
            whose = "the endpoint of " + t.id();
        } else {
            declared = t.remoteDeclared != null ? Tolerant.endpoint(t.remoteDeclared.endpoint()) : null;
            whose = "the endpoint remote node " + initiator.node + " uses for us";
        }
        if (declared != null && declared.isHostname()) {
            dns(t, found, initiator, declared, running, whose);
        }
        Side responder = t.responder;
        if (responder == null || responder.iface == null) {
            return;
        }
        Endpoint e = running != null ? running : declared;
        if (e == null) {
            return;
        }
        // NAT or port forwarding in front of the responder makes its own addresses and port irrelevant
        boolean arrived = responder.packetsFrom(initiator) > 0;
        if (responder.natted() || arrived) {
            return;
        }
        IpAddress a = e.address();
        List<IpAddress> addresses = responder.addresses();
        if (a != null && !addresses.isEmpty() && !addresses.contains(a)) {
            found.add(Reason.EndpointMismatch, whose + " is " + e + ", but " + a + " is not an address of "
                            + responder.label() + " (its addresses: " + Wording.join(addresses.subList(0, Math.min(6, addresses.size()))) + ")",
                    List.of("endpoint in use on " + initiator.node + ": " + e, responder.node + " addresses: " + Wording.join(addresses)),
                    List.of("Point the endpoint at an address of " + responder.node + ": wg set " + initiator.ifName()
                                    + " peer <key> endpoint <address>:" + e.port() + ", and update the WireGuardPeer's spec.endpoint",
                            "If " + responder.node + " is reached through NAT or a load balancer, check that it forwards UDP " + e.port() + " to it"),
                    t.blocking());
        }
        int listenPort = responder.listenPort();
        if (listenPort > 0 && e.port() != listenPort) {
            found.add(Reason.PortMismatch, whose + " is " + e + ", but " + responder.ifName() + " on " + responder.label()
                            + " listens on UDP port " + listenPort + ", not " + e.port(),
                    List.of("endpoint port " + e.port() + " on " + initiator.node,
                            responder.ifName() + " listen port " + listenPort + " on " + responder.node),
                    List.of("Set the endpoint port to " + listenPort + ": wg set " + initiator.ifName() + " peer <key> endpoint "
                                    + (e.host().indexOf(':') >= 0 ? "[" + e.host() + "]" : e.host()) + ":" + listenPort + ", and update spec.endpoint",
                            "Or change " + responder.node + "'s listen port to " + e.port() + " if that is the intended one"),
                    t.blocking());
        }
    }

    /** In the fleet, with no endpoint on either end, nobody can start a handshake. */
    private static void noEndpoint(Tunnel t, Findings found) {
        boolean localHasEndpoint = t.spec.endpoint() != null || t.localRunningEndpoint != null;
        if (!t.inFleet || localHasEndpoint || t.initiator != null) {
            return;
        }
        DeclaredPeer remoteDeclared = t.remoteDeclared;
        Side remote = t.remote;
        boolean remoteEndpointUnknown = remoteDeclared == null && remote == null;
        boolean remoteRunningEndpoint = remote != null && remote.peer != null && Tolerant.endpoint(remote.peer.endpoint()) != null;
        if (remoteEndpointUnknown || remoteRunningEndpoint || (remoteDeclared != null && remoteDeclared.hasEndpoint())) {
            return;
        }
        String remoteName = remoteDeclared != null ? "WireGuardPeer " + remoteDeclared.id() : "remote node " + remote.node;
        found.add(Reason.NoEndpoint, "neither end has an endpoint: " + t.id() + " on " + t.nodeName + " declares none and "
                        + remoteName + " declares none either, so nobody can initiate a handshake",
                List.of("no endpoint in " + t.id() + " nor on " + t.nodeName + "'s running peer entry",
                        "no endpoint for us in " + remoteName),
                List.of("Give the end that is reachable from the other an endpoint: set spec.endpoint host:port on the side that can reach its remote",
                        "Add persistentKeepalive 25 on that side if the other one is behind NAT"),
                t.blocking());
    }

    private static void dns(Tunnel t, Findings found, Side initiator, Endpoint declared, Endpoint running, String whose) {
        Dns dns = t.dnsFor(initiator, declared.host());
        if (dns == null) {
            return;
        }
        if (dns.error() != null || dns.resolved().isEmpty()) {
            found.add(Reason.EndpointUnresolvable, whose + " names " + declared.host() + ", which does not resolve on node "
                            + initiator.node + (dns.error() != null ? " (" + dns.error() + ")" : " (no addresses)"),
                    List.of("resolving " + declared.host() + " on " + initiator.node + ": "
                            + (dns.error() != null ? dns.error() : "no addresses")),
                    List.of("Check the DNS record of " + declared.host() + " (dig " + declared.host() + ")",
                            "Check the resolver on " + initiator.node + " (/etc/resolv.conf, search domains)",
                            "Or use an IP address endpoint"),
                    t.blocking());
            return;
        }
        // the agent reports the endpoint in use as WireGuard shows it, address:port
        Endpoint inUseEndpoint = Tolerant.endpoint(dns.inUse());
        IpAddress inUse = inUseEndpoint != null ? inUseEndpoint.address()
                : Tolerant.address(dns.inUse() != null ? dns.inUse() : running != null ? running.host() : null);
        List<IpAddress> now = new ArrayList<>();
        for (String s : dns.resolved()) {
            IpAddress a = Tolerant.address(s);
            if (a != null) {
                now.add(a);
            }
        }
        if (inUse != null && !now.isEmpty() && !now.contains(inUse)) {
            found.add(Reason.StaleEndpointDNS, declared.host() + " now resolves to " + Wording.join(now) + " but WireGuard on "
                            + initiator.node + " still sends to " + inUse + " (it resolved the name once, when configured)",
                    List.of("dns " + declared.host() + " on " + initiator.node + " -> " + Wording.join(now),
                            "WireGuard endpoint in use: " + inUse),
                    List.of("Re-resolve now: wg set " + initiator.ifName() + " peer <key> endpoint " + declared
                                    + " (or restart the interface)",
                            "Keep it current: run a periodic re-resolve (wireguard-tools' reresolve-dns.sh) for dynamic DNS names"),
                    t.blocking());
        }
    }
}
