package io.wgfleet.operator.report;

import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import java.time.Instant;

/** The handshake facts of one peer on one node, read from that node's report for status and metrics. */
final class PeerNodeFacts {

    private PeerNodeFacts() {
    }

    static PeerNodeStatus of(String node, WireGuardPeerSpec spec, WireGuardNodeReport report) {
        PeerNodeStatus s = new PeerNodeStatus();
        s.setNode(node);
        if (report == null || report.getSpec() == null) {
            return s;
        }
        s.setReportTime(report.getSpec().getCollectionTime());
        PeerReport peer = find(spec, report);
        if (peer != null) {
            Long hs = peer.getLatestHandshake();
            s.setLatestHandshakeTime(hs == null || hs <= 0 ? null : Instant.ofEpochSecond(hs).toString());
            s.setRxBytes(peer.getRxBytes());
            s.setTxBytes(peer.getTxBytes());
            s.setEndpoint(peer.getEndpoint());
        }
        return s;
    }

    static PeerReport find(WireGuardPeerSpec spec, WireGuardNodeReport report) {
        if (report.getSpec().getInterfaces() == null) {
            return null;
        }
        for (InterfaceReport i : report.getSpec().getInterfaces()) {
            if (i.getName() != null && i.getName().equals(spec.getInterfaceName()) && i.getPeers() != null) {
                for (PeerReport p : i.getPeers()) {
                    if (spec.getPublicKey().equals(p.getPublicKey())) {
                        return p;
                    }
                }
            }
        }
        return null;
    }
}
