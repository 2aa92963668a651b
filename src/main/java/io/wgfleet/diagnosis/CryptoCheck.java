package io.wgfleet.diagnosis;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The crypto-identity layer, in the fleet: the key we hold is the remote's key
 * (PublicKeyMismatch), the remote knows our key (PeerUnknownToRemote), and both ends use
 * the same preshared key (PresharedKeyMismatch). A responder drops a bad initiation without
 * a word, so these are read off both ends' configurations and counters.
 */
final class CryptoCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        Side remote = t.remote;
        if (remote == null) {
            return;
        }
        identity(t, found);
        String remoteKey = remote.iface.publicKey();
        String declaredKey = t.declared.publicKey();
        String ourKey = t.local.iface.publicKey();
        if (remote.peer != null) {
            presharedKey(t, found, ourKey);
        }
        // the remote's own key is unknown, but initiations demonstrably arrive and get no answer while it knows our key
        long arrivedThere = remote.packetsFrom(t.local);
        if (remoteKey == null && t.initiator == t.local && remote.peer != null && arrivedThere > 0
                && remote.tx() == 0 && t.local.sentWithoutReply()) {
            found.add(Reason.PublicKeyMismatch, "our initiations reach " + remote.label() + " (" + arrivedThere
                            + " packets to port " + remote.listenPort() + ") and get no reply although it knows our key "
                            + Keys.prefix(ourKey) + ": the key we hold for it, " + Keys.prefix(declaredKey) + ", is not its key",
                    List.of(remote.node + " arrivals from " + t.nodeName + ": " + arrivedThere + ", its tx for us 0 B"),
                    List.of("Compare " + Keys.prefix(declaredKey) + " with wg show " + remote.ifName() + " public-key on " + remote.node
                            + " and fix spec.publicKey"),
                    EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
        }
    }

    /**
     * The identity facts read off both ends' configurations: the remote's key is not the one we
     * hold, or the remote has no entry for our key. They also explain a young session whose packets
     * get nowhere (measured with wireguard-go: {@code wg set wg0 peer KEY remove} on the server drops
     * the session's keys with the entry, and the client's packets are dropped unanswered), so
     * {@link Evaluation} runs this part for such a session too.
     */
    static void identity(Tunnel t, Findings found) {
        Side remote = t.remote;
        if (remote == null) {
            return;
        }
        String remoteKey = remote.iface.publicKey();
        String declaredKey = t.declared.publicKey();
        if (Keys.valid(remoteKey) && declaredKey != null && !remoteKey.equals(declaredKey)) {
            found.add(Reason.PublicKeyMismatch, "we hold key " + Keys.prefix(declaredKey) + " for the remote, but "
                            + remote.ifName() + " on " + remote.label() + " has public key " + Keys.prefix(remoteKey)
                            + ": its responder drops our initiations (bad mac1) without a reply",
                    List.of(t.id() + " publicKey " + Keys.prefix(declaredKey),
                            remote.node + " " + remote.ifName() + " public key " + Keys.prefix(remoteKey)),
                    List.of("Set the remote's real key on " + t.nodeName + ": wg set " + t.local.ifName() + " peer " + Keys.prefix(remoteKey)
                                    + " ... (and remove the entry for " + Keys.prefix(declaredKey) + ")",
                            "Update " + t.id() + " spec.publicKey to " + Keys.prefix(remoteKey) + " (the output of wg show "
                                    + remote.ifName() + " public-key on " + remote.node + ")"),
                    t.blocking());
        }
        String ourKey = t.local.iface.publicKey();
        if (ourKey != null && remote.peer == null) {
            peerUnknownToRemote(t, found, ourKey);
        }
    }

    private static void peerUnknownToRemote(Tunnel t, Findings found, String ourKey) {
        Side remote = t.remote;
        DeclaredPeer remoteDeclared = t.remoteDeclared;
        String why = "";
        if (remoteDeclared != null) {
            why = ourKey.equals(remoteDeclared.publicKey())
                    ? "; WireGuardPeer " + remoteDeclared.id() + " declares it, but it is not loaded there"
                    : "; WireGuardPeer " + remoteDeclared.id() + " declares key " + Keys.prefix(remoteDeclared.publicKey()) + " instead";
        }
        found.add(Reason.PeerUnknownToRemote, remote.ifName() + " on " + remote.label() + " has no peer with our key "
                        + Keys.prefix(ourKey) + " (" + t.local.ifName() + " on " + t.nodeName + "): it drops our initiations silently"
                        + (t.handshakeRecent ? " and the packets of the session it no longer holds" : "") + why,
                List.of(remote.node + " " + remote.ifName() + ": " + remote.iface.peers().size() + " peers, none with key " + Keys.prefix(ourKey)),
                List.of("Add this node as a peer on " + remote.node + ": wg set " + remote.ifName() + " peer " + Keys.prefix(ourKey)
                                + " allowed-ips <our tunnel address>",
                        remoteDeclared != null
                                ? "Set WireGuardPeer " + remoteDeclared.id() + " spec.publicKey to " + Keys.prefix(ourKey)
                                + " (wg show " + t.local.ifName() + " public-key on " + t.nodeName + ")"
                                : "Declare the other direction as a WireGuardPeer so it is diagnosed too"),
                t.blocking());
    }

    private static void presharedKey(Tunnel t, Findings found, String ourKey) {
        Side local = t.local;
        Side remote = t.remote;
        String localFingerprint = local.presharedKeyFingerprint();
        String remoteFingerprint = remote.presharedKeyFingerprint();
        Side initiator = t.initiator != null ? t.initiator : local;
        Side responder = initiator == local ? remote : local;
        boolean fingerprintsDiffer = !Objects.equals(localFingerprint, remoteFingerprint);
        boolean responsesArriveButDropped = (t.declared.presharedKeyExpected()
                || (t.remoteDeclared != null && t.remoteDeclared.presharedKeyExpected()))
                && responder.replied() && initiator.rx() == 0 && initiator.packetsFrom(responder) > 0;
        if (!fingerprintsDiffer && !responsesArriveButDropped) {
            return;
        }
        String how = fingerprintsDiffer
                ? "the preshared-key fingerprints differ (" + t.nodeName + ": " + (localFingerprint == null ? "none" : "set")
                + ", " + remote.node + ": " + (remoteFingerprint == null ? "none" : "set") + ")"
                : "the 92-byte responses arrive at " + initiator.node + " (" + initiator.packetsFrom(responder) + " packets from "
                + responder.node + ") and are dropped";
        String replies = responder.replied() ? "; " + responder.node + " answers (rx " + responder.rx() + " B, tx " + responder.tx()
                + " B) yet " + initiator.node + " rx stays " + initiator.rx() + " B: the initiator cannot authenticate the answer" : "";
        found.add(Reason.PresharedKeyMismatch, "the two ends use different preshared keys: " + how + replies,
                List.of(t.nodeName + " entry for " + Keys.prefix(t.declared.publicKey()) + ": preshared key "
                                + (localFingerprint == null ? "none" : "fingerprint set"),
                        remote.node + " entry for " + Keys.prefix(ourKey) + ": preshared key "
                                + (remoteFingerprint == null ? "none" : "fingerprint set"),
                        responder.node + " rx " + responder.rx() + " B tx " + responder.tx() + " B; " + initiator.node + " rx "
                                + initiator.rx() + " B"),
                List.of("Put the same preshared key on both ends (wg set <if> peer <key> preshared-key <file>), from one Secret",
                        "Check both WireGuardPeers reference the same Secret key (presharedKeySecretRef)"),
                EnumSet.of(TunnelCondition.HANDSHAKE_SUCCEEDED, TunnelCondition.TRAFFIC_FLOWING));
    }
}
