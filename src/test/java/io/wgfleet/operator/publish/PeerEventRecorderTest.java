package io.wgfleet.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.lab.FaultProxy;
import io.wgfleet.lab.FaultProxy.Fault;
import io.wgfleet.lab.FaultProxy.Rule;
import io.wgfleet.lab.FaultProxy.Verb;
import io.wgfleet.lab.KubectlApiServer;
import io.wgfleet.testing.Peers;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events through the fault proxy in front of the strict lab API server: a write the server
 * applied but answered with a 500 is retried by the client; the occurrence it carries keeps
 * that retry from counting one transition twice, while a real repeat is still counted.
 */
class PeerEventRecorderTest {

    KubectlApiServer api;
    FaultProxy proxy;
    KubernetesClient client;
    WireGuardPeer peer;

    @BeforeEach
    void start() throws Exception {
        api = KubectlApiServer.start(Path.of("crds"));
        proxy = new FaultProxy(api.port(), 7L);
        client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl(proxy.url()).withRequestRetryBackoffLimit(3).withRequestRetryBackoffInterval(50).build()).build();
        peer = api.client().resource(Peers.peer("site", "gw", "node-a", "wg0", "10.0.0.2/32")).create();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
        api.close();
    }

    @Test
    void aCreateAppliedButAnsweredWithAnErrorIsCountedOnce() {
        proxy.add(Rule.of(EnumSet.of(Verb.CREATE), "events", 1.0, Fault.ERROR_500_AFTER_APPLY).times(1));
        new PeerEventRecorder(client, Clock.systemUTC()).warning(peer, "NoResponse", "Ready=False: no answer");

        List<Event> events = api.client().v1().events().inNamespace("site").list().getItems();
        assertThat(proxy.seen().stream().filter(s -> s.verb() == Verb.CREATE && s.resource().equals("events")).count())
                .as("the client sent the create again after the error").isGreaterThan(1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getCount()).as("occurrences counted").isEqualTo(1);
    }

    @Test
    void aRepeatedTransitionIsCountedOnTheSameEventEvenWhenItsEditIsRetried() {
        PeerEventRecorder recorder = new PeerEventRecorder(client, Clock.systemUTC());
        recorder.warning(peer, "NoResponse", "Ready=False: no answer");
        proxy.add(Rule.of(EnumSet.of(Verb.PATCH, Verb.UPDATE), "events", 1.0, Fault.ERROR_500_AFTER_APPLY).times(1));
        recorder.warning(peer, "NoResponse", "Ready=False: no answer");

        List<Event> events = api.client().v1().events().inNamespace("site").list().getItems();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getCount()).as("two occurrences of one Event").isEqualTo(2);
    }
}
