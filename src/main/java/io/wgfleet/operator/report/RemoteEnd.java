package io.wgfleet.operator.report;

import io.wgfleet.api.v1alpha1.WireGuardPeer;

/**
 * The other end of a peer's tunnel as the round sees it.
 *
 * @param declared the remote WireGuardPeer, when there is a usable one
 * @param node     the node hosting the remote end; null when it is outside the fleet or not diagnosable
 * @param problem  what is wrong with the remote declaration, null when nothing is
 * @param foundBy  how an undeclared remote end was found, null when it was declared or not found
 */
public record RemoteEnd(WireGuardPeer declared, String node, String problem, String foundBy) {

    public static final RemoteEnd NONE = new RemoteEnd(null, null, null, null);

    public boolean inFleet() {
        return node != null;
    }
}

