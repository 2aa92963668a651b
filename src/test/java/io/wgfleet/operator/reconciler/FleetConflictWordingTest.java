package io.wgfleet.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.api.v1alpha1.RootCause;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.testing.Peers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet conflicts as the operator words them. These assertions came from the engine's
 * DiagnosisEngineTest and fleet tests, when the engine's own fleet-issue input (which
 * production never fed) was removed: the operator is the one place that decides them.
 */
class FleetConflictWordingTest {

    private final FleetConflicts conflicts = new FleetConflicts();

    @Test
    void sameKeyTwiceOnOneInterfaceNamesTheKeyByItsPrefixAndTheOtherPeer() {
        WireGuardPeer mine = Peers.peer("lab", "to-server", "wgc", "wg0", "10.77.0.1/32");
        WireGuardPeer copy = Peers.peer("lab", "copy", "wgc", "wg0", "10.77.0.5/32");
        String key = mine.getSpec().getPublicKey();
        copy.getSpec().setPublicKey(key);

        RootCause root = conflicts.check(mine, List.of("wgc"), List.of(copy), List.of(Peers.node("wgc", Map.of()))).rootCause();

        assertThat(root.getReason()).isEqualTo("DuplicatePublicKey");
        assertThat(root.getMessage()).contains(key.substring(0, 8) + "…", "lab/copy", "wg0").doesNotContain(key);
        assertThat(root.getEvidence()).anySatisfy(e -> assertThat(e).contains("lab/copy", "wgc"));
        assertThat(String.join("\n", root.getEvidence()) + String.join("\n", root.getRemediation())).doesNotContain(key);
    }

    @Test
    void overlappingPrefixesOnOneInterfaceNameBothPrefixesAndTheOtherPeer() {
        WireGuardPeer mine = Peers.peer("lab", "to-server", "wgc", "wg0", "10.77.0.1/32");
        WireGuardPeer wide = Peers.peer("lab", "wide", "wgc", "wg0", "10.77.0.0/24");

        RootCause root = conflicts.check(mine, List.of("wgc"), List.of(wide), List.of(Peers.node("wgc", Map.of()))).rootCause();

        assertThat(root.getReason()).isEqualTo("AllowedIPsOverlap");
        assertThat(root.getMessage()).contains("10.77.0.1/32", "10.77.0.0/24", "lab/wide");
    }
}
