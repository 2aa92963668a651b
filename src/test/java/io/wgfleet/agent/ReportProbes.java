package io.wgfleet.agent;

import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import java.util.ArrayList;
import java.util.List;

/** Every probe of a report, wherever the agent put it, named after its interface and peer as the operator reads it. */
public final class ReportProbes {

    private ReportProbes() {
    }

    public static List<HandshakeProbe> of(WireGuardNodeReportSpec s) {
        List<HandshakeProbe> out = new ArrayList<>(s.getHandshakeProbes());
        for (InterfaceReport i : s.getInterfaces()) {
            for (PeerReport p : i.getPeers()) {
                HandshakeProbe hp = p.getProbe();
                if (hp != null) {
                    HandshakeProbe named = new HandshakeProbe();
                    named.setInterfaceName(i.getName());
                    named.setPeerPublicKey(p.getPublicKey());
                    named.setTarget(hp.getTarget());
                    named.setProvokedAt(hp.getProvokedAt());
                    named.setWaitedMillis(hp.getWaitedMillis());
                    named.setTxDelta(hp.getTxDelta());
                    named.setRxDelta(hp.getRxDelta());
                    named.setHandshakeCompleted(hp.getHandshakeCompleted());
                    named.setReplied(hp.getReplied());
                    named.setRttMillis(hp.getRttMillis());
                    named.setEscalatedMillis(hp.getEscalatedMillis());
                    named.setInitiationsSent(hp.getInitiationsSent());
                    named.setError(hp.getError());
                    out.add(named);
                }
            }
        }
        return out;
    }
}
