package io.wgfleet.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.ReportParts;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportPartsTest {

    static WireGuardNodeReportSpec concentrator(int peers) {
        WireGuardNodeReportSpec s = new WireGuardNodeReportSpec();
        s.setNodeName("vpn");
        s.setCollectionTime("2026-12-01T22:00:00Z");
        s.getAddresses().add(new NodeAddress("eth0", "192.0.2.1/24"));
        for (String ifn : List.of("wg0", "wg1")) {
            InterfaceReport i = new InterfaceReport();
            i.setName(ifn);
            i.setPublicKey("key-of-" + ifn);
            i.setListenPort(ifn.equals("wg0") ? 51820 : 51821);
            for (int k = 0; k < peers / 2; k++) {
                PeerReport p = new PeerReport();
                p.setPublicKey(ifn + "-peer-" + k + "-".repeat(30));
                p.setAllowedIPs(new ArrayList<>(List.of("10." + (ifn.equals("wg0") ? 1 : 2) + "." + (k >> 8) + "." + (k & 255) + "/32")));
                p.setLatestHandshake(1_700_000_000L + k);
                i.getPeers().add(p);
            }
            s.getInterfaces().add(i);
        }
        return s;
    }

    static int bytes(Object o) {
        return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aReportThatFitsStaysOneObject() {
        WireGuardNodeReportSpec s = concentrator(10);
        assertThat(ReportParts.split(s, ReportParts.BUDGET_BYTES)).containsExactly(s);
        assertThat(s.getParts()).isNull();
    }

    @Test
    void aBigReportSplitsUnderTheBudgetAndMergesBackInOrder() {
        WireGuardNodeReportSpec original = Serialization.clone(concentrator(2000));
        List<WireGuardNodeReportSpec> specs = ReportParts.split(concentrator(2000), 60_000);

        assertThat(specs.size()).isGreaterThan(2);
        assertThat(specs).allSatisfy(x -> assertThat(bytes(x)).isLessThanOrEqualTo(60_000));
        assertThat(specs.get(0).getParts()).isEqualTo(specs.size());
        assertThat(specs.get(0).getAddresses()).hasSize(1);
        for (int k = 1; k < specs.size(); k++) {
            assertThat(specs.get(k).getPart()).isEqualTo(k);
            assertThat(specs.get(k).getCollectionTime()).isEqualTo("2026-12-01T22:00:00Z");
            assertThat(specs.get(k).getAddresses()).isEmpty();
        }

        Map<String, WireGuardNodeReport> stored = store(specs);
        WireGuardNodeReportSpec whole = ReportParts.merge(stored.get("vpn"), stored::get);
        assertThat(Serialization.asJson(whole.getInterfaces())).isEqualTo(Serialization.asJson(original.getInterfaces()));
        // the stored report is left as stored
        assertThat(stored.get("vpn").getSpec().getInterfaces().stream().mapToInt(i -> i.getPeers().size()).sum())
                .isLessThan(2000);
    }

    @Test
    void aMissingOrOlderContinuationMeansNoReportYet() {
        List<WireGuardNodeReportSpec> specs = ReportParts.split(concentrator(2000), 60_000);
        Map<String, WireGuardNodeReport> stored = store(specs);
        stored.get(ReportParts.partName("vpn", 1)).getSpec().setCollectionTime("2026-12-01T21:55:00Z");
        assertThat(ReportParts.merge(stored.get("vpn"), stored::get)).isNull();
        stored.remove(ReportParts.partName("vpn", 1));
        assertThat(ReportParts.merge(stored.get("vpn"), stored::get)).isNull();
        assertThat(ReportParts.isContinuation(stored.get(ReportParts.partName("vpn", 2)))).isTrue();
        assertThat(ReportParts.isContinuation(stored.get("vpn"))).isFalse();
    }

    static Map<String, WireGuardNodeReport> store(List<WireGuardNodeReportSpec> specs) {
        Map<String, WireGuardNodeReport> stored = new HashMap<>();
        for (int k = 0; k < specs.size(); k++) {
            WireGuardNodeReport r = new WireGuardNodeReport();
            String name = k == 0 ? "vpn" : ReportParts.partName("vpn", k);
            r.setMetadata(new ObjectMetaBuilder().withName(name).build());
            r.setSpec(specs.get(k));
            stored.put(name, r);
        }
        return stored;
    }
}
