package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.agent.RecordedNode;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.testing.TestKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's RBAC in the chart is exactly what the agent uses: the node agent runs
 * against the mock API server (recorded node outputs instead of a real node) for a
 * first report, a second report replacing it, with peers named by the operator and
 * without; its requests must all be granted to wgfleet-agent and use every grant.
 */
@EnableKubernetesMockClient(crud = true)
class AgentRbacTest {

    static final String TEST_AGENT = "wgfleet-packaging-test";

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void everyCallTheAgentMakesIsGrantedAndEveryGrantIsUsed() throws Exception {
        try (KubernetesClient test = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(TEST_AGENT).build()).build()) {
            test.resource(peer("tunnels", "to-server", "node-c")).create();
            test.resource(peer("tunnels", "site", null)).create();
        }
        AgentOptions options = AgentOptions.forNode("node-c").withProbeWait(Duration.ZERO).withProbe(false);
        // as the operator starts it: the peers named (one of them since deleted); the report is new
        new NodeAgent(client, RecordedNode.client(), Clock.systemUTC(),
                options.withPeers(List.of("tunnels/to-server", "tunnels/site", "tunnels/gone"))).run();
        // without names: the peers whose nodeName is this node; the report is replaced
        new NodeAgent(client, RecordedNode.client(), Clock.systemUTC(), options).run();

        List<ApiCall> calls = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            String agent = r.getHeader("User-Agent");
            ApiCall c = ApiCall.of(r);
            if (c != null && (agent == null || !agent.startsWith(TEST_AGENT))) {
                calls.add(c);
            }
        }
        System.out.println("agent API calls: " + calls);
        var grants = new ChartRbac().grantsTo("wgfleet-agent");
        assertThat(calls).isNotEmpty();
        assertThat(ChartRbac.denied(calls, grants)).as("agent calls the chart does not grant").isEmpty();
        assertThat(ChartRbac.unused(calls, grants)).as("granted to the agent but never used").isEmpty();
    }

    static WireGuardPeer peer(String ns, String name, String node) {
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        WireGuardPeerSpec s = new WireGuardPeerSpec();
        s.setInterfaceName("wgc0");
        s.setNodeName(node);
        s.setPublicKey(TestKeys.key());
        s.setAllowedIPs(List.of("10.77.0.0/24"));
        p.setSpec(s);
        return p;
    }
}
