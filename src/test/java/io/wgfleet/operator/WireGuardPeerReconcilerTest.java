package io.wgfleet.operator;

import static io.wgfleet.testing.Peers.node;
import static io.wgfleet.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.testing.ApiReads;
import io.wgfleet.testing.TestClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator, as built, against the fabric8 mock API server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class WireGuardPeerReconcilerTest {

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    TestClock clock;

    String ns;
    String nodeName;

    @BeforeEach
    void freshNamespaceAndNode() {
        // every test gets its own namespace and node so tests cannot see each other's peers
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        ns = "t-" + suffix;
        nodeName = "gw-" + suffix;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.nodes().resource(node(nodeName, Map.of("wgfleet.io/role", "gateway-" + suffix))).create();
    }

    @Test
    void validPeerGetsEveryConditionWithDiagnosticPending() {
        WireGuardPeer created = create(peer(ns, "site-b", nodeName, "wg0", "10.1.0.0/24"));

        WireGuardPeer p = awaitReason(created, "DiagnosticPending");

        assertThat(p.getStatus().getConditions()).extracting(Condition::getType)
                .containsExactly("Ready", "Reconciling", "Stalled", "HandshakeSucceeded", "ConfigInSync", "TrafficFlowing");
        assertThat(p.getStatus().getConditions()).allSatisfy(c -> {
            assertThat(c.getReason()).isEqualTo(switch (c.getType()) {
                case "Reconciling" -> "DiagnosisInProgress";
                case "Stalled" -> "NotStalled"; // False: no verdict, so not the root cause either
                default -> "DiagnosticPending";
            });
            assertThat(c.getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
            assertThat(c.getLastTransitionTime()).isNotBlank();
        });
        assertThat(condition(p, ConditionType.READY).getStatus()).isEqualTo("Unknown");
        assertThat(condition(p, ConditionType.HANDSHAKE_SUCCEEDED).getStatus()).isEqualTo("Unknown");
        assertThat(condition(p, ConditionType.RECONCILING).getStatus()).isEqualTo("True");
        assertThat(condition(p, ConditionType.STALLED).getStatus()).isEqualTo("False");
        assertThat(condition(p, ConditionType.READY).getMessage()).contains(nodeName);
        assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
        assertThat(p.getStatus().getTargetNodes()).isEqualTo(nodeName);
        assertThat(p.getStatus().getRootCause().getReason()).isEqualTo("DiagnosticPending");
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("spec.publicKey", (Consumer<WireGuardPeerSpec>) s -> s.setPublicKey("not-a-key")),
                Arguments.of("spec.interfaceName", (Consumer<WireGuardPeerSpec>) s -> s.setInterfaceName("a-very-long-interface-name")),
                Arguments.of("spec.endpoint", (Consumer<WireGuardPeerSpec>) s -> s.setEndpoint("vpn.example.com")),
                Arguments.of("spec.allowedIPs[1]", (Consumer<WireGuardPeerSpec>) s -> s.setAllowedIPs(List.of("10.0.0.0/24", "10.0.300.0/24"))),
                Arguments.of("spec.persistentKeepalive", (Consumer<WireGuardPeerSpec>) s -> s.setPersistentKeepalive(70000)),
                Arguments.of("spec.probeAddress", (Consumer<WireGuardPeerSpec>) s -> s.setProbeAddress("192.168.9.9")),
                Arguments.of("spec.nodeSelector/spec.nodeName", (Consumer<WireGuardPeerSpec>) s -> s.setNodeName(null)),
                Arguments.of("spec.diagnosis.interval", (Consumer<WireGuardPeerSpec>) s -> {
                    DiagnosisSettings d = new DiagnosisSettings();
                    d.setInterval("5 minutes");
                    s.setDiagnosis(d);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void eachInvalidFieldIsStalledInvalidSpecNamingTheField(String field, Consumer<WireGuardPeerSpec> breakIt) {
        WireGuardPeer bad = peer(ns, "bad", nodeName, "wg0", "10.0.0.0/24");
        breakIt.accept(bad.getSpec());
        WireGuardPeer p = awaitReason(create(bad), "InvalidSpec");

        assertThat(condition(p, ConditionType.STALLED).getStatus()).isEqualTo("True");
        assertThat(condition(p, ConditionType.READY).getStatus()).isEqualTo("False");
        assertThat(condition(p, ConditionType.READY).getMessage()).contains(field);
        assertThat(p.getStatus().getRootCause().getEvidence()).anySatisfy(e -> assertThat(e).startsWith(field));
    }

    @Test
    void aMalformedKeyIsNeverEchoedIntoStatusOrEvents() {
        String privateLooking = "cHJpdmF0ZS1rZXktcGFzdGVkLWluLWJ5LW1pc3Rha2U=";
        WireGuardPeer bad = peer(ns, "leaky", nodeName, "wg0", "10.0.0.0/24");
        bad.getSpec().setPublicKey(privateLooking + "x");
        WireGuardPeer p = awaitReason(create(bad), "InvalidSpec");

        assertThat(client.getKubernetesSerialization().asJson(p.getStatus())).doesNotContain(privateLooking.substring(0, 12));
        await().until(() -> !events(p).isEmpty());
        assertThat(events(p)).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(privateLooking.substring(0, 12)));
    }

    @Test
    void fixingTheSpecClearsInvalidSpec() {
        WireGuardPeer bad = peer(ns, "fixme", nodeName, "wg0", "10.0.0.0/33");
        WireGuardPeer p = awaitReason(create(bad), "InvalidSpec");

        p.getSpec().setAllowedIPs(List.of("10.0.0.0/24"));
        client.resource(p).update();

        WireGuardPeer fixed = awaitReason(p, "DiagnosticPending");
        assertThat(condition(fixed, ConditionType.STALLED).getStatus()).isEqualTo("False");
        assertThat(fixed.getStatus().getObservedGeneration()).isEqualTo(fixed.getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void oneBadPeerHarmsNoOther() {
        WireGuardPeer bad = peer(ns, "bad", nodeName, "wg0", "not-a-cidr");
        WireGuardPeer good = peer(ns, "good", nodeName, "wg0", "10.2.0.0/24");
        create(bad);
        create(good);
        awaitReason(bad, "InvalidSpec");
        awaitReason(good, "DiagnosticPending");
    }

    @Test
    void duplicatePublicKeyAcrossNamespacesOnOneNodeAndInterface() {
        String otherNs = ns + "-b";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(otherNs).endMetadata().build()).create();
        WireGuardPeer a = peer(ns, "laptop", nodeName, "wg0", "10.3.0.2/32");
        WireGuardPeer b = peer(otherNs, "phone", nodeName, "wg0", "10.3.0.3/32");
        b.getSpec().setPublicKey(a.getSpec().getPublicKey());
        WireGuardPeer onOtherInterface = peer(ns, "elsewhere", nodeName, "wg1", "10.9.0.2/32");
        onOtherInterface.getSpec().setPublicKey(a.getSpec().getPublicKey());
        create(a);
        create(b);
        create(onOtherInterface);

        WireGuardPeer pa = awaitReason(a, "DuplicatePublicKey");
        WireGuardPeer pb = awaitReason(b, "DuplicatePublicKey");
        assertThat(condition(pa, ConditionType.READY).getMessage()).contains(otherNs + "/phone").doesNotContain("elsewhere");
        assertThat(condition(pb, ConditionType.READY).getMessage()).contains(ns + "/laptop");
        awaitReason(onOtherInterface, "DiagnosticPending");

        // deleting one clears the other: the fleet informer re-reconciles the survivor
        client.resource(b).delete();
        awaitReason(a, "DiagnosticPending");
    }

    @Test
    void overlappingAllowedIPsAcrossNamespacesNameTheOtherPeerAndPrefixes() {
        String otherNs = ns + "-c";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(otherNs).endMetadata().build()).create();
        WireGuardPeer site = peer(ns, "site", nodeName, "wg0", "10.20.0.0/16");
        WireGuardPeer branch = peer(otherNs, "branch", nodeName, "wg0", "10.20.5.0/24", "fd00:5::/64");
        WireGuardPeer v6 = peer(ns, "v6", nodeName, "wg0", "fd00::/16");
        WireGuardPeer otherIface = peer(ns, "other-if", nodeName, "wg1", "10.20.0.0/16");
        create(site);
        create(branch);
        create(v6);
        create(otherIface);

        WireGuardPeer ps = awaitReason(site, "AllowedIPsOverlap");
        assertThat(condition(ps, ConditionType.READY).getMessage())
                .contains("10.20.0.0/16 overlaps 10.20.5.0/24 of WireGuardPeer " + otherNs + "/branch")
                .doesNotContain("other-if");
        WireGuardPeer pv6 = awaitReason(v6, "AllowedIPsOverlap");
        assertThat(condition(pv6, ConditionType.READY).getMessage()).contains("fd00::/16 overlaps fd00:5::/64");
        WireGuardPeer pb = awaitReason(branch, "AllowedIPsOverlap");
        assertThat(condition(pb, ConditionType.READY).getMessage()).contains(ns + "/site").contains(ns + "/v6");
        awaitReason(otherIface, "DiagnosticPending");
    }

    @Test
    void noMatchingNodesUntilALabelledNodeAppears() {
        WireGuardPeer p = peer(ns, "sel", null, "wg0", "10.4.0.0/24");
        p.getSpec().setNodeName(null);
        p.getSpec().setNodeSelector(Map.of("wgfleet.io/site", ns));
        WireGuardPeer stalled = awaitReason(create(p), "NoMatchingNodes");
        assertThat(condition(stalled, ConditionType.READY).getMessage()).contains("wgfleet.io/site=" + ns);

        client.nodes().resource(node(ns + "-node", Map.of("wgfleet.io/site", ns))).create();
        WireGuardPeer placed = awaitReason(p, "DiagnosticPending");
        assertThat(placed.getStatus().getTargetNodes()).isEqualTo(ns + "-node");
    }

    @Test
    void reconcilingAgainChangesNoTransitionTimeAndWritesNoStatus() throws Exception {
        WireGuardPeer p = awaitReason(create(peer(ns, "steady", nodeName, "wg0", "10.5.0.0/24")), "DiagnosticPending");
        List<Condition> before = p.getStatus().getConditions();
        String specBefore = client.getKubernetesSerialization().asJson(p.getSpec());
        clock.advance(Duration.ofSeconds(2)); // a rewritten timestamp would now differ by at least a second
        List<RecordedRequest> requests = new ArrayList<>();
        try {
            drainRequests();

            // an annotation change is a watch event (so a reconcile) but not a spec change
            client.resources(WireGuardPeer.class).inNamespace(ns).withName("steady")
                    .edit(x -> {
                        x.getMetadata().setAnnotations(Map.of("example.com/touched", "1"));
                        return x;
                    });
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                requests.addAll(drainRequests());
                assertThat(requests).filteredOn(r -> r.getPath().contains("/wireguardpeers/steady/status")).isEmpty();
            });
        } finally {
            clock.reset();
        }

        WireGuardPeer after = client.resources(WireGuardPeer.class).inNamespace(ns).withName("steady").get();
        assertThat(after.getStatus().getConditions()).usingRecursiveFieldByFieldElementComparator().isEqualTo(before);
        assertThat(requests).filteredOn(r -> r.getPath().contains("/wireguardpeers/steady/status")).isEmpty();
        assertThat(client.getKubernetesSerialization().asJson(after.getSpec())).isEqualTo(specBefore);
        assertThat(after.getMetadata().getGeneration()).isEqualTo(p.getMetadata().getGeneration());
    }

    @Test
    void theOperatorNeverWritesTheSpec() throws Exception {
        drainRequests();
        WireGuardPeer bad = peer(ns, "nospec", nodeName, "wg0", "10.6.0.0/24");
        bad.getSpec().setEndpoint("[fd00::1]");
        awaitReason(create(bad), "InvalidSpec");
        List<RecordedRequest> requests = drainRequests();
        assertThat(requests)
                .filteredOn(r -> r.getPath().contains("/wireguardpeers/nospec") && !"GET".equals(r.getMethod()))
                .allSatisfy(r -> assertThat(r.getPath()).contains("/status"));
    }

    @Test
    void oneEventPerTransitionAndRepeatsAreAggregated() {
        WireGuardPeer p = peer(ns, "ev", nodeName, "wg0", "10.7.0.0/24");
        p.getSpec().setAllowedIPs(List.of("bad"));
        WireGuardPeer invalid = awaitReason(create(p), "InvalidSpec");
        await().until(() -> events(invalid).stream().anyMatch(e -> "InvalidSpec".equals(e.getReason())));
        assertThat(events(invalid)).filteredOn(e -> "InvalidSpec".equals(e.getReason()))
                .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"))
                .hasSize(1); // first visit: one Event for Ready, not one per condition

        // another verdict, then the first one again: the same transition bumps the count
        invalid.getSpec().setAllowedIPs(List.of("10.7.0.0/24"));
        invalid.getSpec().setNodeName("no-such-node");
        awaitReason(client.resource(invalid).update(), "NoMatchingNodes");
        WireGuardPeer again = client.resources(WireGuardPeer.class).inNamespace(ns).withName("ev").get();
        again.getSpec().setAllowedIPs(List.of("bad"));
        awaitReason(client.resource(again).update(), "InvalidSpec");

        await().untilAsserted(() -> assertThat(events(invalid))
                .filteredOn(e -> "InvalidSpec".equals(e.getReason()) && e.getMessage().startsWith("Ready="))
                .singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(2)));
        assertThat(events(invalid)).filteredOn(e -> "NoMatchingNodes".equals(e.getReason())).singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
        // DiagnosticPending is no verdict: it records no Event
        assertThat(events(invalid)).filteredOn(e -> "DiagnosticPending".equals(e.getReason())).isEmpty();
    }

    // --- helpers -------------------------------------------------------------------

    WireGuardPeer create(WireGuardPeer p) {
        return client.resource(p).create();
    }

    WireGuardPeer awaitReason(WireGuardPeer p, String reason) {
        String name = p.getMetadata().getName();
        String namespace = p.getMetadata().getNamespace();
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(
                () -> client.resources(WireGuardPeer.class).inNamespace(namespace).withName(name).get(),
                x -> x != null && x.getStatus() != null
                        && x.getStatus().getConditions().size() == 6
                        && reason.equals(condition(x, ConditionType.READY).getReason())
                        && x.getMetadata().getGeneration().equals(x.getStatus().getObservedGeneration()));
    }

    static Condition condition(WireGuardPeer p, ConditionType type) {
        return ApiReads.condition(p, type);
    }

    List<Event> events(WireGuardPeer p) {
        return ApiReads.events(client, p);
    }

    List<RecordedRequest> drainRequests() throws InterruptedException {
        return ApiReads.drain(server.getKubernetesMockServer());
    }
}
