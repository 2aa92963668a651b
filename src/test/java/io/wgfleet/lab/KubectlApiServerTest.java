package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.testing.Peers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KubectlApiServerTest {

    @Test
    void statusCanBePatchedAfterAnAnnotationMergePatch() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds")); KubernetesClient c = api.client()) {
            WireGuardPeer p = c.resource(Peers.peer("lab", "to-client", "n1", "wg0", "10.77.0.2/32")).create();
            c.resources(WireGuardPeer.class).inNamespace("lab").withName("to-client")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"wgfleet.io/diagnose\":\"1\"}}}");
            WireGuardPeer fresh = c.resources(WireGuardPeer.class).inNamespace("lab").withName("to-client").get();
            // a merge patch: a JSON patch "add /status/targetNodes" (fabric8's editStatus on a
            // peer that has no status yet) is refused by a real API server, /status being absent
            WireGuardPeerStatus s = new WireGuardPeerStatus();
            s.setTargetNodes("n1");
            fresh.setStatus(s);
            WireGuardPeer updated = c.resource(fresh).patchStatus();
            assertThat(updated.getStatus().getTargetNodes()).isEqualTo("n1");
            assertThat(updated.getMetadata().getAnnotations()).containsEntry("wgfleet.io/diagnose", "1");
        }
    }
}
