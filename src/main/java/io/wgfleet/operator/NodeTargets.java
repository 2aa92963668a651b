package io.wgfleet.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Which nodes a peer targets: the named node, or every node whose labels match the selector. */
public final class NodeTargets {

    private NodeTargets() {
    }

    public static boolean targets(WireGuardPeerSpec spec, Node node) {
        if (spec == null || node == null || node.getMetadata() == null) {
            return false;
        }
        if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
            return spec.getNodeName().equals(node.getMetadata().getName());
        }
        Map<String, String> selector = spec.getNodeSelector();
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        return selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /** Names of the targeted nodes, sorted. */
    public static List<String> resolve(WireGuardPeerSpec spec, Collection<Node> nodes) {
        return nodes.stream()
                .filter(n -> targets(spec, n))
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
    }
}
