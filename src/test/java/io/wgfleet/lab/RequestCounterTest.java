package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.testing.Peers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestCounterTest {

    @Test
    void pathsNameTheirResourceAndSubresource() {
        assertThat(RequestCounter.resource("/apis/wgfleet.io/v1alpha1/namespaces/a/wireguardpeers/p1/status"))
                .containsExactly("wireguardpeers/status", "p1");
        assertThat(RequestCounter.resource("/apis/wgfleet.io/v1alpha1/wireguardpeers")).containsExactly("wireguardpeers", null);
        assertThat(RequestCounter.resource("/api/v1/namespaces/a/events")).containsExactly("events", null);
        assertThat(RequestCounter.resource("/api/v1/namespaces/a")).containsExactly("namespaces", "a");
        assertThat(RequestCounter.resource("/api/v1/nodes/n1")).containsExactly("nodes", "n1");
        assertThat(RequestCounter.resource("/version")).containsExactly("/version", null);
    }

    @Test
    void countsEachRequestOnceByClientVerbAndResource() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds")); KubernetesClient c = api.client()) {
            Map<RequestCounter.Key, Long> before = RequestCounter.of(api).snapshot();
            c.resource(Peers.peer("lab", "p1", "n1", "wg0", "10.77.0.2/32")).create();
            c.resources(WireGuardPeer.class).inNamespace("lab").withName("p1").get();
            c.resources(WireGuardPeer.class).inNamespace("lab").list();
            Map<RequestCounter.Key, Long> after = RequestCounter.of(api).snapshot();
            assertThat(delta(before, after)).containsOnly(
                    Map.entry(new RequestCounter.Key("fabric8-kubernetes-client", "create", "wireguardpeers"), 1L),
                    Map.entry(new RequestCounter.Key("fabric8-kubernetes-client", "get", "wireguardpeers"), 1L),
                    Map.entry(new RequestCounter.Key("fabric8-kubernetes-client", "list", "wireguardpeers"), 1L));
        }
    }

    static Map<RequestCounter.Key, Long> delta(Map<RequestCounter.Key, Long> before, Map<RequestCounter.Key, Long> after) {
        Map<RequestCounter.Key, Long> d = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }
}
