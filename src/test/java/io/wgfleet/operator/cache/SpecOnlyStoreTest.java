package io.wgfleet.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.testing.Peers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOnlyStoreTest {

    final SpecOnlyStore store = new SpecOnlyStore();

    static WireGuardPeer asked(String request, String handled) {
        WireGuardPeer p = Peers.peer("ns", "a", "n0", "wg0", "10.0.0.1/32");
        p.getMetadata().setAnnotations(Map.of(WireGuardPeer.DIAGNOSE_ANNOTATION, request, "other", "dropped"));
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        DiagnosisRound r = new DiagnosisRound();
        r.setHandledRequest(handled);
        s.setDiagnosisRound(r);
        p.setStatus(s);
        return p;
    }

    @Test
    void keepsARequestNoStoredRoundHandledAndNothingElseBesideTheSpec() {
        store.put("ns/a", asked("second", "first"));
        WireGuardPeer kept = store.get("ns/a");
        assertThat(kept.getStatus()).isNull();
        assertThat(kept.getMetadata().getAnnotations()).containsOnlyKeys(WireGuardPeer.DIAGNOSE_ANNOTATION);
        assertThat(SpecOnlyStore.pendingRequest(kept)).isEqualTo("second");
    }

    @Test
    void aHandledRequestIsNotPendingAnyMore() {
        store.put("ns/a", asked("second", "first"));
        store.put("ns/a", asked("second", "second"));
        assertThat(SpecOnlyStore.pendingRequest(store.get("ns/a"))).isNull();
        WireGuardPeer none = Peers.peer("ns", "b", "n0", "wg0", "10.0.0.2/32");
        store.put("ns/b", none);
        assertThat(SpecOnlyStore.pendingRequest(store.get("ns/b"))).as("no request, no status").isNull();
    }
}
