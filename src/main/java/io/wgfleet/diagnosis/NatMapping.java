package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Interface;
import io.wgfleet.diagnosis.NodeFacts.Peer;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.Tolerant;

import java.util.ArrayList;
import java.util.List;

/**
 * The NAT in front of one side, measured rather than guessed from an address range: a fleet
 * node that completed a handshake with the side records, as its endpoint for the side's key,
 * the source of the side's latest authenticated packet (WireGuard roams to it). Compared with
 * the side's own addresses and listen port that tells no NAT, a NAT keeping the port, a NAT
 * rewriting it; two observers that see different mappings tell a mapping that varies by
 * destination (endpoint-dependent, "symmetric" NAT), which no other peer can learn and reuse.
 *
 * @param kind         what the observations show; null when nothing was measured
 * @param observations one line per observer, for the evidence
 */
record NatMapping(Kind kind, List<String> observations) {

    enum Kind {
        NONE("no NAT"),
        PORT_KEPT("NAT keeping the port"),
        PORT_REWRITTEN("NAT rewriting the port"),
        VARIES_BY_DESTINATION("NAT whose mapping varies by destination");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private static final NatMapping UNMEASURED = new NatMapping(null, List.of());
    private static final long RECENT_SECONDS = DiagnosisEngine.REJECT_AFTER_TIME.getSeconds();

    /** One observer's view: where it sees the side's packets come from. */
    private record Seen(String observer, Endpoint endpoint, boolean recent) {
    }

    boolean measured() {
        return kind != null;
    }

    /** True when a NAT is proven on at least one path. */
    boolean natted() {
        return kind != null && kind != Kind.NONE;
    }

    /** "wgs sees it as 198.51.100.7:40001 (its own 100.64.0.2:51820): NAT rewriting the port". */
    String describe() {
        return String.join("; ", observations) + ": " + kind.words;
    }

    /**
     * The NAT in front of side {@code s} of tunnel {@code t}, as the other side and the further
     * observers (fleet nodes with a peer entry for {@code s}'s key) see it.
     */
    static NatMapping of(Tunnel t, Side s) {
        String key = s.iface == null ? null : s.iface.publicKey();
        if (key == null || s.addresses().isEmpty()) {
            return UNMEASURED;
        }
        List<Seen> seen = new ArrayList<>();
        Side other = t.otherThan(s);
        if (other != null && other.peer != null) {
            add(seen, other.node, other.peer, other.facts);
        }
        for (NodeFacts f : t.input.observers()) {
            String n = f.nodeName();
            if (FreshnessGate.staleness(f, t.input) != null || (n != null && (n.equals(s.node) || (other != null && n.equals(other.node))))) {
                continue;
            }
            for (Interface i : f.interfaces()) {
                Peer p = i.findPeer(key);
                if (p != null) {
                    add(seen, n, p, f);
                }
            }
        }
        return classify(seen, s);
    }

    /** Only an entry that completed a handshake holds a measured source; one that never did holds its configuration. */
    private static void add(List<Seen> seen, String observer, Peer p, NodeFacts f) {
        long latest = Values.orZero(p.latestHandshake());
        Endpoint e = Tolerant.endpoint(p.endpoint());
        if (latest <= 0 || e == null || e.address() == null) {
            return;
        }
        boolean recent = f.collectionTime() != null && f.collectionTime().getEpochSecond() - latest < RECENT_SECONDS;
        seen.add(new Seen(observer == null ? "(unknown node)" : observer, e, recent));
    }

    private static NatMapping classify(List<Seen> seen, Side s) {
        if (seen.isEmpty()) {
            return UNMEASURED;
        }
        int port = s.listenPort();
        List<String> lines = new ArrayList<>();
        List<Seen> natted = new ArrayList<>();
        boolean portRewritten = false;
        for (Seen x : seen) {
            IpAddress a = x.endpoint().address();
            boolean ownAddress = s.addresses().contains(a);
            // an interface without a listen port (wireguard-go after a failed rebind) has no port
            // to compare: the port it used before is no sign of NAT
            boolean ownPort = port <= 0 || x.endpoint().port() == port;
            lines.add(x.observer() + " sees " + s.node + " as " + x.endpoint() + " (its own listen port " + (port > 0 ? port : "none") + ", "
                    + (ownAddress ? "an address of " + s.node : "not an address of " + s.node) + ")");
            if (!ownAddress || !ownPort) {
                natted.add(x);
                portRewritten |= !ownPort;
            }
        }
        Kind kind;
        if (natted.isEmpty()) {
            kind = Kind.NONE;
        } else if (variesByDestination(natted)) {
            kind = Kind.VARIES_BY_DESTINATION;
        } else {
            kind = portRewritten ? Kind.PORT_REWRITTEN : Kind.PORT_KEPT;
        }
        return new NatMapping(kind, lines);
    }

    /**
     * Two observers with recent handshakes that see different public mappings. Only recent
     * ones are compared: an old entry may show a mapping the NAT has since replaced.
     */
    private static boolean variesByDestination(List<Seen> natted) {
        Endpoint first = null;
        for (Seen x : natted) {
            if (!x.recent()) {
                continue;
            }
            if (first == null) {
                first = x.endpoint();
            } else if (!first.address().equals(x.endpoint().address()) || first.port() != x.endpoint().port()) {
                return true;
            }
        }
        return false;
    }
}
