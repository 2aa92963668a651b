package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A report as large as the agent writes reaches an informer through the lab API server's watch. */
class BigObjectWatchTest {

    @ParameterizedTest
    @ValueSource(ints = {100, 6000, 8000, 12000})
    void aLargeReportReachesTheInformer(int peers) throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             KubernetesClient client = api.client()) {
            SharedIndexInformer<WireGuardNodeReport> informer = client.resources(WireGuardNodeReport.class).inform();
            WireGuardNodeReport r = new WireGuardNodeReport();
            r.setMetadata(new ObjectMetaBuilder().withName("big").build());
            WireGuardNodeReportSpec s = new WireGuardNodeReportSpec();
            s.setNodeName("big");
            InterfaceReport i = new InterfaceReport();
            i.setName("wg0");
            for (int k = 0; k < peers; k++) {
                PeerReport p = new PeerReport();
                p.setPublicKey(SyntheticAgent.key("p" + k));
                p.setAllowedIPs(java.util.List.of("10.0." + (k / 250) + "." + (k % 250) + "/32"));
                p.setRxBytes(1000L + k);
                i.getPeers().add(p);
            }
            s.getInterfaces().add(i);
            r.setSpec(s);
            client.resource(r).create();
            System.out.println("[big] " + peers + " peers: " + client.getKubernetesSerialization().asJson(r).length() + " bytes");
            await().atMost(Duration.ofSeconds(20)).until(() -> informer.getStore().getByKey("big") != null);
            assertThat(informer.getStore().getByKey("big").getSpec().getInterfaces().get(0).getPeers()).hasSize(peers);
            informer.close();
        }
    }
}
