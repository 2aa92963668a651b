package io.wgfleet.operator.publish;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Writes a peer's whole status with one JSON patch operation, {@code add /status}, which
 * replaces the status when there is one and creates it when there is none.
 *
 * <p>Why not JOSDK's status patch: without server-side apply it sends the difference between
 * the cached peer and the new status, operation by operation ({@code replace
 * /status/rootCause/remediation/0}). The cache often lags our own last write, so that
 * difference is taken against a status the server no longer holds, and the server refuses
 * it (a path that does not exist) or, worse, applies index-based operations to a different
 * list. The status is wholly ours, so writing it whole needs no base and no lock.
 */
@Singleton
public class StatusWriter {

    private final KubernetesClient client;

    @Inject
    public StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /** Writes {@code status} as the peer's status; a refusal is thrown (JOSDK retries the reconcile). */
    public void write(WireGuardPeer peer, WireGuardPeerStatus status) {
        String patch = client.getKubernetesSerialization().asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        client.resources(WireGuardPeer.class).inNamespace(peer.getMetadata().getNamespace()).withName(peer.getMetadata().getName())
                .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
    }
}
