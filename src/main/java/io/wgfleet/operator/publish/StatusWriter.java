package io.wgfleet.operator.publish;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;

/**
 * Writes a peer's whole status with one JSON patch: {@code add /status}, which replaces the
 * status when there is one and creates it when there is none, preceded by {@code replace
 * /metadata/resourceVersion} with the version of the peer the status was computed from, so
 * that the API server refuses it (409 Conflict) when the peer changed meanwhile.
 *
 * <p>Why not JOSDK's status patch: without server-side apply it sends the difference between
 * the cached peer and the new status, operation by operation ({@code replace
 * /status/rootCause/remediation/0}). The cache often lags our own last write, so that
 * difference is taken against a status the server no longer holds, and the server refuses
 * it (a path that does not exist) or, worse, applies index-based operations to a different
 * list. Written whole, the status needs no base.
 *
 * <p>Why the version from the cache, not a GET before every write: a round writes up to two
 * statuses per peer, and at 10,000 peers a GET each doubles the requests. When the cache
 * lagged (our own previous write not seen yet, or a spec edit), the 409 costs one GET of the
 * peer and the same patch again with the version read: the status is wholly ours, and a spec
 * edit starts its own reconcile, which writes again.
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
        try {
            patch(peer, peer.getMetadata().getResourceVersion(), status);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            WireGuardPeer current = client.resources(WireGuardPeer.class).inNamespace(peer.getMetadata().getNamespace())
                    .withName(peer.getMetadata().getName()).get();
            if (current == null) {
                throw e;
            }
            patch(peer, current.getMetadata().getResourceVersion(), status);
        }
    }

    private void patch(WireGuardPeer peer, String resourceVersion, WireGuardPeerStatus status) {
        Map<String, Object> add = Map.of("op", "add", "path", "/status", "value", status);
        List<Map<String, Object>> ops = resourceVersion == null || resourceVersion.isEmpty() ? List.of(add)
                : List.of(Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", resourceVersion), add);
        // resource(peer), not withName(name): a patch on a name alone makes the client GET the object first
        client.resources(WireGuardPeer.class).inNamespace(peer.getMetadata().getNamespace()).resource(peer)
                .subresource("status").patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
    }
}
