package io.wgfleet.agent.parse;

import java.util.List;
import java.util.Optional;

/**
 * The parsed output of {@code wg show all dump}. It has no field for a private or preshared
 * key: the parser drops the first and fingerprints the second before any object exists.
 */
public record WgDump(List<Interface> interfaces) {

    /** An interface line plus the peer lines that follow it. fwmark is null when "off". */
    public record Interface(String name, String publicKey, int listenPort, String fwmark, List<Peer> peers) {
        public Optional<Peer> peer(String publicKey) {
            return peers.stream().filter(p -> p.publicKey().equals(publicKey)).findFirst();
        }
    }

    /**
     * One peer line.
     *
     * @param presharedKeyFingerprint {@link KeyFingerprint} of the key, null when none
     * @param endpoint                as wg prints it (ip:port or [ipv6]:port), null when none
     * @param latestHandshake         unix seconds, 0 = never
     * @param persistentKeepalive     seconds, 0 = off
     */
    public record Peer(String publicKey, String presharedKeyFingerprint, String endpoint, List<String> allowedIps,
                       long latestHandshake, long rxBytes, long txBytes, int persistentKeepalive) {
    }

    public Optional<Interface> iface(String name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
