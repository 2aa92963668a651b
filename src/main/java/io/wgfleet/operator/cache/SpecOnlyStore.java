package io.wgfleet.operator.cache;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.wgfleet.api.v1alpha1.WireGuardPeer;

/**
 * The fleet-peers informer's store: each peer's metadata and spec, without its status and
 * managed fields. The fleet checks and event mappers read specs only; the statuses (the
 * bulk of a peer at fleet size) live once, in the primary cache.
 */
final class SpecOnlyStore extends BasicItemStore<WireGuardPeer> {

    SpecOnlyStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public WireGuardPeer put(String key, WireGuardPeer peer) {
        return super.put(key, specOnly(peer));
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
        copy.setMetadata(meta);
        copy.setSpec(peer.getSpec());
        return copy;
    }
}
