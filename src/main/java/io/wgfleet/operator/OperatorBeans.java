package io.wgfleet.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** Beans the reconcilers share; tests replace the clock with an alternative. */
@ApplicationScoped
public class OperatorBeans {

    @Produces
    @DefaultBean
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @ApplicationScoped
    PeerEventRecorder eventRecorder(KubernetesClient client, Clock clock) {
        return new PeerEventRecorder(client, clock);
    }

    @Produces
    @ApplicationScoped
    PeerMetrics peerMetrics(MeterRegistry registry) {
        return new PeerMetrics(registry);
    }
}
