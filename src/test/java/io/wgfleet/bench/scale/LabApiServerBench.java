package io.wgfleet.bench.scale;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.lab.KubectlApiServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the lab API server stores and serves at fleet size, without the operator: it
 * declares the wide fleet (N nodes x P peers, {@link Fleet#wide}), keeps a watch on all peers
 * open (as the operator's informer does), then writes peer statuses as the operator does
 * (a GET of the peer, then one JSON patch {@code add /status}) from 4 threads for a fixed
 * time, and reads single peers and the whole list.
 *
 * <pre>
 * mvn -B -Pbench test-compile exec:exec@lab-api -Dnodes=1000 -DpeersPerNode=10 [-Dseconds=30]
 * </pre>
 */
public final class LabApiServerBench {

    private static final int THREADS = 4;

    private LabApiServerBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
        quiet.setLevel(java.util.logging.Level.WARNING);
        int nodes = intArg(args, 0, 1000);
        int perNode = intArg(args, 1, 10);
        int seconds = intArg(args, 2, 30);
        int status = 1;
        try {
            run(Fleet.wide(nodes, perNode, null), seconds);
            status = 0;
        } finally {
            // the API server's threads would keep the JVM alive
            System.exit(status);
        }
    }

    private static int intArg(String[] args, int i, int dflt) {
        return args.length > i && args[i].matches("\\d+") ? Integer.parseInt(args[i]) : dflt;
    }

    private static void run(Fleet fleet, int seconds) throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             KubernetesClient admin = api.client();
             KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                     .withUserAgent("wgfleet-bench").withRequestTimeout(120_000).build()).build()) {
            for (int i = 0; i < Fleet.NAMESPACES; i++) {
                client.resource(new NamespaceBuilder().withNewMetadata().withName(Fleet.namespace(i)).endMetadata().build()).create();
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                double nodesPerS = rate(pool, fleet.nodes.size(), i -> client.resource(fleet.nodes.get(i)).create());
                System.out.printf("created %d nodes: %.0f/s%n", fleet.nodes.size(), nodesPerS);
                double peersPerS = rate(pool, fleet.peers.size(), i -> client.resource(fleet.peers.get(i)).create());
                System.out.printf("created %d peers: %.1f/s (%d stored peers at the end)%n", fleet.peers.size(), peersPerS,
                        fleet.peers.size());
                AtomicLong events = new AtomicLong();
                try (Watch w = client.resources(WireGuardPeer.class).inAnyNamespace().watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, WireGuardPeer resource) {
                        events.incrementAndGet();
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
                    String patch = client.getKubernetesSerialization().asJson(List.of(Map.of("op", "add", "path", "/status",
                            "value", status())));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    AtomicInteger next = new AtomicInteger();
                    AtomicLong writes = new AtomicLong();
                    List<Future<?>> running = new ArrayList<>();
                    long t0 = System.nanoTime();
                    for (int t = 0; t < THREADS; t++) {
                        running.add(pool.submit(() -> {
                            while (System.nanoTime() < deadline) {
                                WireGuardPeer p = fleet.peers.get(Math.floorMod(next.getAndIncrement(), fleet.peers.size()));
                                var one = client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace())
                                        .withName(p.getMetadata().getName());
                                one.get();
                                one.subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
                                writes.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : running) {
                        f.get();
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("status writes (GET + JSON patch, %d threads) at %d stored peers: %.1f/s (%d in %.0f s; %d watch events)%n",
                            THREADS, fleet.peers.size(), writes.get() / s, writes.get(), s, events.get());
                }
                double getsPerS = rate(pool, 2000, i -> {
                    WireGuardPeer p = fleet.peers.get((i * 7919) % fleet.peers.size());
                    client.resources(WireGuardPeer.class).inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).get();
                });
                System.out.printf("GET one peer: %.0f/s%n", getsPerS);
                Instant l0 = Instant.now();
                int listed = client.resources(WireGuardPeer.class).inAnyNamespace().list().getItems().size();
                System.out.printf("LIST all peers (%d): %d ms%n", listed, java.time.Duration.between(l0, Instant.now()).toMillis());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static double rate(ExecutorService pool, int n, java.util.function.IntConsumer action) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            running.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    action.accept(i);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** A verdict-sized status: six conditions, as the operator writes them. */
    private static WireGuardPeerStatus status() {
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setObservedGeneration(1L);
        String now = Instant.now().toString();
        for (String type : List.of("Ready", "Reconciling", "Stalled", "HandshakeSucceeded", "ConfigInSync", "TrafficFlowing")) {
            Condition c = new ConditionBuilder().withType(type).withStatus("True").withReason("Connected")
                    .withMessage("node node-00001: handshake 12 s ago, 4.1 KiB received, 3.9 KiB sent")
                    .withLastTransitionTime(now).withObservedGeneration(1L).build();
            s.getConditions().add(c);
        }
        s.setTargetNodes("node-00001");
        s.setLastDiagnosisTime(now);
        return s;
    }
}
