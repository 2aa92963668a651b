package io.wgfleet.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.status.ConditionType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads the operator tests share: a peer's condition, its Events, the requests the mock server saw. */
public final class ApiReads {

    private ApiReads() {
    }

    public static Condition condition(WireGuardPeer p, ConditionType type) {
        if (p.getStatus() == null) {
            // a peer the operator has not written yet has no status at all, as on a real API server
            throw new java.util.NoSuchElementException("no status on " + p.getMetadata().getName() + " yet");
        }
        return p.getStatus().getConditions().stream().filter(c -> c.getType().equals(type.type())).findFirst().orElseThrow();
    }

    public static List<Event> events(KubernetesClient client, WireGuardPeer p) {
        return client.v1().events().inNamespace(p.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> p.getMetadata().getName().equals(e.getInvolvedObject().getName()))
                .toList();
    }

    /** Every request recorded since the last drain. */
    public static List<RecordedRequest> drain(KubernetesMockServer server) throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            out.add(r);
        }
        return out;
    }
}
