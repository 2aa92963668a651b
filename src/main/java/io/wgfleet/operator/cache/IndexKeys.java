package io.wgfleet.operator.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.ReportParts;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.PeerRefs;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The keys under which {@link ClusterCache}'s informers index peers, nodes and reports. */
final class IndexKeys {

    private IndexKeys() {
    }

    static List<String> nodeInterfaceKeys(WireGuardPeer p) {
        if (p.getSpec() == null || p.getSpec().getInterfaceName() == null) {
            return List.of();
        }
        return List.of(hostKey(p) + "/" + p.getSpec().getInterfaceName());
    }

    static String hostKey(WireGuardPeer p) {
        String n = p.getSpec().getNodeName();
        return n != null && !n.isEmpty() ? n : ClusterCache.SELECTED;
    }

    static List<String> remoteKeys(WireGuardPeer p) {
        PeerRef ref = p.getSpec() == null ? null : p.getSpec().getRemotePeerRef();
        if (ref == null || ref.getName() == null) {
            return List.of();
        }
        return List.of(PeerRefs.refNamespace(p, ref) + "/" + ref.getName());
    }

    static List<String> endpointAddress(WireGuardPeer p) {
        String address = p.getSpec() == null ? null : Addresses.ofEndpoint(p.getSpec().getEndpoint());
        return address == null ? List.of() : List.of(address);
    }

    static List<String> nodeAddresses(Node n) {
        if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
            return List.of();
        }
        return n.getStatus().getAddresses().stream().map(a -> Addresses.canonical(a.getAddress())).filter(Objects::nonNull)
                .distinct().toList();
    }

    static List<String> reportAddresses(WireGuardNodeReport r) {
        if (ReportParts.isContinuation(r) || r.getSpec() == null || r.getSpec().getAddresses() == null) {
            return List.of();
        }
        return r.getSpec().getAddresses().stream().map(a -> Addresses.canonical(a.getAddress())).filter(Objects::nonNull)
                .distinct().toList();
    }

    /**
     * The public keys of a report's peer lines, continuations included (a concentrator's lines
     * are spread over them): which nodes hold an entry for a key, and so record where its
     * packets come from.
     */
    static List<String> reportPeerKeys(WireGuardNodeReport r) {
        if (r.getSpec() == null || r.getSpec().getInterfaces() == null) {
            return List.of();
        }
        Set<String> keys = new HashSet<>();
        for (InterfaceReport i : r.getSpec().getInterfaces()) {
            if (i != null && i.getPeers() != null) {
                for (PeerReport p : i.getPeers()) {
                    if (p != null && p.getPublicKey() != null) {
                        keys.add(p.getPublicKey());
                    }
                }
            }
        }
        return List.copyOf(keys);
    }
}
