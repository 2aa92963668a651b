package io.wgfleet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Objects written by a newer agent or operator (a field this version does not know, at any
 * depth) are read with what this version knows, as a rolling upgrade needs: otherwise one
 * newer report fails the operator's report watch and the agent's read of its peers.
 */
class UnknownFieldsTest {

    final KubernetesSerialization json = new KubernetesSerialization();

    @Test
    void aReportFromANewerAgentIsReadWithTheFieldsThisVersionKnows() {
        WireGuardNodeReport r = json.unmarshal("""
                {"apiVersion":"wgfleet.io/v1alpha1","kind":"WireGuardNodeReport","metadata":{"name":"n1"},
                 "spec":{"nodeName":"n1","fromANewerAgent":1,
                   "interfaces":[{"name":"wg0","newInterfaceField":{"x":1},
                     "peers":[{"publicKey":"pk","newPeerField":[1,2]}]}],
                   "collectionErrors":[{"source":"wg","message":"m","newErrorField":true}]}}""", WireGuardNodeReport.class);
        assertThat(r.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(r.getSpec().getInterfaces().get(0).getName()).isEqualTo("wg0");
        assertThat(r.getSpec().getInterfaces().get(0).getPeers().get(0).getPublicKey()).isEqualTo("pk");
        assertThat(r.getSpec().getCollectionErrors().get(0).getSource()).isEqualTo("wg");
    }

    @Test
    void aPeerWithFieldsOfANewerVersionIsReadWithTheFieldsThisVersionKnows() {
        WireGuardPeer p = json.unmarshal("""
                {"apiVersion":"wgfleet.io/v1alpha1","kind":"WireGuardPeer","metadata":{"name":"a","namespace":"ns"},
                 "spec":{"interfaceName":"wg0","newSpecField":"x","remotePeerRef":{"name":"b","newRefField":1}},
                 "status":{"newStatusField":{},"rootCause":{"reason":"NoResponse","newCauseField":2},
                   "diagnosisRound":{"trigger":"FirstDiagnosis","newRoundField":3}}}""", WireGuardPeer.class);
        assertThat(p.getSpec().getInterfaceName()).isEqualTo("wg0");
        assertThat(p.getSpec().getRemotePeerRef().getName()).isEqualTo("b");
        assertThat(p.getStatus().getRootCause().getReason()).isEqualTo("NoResponse");
        assertThat(p.getStatus().getDiagnosisRound().getTrigger()).isEqualTo("FirstDiagnosis");
    }

    @Test
    void everyClassOfTheApiIgnoresUnknownFields() throws IOException, ClassNotFoundException {
        Path dir = Path.of("src/main/java/io/wgfleet/api/v1alpha1");
        List<String> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).sorted().toList();
        }
        assertThat(classes).contains("WireGuardPeerSpec", "PeerReport");
        for (String name : classes) {
            Class<?> c = Class.forName("io.wgfleet.api.v1alpha1." + name);
            boolean data = c.getDeclaredConstructors().length > 0 && java.util.Arrays.stream(c.getDeclaredConstructors())
                    .anyMatch(k -> k.getParameterCount() == 0 && java.lang.reflect.Modifier.isPublic(k.getModifiers()));
            if (!data) {
                continue; // a helper with no public no-argument constructor is never read from JSON
            }
            JsonIgnoreProperties a = c.getAnnotation(JsonIgnoreProperties.class);
            assertThat(a != null && a.ignoreUnknown()).as(name + " ignores unknown fields").isTrue();
        }
    }
}
