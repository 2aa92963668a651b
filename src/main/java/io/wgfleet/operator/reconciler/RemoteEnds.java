package io.wgfleet.operator.reconciler;

import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.cache.Addresses;
import io.wgfleet.operator.cache.ClusterCache;
import io.wgfleet.operator.report.RemoteEnd;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the other end of a tunnel is. A declared remote end (remotePeerRef) that cannot be
 * diagnosed (no such WireGuardPeer, an invalid spec, no node) never holds this end back:
 * this end is diagnosed from its own side and its message says what is wrong with the
 * declaration. A peer without a declaration whose endpoint is an address of another node of
 * the cluster has that node as its remote end: its agent runs in the same round and both
 * ends are correlated.
 */
@Singleton
public class RemoteEnds {

    private final ClusterCache cache;

    @Inject
    public RemoteEnds(ClusterCache cache) {
        this.cache = cache;
    }

    public RemoteEnd of(WireGuardPeer peer, List<String> localNodes) {
        PeerRef ref = peer.getSpec().getRemotePeerRef();
        if (ref != null && ref.getName() != null) {
            return declared(peer, ref);
        }
        return discovered(peer, localNodes);
    }

    private RemoteEnd declared(WireGuardPeer peer, PeerRef ref) {
        String id = PeerRefs.refNamespace(peer, ref) + "/" + ref.getName();
        Optional<WireGuardPeer> remote = cache.remotePeer(peer);
        if (remote.isEmpty()) {
            return problem("spec.remotePeerRef names " + id + ", which does not exist");
        }
        List<SpecValidation.Problem> invalid = SpecValidator.validate(remote.get().getSpec());
        if (!invalid.isEmpty()) {
            return problem("the remote WireGuardPeer " + id + " has an invalid spec ("
                    + invalid.stream().map(SpecValidation.Problem::toString).collect(Collectors.joining("; ")) + ")");
        }
        List<String> nodes = cache.targetNodes(remote.get().getSpec());
        if (nodes.isEmpty()) {
            String nodeName = remote.get().getSpec().getNodeName();
            return problem("the remote WireGuardPeer " + id + " is on no node ("
                    + (nodeName != null && !nodeName.isEmpty() ? "node " + nodeName + " does not exist" : "no node matches its nodeSelector")
                    + ")");
        }
        return new RemoteEnd(remote.get(), nodes.get(0), null, null);
    }

    private static RemoteEnd problem(String text) {
        return new RemoteEnd(null, null, text, null);
    }

    private RemoteEnd discovered(WireGuardPeer peer, List<String> localNodes) {
        String address = Addresses.ofEndpoint(peer.getSpec().getEndpoint());
        if (address == null) {
            return RemoteEnd.NONE;
        }
        List<String> candidates = new ArrayList<>(cache.nodesWithAddress(address));
        candidates.removeAll(localNodes);
        if (candidates.size() != 1) {
            // none: outside the fleet; several: the address is ambiguous (e.g. a shared VIP), so no guess
            return RemoteEnd.NONE;
        }
        String node = candidates.get(0);
        return new RemoteEnd(null, node, null, "the endpoint " + peer.getSpec().getEndpoint() + " is an address of node " + node
                + " (no WireGuardPeer on that node declares this tunnel)");
    }
}
