package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Interface;
import io.wgfleet.diagnosis.NodeFacts.Peer;
import io.wgfleet.diagnosis.net.Coverage;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpPrefix;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service layer: the interface exists and is up on both ends (InterfaceMissing,
 * InterfaceDown), the peer entry exists (PeerNotConfigured), the running entry matches the
 * declaration (ConfigDrift), and the end that must answer listens (NotListening). Without the local peer entry nothing else can be
 * checked: {@link Tunnel#hasLocalPeer()} is then false and the evaluation stops here.
 */
final class ServiceCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        if (t.local.iface == null) {
            interfaceMissing(t, found);
            return;
        }
        if (Boolean.FALSE.equals(t.local.iface.up())) {
            interfaceDown(t.local, found);
        }
        if (t.local.peer == null) {
            peerNotConfigured(t, found);
            return;
        }
        if (t.missingRemoteInterface != null) {
            Tunnel.MissingRemoteInterface m = t.missingRemoteInterface;
            found.add(Reason.InterfaceMissing, "interface " + m.interfaceName() + " is absent on remote node "
                            + m.node() + ", the other end of this tunnel",
                    List.of("wg show on " + m.node() + " lists " + m.interfacesThere() + " interfaces, not " + m.interfaceName()),
                    List.of("Create or bring up " + m.interfaceName() + " on " + m.node()),
                    EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
        }
        if (t.remote != null && Boolean.FALSE.equals(t.remote.iface.up())) {
            interfaceDown(t.remote, found);
        }
        drift(t, found);
        listening(t, found);
    }

    /**
     * The interface exists but is administratively down ({@code ip link}: no UP flag): WireGuard
     * neither sends nor delivers a packet through it, whatever its peers and sockets look like
     * (measured: wireguard-go keeps its UDP socket and decrypts arrivals, and nothing answers).
     */
    private static void interfaceDown(Side s, Findings found) {
        String name = s.ifName();
        String where = s.local ? "this node " + s.node : "remote node " + s.node + ", the other end of this tunnel,";
        found.add(Reason.InterfaceDown, "interface " + name + " on " + where + " is administratively down: WireGuard neither sends nor"
                        + " delivers packets through it, so no handshake or traffic passes",
                List.of("ip link on " + s.node + ": " + name + " is down (no UP flag)"),
                List.of("Bring it up on " + s.node + ": ip link set " + name + " up (its keys and peers stay configured)",
                        "Where wg-quick manages it, restart it so that its routes and DNS come back too: wg-quick down " + name
                                + "; wg-quick up " + name + " (with systemd: systemctl start wg-quick@" + name
                                + ", or systemctl restart wg-quick@" + name + " when the unit still runs)",
                        "Find what took it down (journalctl -u wg-quick@" + name + ", NetworkManager, ifupdown, a script) so that it stays up"),
                EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
    }

    private static void interfaceMissing(Tunnel t, Findings found) {
        String wanted = t.declared.interfaceName();
        List<String> names = new ArrayList<>();
        for (Interface i : t.local.facts.interfaces()) {
            names.add(i.name());
        }
        found.add(Reason.InterfaceMissing, "interface " + wanted + " is absent on node " + t.nodeName
                        + " (WireGuard interfaces there: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                List.of("wg show on " + t.nodeName + " lists " + (names.isEmpty() ? "no interfaces" : names)),
                List.of("Create or bring up " + wanted + " on " + t.nodeName
                                + " (wg-quick up " + wanted + ", or the unit that manages it)",
                        "Check that the peer's nodeSelector/nodeName targets the nodes that host " + wanted),
                EnumSet.allOf(TunnelCondition.class));
    }

    private static void peerNotConfigured(Tunnel t, Findings found) {
        Interface iface = t.local.iface;
        String key = Keys.prefix(t.declared.publicKey());
        found.add(Reason.PeerNotConfigured, "interface " + iface.name() + " on node " + t.nodeName
                        + " has no peer with key " + key + " (" + iface.peers().size()
                        + " other peers configured): the declared peer is not loaded",
                List.of("wg show " + iface.name() + " on " + t.nodeName + ": " + iface.peers().size()
                        + " peers, none with key " + key),
                List.of("Load the peer on " + t.nodeName + ": wg set " + iface.name() + " peer <key "
                                + key + "> allowed-ips " + String.join(",", t.declared.allowedIPs())
                                + (t.spec.endpoint() != null ? " endpoint " + t.spec.endpoint() : ""),
                        "Add it to the interface's configuration file so that it survives a restart (wg syncconf after edits)"),
                EnumSet.allOf(TunnelCondition.class));
    }

    private static void drift(Tunnel t, Findings found) {
        Peer running = t.local.peer;
        DeclaredPeer declared = t.declared;
        List<String> diffs = new ArrayList<>();
        Endpoint declaredEndpoint = t.spec.endpoint();
        if (declaredEndpoint != null) {
            Endpoint runningEndpoint = t.localRunningEndpoint;
            if (runningEndpoint == null && declaredEndpoint.isHostname() && unresolvable(t, declaredEndpoint.host())) {
                // WireGuard could not load a name that does not resolve: EndpointUnresolvable says so
            } else if (runningEndpoint == null) {
                diffs.add("endpoint declared " + declaredEndpoint + ", running "
                        + (running.endpoint() == null ? "(none)" : "'" + running.endpoint() + "'"));
            } else if (!t.handshakeRecent) {
                // with a recent handshake a different address is WireGuard roaming, not drift
                boolean addressDiffers = !declaredEndpoint.isHostname() && !Coverage.sameAddress(declaredEndpoint, runningEndpoint);
                if (addressDiffers || declaredEndpoint.port() != runningEndpoint.port()) {
                    diffs.add("endpoint declared " + declaredEndpoint + ", running " + runningEndpoint);
                }
            }
        }
        if (t.spec.allowedIPsValid()) {
            Set<String> want = new TreeSet<>();
            for (IpPrefix x : t.spec.allowedIPs()) {
                want.add(x.toString());
            }
            Set<String> have = new TreeSet<>();
            for (IpPrefix x : t.localRunningAllowed) {
                have.add(x.toString());
            }
            if (!want.equals(have)) {
                diffs.add("allowedIPs declared " + want + ", running " + have);
            }
        }
        int wantKeepalive = declared.keepaliveSeconds();
        int haveKeepalive = t.local.keepalive();
        if (wantKeepalive != haveKeepalive && declared.persistentKeepalive() != null && declared.persistentKeepalive() <= 65535) {
            diffs.add("persistentKeepalive declared " + Wording.keepalive(wantKeepalive) + ", running " + Wording.keepalive(haveKeepalive));
        }
        if (declared.presharedKeyExpected() && running.presharedKeyFingerprint() == null) {
            diffs.add("a preshared key is declared, none is configured");
        }
        if (diffs.isEmpty()) {
            return;
        }
        String key = Keys.prefix(declared.publicKey());
        found.add(Reason.ConfigDrift, "peer " + key + " on " + t.local.ifName() + " at node "
                        + t.nodeName + " differs from WireGuardPeer " + t.id() + ": " + String.join("; ", diffs),
                diffs,
                List.of("Re-apply the declared configuration on " + t.nodeName + ": wg set " + t.local.ifName()
                                + " peer <key " + key + "> with the declared endpoint, allowed-ips and persistent-keepalive",
                        "Find what changed it (a second config manager, a manual wg set, a stale config file) and fix it there",
                        "Or, if the running values are the right ones, update the WireGuardPeer spec"),
                EnumSet.of(TunnelCondition.CONFIG_IN_SYNC));
    }

    private static boolean unresolvable(Tunnel t, String hostname) {
        NodeFacts.Dns d = t.dnsFor(t.local, hostname);
        return d != null && (d.error() != null || d.resolved().isEmpty());
    }

    /**
     * The end that must accept handshakes has no port or no bound socket. While no handshake
     * succeeds either proves it. A young session proves that the end did listen moments ago, so
     * then only a port that is gone now counts, and only when the session's packets get nowhere
     * (measured with wireguard-go: {@code wg set wg0 listen-port P} with P held by another socket
     * closes the old socket, fails to bind P and leaves the interface with listen port 0). A
     * socket missing from /proc/net/udp alone is no proof then: a kernel WireGuard socket lives in
     * the namespace the interface was created in, which may not be the one the agent reads.
     */
    private static void listening(Tunnel t, Findings found) {
        Side s = t.responder;
        // a down interface explains a missing socket (the kernel closes it): InterfaceDown says so
        if (s == null || s.iface == null || Boolean.FALSE.equals(s.iface.up())) {
            return;
        }
        boolean noPort = s.listenPort() <= 0;
        if (t.handshakeRecent && !(noPort && t.youngSessionLosesPackets())) {
            return;
        }
        if (noPort || Boolean.FALSE.equals(s.iface.udpSocketBound())) {
            String what = noPort ? "has no listen port" : "has no UDP socket bound on its listen port " + s.listenPort();
            // the port the other end sends to is the one to listen on again
            Endpoint sentTo = t.initiator == null || t.initiator.peer == null ? null : Tolerant.endpoint(t.initiator.peer.endpoint());
            String port = sentTo != null ? Integer.toString(sentTo.port()) : noPort ? "51820" : Integer.toString(s.listenPort());
            String young = t.handshakeRecent ? "; the session's handshake is "
                    + (t.handshakeAgeSeconds >= 0 ? t.handshakeAgeSeconds + " s old" : "young") + ", but "
                    + t.packetLoss() + ": nothing receives WireGuard's packets on " + s.node + " any more" : "";
            found.add(Reason.NotListening, s.ifName() + " on " + s.label() + " " + what
                            + " (wg show, /proc/net/udp, udp6), yet it must accept handshakes for this tunnel" + young,
                    List.of(s.ifName() + " on " + s.node + ": listen port " + s.listenPort() + ", udp socket bound "
                            + s.iface.udpSocketBound()),
                    List.of("Set the listen port on " + s.node + ": wg set " + s.ifName() + " listen-port " + port
                                    + " (and ListenPort in its config)",
                            "Check that no other process or interface holds the port (ss -ulpn sport = :" + port
                                    + "; wireguard-go gives up its port when binding a new one fails) and that the interface is up"),
                    t.blocking());
        }
    }
}
