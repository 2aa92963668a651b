package io.wgfleet.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Puts printer columns in the order they are declared on the class. The generator
 * sorts them by JSON path, and kubectl shows them in CRD order, so without this
 * "Age" would come first.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

    /** Every custom resource class of the API; the CRD drift test generates from this list too. */
    public static final List<Class<? extends CustomResource<?, ?>>> RESOURCES =
            List.of(WireGuardPeer.class, WireGuardNodeReport.class);

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (!(crd instanceof CustomResourceDefinition def)) {
            return crd;
        }
        String kind = def.getSpec().getNames().getKind();
        Map<String, Integer> rank = RESOURCES.stream()
                .filter(c -> c.getSimpleName().equals(kind))
                .findFirst()
                .map(PrinterColumnOrder::declaredOrder)
                .orElse(Map.of());
        for (CustomResourceDefinitionVersion v : def.getSpec().getVersions()) {
            if (v.getAdditionalPrinterColumns() != null) {
                List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
                cols.sort(Comparator.comparingInt(c -> rank.getOrDefault(c.getName(), Integer.MAX_VALUE)));
                v.setAdditionalPrinterColumns(cols);
            }
        }
        return crd;
    }

    private static Map<String, Integer> declaredOrder(Class<?> type) {
        AdditionalPrinterColumn[] cols = type.getAnnotationsByType(AdditionalPrinterColumn.class);
        Map<String, Integer> rank = new java.util.HashMap<>();
        for (int i = 0; i < cols.length; i++) {
            rank.put(cols[i].name(), i);
        }
        return rank;
    }
}
