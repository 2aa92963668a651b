package io.wgfleet.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.api.v1alpha1.WireGuardPeer;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Chooses the WireGuardPeers this round probes. The agent may read WireGuardPeers but not
 * Nodes, so it cannot evaluate a nodeSelector: without an explicit list it keeps the peers
 * whose spec.nodeName is this node, and the operator passes selector-matched peers by name.
 */
final class PeerSelector {

    private static final Logger LOG = Logger.getLogger(PeerSelector.class.getName());

    private PeerSelector() {
    }

    static List<WireGuardPeer> select(KubernetesClient client, AgentOptions options, List<String> missing) throws AgentException {
        try {
            List<WireGuardPeer> out = new ArrayList<>();
            if (!options.peerNames().isEmpty()) {
                for (String ref : options.peerNames()) {
                    String[] nn = ref.split("/", 2);
                    WireGuardPeer p = client.resources(WireGuardPeer.class).inNamespace(nn[0]).withName(nn[1]).get();
                    if (p == null || p.getSpec() == null) {
                        missing.add(ref);
                    } else {
                        out.add(p);
                    }
                }
            } else {
                for (WireGuardPeer p : client.resources(WireGuardPeer.class).inAnyNamespace().list().getItems()) {
                    if (p.getSpec() != null && options.nodeName().equals(p.getSpec().getNodeName())) {
                        out.add(p);
                    }
                }
            }
            LOG.info(() -> "probing " + out.size() + " declared peer(s) on node " + options.nodeName());
            return out;
        } catch (KubernetesClientException e) {
            throw new AgentException(AgentException.API_ACCESS, "cannot read WireGuardPeers: " + describe(e), e);
        }
    }

    static String describe(KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return "the API server refused the agent (HTTP " + e.getCode() + "); check its service account's RBAC";
        }
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode() + " from the API server";
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "API server unreachable (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}
