package io.wgfleet.diagnosis;

import java.util.List;

/**
 * A declared peer (the WireGuardPeer spec) as plain values. Every field may be null or
 * malformed: the engine reports {@link Reason#InvalidSpec} instead of throwing.
 *
 * @param id                   "namespace/name" of the WireGuardPeer, used in messages
 * @param interfaceName        the WireGuard interface on the node, e.g. wg0
 * @param publicKey            the remote end's public key (base64), as configured in the peer section
 * @param endpoint             host:port to send handshakes to; null or blank when the remote initiates
 * @param allowedIPs           CIDR prefixes, as in AllowedIPs
 * @param persistentKeepalive  seconds, null or 0 for off
 * @param presharedKeyExpected true when the declaration references a preshared key
 * @param probeAddress         an address inside the tunnel used to provoke a handshake; may be null
 */
public record DeclaredPeer(
        String id,
        String interfaceName,
        String publicKey,
        String endpoint,
        List<String> allowedIPs,
        Integer persistentKeepalive,
        boolean presharedKeyExpected,
        String probeAddress) {

    public DeclaredPeer {
        allowedIPs = Lists.clean(allowedIPs);
    }

    /** True when an endpoint is declared (this side initiates). */
    public boolean hasEndpoint() {
        return endpoint != null && !endpoint.isBlank();
    }

    /** Keepalive seconds, 0 when off or absent. */
    public int keepaliveSeconds() {
        return persistentKeepalive == null || persistentKeepalive < 0 ? 0 : persistentKeepalive;
    }
}
