package io.wgfleet.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.ReportParts;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;

import java.util.List;
import java.util.Map;

/**
 * Creates or replaces the node's report. Plain get, then create or update with the fetched
 * resourceVersion (optimistic locking), retried on a conflict: server-side apply is not
 * available on every server the agent meets (the test API server lacks it).
 */
final class ReportWriter {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final int ATTEMPTS = 3;

    private ReportWriter() {
    }

    /**
     * Writes the report, split into continuations first when it is too big for one object
     * ({@link ReportParts}): the report itself last, so that its readers find them stored.
     */
    static WireGuardNodeReport write(KubernetesClient client, String nodeName, WireGuardNodeReportSpec spec) throws AgentException {
        List<WireGuardNodeReportSpec> specs = ReportParts.split(spec, ReportParts.BUDGET_BYTES);
        for (int k = 1; k < specs.size(); k++) {
            writeOne(client, ReportParts.partName(nodeName, k), specs.get(k));
        }
        return writeOne(client, nodeName, specs.get(0));
    }

    private static WireGuardNodeReport writeOne(KubernetesClient client, String nodeName, WireGuardNodeReportSpec spec) throws AgentException {
        KubernetesClientException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                WireGuardNodeReport existing = client.resources(WireGuardNodeReport.class).withName(nodeName).get();
                if (existing == null) {
                    WireGuardNodeReport r = new WireGuardNodeReport();
                    r.setMetadata(new ObjectMetaBuilder().withName(nodeName)
                            .withLabels(Map.of(MANAGED_BY, "wgfleet-agent")).build());
                    r.setSpec(spec);
                    return client.resource(r).create();
                }
                existing.setSpec(spec);
                return client.resource(existing).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw new AgentException(AgentException.API_ACCESS,
                            "cannot write WireGuardNodeReport " + nodeName + ": " + PeerSelector.describe(e), e);
                }
                // someone wrote between our get and our write (or created it first): read again
                last = e;
            }
        }
        throw new AgentException(AgentException.API_ACCESS, "cannot write WireGuardNodeReport " + nodeName
                + ": it kept changing under the agent (" + ATTEMPTS + " conflicts)", last);
    }
}
