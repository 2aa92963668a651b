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

/**
 * Reports as large as the agent writes (up to its 768 KiB part budget) reach an informer
 * through the lab API server's watch, each of several written one after the other.
 */
class BigObjectWatchTest {

    @ParameterizedTest
    @ValueSource(ints = {100, 1500, 6000})
    void largeReportsOneAfterTheOtherAllReachTheInformer(int peers) throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             KubernetesClient client = api.client()) {
            SharedIndexInformer<WireGuardNodeReport> informer = client.resources(WireGuardNodeReport.class).inform();
            for (int n = 0; n < 4; n++) {
                create(client, "big-" + n, peers);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> informer.getStore().list().size() == 4);
            assertThat(informer.getStore().getByKey("big-3").getSpec().getInterfaces().get(0).getPeers()).hasSize(peers);
            informer.close();
        }
    }

    static void create(KubernetesClient client, String name, int peers) {
        {
            WireGuardNodeReport r = new WireGuardNodeReport();
            r.setMetadata(new ObjectMetaBuilder().withName(name).build());
            WireGuardNodeReportSpec s = new WireGuardNodeReportSpec();
            s.setNodeName(name);
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
        }
    }
}
