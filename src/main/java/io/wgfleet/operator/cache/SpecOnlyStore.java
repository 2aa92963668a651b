package io.wgfleet.operator.cache;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet-peers informer's store: each peer's metadata and spec, without its status and
 * managed fields. The fleet checks and event mappers read specs only; the statuses (the
 * bulk of a peer at fleet size) live once, in the primary cache.
 *
 * <p>It also counts, per node and interface, the changes of its members' specs (added,
 * removed, spec changed): a conflict sweep over a group is valid as long as the group's
 * count has not moved, which a reconcile asks without listing the group.
 */
final class SpecOnlyStore extends BasicItemStore<WireGuardPeer> {

    private final Map<String, AtomicLong> groupChanges = new ConcurrentHashMap<>();

    SpecOnlyStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public WireGuardPeer put(String key, WireGuardPeer peer) {
        WireGuardPeer previous = super.put(key, specOnly(peer));
        if (previous == null || !Objects.equals(previous.getMetadata().getGeneration(), peer.getMetadata().getGeneration())) {
            changed(previous);
            changed(peer);
        }
        return previous;
    }

    @Override
    public WireGuardPeer remove(String key) {
        WireGuardPeer previous = super.remove(key);
        changed(previous);
        return previous;
    }

    /** How often the group's membership or a member's spec changed; compare, do not interpret. */
    long groupChanges(String nodeInterfaceKey) {
        AtomicLong n = groupChanges.get(nodeInterfaceKey);
        return n == null ? 0 : n.get();
    }

    private void changed(WireGuardPeer peer) {
        if (peer != null) {
            IndexKeys.nodeInterfaceKeys(peer).forEach(k -> groupChanges.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet());
        }
    }

    /** The peer's on-demand request that no stored round has handled, or null; of a peer from this store. */
    static String pendingRequest(WireGuardPeer specOnly) {
        Map<String, String> a = specOnly.getMetadata().getAnnotations();
        return a == null ? null : a.get(WireGuardPeer.DIAGNOSE_ANNOTATION);
    }

    static WireGuardPeer specOnly(WireGuardPeer peer) {
        WireGuardPeer copy = new WireGuardPeer();
        ObjectMeta m = peer.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(m.getName());
        meta.setNamespace(m.getNamespace());
        meta.setUid(m.getUid());
        meta.setGeneration(m.getGeneration());
        meta.setResourceVersion(m.getResourceVersion());
        meta.setCreationTimestamp(m.getCreationTimestamp());
        meta.setDeletionTimestamp(m.getDeletionTimestamp());
        meta.setLabels(m.getLabels());
        String request = m.getAnnotations() == null ? null : m.getAnnotations().get(WireGuardPeer.DIAGNOSE_ANNOTATION);
        DiagnosisRound handled = peer.getStatus() == null ? null : peer.getStatus().getDiagnosisRound();
        if (request != null && (handled == null || !request.equals(handled.getHandledRequest()))) {
            // a request no stored round has handled: the next Job on the node carries it
            meta.setAnnotations(Map.of(WireGuardPeer.DIAGNOSE_ANNOTATION, request));
        }
        copy.setMetadata(meta);
        copy.setSpec(peer.getSpec());
        return copy;
    }
}
