package io.wgfleet.operator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.wgfleet.api.v1alpha1.WireGuardPeer;

public class WireGuardPeerReconciler implements Reconciler<WireGuardPeer> {
    @Override
    public UpdateControl<WireGuardPeer> reconcile(WireGuardPeer resource, Context<WireGuardPeer> context) {
        return UpdateControl.noUpdate();
    }
}
