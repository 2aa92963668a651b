package io.wgfleet.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's Micrometer metrics per controller only. QOSDK's default collects them per
 * resource as well: timers and counters for every WireGuardPeer (thousands of histograms
 * at fleet size, and series that outlive their peers). This bean replaces that default; the
 * per-peer series wgfleet promises are {@link PeerMetrics}'.
 */
@ApplicationScoped
public class OperatorSdkMetrics {

    @Produces
    @Singleton
    Metrics josdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }
}
