package io.wgfleet.agent.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wgfleet.agent.AgentException;
import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.agent.exec.NamespaceCommandRunner;
import io.wgfleet.agent.exec.ProcessCommandRunner;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The agent as its own process, with commands run inside a lab namespace: what the future lab
 * kubelet will start. Args: NAMESPACE RUN_WIREGUARD_DIR NODE PROBE_WAIT_MS. The API server comes
 * from the usual fabric8 configuration (here: -Dkubernetes.master=...).
 */
public final class AgentInNamespace {

    private AgentInNamespace() {
    }

    public static void main(String[] args) throws Exception {
        NamespaceCommandRunner runner = new NamespaceCommandRunner(args[0], Path.of(args[1]), new ProcessCommandRunner());
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            new NodeAgent(client, runner, Clock.systemUTC(),
                    AgentOptions.forNode(args[2]).withProbeWait(Duration.ofMillis(Long.parseLong(args[3])))).run();
            System.exit(0);
        } catch (AgentException e) {
            System.err.println("wgfleet-agent: " + e.getMessage());
            System.exit(e.exitCode());
        }
    }
}
