package io.wgfleet.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.exec.ProcessCommandRunner;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the node agent (a plain Java main, not the Quarkus operator):
 *
 * <pre>
 *   --node NAME             node to observe and name the report after (default: $NODE_NAME)
 *   --peers ns/name,...     WireGuardPeers to probe (default: those with spec.nodeName = NAME)
 *   --probe-wait DURATION   window after provoking, e.g. 5.5s or 5500ms (default 5.5s)
 *   --no-probe              collect only: no handshake, arrival or MTU probes
 * </pre>
 *
 * Exit status: 0 report written; 2 bad arguments; 3 a required tool is missing or not
 * permitted; 4 the API server is unreachable or refuses. The reason is one line on stderr.
 */
public final class AgentMain {

    private AgentMain() {
    }

    public static void main(String[] args) {
        // the application's classpath carries JBoss LogManager, which complains on stderr when
        // JUL starts without it; choose it before the first logger exists
        if (System.getProperty("java.util.logging.manager") == null
                && AgentMain.class.getClassLoader().getResource("org/jboss/logmanager/LogManager.class") != null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        int status = run(args);
        System.exit(status);
    }

    /** Runs the agent and returns the exit status instead of exiting (for tests). */
    public static int run(String[] args) {
        AgentOptions options;
        try {
            options = parse(args, System.getenv("NODE_NAME"));
        } catch (AgentException e) {
            System.err.println("wgfleet-agent: " + e.getMessage());
            return e.exitCode();
        }
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig(Config.autoConfigure(null))).build()) {
            return run(options, client, new ProcessCommandRunner(), Clock.systemUTC());
        }
    }

    /**
     * The agent's client settings over {@code base} (in-cluster service account or KUBECONFIG):
     * few retries, because an unreachable API server should end the Job in seconds with a
     * clear message, not after minutes of backoff.
     */
    public static Config clientConfig(Config base) {
        return new ConfigBuilder(base).withRequestRetryBackoffLimit(2).build();
    }

    /**
     * Runs the agent with the given client and command seam, as the Job's command line
     * asks. The lab kubelet uses this to run the production agent on the host with its
     * commands executed inside a lab node's namespace.
     */
    public static int run(String[] args, String defaultNode, KubernetesClient client, CommandRunner runner, Clock clock) {
        try {
            return run(parse(args, defaultNode), client, runner, clock);
        } catch (AgentException e) {
            System.err.println("wgfleet-agent: " + e.getMessage());
            return e.exitCode();
        }
    }

    private static int run(AgentOptions options, KubernetesClient client, CommandRunner runner, Clock clock) {
        try {
            new NodeAgent(client, runner, clock, options).run();
            return 0;
        } catch (AgentException e) {
            System.err.println("wgfleet-agent: " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("wgfleet-agent: interrupted");
            return 1;
        }
    }

    static AgentOptions parse(String[] args, String defaultNode) throws AgentException {
        String node = defaultNode;
        List<String> peers = new ArrayList<>();
        boolean probe = true;
        Duration wait = AgentOptions.DEFAULT_PROBE_WAIT;
        List<String> a = Arrays.asList(args);
        for (int i = 0; i < a.size(); i++) {
            String arg = a.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--node" -> node = value != null ? value : next(a, ++i, arg);
                case "--peers" -> {
                    for (String ref : (value != null ? value : next(a, ++i, arg)).split(",")) {
                        if (ref.isBlank()) {
                            continue;
                        }
                        if (!ref.strip().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?")) {
                            throw new AgentException(AgentException.BAD_ARGS, "--peers: '" + ref + "' is not namespace/name");
                        }
                        peers.add(ref.strip());
                    }
                }
                case "--probe-wait" -> wait = duration(value != null ? value : next(a, ++i, arg));
                case "--no-probe" -> probe = false;
                default -> throw new AgentException(AgentException.BAD_ARGS, "unknown argument '" + arg
                        + "' (expected --node, --peers, --probe-wait, --no-probe)");
            }
        }
        if (node == null || node.isBlank()) {
            throw new AgentException(AgentException.BAD_ARGS, "no node name: pass --node NAME or set NODE_NAME");
        }
        return new AgentOptions(node, peers, probe, wait);
    }

    private static String next(List<String> a, int i, String flag) throws AgentException {
        if (i >= a.size()) {
            throw new AgentException(AgentException.BAD_ARGS, flag + " needs a value");
        }
        return a.get(i);
    }

    static Duration duration(String s) throws AgentException {
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            }
            if (d.isNegative() || d.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new AgentException(AgentException.BAD_ARGS, "--probe-wait " + s + " is outside 0..5m");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new AgentException(AgentException.BAD_ARGS, "--probe-wait: '" + s + "' is not a duration like 5.5s or 5500ms");
        }
    }
}
