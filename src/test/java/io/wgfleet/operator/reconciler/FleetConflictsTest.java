package io.wgfleet.operator.reconciler;

import static io.wgfleet.testing.Peers.node;
import static io.wgfleet.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.status.DesiredCondition;
import io.wgfleet.operator.status.PeerVerdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetConflictsTest {

    final FleetConflicts fleet = new FleetConflicts();
    final List<Node> nodes = List.of(node("gw1", Map.of()), node("gw2", Map.of()));

    PeerVerdict check(WireGuardPeer me, WireGuardPeer... sameInterface) {
        return fleet.check(me, List.of(me.getSpec().getNodeName()), List.of(sameInterface), nodes);
    }

    static String readyMessage(PeerVerdict v) {
        return v.conditions().stream().filter(c -> c.type() == ConditionType.READY).map(DesiredCondition::message)
                .findFirst().orElseThrow();
    }

    @Test
    void disjointPeersDoNotConflict() {
        WireGuardPeer a = peer("ns", "a", "gw1", "wg0", "10.0.1.0/24");
        WireGuardPeer b = peer("ns", "b", "gw1", "wg0", "10.0.2.0/24");
        assertThat(check(a, a, b)).isNull();
    }

    @Test
    void oneKeyTwiceOnOneNodeAndInterfaceIsStalledNamingTheOtherPeerAndOnlyAKeyPrefix() {
        WireGuardPeer a = peer("ns", "a", "gw1", "wg0", "10.0.1.0/24");
        WireGuardPeer b = peer("other", "b", "gw1", "wg0", "10.0.2.0/24");
        b.getSpec().setPublicKey(a.getSpec().getPublicKey());

        PeerVerdict v = check(a, b);
        assertThat(v.reason()).isEqualTo("DuplicatePublicKey");
        String prefix = a.getSpec().getPublicKey().substring(0, 8);
        assertThat(readyMessage(v)).contains("Public key " + prefix + "…", "also by other/b", "interface wg0")
                .doesNotContain(a.getSpec().getPublicKey());
        assertThat(v.rootCause().getEvidence()).containsExactly(
                "WireGuardPeer other/b declares the same public key " + prefix + "… on wg0 of gw1");
        assertThat(v.conditions()).filteredOn(c -> c.type() == ConditionType.STALLED)
                .singleElement().satisfies(c -> assertThat(c.status()).isEqualTo("True"));
    }

    @Test
    void theSameKeyOnAnotherNodeIsNoConflict() {
        WireGuardPeer a = peer("ns", "a", "gw1", "wg0", "10.0.1.0/24");
        WireGuardPeer b = peer("ns", "b", "gw2", "wg0", "10.0.2.0/24");
        b.getSpec().setPublicKey(a.getSpec().getPublicKey());
        assertThat(check(a, b)).isNull();
    }

    @Test
    void overlappingAllowedIpsNameBothPrefixesTheOtherPeerAndTheNode() {
        WireGuardPeer site = peer("ns", "site", "gw1", "wg0", "10.20.0.0/16");
        WireGuardPeer branch = peer("other", "branch", "gw1", "wg0", "10.20.5.0/24");

        PeerVerdict v = check(site, branch);
        assertThat(v.reason()).isEqualTo("AllowedIPsOverlap");
        assertThat(v.rootCause().getEvidence()).containsExactly("10.20.0.0/16 overlaps 10.20.5.0/24 of WireGuardPeer other/branch (on gw1)");
        assertThat(readyMessage(v)).startsWith("AllowedIPs overlap on interface wg0: ");
        assertThat(v.rootCause().getRemediation().get(0)).contains("overlapping peers: other/branch");

        // and the other way round, from the branch's side
        assertThat(check(branch, site).rootCause().getEvidence())
                .containsExactly("10.20.5.0/24 overlaps 10.20.0.0/16 of WireGuardPeer ns/site (on gw1)");
    }

    @Test
    void aDuplicateKeyIsReportedBeforeAnOverlap() {
        WireGuardPeer a = peer("ns", "a", "gw1", "wg0", "10.0.0.0/16");
        WireGuardPeer b = peer("ns", "b", "gw1", "wg0", "10.0.1.0/24");
        b.getSpec().setPublicKey(a.getSpec().getPublicKey());
        assertThat(check(a, b).reason()).isEqualTo("DuplicatePublicKey");
    }

    @Test
    void anInvalidPeerClaimsNothing() {
        WireGuardPeer a = peer("ns", "a", "gw1", "wg0", "10.0.0.0/16");
        WireGuardPeer broken = peer("ns", "broken", "gw1", "wg0", "10.0.1.0/24", "not-a-cidr");
        broken.getSpec().setPublicKey(a.getSpec().getPublicKey());
        assertThat(check(a, broken)).isNull();
    }

    @Test
    void thePeerItselfIsTakenAsGivenNotAsTheInformerHoldsIt() {
        WireGuardPeer now = peer("ns", "a", "gw1", "wg0", "10.0.1.0/24");
        WireGuardPeer cachedOlderCopy = peer("ns", "a", "gw1", "wg0", "10.0.0.0/16");
        cachedOlderCopy.getSpec().setPublicKey(now.getSpec().getPublicKey());
        assertThat(check(now, cachedOlderCopy)).isNull();
    }
}
