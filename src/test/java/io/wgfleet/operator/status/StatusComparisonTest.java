package io.wgfleet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.RootCause;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusComparisonTest {

    static Condition ready(String status, String message) {
        return new ConditionBuilder().withType("Ready").withStatus(status).withReason("Connected").withMessage(message)
                .withObservedGeneration(1L).withLastTransitionTime("2026-11-25T10:00:00Z").build();
    }

    static WireGuardPeerStatus status(Condition... conditions) {
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setObservedGeneration(1L);
        s.setConditions(new ArrayList<>(List.of(conditions)));
        return s;
    }

    @Test
    void equalContentInSeparateObjectsIsTheSame() {
        assertThat(StatusComparison.same(status(ready("True", "ok")), status(ready("True", "ok")))).isTrue();
    }

    @Test
    void noStatusAndAnEmptyOneAreTheSame() {
        assertThat(StatusComparison.same(null, new WireGuardPeerStatus())).isTrue();
        assertThat(StatusComparison.same(null, null)).isTrue();
    }

    @Test
    void emptyListsAndObjectsCountAsAbsentAsTheApiServerStoresThem() {
        WireGuardPeerStatus withEmpties = status(ready("True", "ok"));
        withEmpties.setNodes(new ArrayList<>());
        RootCause empty = new RootCause();
        empty.setEvidence(new ArrayList<>());
        withEmpties.setRootCause(empty);
        assertThat(StatusComparison.same(withEmpties, status(ready("True", "ok")))).isTrue();
    }

    @Test
    void anyChangedValueIsADifference() {
        WireGuardPeerStatus base = status(ready("True", "ok"));
        assertThat(StatusComparison.same(base, status(ready("False", "ok")))).isFalse();
        assertThat(StatusComparison.same(base, status(ready("True", "ok, again")))).isFalse();
        assertThat(StatusComparison.same(base, status())).isFalse();

        WireGuardPeerStatus withNode = status(ready("True", "ok"));
        PeerNodeStatus n = new PeerNodeStatus();
        n.setNode("n1");
        withNode.setNodes(new ArrayList<>(List.of(n)));
        assertThat(StatusComparison.same(base, withNode)).isFalse();

        WireGuardPeerStatus later = status(ready("True", "ok"));
        later.setLastDiagnosisTime("2026-11-25T10:05:00Z");
        assertThat(StatusComparison.same(base, later)).isFalse();
    }
}
