package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Arrivals;
import io.wgfleet.diagnosis.NodeFacts.ProvokedHandshake;
import io.wgfleet.diagnosis.NodeFacts.Interface;
import io.wgfleet.diagnosis.NodeFacts.Nat;
import io.wgfleet.diagnosis.NodeFacts.Peer;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.ArrayList;
import java.util.List;

/** One end of the tunnel as its own node sees it. Immutable apart from a cache of parsed addresses. */
final class Side {
    static final long INITIATION = DiagnosisEngine.HANDSHAKE_INITIATION_BYTES;
    static final long RESPONSE = DiagnosisEngine.HANDSHAKE_RESPONSE_BYTES;
    private static final long REKEY_TIMEOUT_MILLIS = DiagnosisEngine.REKEY_TIMEOUT.toMillis();

    final String node;
    final NodeFacts facts;
    final Interface iface;       // null when the interface is absent
    final Peer peer;             // this side's entry for the other end; null when absent
    final DeclaredPeer declared; // null for a dangling remote reference
    final boolean local;
    final ProvokedHandshake probe;  // null when nothing was provoked here
    private List<IpAddress> nodeAddresses;

    Side(String node, NodeFacts facts, Interface iface, Peer peer, DeclaredPeer declared, boolean local, ProvokedHandshake probe) {
        this.node = node == null ? "(unknown node)" : node;
        this.facts = facts;
        this.iface = iface;
        this.peer = peer;
        this.declared = declared;
        this.local = local;
        this.probe = probe;
    }

    String label() {
        return (local ? "this node " : "remote node ") + node;
    }

    int listenPort() {
        return iface == null || iface.listenPort() == null ? 0 : iface.listenPort();
    }

    String ifName() {
        return iface == null || iface.name() == null ? "(interface)" : iface.name();
    }

    /** Every address of the node, parsed once. */
    List<IpAddress> addresses() {
        if (nodeAddresses == null) {
            List<IpAddress> out = new ArrayList<>();
            for (NodeFacts.Address a : facts.addresses()) {
                IpAddress ip = Tolerant.address(a.address());
                if (ip != null) {
                    out.add(ip);
                }
            }
            nodeAddresses = out;
        }
        return nodeAddresses;
    }

    Nat cgnat() {
        for (Nat n : facts.natFindings()) {
            if (n.isCgnat()) {
                return n;
            }
        }
        return null;
    }

    boolean natted() {
        return !facts.natFindings().isEmpty();
    }

    int keepalive() {
        return peer == null || peer.persistentKeepalive() == null ? 0 : Math.max(0, peer.persistentKeepalive());
    }

    long rx() {
        return peer == null ? 0 : Values.orZero(peer.rxBytes());
    }

    long tx() {
        return peer == null ? 0 : Values.orZero(peer.txBytes());
    }

    String presharedKeyFingerprint() {
        return peer == null ? null : peer.presharedKeyFingerprint();
    }

    /** A probe that ran long enough (one REKEY_TIMEOUT) and completed no handshake. */
    boolean provokedWithoutHandshake() {
        return probe != null && probe.error() == null && !Boolean.TRUE.equals(probe.handshakeCompleted())
                && Values.orZero(probe.waitedMillis()) >= REKEY_TIMEOUT_MILLIS;
    }

    /** Initiations went out and nothing came back: provoked, or the lab's passive signature. */
    boolean sentWithoutReply() {
        if (peer == null) {
            return false;
        }
        if (provokedWithoutHandshake()) {
            boolean sent = probe.txDelta() == null ? tx() > 0 : probe.txDelta() >= INITIATION;
            // the remote's own initiations (148 B each) answer none of ours
            boolean nothingBack = probe.rxDelta() == null ? rx() == 0 : probe.rxDelta() % INITIATION == 0;
            return sent && nothingBack;
        }
        // two or more initiations and never a byte back: at least one REKEY_TIMEOUT went unanswered
        return Values.orZero(peer.latestHandshake()) <= 0 && rx() == 0 && tx() >= 2 * INITIATION;
    }

    /** The responder's reply pattern: initiations counted in, responses counted out. */
    boolean replied() {
        return peer != null && rx() >= INITIATION && tx() >= RESPONSE;
    }

    /** The arrivals counted on this side's listen port; null when not counted. */
    Arrivals arrivals() {
        if (facts.errorOf("arrivals") != null) {
            return null;
        }
        for (Arrivals a : facts.arrivals()) {
            if (a.port() != null && a.port() == listenPort()) {
                return a;
            }
        }
        return null;
    }

    /**
     * Packets counted at this side's listen port from {@code from}: by source address when
     * {@code from} is not behind NAT, else (its source is rewritten) the port's total.
     * -1 when not counted.
     */
    long packetsFrom(Side from) {
        Arrivals a = arrivals();
        if (a == null || from == null) {
            return -1;
        }
        if (from.natted() || a.sources().isEmpty() || from.addresses().isEmpty()) {
            return Values.orZero(a.packets());
        }
        long n = 0;
        for (NodeFacts.SourceCount sc : a.sources()) {
            IpAddress src = Tolerant.address(sc.address());
            if (src != null && from.addresses().contains(src)) {
                n += Values.orZero(sc.packets());
            }
        }
        return n;
    }
}
