package io.wgfleet.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.testing.Peers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events tell verdicts the API server holds: never one of a failed write, once for one that was applied despite its error. */
class StatusPublisherTest {

    final List<String> recorded = new ArrayList<>();
    final StatusPublisher publisher = new StatusPublisher(new PeerEventRecorder(null, Clock.systemUTC()) {
        @Override
        void record(io.fabric8.kubernetes.api.model.HasMetadata about, String type, String reason, String message) {
            recorded.add(type + " " + reason);
        }
    }, new PeerMetrics(new SimpleMeterRegistry()));
    final Instant now = Instant.parse("2026-12-02T03:00:00Z");

    static WireGuardPeerStatus status(String ready, String reason) {
        Condition c = new ConditionBuilder().withType("Ready").withStatus(ready).withReason(reason).withMessage(reason + ".")
                .withLastTransitionTime("2026-12-02T02:59:00Z").build();
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setConditions(List.of(c));
        s.setObservedGeneration(1L);
        return s;
    }

    static WireGuardPeer peer(WireGuardPeerStatus stored) {
        WireGuardPeer p = Peers.peer("ns", "a", "n0", "wg0", "10.0.0.1/32");
        p.getMetadata().setUid("uid-a");
        p.getMetadata().setGeneration(1L);
        p.setStatus(stored);
        return p;
    }

    @Test
    void aFailedWriteRecordsNothingAndItsRetryRecordsOnce() {
        WireGuardPeerStatus verdict = status("False", "NoResponse");
        assertThat(publisher.publish(peer(null), verdict, "NoResponse", false, now)).isTrue();
        publisher.notWritten(peer(null), verdict);
        assertThat(recorded).as("nothing stored, nothing told").isEmpty();
        assertThat(publisher.publish(peer(null), verdict, "NoResponse", false, now.plusSeconds(1))).as("written again").isTrue();
        publisher.written(peer(null), verdict);
        publisher.written(peer(null), verdict);
        assertThat(recorded).containsExactly("Warning NoResponse");
    }

    @Test
    void aWriteAppliedDespiteItsErrorIsToldWhenTheCacheShowsIt() {
        WireGuardPeerStatus verdict = status("True", "Connected");
        assertThat(publisher.publish(peer(null), verdict, "Connected", false, now)).isTrue();
        publisher.notWritten(peer(null), verdict);
        assertThat(publisher.publish(peer(verdict), verdict, "Connected", false, now.plusSeconds(1))).as("stored already").isFalse();
        publisher.publish(peer(verdict), verdict, "Connected", false, now.plusSeconds(2));
        assertThat(recorded).containsExactly("Normal Connected");
    }

    @Test
    void aCacheThatLagsOurOwnWriteTellsNoOlderVerdict() {
        WireGuardPeerStatus before = status("False", "NoResponse");
        WireGuardPeerStatus after = status("True", "Connected");
        publisher.publish(peer(before), after, "Connected", false, now);
        publisher.written(peer(before), after);
        assertThat(publisher.publish(peer(before), after, "Connected", false, now.plusSeconds(1))).as("just written").isFalse();
        assertThat(recorded).as("the verdict stored before this process saw the peer is not told again, the lagging cache not at all")
                .containsExactly("Normal Connected");
    }

    /** FaultsIT saw every condition's lastTransitionTime move at a round's end, Ready True all along. */
    @Test
    void aRoundStartedWhileTheCacheLagsOurWriteKeepsTheStatusWeWrote() {
        WireGuardPeerStatus before = status("Unknown", "DiagnosticPending");
        connectedWrittenOver(before);

        WireGuardPeerStatus recheck = status("True", "Connected");
        recheck.setDiagnosisRound(round("2026-12-02T03:00:05Z"));
        publisher.publish(peer(before), recheck, "Connected", true, now.plusSeconds(5));

        WireGuardPeerStatus base = publisher.previous(peer(before));
        assertThat(base.getConditions().get(0).getStatus()).as("the status we wrote, not the cache's older one").isEqualTo("True");
        assertThat(base.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-12-02T03:00:00Z");
        assertThat(base.getDiagnosisRound().getRequestedAt()).as("with the round that runs").isEqualTo("2026-12-02T03:00:05Z");
    }

    /** CI's FaultsIT saw a verdict's lastTransitionTime move 1 s after it was written, Ready True all along. */
    @Test
    void aReconcileThatDecidesWhatWasJustWrittenKeepsItAsTheBaseWhileTheCacheLags() {
        WireGuardPeerStatus before = status("Unknown", "DiagnosticPending");
        before.setDiagnosisRound(round("2026-12-02T02:59:50Z"));
        WireGuardPeerStatus connected = connectedWrittenOver(before);
        assertThat(publisher.publish(peer(before), connected, "Connected", false, now.plusSeconds(1))).as("just written").isFalse();

        WireGuardPeerStatus base = publisher.previous(peer(before));
        assertThat(base.getConditions().get(0).getStatus()).as("the status we wrote, not the cache's older one").isEqualTo("True");
        assertThat(base.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-12-02T03:00:00Z");
    }

    /** Our verdict (Connected since 03:00:00, round 02:59:50), written while the cache still shows {@code cached}. */
    private WireGuardPeerStatus connectedWrittenOver(WireGuardPeerStatus cached) {
        WireGuardPeerStatus connected = status("True", "Connected");
        connected.getConditions().get(0).setLastTransitionTime("2026-12-02T03:00:00Z");
        connected.setDiagnosisRound(round("2026-12-02T02:59:50Z"));
        publisher.publish(peer(cached), connected, "Connected", false, now);
        publisher.written(peer(cached), connected);
        return connected;
    }

    static io.wgfleet.api.v1alpha1.DiagnosisRound round(String requestedAt) {
        io.wgfleet.api.v1alpha1.DiagnosisRound r = new io.wgfleet.api.v1alpha1.DiagnosisRound();
        r.setRequestedAt(requestedAt);
        r.setGeneration(1L);
        return r;
    }
}
