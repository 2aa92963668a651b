package io.wgfleet.bench.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.lab.KubectlApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The agent on a VPN concentrator: one interface with N declared peers (default 5,000), run
 * as the diagnostic Job runs it (its own JVM with the Job's heap: 256Mi limit at
 * MaxRAMPercentage=75, so -Xmx192m; every peer named in --peers, as the operator passes
 * them), against the lab API server, with the node's commands answered by
 * {@link SyntheticNode} (so no probe waits for a reply that never comes). Prints the run
 * time, the child's peak RSS and the report's size per section.
 *
 * <pre>
 * mvn -B -Pbench test-compile exec:exec@agent-concentrator [-Dpeers=5000]
 * </pre>
 */
public final class ConcentratorAgentRun {

    static final String NODE = "concentrator";
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private ConcentratorAgentRun() {
    }

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        int peers = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 5000;
        String probeWait = args.length > 1 ? args[1] : "5.5s";
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds")); KubernetesClient c = api.client()) {
            SyntheticNode.declarePeers(c, NODE, peers);
            String refs = String.join(",", IntStream.range(0, peers).mapToObj(n -> "bench/peer-" + n).toList());
            Path refsFile = Files.createTempFile("wgfleet-peers", ".txt");
            Files.writeString(refsFile, refs);
            List<String> cmd = new ArrayList<>(List.of("java", "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), api.url(), Integer.toString(peers), probeWait, refsFile.toString()));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            long peakKb = 0;
            StringBuilder childOut = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    childOut.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    childOut.append(e);
                }
            });
            reader.start();
            while (p.isAlive()) {
                peakKb = Math.max(peakKb, hwmKb(p.pid()));
                Thread.sleep(50);
            }
            reader.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.deleteIfExists(refsFile);
            WireGuardNodeReport r = c.resources(WireGuardNodeReport.class).withName(NODE).get();
            System.out.println(childOut.toString().lines().filter(l -> l.startsWith("agent:")).reduce("", (a, b) -> a + b + "\n"));
            if (r == null) {
                System.out.println("no report written; child said:\n" + childOut);
                System.exit(1);
            }
            int total = Serialization.asJson(r).getBytes(StandardCharsets.UTF_8).length;
            System.out.printf(Locale.ROOT, "%d declared peers, probe wait %s: agent JVM ran %.1f s (JVM start included), peak RSS %.0f MiB at -Xmx192m%n",
                    peers, probeWait, seconds, peakKb / 1024.0);
            System.out.printf(Locale.ROOT, "report: %d bytes (%.2f MiB; etcd's limit 1.5 MiB, target < 1 MiB)%n", total, total / 1048576.0);
            var s = r.getSpec();
            section("interfaces", s.getInterfaces());
            section("handshakeProbes", s.getHandshakeProbes());
            section("routes", s.getRoutes());
            section("addresses", s.getAddresses());
            section("dns", s.getDns());
            section("mtuProbes", s.getMtuProbes());
            section("arrivals", s.getArrivals());
            section("collectionErrors", s.getCollectionErrors());
        }
        System.exit(0);
    }

    private static void section(String name, Object value) {
        System.out.printf(Locale.ROOT, "  %-18s %9d bytes%n", name, Serialization.asJson(value).getBytes(StandardCharsets.UTF_8).length);
    }

    private static long hwmKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the process ended between the check and the read
        }
        return 0;
    }

    /** The agent's JVM: the production NodeAgent with the synthetic node's command outputs. */
    public static final class Child {
        private static final java.util.logging.Logger QUIET_CHILD = java.util.logging.Logger.getLogger("io.fabric8");

        public static void main(String[] args) throws Exception {
            QUIET_CHILD.setLevel(java.util.logging.Level.WARNING);
            int peers = Integer.parseInt(args[1]);
            Duration wait = Duration.ofMillis(Math.round(Double.parseDouble(args[2].replace("s", "")) * 1000));
            List<String> refs = List.of(Files.readString(Path.of(args[3])).split(","));
            SyntheticNode node = new SyntheticNode(peers);
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(args[0])
                    .withOauthToken("lab-has-no-authentication").withRequestTimeout(60_000).build()).build()) {
                long t = System.nanoTime();
                new NodeAgent(client, node, Clock.systemUTC(), AgentOptions.forNode(NODE).withPeers(refs).withProbeWait(wait)).run();
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "agent: run %.1f s, heap used at the end %.0f MiB%n", (System.nanoTime() - t) / 1e9,
                        (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
            }
            // the client's threads would keep the JVM alive, as AgentMain's System.exit knows
            System.exit(0);
        }
    }
}
