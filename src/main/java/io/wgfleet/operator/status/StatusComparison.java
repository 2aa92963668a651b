package io.wgfleet.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;

/**
 * Compares statuses as the API server would store them (JSON trees), so that an
 * empty list and an absent one, or two equal conditions, count as equal and cause no write.
 */
public final class StatusComparison {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StatusComparison() {
    }

    public static boolean same(WireGuardPeerStatus a, WireGuardPeerStatus b) {
        return normalize(a).equals(normalize(b));
    }

    private static JsonNode normalize(WireGuardPeerStatus s) {
        JsonNode tree = SERIALIZATION.convertValue(s == null ? new WireGuardPeerStatus() : s, JsonNode.class);
        return prune(tree);
    }

    /** Drops empty arrays and objects, which JSON merge and the API server treat as absent. */
    private static JsonNode prune(JsonNode node) {
        if (node != null && node.isObject()) {
            var obj = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            var names = new java.util.ArrayList<String>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = prune(obj.get(name));
                if (child == null || child.isNull() || (child.isContainerNode() && child.isEmpty())) {
                    obj.remove(name);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(StatusComparison::prune);
        }
        return node;
    }
}
