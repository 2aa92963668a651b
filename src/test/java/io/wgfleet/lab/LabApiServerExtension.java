package io.wgfleet.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One lab API server (with the project's CRDs) and a client for a test class:
 * {@code @RegisterExtension static final LabApiServerExtension LAB = new LabApiServerExtension();}.
 * Started before the class's {@code @BeforeAll} methods, stopped after its {@code @AfterAll}.
 */
public final class LabApiServerExtension implements BeforeAllCallback, AfterAllCallback {

    private KubectlApiServer api;
    private KubernetesClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        api = KubectlApiServer.start(Path.of("crds"));
        client = api.client();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        api.close();
    }

    public KubectlApiServer api() {
        return api;
    }

    public KubernetesClient client() {
        return client;
    }
}
