package io.wgfleet.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.lab.LabApiServerExtension;
import io.wgfleet.lab.RequestCounter;
import io.wgfleet.testing.Peers;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status write against the strict lab API server: one request when the cached peer is current, a re-read only on 409. */
class StatusWriterTest {

    @RegisterExtension
    static final LabApiServerExtension LAB = new LabApiServerExtension();

    private static WireGuardPeerStatus status(String nodes) {
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setObservedGeneration(1L);
        s.setTargetNodes(nodes);
        return s;
    }

    private static WireGuardPeer stored(String name) {
        return LAB.client().resources(WireGuardPeer.class).inNamespace("sw").withName(name).get();
    }

    private Map<String, Long> requestsDuring(Runnable r) {
        Map<RequestCounter.Key, Long> before = RequestCounter.of(LAB.api()).snapshot();
        r.run();
        Map<String, Long> d = new TreeMap<>();
        RequestCounter.of(LAB.api()).snapshot().forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k.verb() + " " + k.resource(), n);
            }
        });
        return d;
    }

    @Test
    void aCurrentPeerIsWrittenWithOnePatchAndNoRead() {
        WireGuardPeer created = LAB.client().resource(Peers.peer("sw", "current", "n1", "wg0", "10.77.0.2/32")).create();
        StatusWriter writer = new StatusWriter(LAB.client());
        assertThat(requestsDuring(() -> writer.write(created, status("n1")))).containsOnly(Map.entry("patch wireguardpeers/status", 1L));
        WireGuardPeer after = stored("current");
        assertThat(after.getStatus().getTargetNodes()).isEqualTo("n1");
        // the next write from the peer the first one left: again one patch
        assertThat(requestsDuring(() -> writer.write(after, status("n1,n2")))).containsOnly(Map.entry("patch wireguardpeers/status", 1L));
        assertThat(stored("current").getStatus().getTargetNodes()).isEqualTo("n1,n2");
    }

    @Test
    void aStalePeerGetsAConflictThenOneReadAndTheSameStatus() {
        WireGuardPeer cached = LAB.client().resource(Peers.peer("sw", "stale", "n1", "wg0", "10.77.0.2/32")).create();
        // the cache has not seen this edit yet
        LAB.client().resources(WireGuardPeer.class).inNamespace("sw").withName("stale").edit(p -> {
            p.getMetadata().setAnnotations(Map.of("wgfleet.io/diagnose", "1"));
            return p;
        });
        StatusWriter writer = new StatusWriter(LAB.client());
        assertThat(requestsDuring(() -> writer.write(cached, status("n1"))))
                .containsOnly(Map.entry("patch wireguardpeers/status", 2L), Map.entry("get wireguardpeers", 1L));
        WireGuardPeer after = stored("stale");
        assertThat(after.getStatus().getTargetNodes()).isEqualTo("n1");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("wgfleet.io/diagnose", "1");
    }

    @Test
    void aDeletedPeerIsRefusedNotRecreated() {
        WireGuardPeer cached = LAB.client().resource(Peers.peer("sw", "gone", "n1", "wg0", "10.77.0.2/32")).create();
        LAB.client().resource(cached).delete();
        StatusWriter writer = new StatusWriter(LAB.client());
        assertThatThrownBy(() -> writer.write(cached, status("n1"))).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
        assertThat(stored("gone")).isNull();
    }
}
