package io.wgfleet.agent.collect;

/**
 * A declared peer to provoke a handshake with.
 *
 * @param peerRef       namespace/name of the WireGuardPeer that declared it
 * @param address       the in-tunnel address to ping; null when none could be chosen
 * @param declaredProbe true when {@code address} is the peer's declared probeAddress (then MTU is probed too)
 * @param problem       why the peer cannot be probed (interface or peer missing), else null
 */
public record ProbeTarget(String peerRef, String interfaceName, String peerPublicKey, String address,
                          boolean declaredProbe, String problem) {
}
