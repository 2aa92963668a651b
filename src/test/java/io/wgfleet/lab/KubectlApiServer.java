package io.wgfleet.lab;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fabric8 mock API server in CRUD mode, extended (see {@link DiscoveryDispatcher})
 * so that a real kubectl can apply, get, describe, annotate and wait against it.
 * Plain HTTP on 127.0.0.1, or on the lab's host-only management address when the diagnostic
 * Jobs run as containers in lab nodes: it has no authentication and must never be reachable
 * from outside the machine.
 */
public final class KubectlApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final DiscoveryDispatcher dispatcher;
    private String host = "127.0.0.1";

    private KubectlApiServer(List<CustomResourceDefinition> crds) {
        this.dispatcher = new DiscoveryDispatcher(crds);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), RequestCounter.wrap(this, dispatcher), false);
    }

    /** Starts on a free loopback port with the CRDs found in {@code crdDir}. */
    public static KubectlApiServer start(Path crdDir) throws IOException {
        return start(crdDir, InetAddress.getLoopbackAddress());
    }

    /**
     * Starts on a free port of {@code bind}: loopback, or the host end of the lab's
     * {@link ManagementNetwork}, never a wildcard address.
     */
    public static KubectlApiServer start(Path crdDir, InetAddress bind) throws IOException {
        if (bind.isAnyLocalAddress()) {
            throw new IllegalArgumentException("the lab API server has no authentication: it must not listen on " + bind);
        }
        List<CustomResourceDefinition> crds = new ArrayList<>();
        KubernetesSerialization yaml = new KubernetesSerialization();
        try (Stream<Path> files = Files.list(crdDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList()) {
                crds.add(yaml.unmarshal(Files.readString(f), CustomResourceDefinition.class));
            }
        }
        KubectlApiServer s = new KubectlApiServer(crds);
        s.server.init(bind, 0);
        s.host = bind.getHostAddress();
        s.dispatcher.setServerAddress(s.host + ":" + s.server.getPort());
        try (KubernetesClient c = s.client()) {
            // stored like on a real cluster, so kubectl get crd and the operator find them
            for (CustomResourceDefinition crd : crds) {
                c.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            }
        }
        return s;
    }

    public String url() {
        return "http://" + host + ":" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    public KubernetesClient client() {
        return server.createClient();
    }

    /** Writes a kubeconfig for this server and returns its path. */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: wgfleet-lab
                  cluster:
                    server: %s
                contexts:
                - name: wgfleet-lab
                  context:
                    cluster: wgfleet-lab
                    user: wgfleet-lab
                    namespace: default
                current-context: wgfleet-lab
                users:
                - name: wgfleet-lab
                  user:
                    token: lab-has-no-authentication
                """.formatted(url()));
        return file;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
