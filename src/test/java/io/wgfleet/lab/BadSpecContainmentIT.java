package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * One peer whose spec the schema allows but the operator refuses (its probe address lies
 * outside its AllowedIPs) gets InvalidSpec naming the field, while its remote end and its
 * neighbours on the same node and interface are diagnosed as usual, in the same rounds.
 */
@EnabledIf("io.wgfleet.lab.FaultsIT#operatorBuilt")
class BadSpecContainmentIT {

    static final SyntheticAgent.Network NET = SyntheticAgent.Network.byIndex(n -> Integer.parseInt(n.substring(n.indexOf('-') + 1)));

    @Test
    void aBadPeerGetsInvalidSpecAndItsRemoteAndNeighboursTheirVerdicts() throws Exception {
        Path work = Path.of("target", "bad-spec-it");
        Files.createDirectories(work);
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             SimulatedFleet fleet = new SimulatedFleet(api, 4, 2, Duration.ofMillis(500))) {
            // an in-fleet pair node-0 <-> node-1 on wg0; the node-0 side is the bad one
            WireGuardPeer bad = Peers.peer(SimulatedFleet.NS, "bad", "node-0", "wg0", NET.tunnelAddress("node-1", "wg0"));
            bad.getSpec().setPublicKey(NET.publicKey("node-1", "wg0"));
            bad.getSpec().setEndpoint(NET.address("node-1") + ":" + SyntheticAgent.LISTEN_PORT);
            bad.getSpec().setProbeAddress("10.250.0.1");
            bad.getSpec().setRemotePeerRef(ref("remote"));
            WireGuardPeer remote = Peers.peer(SimulatedFleet.NS, "remote", "node-1", "wg0", NET.tunnelAddress("node-0", "wg0"));
            remote.getSpec().setPublicKey(NET.publicKey("node-0", "wg0"));
            remote.getSpec().setRemotePeerRef(ref("bad"));
            fleet.client.resource(bad).create();
            fleet.client.resource(remote).create();

            try (OperatorProcess operator = OperatorProcess.start(api.url(), work.resolve("operator.log"), Map.of())) {
                FaultsIT.await("every peer has a verdict", Duration.ofSeconds(90), () -> fleet.list().stream()
                        .allMatch(p -> ready(p) != null && !"DiagnosticPending".equals(ready(p).getReason())), fleet, operator);
                Map<String, String> reasons = new java.util.TreeMap<>();
                fleet.list().forEach(p -> reasons.put(p.getMetadata().getName(), ready(p).getReason()));
                System.out.println("[bad-spec] verdicts: " + reasons);
                WireGuardPeer b = get(fleet, "bad");
                assertThat(ready(b).getReason()).isEqualTo("InvalidSpec");
                assertThat(ready(b).getMessage()).contains("spec.probeAddress").contains("10.250.0.1");
                for (String neighbour : List.of("p-0-0", "p-0-1", "remote")) {
                    assertThat(reasons.get(neighbour)).as(neighbour).isNotEqualTo("InvalidSpec").isNotEqualTo("DiagnosticPending");
                }
                assertThat(reasons.get("p-0-0")).isEqualTo("Connected");
                assertThat(reasons.get("p-0-1")).isEqualTo("Connected");
                assertThat(fleet.kubelet.jobsPerNode()).containsKeys("node-0", "node-1");
            }
        }
    }

    private static PeerRef ref(String name) {
        PeerRef r = new PeerRef();
        r.setName(name);
        return r;
    }

    private static WireGuardPeer get(SimulatedFleet fleet, String name) {
        return fleet.client.resources(WireGuardPeer.class).inNamespace(SimulatedFleet.NS).withName(name).get();
    }

    private static Condition ready(WireGuardPeer p) {
        return SimulatedFleet.condition(p, "Ready");
    }
}
