package io.wgfleet.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for test objects. */
public final class Peers {

    private Peers() {
    }

    public static WireGuardPeer peer(String namespace, String name, String node, String iface, String... allowed) {
        WireGuardPeerSpec spec = new WireGuardPeerSpec();
        spec.setInterfaceName(iface);
        spec.setNodeName(node);
        spec.setPublicKey(TestKeys.key());
        spec.setAllowedIPs(new ArrayList<>(List.of(allowed)));
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        p.setSpec(spec);
        return p;
    }

    public static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }
}
