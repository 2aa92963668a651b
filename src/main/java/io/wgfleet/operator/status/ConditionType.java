package io.wgfleet.operator.status;

/**
 * The condition types on a WireGuardPeer, in the order they are written. Ready is the
 * summary that Argo CD, Flux and {@code kubectl wait} read; Reconciling and Stalled are
 * the kstatus abnormal-true conditions.
 */
public enum ConditionType {
    READY("Ready"),
    RECONCILING("Reconciling"),
    STALLED("Stalled"),
    HANDSHAKE_SUCCEEDED("HandshakeSucceeded"),
    CONFIG_IN_SYNC("ConfigInSync"),
    TRAFFIC_FLOWING("TrafficFlowing");

    private final String type;

    ConditionType(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }

    /**
     * Whether the given status is the unhealthy one for this type: False for the
     * positive-polarity types, True for Reconciling and Stalled.
     */
    public boolean isFailure(String status) {
        return switch (this) {
            case RECONCILING -> false;
            case STALLED -> "True".equals(status);
            default -> "False".equals(status);
        };
    }
}
