package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What the node agent observed on one node (cluster-scoped, named after the node).
 * The observations are the spec because the agent, not a controller, is their author;
 * there is no status. It never holds a private or preshared key.
 */
@Group(WireGuardPeer.GROUP)
@Version(WireGuardPeer.VERSION)
@Plural("wireguardnodereports")
@ShortNames({"wgnr"})
@Categories("wireguard")
@AdditionalPrinterColumn(name = "Collected", jsonPath = ".spec.collectionTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@JsonIgnoreProperties(ignoreUnknown = true)
public class WireGuardNodeReport extends CustomResource<WireGuardNodeReportSpec, Void> {
}
