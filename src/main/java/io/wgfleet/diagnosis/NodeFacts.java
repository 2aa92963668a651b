package io.wgfleet.diagnosis;

import java.time.Instant;
import java.util.List;

/**
 * What a node's agent observed (the content of a WireGuardNodeReport), as plain values.
 * Every field may be null; lists are never null after construction and hold no nulls.
 *
 * @param nodeName         the node the facts were collected on
 * @param collectionTime   when collection finished; null when unknown (the report is then treated as stale)
 * @param interfaces       WireGuard interfaces with their peers ({@code wg show all dump})
 * @param addresses        every address on the node ({@code ip -j addr})
 * @param routes           kernel route lookups ({@code ip -j route get})
 * @param firewallRules    rules that drop or reject UDP to a WireGuard listen port
 * @param arrivals         packets counted per listen port and source, before any filter
 * @param dns              hostname endpoints resolved now beside the address in use
 * @param handshakeProbes  handshakes the agent provoked
 * @param mtuProbes        Don't-Fragment ping results through the tunnel
 * @param natFindings      CGNAT or private addresses on the interface carrying the tunnel
 * @param collectionErrors collectors that failed: these facts are missing, not empty
 * @param notes            problems found while mapping the report (bad timestamps...), shown as evidence
 */
public record NodeFacts(
        String nodeName,
        Instant collectionTime,
        List<Interface> interfaces,
        List<Address> addresses,
        List<Route> routes,
        List<FirewallRule> firewallRules,
        List<Arrivals> arrivals,
        List<Dns> dns,
        List<ProvokedHandshake> handshakeProbes,
        List<MtuProbe> mtuProbes,
        List<Nat> natFindings,
        List<CollectionError> collectionErrors,
        List<String> notes) {

    public NodeFacts {
        interfaces = Lists.clean(interfaces);
        addresses = Lists.clean(addresses);
        routes = Lists.clean(routes);
        firewallRules = Lists.clean(firewallRules);
        arrivals = Lists.clean(arrivals);
        dns = Lists.clean(dns);
        handshakeProbes = Lists.clean(handshakeProbes);
        mtuProbes = Lists.clean(mtuProbes);
        natFindings = Lists.clean(natFindings);
        collectionErrors = Lists.clean(collectionErrors);
        notes = Lists.clean(notes);
    }

    /** The interface with this name, or null. */
    public Interface findInterface(String name) {
        if (name == null) {
            return null;
        }
        for (Interface i : interfaces) {
            if (name.equals(i.name())) {
                return i;
            }
        }
        return null;
    }

    /** The first collection error of this source (wg, nft, arrivals, ...), or null. */
    public CollectionError errorOf(String source) {
        for (CollectionError e : collectionErrors) {
            if (source.equalsIgnoreCase(e.source())) {
                return e;
            }
        }
        return null;
    }

    /** One WireGuard interface. {@code udpSocketBound} null means not collected. */
    public record Interface(String name, String publicKey, Integer listenPort, Boolean udpSocketBound,
                            List<String> addresses, Integer mtu, Boolean up, List<Peer> peers) {
        public Interface {
            addresses = Lists.clean(addresses);
            peers = Lists.clean(peers);
        }

        /** The peer entry with this public key, or null. */
        public Peer findPeer(String publicKey) {
            if (publicKey == null) {
                return null;
            }
            for (Peer p : peers) {
                if (publicKey.equals(p.publicKey())) {
                    return p;
                }
            }
            return null;
        }
    }

    /**
     * One peer line of {@code wg show dump}.
     *
     * @param latestHandshake unix seconds, 0 or null for never
     * @param presharedKeyFingerprint a short hash of the preshared key, null when none
     */
    public record Peer(String publicKey, String endpoint, List<String> allowedIPs, Long latestHandshake,
                       Long rxBytes, Long txBytes, Integer persistentKeepalive, String presharedKeyFingerprint) {
        public Peer {
            allowedIPs = Lists.clean(allowedIPs);
        }
    }

    /** An address (CIDR) on a node interface. */
    public record Address(String interfaceName, String address) {
    }

    /** Where the kernel routes one destination; {@code device} null when unreachable. */
    public record Route(String destination, String device, String gateway, String source, String error) {
    }

    /** A firewall rule that drops or rejects UDP to a listen port. */
    public record FirewallRule(String backend, Integer port, String family, String table, String chain,
                               Long handle, String verdict, String rule, Long packets) {
    }

    /** Arrival counts for one listen port during a window. */
    public record Arrivals(Integer port, Long packets, List<SourceCount> sources, Long windowMillis) {
        public Arrivals {
            sources = Lists.clean(sources);
        }
    }

    /** Packets from one source address. */
    public record SourceCount(String address, Long packets, Long bytes) {
    }

    /** A hostname endpoint resolved now ({@code resolved}) beside the address WireGuard uses ({@code inUse}). */
    public record Dns(String interfaceName, String peerPublicKey, String hostname, List<String> resolved,
                      String inUse, String error) {
        public Dns {
            resolved = Lists.clean(resolved);
        }
    }

    /**
     * A provoked handshake: one packet sent into the tunnel and what followed.
     *
     * @param escalatedMillis how much longer than the first window the agent kept provoking a young session; null when it did not
     * @param initiationsSent handshake initiations WireGuard sent during the wait on a young session; null when not counted
     */
    public record ProvokedHandshake(String interfaceName, String peerPublicKey, String target, Instant provokedAt,
                                 Long waitedMillis, Long txDelta, Long rxDelta, Boolean handshakeCompleted,
                                 Boolean replied, String error, Long escalatedMillis, Integer initiationsSent) {

        /** A probe of an agent that counts no initiations (or of a session that was not young). */
        public ProvokedHandshake(String interfaceName, String peerPublicKey, String target, Instant provokedAt,
                                 Long waitedMillis, Long txDelta, Long rxDelta, Boolean handshakeCompleted,
                                 Boolean replied, String error) {
            this(interfaceName, peerPublicKey, target, provokedAt, waitedMillis, txDelta, rxDelta, handshakeCompleted,
                    replied, error, null, null);
        }
    }

    /**
     * Don't-Fragment pings through the tunnel; payload sizes in bytes (ICMP payload).
     *
     * @param controlPayload   the control sent beside the failures (the largest size known to pass)
     * @param controlPassed    every control passed; false: the path was lost during the search; null: nothing failed
     * @param failureConfirmed the smallest failing size failed again on a second try
     * @param rxDelta          bytes received from the peer during the search; null when not read
     */
    public record MtuProbe(String interfaceName, String peerPublicKey, String target, Integer largestPassingPayload,
                           Integer smallestFailingPayload, List<Integer> triedPayloads, Integer controlPayload,
                           Boolean controlPassed, Boolean failureConfirmed, Long rxDelta) {
        public MtuProbe {
            triedPayloads = Lists.clean(triedPayloads);
        }

        /** The path went away during the search: a control failed in the window of a failure. */
        public boolean pathLost() {
            return Boolean.FALSE.equals(controlPassed);
        }

        /** A size limit the search proved: a failure confirmed twice, each beside a passing control, with replies counted. */
        public boolean limitProven() {
            return Boolean.TRUE.equals(controlPassed) && Boolean.TRUE.equals(failureConfirmed)
                    && (rxDelta == null || rxDelta > 0);
        }
    }

    /** A NAT sign: {@code kind} is CGNAT or Private. */
    public record Nat(String interfaceName, String address, String kind) {
        public boolean isCgnat() {
            return "CGNAT".equalsIgnoreCase(kind);
        }
    }

    /** A collector or probe that failed. */
    public record CollectionError(String source, String message) {
    }
}
