package io.wgfleet.operator;

import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardPeer;

/** How peers name each other: namespace/name, and a remotePeerRef's namespace defaulting to the peer's own. */
public final class PeerRefs {

    private PeerRefs() {
    }

    /** namespace/name: the id in messages, metric keys and the agent's --peers list. */
    public static String id(WireGuardPeer p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    public static String refNamespace(WireGuardPeer p, PeerRef ref) {
        return ref.getNamespace() == null || ref.getNamespace().isEmpty() ? p.getMetadata().getNamespace() : ref.getNamespace();
    }
}
