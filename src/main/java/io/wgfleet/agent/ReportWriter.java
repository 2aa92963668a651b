package io.wgfleet.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;

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

    static WireGuardNodeReport write(KubernetesClient client, String nodeName, WireGuardNodeReportSpec spec) throws AgentException {
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
