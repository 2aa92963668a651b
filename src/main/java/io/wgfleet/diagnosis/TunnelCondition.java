package io.wgfleet.diagnosis;

/** The status conditions a proven fault can make False (see {@link Diagnosis}). */
enum TunnelCondition {
    HANDSHAKE_SUCCEEDED, CONFIG_IN_SYNC, TRAFFIC_FLOWING
}
