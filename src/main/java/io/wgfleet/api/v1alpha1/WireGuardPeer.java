package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One expected peer on a WireGuard interface, on the nodes that host that interface.
 * wgfleet diagnoses whether its handshake works and, when it does not, why.
 */
@Group(WireGuardPeer.GROUP)
@Version(WireGuardPeer.VERSION)
@Plural("wireguardpeers")
@ShortNames({"wgp", "wgpeer"})
@Categories("wireguard")
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.targetNodes", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".spec.endpoint", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Handshake", jsonPath = ".status.latestHandshakeTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@JsonIgnoreProperties(ignoreUnknown = true)
public class WireGuardPeer extends CustomResource<WireGuardPeerSpec, WireGuardPeerStatus> implements Namespaced {

    public static final String GROUP = "wgfleet.io";
    public static final String VERSION = "v1alpha1";

    /** Setting or changing this annotation asks for a diagnosis round now. */
    public static final String DIAGNOSE_ANNOTATION = "wgfleet.io/diagnose";

    // No initStatus(): a peer the operator has not written yet has no status on the server,
    // and must deserialize without one. An empty status here made JOSDK's JSON-patch status
    // update "add /status/conditions" against an object without /status, which a real API
    // server refuses (RFC 6902: the parent must exist), so no first status was ever written.
}
