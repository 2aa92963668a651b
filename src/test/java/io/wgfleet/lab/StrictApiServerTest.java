package io.wgfleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.testing.Peers;
import io.wgfleet.testing.Reports;
import io.wgfleet.testing.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The lab API server refuses what a real one refuses, with the same codes and wording. */
class StrictApiServerTest {

    private static final String PEERS = "/apis/wgfleet.io/v1alpha1/namespaces/lab/wireguardpeers";
    private static KubectlApiServer api;
    private static KubernetesClient client;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        api = KubectlApiServer.start(Path.of("crds"));
        client = api.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsAConflict() {
        WireGuardPeer created = client.resource(Peers.peer("lab", "stale", "n1", "wg0", "10.0.0.2/32")).create();
        WireGuardPeer first = client.resources(WireGuardPeer.class).inNamespace("lab").withName("stale").get();
        first.getSpec().setEndpoint("192.0.2.1:51820");
        client.resource(first).update();

        created.getSpec().setEndpoint("192.0.2.9:51820");
        assertThatThrownBy(() -> client.resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).isEqualTo("Operation cannot be fulfilled on wireguardpeers.wgfleet.io \"stale\": "
                            + "the object has been modified; please apply your changes to the latest version and try again");
                });
        assertThat(client.resources(WireGuardPeer.class).inNamespace("lab").withName("stale").get().getSpec().getEndpoint())
                .isEqualTo("192.0.2.1:51820");
    }

    @Test
    void aStatusUpdateOrPatchWithAStaleResourceVersionIsAConflict() {
        WireGuardPeer created = client.resource(Peers.peer("lab", "stale-status", "n1", "wg0", "10.0.0.3/32")).create();
        WireGuardPeer fresh = client.resource(withNodes(client.resource(created).get(), "n1")).patchStatus();
        assertThat(fresh.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());

        withNodes(created, "stale");
        assertThatThrownBy(() -> client.resource(created).updateStatus())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        String stalePatch = "{\"metadata\":{\"resourceVersion\":\"" + created.getMetadata().getResourceVersion()
                + "\"},\"status\":{\"targetNodes\":\"stale\"}}";
        assertThatThrownBy(() -> client.resources(WireGuardPeer.class).inNamespace("lab").withName("stale-status").subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), stalePatch))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        // without a resourceVersion a patch is unconditional, as on a real server
        client.resources(WireGuardPeer.class).inNamespace("lab").withName("stale-status").subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"targetNodes\":\"n2\"}}");
        assertThat(client.resources(WireGuardPeer.class).inNamespace("lab").withName("stale-status").get().getStatus().getTargetNodes())
                .isEqualTo("n2");
    }

    @Test
    void twoHoldersCannotBothTakeALease() {
        Lease lease = client.resource(new LeaseBuilder().withNewMetadata().withNamespace("lab").withName("leader").endMetadata()
                .withNewSpec().withHolderIdentity("a").withLeaseDurationSeconds(15).endSpec().build()).create();
        Lease seenByA = client.resource(lease).get();
        Lease seenByB = client.resource(lease).get();
        seenByA.getSpec().setHolderIdentity("a2");
        client.resource(seenByA).update();
        seenByB.getSpec().setHolderIdentity("b");
        assertThatThrownBy(() -> client.resource(seenByB).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getMessage()).startsWith("Operation cannot be fulfilled on leases.coordination.k8s.io \"leader\"");
                });
        assertThat(client.resource(lease).get().getSpec().getHolderIdentity()).isEqualTo("a2");
    }

    @Test
    void aCustomResourceUpdateWithoutAResourceVersionIsRefused() throws Exception {
        client.resource(Peers.peer("lab", "unconditional", "n1", "wg0", "10.0.0.4/32")).create();
        HttpResponse<String> r = send("PUT", PEERS + "/unconditional", "application/json", peerJson("unconditional", TestKeys.key(), ""));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("WireGuardPeer.wgfleet.io \\\"unconditional\\\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
    }

    @Test
    void aPeerTheSchemaRefusesGets422NamingEachField() {
        WireGuardPeer bad = Peers.peer("lab", "bad", "n1", "wg0/x", "10.0.0.5/32");
        bad.getSpec().setPublicKey("not-a-key");
        bad.getSpec().setPersistentKeepalive(70000);
        assertThatThrownBy(() -> client.resource(bad).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField())
                            .containsExactlyInAnyOrder("spec.interfaceName", "spec.persistentKeepalive", "spec.publicKey");
                    assertThat(e.getStatus().getMessage()).startsWith("WireGuardPeer.wgfleet.io \"bad\" is invalid: [")
                            .contains("spec.publicKey: Invalid value: \"not-a-key\": spec.publicKey in body should match "
                                    + "'^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'")
                            .contains("spec.persistentKeepalive: Invalid value: 70000: spec.persistentKeepalive in body should be less than or equal to 65535")
                            .contains("spec.interfaceName: Invalid value: \"wg0/x\": spec.interfaceName in body should match");
                });
        assertThat(client.resources(WireGuardPeer.class).inNamespace("lab").withName("bad").get()).isNull();
    }

    @Test
    void requiredFieldsAndTypesAreChecked() throws Exception {
        HttpResponse<String> r = send("POST", PEERS, "application/json", """
                {"apiVersion":"wgfleet.io/v1alpha1","kind":"WireGuardPeer","metadata":{"name":"no-key","namespace":"lab"},
                 "spec":{"nodeName":"n1","persistentKeepalive":"often","presharedKeySecretRef":{}}}""");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("spec.interfaceName: Required value").contains("spec.publicKey: Required value")
                .contains("spec.presharedKeySecretRef.name: Required value")
                .contains("spec.persistentKeepalive: Invalid value: \\\"string\\\": spec.persistentKeepalive in body must be of type integer: \\\"string\\\"");
    }

    @Test
    void anUpdateIsValidatedToo() {
        client.resource(Peers.peer("lab", "edited", "n1", "wg0", "10.0.0.6/32")).create();
        assertThatThrownBy(() -> client.resources(WireGuardPeer.class).inNamespace("lab").withName("edited")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"persistentKeepalive\":-1}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .contains("spec.persistentKeepalive: Invalid value: -1: spec.persistentKeepalive in body should be greater than or equal to 0"));
        assertThat(client.resources(WireGuardPeer.class).inNamespace("lab").withName("edited").get().getSpec().getPersistentKeepalive())
                .isNull();
    }

    @Test
    void unknownFieldsArePrunedWithAWarningAndRefusedUnderStrictValidation() throws Exception {
        String body = """
                {"apiVersion":"wgfleet.io/v1alpha1","kind":"WireGuardPeer","metadata":{"name":"%s","namespace":"lab"},
                 "spec":{"interfaceName":"wg0","nodeName":"n1","publicKey":"%s","listenPort":51820,"diagnosis":{}},
                 "status":{"targetNodes":"forged"}}""";
        HttpResponse<String> strict = send("POST", PEERS + "?fieldValidation=Strict", "application/json", body.formatted("strict", TestKeys.key()));
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(strict.body()).contains("WireGuardPeer in version \\\"v1alpha1\\\" cannot be handled as a WireGuardPeer: "
                + "strict decoding error: unknown field \\\"spec.listenPort\\\"");

        HttpResponse<String> warned = send("POST", PEERS, "application/json", body.formatted("pruned", TestKeys.key()));
        assertThat(warned.statusCode()).isBetween(200, 201);
        assertThat(warned.headers().allValues("Warning")).anySatisfy(w -> assertThat(w).contains("unknown field \\\"spec.listenPort\\\""));
        var stored = client.genericKubernetesResources("wgfleet.io/v1alpha1", "WireGuardPeer").inNamespace("lab").withName("pruned").get();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> spec = (java.util.Map<String, Object>) stored.getAdditionalProperties().get("spec");
        assertThat(spec).doesNotContainKey("listenPort");
        // defaults are filled in inside objects that are present; status is not settable on create
        assertThat(spec.get("diagnosis")).isEqualTo(java.util.Map.of("interval", "5m"));
        assertThat(stored.getAdditionalProperties()).doesNotContainKey("status");
    }

    @Test
    void aReportOverEtcdsLimitIsRefusedAsARealServerRefusesIt() {
        List<PeerReport> peers = new ArrayList<>();
        for (int i = 0; i < 9000; i++) {
            peers.add(Reports.peer(TestKeys.key(), "198.51.100." + (i % 250) + ":51820", "10.1." + (i / 250) + "." + (i % 250) + "/32", 0, 0, 148));
        }
        WireGuardNodeReport huge = Reports.report("concentrator", Instant.now(), "wg0", TestKeys.key(), 51820, "192.0.2.1", "10.1.0.1/16", peers);
        int bytes = client.getKubernetesSerialization().asJson(huge).getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("between etcd's limit and the API server's body limit").isBetween(1536 * 1024 + 1, 3 * 1024 * 1024);
        assertThatThrownBy(() -> client.resource(huge).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).as("kube-apiserver wraps etcd's error as a 500 without a reason").isEqualTo(500);
                    assertThat(e.getStatus().getMessage()).isEqualTo("etcdserver: request is too large");
                    assertThat(e.getStatus().getReason()).isNull();
                });
        assertThat(client.resources(WireGuardNodeReport.class).withName("concentrator").get()).isNull();
        WireGuardNodeReport small = Reports.report("concentrator", Instant.now(), "wg0", TestKeys.key(), 51820, "192.0.2.1", "10.1.0.1/16",
                peers.subList(0, 100));
        client.resource(small).create();
        assertThat(client.resources(WireGuardNodeReport.class).withName("concentrator").get()).isNotNull();
    }

    @Test
    void aBodyOverTheApiServersLimitIsRefusedBeforeItIsRead() throws Exception {
        String body = "{\"apiVersion\":\"wgfleet.io/v1alpha1\",\"kind\":\"WireGuardPeer\",\"metadata\":{\"name\":\"big\",\"namespace\":\"lab\","
                + "\"annotations\":{\"a\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}}}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + PEERS))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("Request entity too large: limit is 3145728");
    }

    @Test
    void concurrentPatchesLoseNothing() throws Exception {
        client.resource(Peers.peer("lab", "busy", "n1", "wg0", "10.0.0.7/32")).create();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String patch = "{\"metadata\":{\"annotations\":{\"k" + i + "\":\"v\"}}}";
                done.add(pool.submit(() -> client.resources(WireGuardPeer.class).inNamespace("lab").withName("busy")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch)));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.resources(WireGuardPeer.class).inNamespace("lab").withName("busy").get().getMetadata().getAnnotations()).hasSize(40);
    }

    @Test
    @EnabledIf("io.wgfleet.lab.LabEnvironment#kubectlAvailable")
    void kubectlApplyOfInvalidPeersPrintsTheServersMessage(@TempDir Path dir) throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
        Path manifest = dir.resolve("bad.yaml");
        Files.writeString(manifest, """
                apiVersion: wgfleet.io/v1alpha1
                kind: WireGuardPeer
                metadata: {name: bad-key, namespace: lab}
                spec: {interfaceName: wg0, nodeName: n1, publicKey: "abc="}
                ---
                apiVersion: wgfleet.io/v1alpha1
                kind: WireGuardPeer
                metadata: {name: bad-interval, namespace: lab}
                spec: {interfaceName: wg0, nodeName: n1, publicKey: "%s", diagnosis: {interval: "5 minutes"}}
                """.formatted(TestKeys.key()));
        Process p = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "apply", "-f", manifest.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(out).contains("Error from server (Invalid): error when creating")
                .contains("WireGuardPeer.wgfleet.io \"bad-key\" is invalid: spec.publicKey: Invalid value: \"abc=\": "
                        + "spec.publicKey in body should match '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'")
                .contains("WireGuardPeer.wgfleet.io \"bad-interval\" is invalid: spec.diagnosis.interval: Invalid value: \"5 minutes\": "
                        + "spec.diagnosis.interval in body should match '^([0-9]+h)?([0-9]+m)?([0-9]+s)?$'");
    }

    @Test
    @EnabledIf("io.wgfleet.lab.LabEnvironment#kubectlAvailable")
    void kubectlExplainsThePeerAndAppliesWithoutValidateFalse(@TempDir Path dir) throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
        String explained = Kubectl.run(kubeconfig, null, "explain", "wgp.spec");
        assertThat(explained).contains("KIND:       WireGuardPeer").contains("publicKey").contains("<string> -required-")
                .contains("The remote end's public key");
        assertThat(Kubectl.run(kubeconfig, null, "explain", "wireguardnodereports.spec.interfaces")).contains("wg show all dump");

        String valid = """
                apiVersion: wgfleet.io/v1alpha1
                kind: WireGuardPeer
                metadata: {name: applied, namespace: lab}
                spec: {interfaceName: wg0, nodeName: n1, publicKey: "%s"}
                """.formatted(TestKeys.key());
        assertThat(Kubectl.run(kubeconfig, valid, "apply", "-f", "-")).contains("wireguardpeer.wgfleet.io/applied created");
        assertThat(Kubectl.run(kubeconfig, valid, "apply", "-f", "-")).contains("wireguardpeer.wgfleet.io/applied unchanged");
        String unknownField = valid.replace("applied", "typo").replace("spec: {", "spec: {listenPort: 51820, ");
        assertThatThrownBy(() -> Kubectl.run(kubeconfig, unknownField, "apply", "-f", "-"))
                .hasMessageContaining("strict decoding error: unknown field \"spec.listenPort\"");
    }

    private static WireGuardPeer withNodes(WireGuardPeer p, String nodes) {
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setTargetNodes(nodes);
        p.setStatus(s);
        return p;
    }

    private static String peerJson(String name, String key, String resourceVersion) {
        return """
                {"apiVersion":"wgfleet.io/v1alpha1","kind":"WireGuardPeer","metadata":{"name":"%s","namespace":"lab"%s},
                 "spec":{"interfaceName":"wg0","nodeName":"n1","publicKey":"%s"}}"""
                .formatted(name, resourceVersion.isEmpty() ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"", key);
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
