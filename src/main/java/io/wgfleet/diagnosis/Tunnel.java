package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Dns;
import io.wgfleet.diagnosis.NodeFacts.ProvokedHandshake;
import io.wgfleet.diagnosis.NodeFacts.Interface;
import io.wgfleet.diagnosis.NodeFacts.MtuProbe;
import io.wgfleet.diagnosis.NodeFacts.Peer;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpPrefix;
import io.wgfleet.diagnosis.net.Tolerant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The tunnel under diagnosis, built once from fresh facts: the declared peer, the local side
 * and (in the fleet) the remote side, the handshake's age, and which end initiates. The
 * checks read it and never change it.
 */
final class Tunnel {
    private static final long REJECT_AFTER_SECONDS = DiagnosisEngine.REJECT_AFTER_TIME.getSeconds();

    /** The remote interface named by the remote WireGuardPeer is absent on its node. */
    record MissingRemoteInterface(String node, String interfaceName, int interfacesThere) {
    }

    final DiagnosisInput input;
    final DeclaredPeer declared;
    final SpecValidation spec;
    final String nodeName;
    final Side local;                 // its interface or peer entry may be absent: the service check says so
    final Endpoint localRunningEndpoint;
    final List<IpPrefix> localRunningAllowed;
    final boolean inFleet;            // the remote end is a WireGuardPeer of the fleet
    final DeclaredPeer remoteDeclared; // null when one-sided or the reference dangles
    final Side remote;                // null unless the remote's facts are usable
    final MissingRemoteInterface missingRemoteInterface;
    final boolean remoteFailed;
    final boolean remotePending;      // the remote end's report is not there yet, or stale: more evidence is on its way
    final List<String> missing;       // facts the verdict lacks, shown as evidence
    final boolean handshakeRecent;    // younger than REJECT_AFTER_TIME, or just completed by a probe
    final boolean handshakeStale;     // a handshake happened, longer ago than REJECT_AFTER_TIME
    final long handshakeAgeSeconds;   // -1 when the dump holds no handshake time (none, or only the probe saw it complete)
    final Side initiator;             // null when nobody is known to initiate
    final Side responder;
    private NatMapping localNat;      // measured on first use
    private NatMapping remoteNat;

    private Tunnel(Builder b) {
        input = b.input;
        declared = b.declared;
        spec = b.spec;
        nodeName = b.nodeName;
        local = b.local;
        localRunningEndpoint = b.localRunningEndpoint;
        localRunningAllowed = b.localRunningAllowed;
        inFleet = b.inFleet;
        remoteDeclared = b.remoteDeclared;
        remote = b.remote;
        missingRemoteInterface = b.missingRemoteInterface;
        remoteFailed = b.remoteFailed;
        remotePending = b.remotePending;
        missing = List.copyOf(b.missing);
        handshakeRecent = b.handshakeRecent;
        handshakeStale = b.handshakeStale;
        handshakeAgeSeconds = b.handshakeAgeSeconds;
        initiator = b.initiator;
        responder = b.responder;
    }

    /** Builds the tunnel from input whose local facts passed the {@link FreshnessGate}. */
    static Tunnel build(DiagnosisInput in, DeclaredPeer declared, SpecValidation spec) {
        Builder b = new Builder(in, declared, spec);
        b.localSide();
        if (b.local.peer != null) {
            b.remoteSide();
            b.handshakeState();
            b.direction();
        }
        return new Tunnel(b);
    }

    boolean hasLocalPeer() {
        return local.peer != null;
    }

    String id() {
        return declared.id() == null ? "(unnamed peer)" : declared.id();
    }

    /** The NAT in front of side s, as the fleet's other nodes see it (measured once). */
    NatMapping nat(Side s) {
        if (s == local) {
            if (localNat == null) {
                localNat = NatMapping.of(this, s);
            }
            return localNat;
        }
        if (remoteNat == null) {
            remoteNat = NatMapping.of(this, s);
        }
        return remoteNat;
    }

    /** The two sides with usable facts: local first. */
    List<Side> sides() {
        List<Side> out = new ArrayList<>(2);
        out.add(local);
        if (remote != null) {
            out.add(remote);
        }
        return out;
    }

    /** The other end of {@code s}; null when that is the remote and its facts are unusable. */
    Side otherThan(Side s) {
        return s == local ? remote : local;
    }

    /**
     * What a reachability or firewall cause disproves: the handshake and traffic, or, while
     * the last handshake is still young, only the traffic (that handshake did succeed).
     */
    Set<TunnelCondition> blocking() {
        return handshakeRecent ? EnumSet.of(TunnelCondition.TRAFFIC_FLOWING)
                : EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING);
    }

    /**
     * A young session whose new packets get nowhere although the handshake worked: its probe got
     * no reply, or the path went away during the Don't-Fragment search that followed the reply.
     */
    boolean youngSessionLosesPackets() {
        return handshakeRecent && local.probe != null && (Boolean.FALSE.equals(local.probe.replied()) || pathLostDuringMtuSearch());
    }

    /**
     * A handshake on the young session failed while nothing else came back: WireGuard itself
     * re-initiated (within the first window, or while the agent kept provoking) and nothing
     * answered, or the remote's own initiations arrived, were answered (the tx counter holds a
     * response each) and it retried, which an initiator does only when no response reached it.
     * As much a failing handshake as a stale one.
     */
    boolean reinitiationUnanswered() {
        ProvokedHandshake p = local.probe;
        return handshakeRecent && p != null && p.error() == null && Boolean.FALSE.equals(p.replied())
                && !Boolean.TRUE.equals(p.handshakeCompleted()) && p.rxDelta() != null && p.rxDelta() % Side.INITIATION == 0
                && p.initiationsSent() != null && (p.initiationsSent() > 0 || remoteRetries() > 0);
    }

    /** How often the remote retried an initiation that we answered during the probe (its first one is no retry); 0 when none. */
    long remoteRetries() {
        ProvokedHandshake p = local.probe;
        if (p == null || p.rxDelta() == null || p.rxDelta() % Side.INITIATION != 0 || p.initiationsSent() == null) {
            return 0;
        }
        return Math.max(0, p.rxDelta() / Side.INITIATION - 1);
    }

    /** The DF search's control failed: the path that answered the probe was gone moments later. */
    boolean pathLostDuringMtuSearch() {
        MtuProbe m = mtuProbe();
        return m != null && m.pathLost();
    }

    /** What showed the packet loss of {@link #youngSessionLosesPackets()}, in words. */
    String packetLoss() {
        if (local.probe != null && Boolean.FALSE.equals(local.probe.replied())) {
            return "a probe to " + Values.orDefault(local.probe.target(), "the tunnel") + " got no reply";
        }
        MtuProbe m = mtuProbe();
        return "a probe to " + Values.orDefault(m.target(), "the tunnel") + " was answered, then the path went away: "
                + Wording.mtuSearch(m);
    }

    /** Side s has a way to initiate: an endpoint declared for it or running in its peer entry. */
    boolean canInitiate(Side s) {
        if (s.local) {
            return spec.endpoint() != null || localRunningEndpoint != null;
        }
        return (remoteDeclared != null && remoteDeclared.hasEndpoint())
                || (s.peer != null && Tolerant.endpoint(s.peer.endpoint()) != null);
    }

    /** The two reports were collected close enough together that one's arrivals window saw the other's attempts. */
    boolean comparableWindows() {
        if (remote == null) {
            return false;
        }
        Duration apart = Duration.between(local.facts.collectionTime(), remote.facts.collectionTime());
        return Math.abs(apart.getSeconds()) <= DiagnosisEngine.REKEY_ATTEMPT_TIME.getSeconds();
    }

    /** The key side s holds for the other end: the declared key here, our interface's key there. */
    String keyHeldBy(Side s) {
        return s.local ? declared.publicKey() : local.iface.publicKey();
    }

    /** The DNS result side s collected for this tunnel's endpoint name; null when none. */
    Dns dnsFor(Side s, String hostname) {
        String key = keyHeldBy(s);
        for (Dns d : s.facts.dns()) {
            if ((key != null && key.equals(d.peerPublicKey())) || hostname.equalsIgnoreCase(d.hostname())) {
                return d;
            }
        }
        return null;
    }

    /** The Don't-Fragment probe of this peer on the local interface; null when none. */
    MtuProbe mtuProbe() {
        for (MtuProbe m : local.facts.mtuProbes()) {
            if (Objects.equals(m.peerPublicKey(), declared.publicKey())
                    && (m.interfaceName() == null || m.interfaceName().equals(local.ifName()))) {
                return m;
            }
        }
        return null;
    }

    /** The endpoint side s sends to, as text. */
    String endpointText(Side s) {
        Endpoint e = Tolerant.endpoint(s.peer == null ? null : s.peer.endpoint());
        if (e == null && s.local) {
            e = spec.endpoint();
        }
        return e == null ? "its endpoint" : e.toString();
    }

    static String nodeNameOf(DiagnosisInput in) {
        if (in.nodeName() != null) {
            return in.nodeName();
        }
        return in.local() != null && in.local().nodeName() != null ? in.local().nodeName() : "(unknown node)";
    }

    private static ProvokedHandshake probeFor(NodeFacts f, String iface, String key) {
        if (key == null) {
            return null;
        }
        for (ProvokedHandshake p : f.handshakeProbes()) {
            if (key.equals(p.peerPublicKey()) && (p.interfaceName() == null || p.interfaceName().equals(iface))) {
                return p;
            }
        }
        return null;
    }

    /** The one-time construction, step by step; each step reads what the earlier ones set. */
    private static final class Builder {
        final DiagnosisInput input;
        final DeclaredPeer declared;
        final SpecValidation spec;
        final String nodeName;
        final List<String> missing = new ArrayList<>();
        Side local;
        Endpoint localRunningEndpoint;
        List<IpPrefix> localRunningAllowed = List.of();
        boolean inFleet;
        DeclaredPeer remoteDeclared;
        Side remote;
        MissingRemoteInterface missingRemoteInterface;
        boolean remoteFailed;
        boolean remotePending;
        boolean handshakeRecent;
        boolean handshakeStale;
        long handshakeAgeSeconds = -1;
        Side initiator;
        Side responder;

        Builder(DiagnosisInput input, DeclaredPeer declared, SpecValidation spec) {
            this.input = input;
            this.declared = declared;
            this.spec = spec;
            this.nodeName = nodeNameOf(input);
        }

        void localSide() {
            NodeFacts f = input.local();
            Interface iface = f.findInterface(declared.interfaceName());
            Peer peer = iface == null ? null : iface.findPeer(declared.publicKey());
            ProvokedHandshake probe = iface == null ? null : probeFor(f, iface.name(), declared.publicKey());
            local = new Side(nodeName, f, iface, peer, declared, true, probe);
            if (peer != null) {
                localRunningEndpoint = Tolerant.endpoint(peer.endpoint());
                localRunningAllowed = Tolerant.prefixes(peer.allowedIPs());
            }
        }

        void remoteSide() {
            DiagnosisInput.RemoteSide r = input.remote();
            if (r == null) {
                return;
            }
            inFleet = true;
            remoteDeclared = r.peer();
            String node = r.nodeName() != null ? r.nodeName() : r.facts() != null ? r.facts().nodeName() : null;
            String unusable = null;
            if (r.failure() != null && !r.failure().isBlank()) {
                remoteFailed = true;
                unusable = "the diagnostic job on remote node " + node + " failed: " + r.failure();
            } else if (r.facts() == null) {
                remotePending = node != null;
                unusable = r.peer() == null && node == null
                        ? "the remote WireGuardPeer referenced by remotePeerRef was not found"
                        : "no report from remote node " + (node == null ? "(not yet placed)" : node) + " yet";
            } else if (FreshnessGate.staleness(r.facts(), input) != null) {
                remotePending = true;
                unusable = "the report of remote node " + node + " is " + FreshnessGate.staleness(r.facts(), input);
            } else if (r.facts().errorOf("wg") != null && r.facts().interfaces().isEmpty()) {
                remoteFailed = true;
                unusable = "remote node " + node + " could not read WireGuard state (wg: "
                        + r.facts().errorOf("wg").message() + ")";
            }
            if (unusable != null) {
                missing.add(unusable);
                return;
            }
            NodeFacts rf = r.facts();
            Interface ri = remoteInterface(r, rf, node);
            if (ri == null) {
                return;
            }
            String ourKey = local.iface.publicKey();
            remote = new Side(node, rf, ri, ri.findPeer(ourKey), r.peer(), false, probeFor(rf, ri.name(), ourKey));
        }

        /** The interface on the remote node that ends this tunnel; null (and why, in missing) when unknown. */
        private Interface remoteInterface(DiagnosisInput.RemoteSide r, NodeFacts rf, String node) {
            if (r.peer() != null && r.peer().interfaceName() != null) {
                Interface ri = rf.findInterface(r.peer().interfaceName());
                if (ri == null) {
                    missingRemoteInterface = new MissingRemoteInterface(node, r.peer().interfaceName(), rf.interfaces().size());
                    missing.add("the remote interface on " + node);
                }
                return ri;
            }
            // the remote declaration is missing: find the interface by its key or by its entry for us
            for (Interface i : rf.interfaces()) {
                if (declared.publicKey() != null && declared.publicKey().equals(i.publicKey())) {
                    return i;
                }
            }
            if (local.iface.publicKey() != null) {
                for (Interface i : rf.interfaces()) {
                    if (i.findPeer(local.iface.publicKey()) != null) {
                        return i;
                    }
                }
            }
            missing.add("which interface on remote node " + node + " ends this tunnel (the remote WireGuardPeer is unknown)");
            return null;
        }

        void handshakeState() {
            long latest = Values.orZero(local.peer.latestHandshake());
            long collected = input.local().collectionTime().getEpochSecond();
            boolean probeCompleted = local.probe != null && local.probe.error() == null
                    && Boolean.TRUE.equals(local.probe.handshakeCompleted());
            if (latest > 0) {
                handshakeAgeSeconds = Math.max(0, collected - latest);
            }
            handshakeRecent = (latest > 0 && handshakeAgeSeconds < REJECT_AFTER_SECONDS) || probeCompleted;
            handshakeStale = !handshakeRecent && latest > 0;
        }

        void direction() {
            boolean localInitiates = declared.hasEndpoint();
            boolean remoteInitiates = false;
            if (inFleet && remoteDeclared != null) {
                remoteInitiates = remoteDeclared.hasEndpoint();
            } else if (remote != null && remote.peer != null) {
                remoteInitiates = remote.peer.endpoint() != null && !remote.peer.endpoint().isBlank();
            }
            if (localInitiates) {
                initiator = local;
                responder = remote;
            } else if (remoteInitiates) {
                initiator = remote;
                responder = local;
            } else if (!inFleet) {
                responder = local; // one-sided without endpoint: the outside end must initiate to us
            }
        }
    }
}
