package io.wgfleet.bench;

import io.wgfleet.diagnosis.DeclaredPeer;
import io.wgfleet.diagnosis.Diagnosis;
import io.wgfleet.diagnosis.DiagnosisEngine;
import io.wgfleet.diagnosis.DiagnosisInput;
import io.wgfleet.diagnosis.NodeFacts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * 10,000 in-fleet peers over 1,000 node reports, diagnosed one after the other on one
 * thread. Each node hosts wg0 with 10 peers (its neighbours ±1..±5 on a ring), so every
 * peer has a remote side with facts. One peer in five carries a fault (no reply, a drop
 * rule, a wrong key, a wrong port or an MTU black hole), the rest are healthy.
 * The score is peers diagnosed per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 2)
public class DiagnosisBenchmark {
    static final int NODES = 1_000;
    static final int PEERS_PER_NODE = 10;
    static final int PEERS = NODES * PEERS_PER_NODE;
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private DiagnosisInput[] inputs;

    @Setup
    public void setUp() {
        inputs = buildInputs(new Random(1));
    }

    @Benchmark
    @OperationsPerInvocation(PEERS)
    public void diagnoseAllPeers(Blackhole bh) {
        for (DiagnosisInput in : inputs) {
            bh.consume(DiagnosisEngine.diagnose(in));
        }
    }

    static DiagnosisInput[] buildInputs(Random r) {
        String[] keys = new String[NODES];
        String[] wrongKeys = new String[NODES];
        for (int i = 0; i < NODES; i++) {
            keys[i] = key(r);
            wrongKeys[i] = key(r);
        }
        Instant collected = NOW.minusSeconds(30);
        long hs = collected.getEpochSecond() - 20;
        // fault kind per (node, neighbour), symmetric so both ends agree
        int[][] fault = new int[NODES][PEERS_PER_NODE];
        NodeFacts[] facts = new NodeFacts[NODES];
        DeclaredPeer[][] declared = new DeclaredPeer[NODES][PEERS_PER_NODE];
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PEERS_PER_NODE; j++) {
                fault[i][j] = r.nextInt(5) == 0 ? 1 + r.nextInt(5) : 0;
            }
        }
        for (int i = 0; i < NODES; i++) {
            List<NodeFacts.Peer> peers = new ArrayList<>();
            List<NodeFacts.ProvokedHandshake> probes = new ArrayList<>();
            List<NodeFacts.MtuProbe> mtu = new ArrayList<>();
            List<NodeFacts.FirewallRule> fw = new ArrayList<>();
            List<NodeFacts.SourceCount> sources = new ArrayList<>();
            for (int j = 0; j < PEERS_PER_NODE; j++) {
                int k = neighbour(i, j);
                int f = fault[i][j];
                boolean failing = f == 1 || f == 2 || f == 3 || f == 4;
                String peerKey = f == 3 ? wrongKeys[k] : keys[k]; // wrong key held for the remote
                String endpoint = outer(k) + ":" + (f == 4 ? 51821 : 51820);
                peers.add(new NodeFacts.Peer(peerKey, endpoint, List.of(tunnel(k) + "/32"), failing ? 0L : hs,
                        failing ? 0L : 348L, failing ? 148L : 404L, null, null));
                probes.add(new NodeFacts.ProvokedHandshake("wg0", peerKey, tunnel(k), collected.minusSeconds(8),
                        failing ? 5300L : 150L, 148L, failing ? 0L : 92L, !failing, !failing, null));
                if (f == 5) {
                    mtu.add(new NodeFacts.MtuProbe("wg0", peerKey, tunnel(k), 1000, 1392, List.of(1392, 1000, 56, 1392), 1000, true, true, 2072L));
                }
                // what arrives here from k depends on k's entry for us: a path fault or a wrong port loses it
                boolean lost = fault[k][j ^ 1] == 1 || fault[k][j ^ 1] == 4;
                sources.add(new NodeFacts.SourceCount(outer(k), lost ? 0L : 3L, lost ? 0L : 444L));
            }
            if (i % 50 == 0) {
                fw.add(new NodeFacts.FirewallRule("nftables", 51820, "inet", "filter", "input", 7L, "drop", "udp dport 51820 drop", 1L));
            }
            NodeFacts.Interface wg0 = new NodeFacts.Interface("wg0", keys[i], 51820, true, List.of(tunnel(i) + "/16"), 1420, true, peers);
            facts[i] = new NodeFacts("node-" + i, collected, List.of(wg0),
                    List.of(new NodeFacts.Address("eth0", outer(i) + "/16"), new NodeFacts.Address("wg0", tunnel(i) + "/16")),
                    List.of(), fw, List.of(new NodeFacts.Arrivals(51820, 30L, sources, 6000L)), List.of(), probes, mtu,
                    List.of(), List.of(), List.of());
        }
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PEERS_PER_NODE; j++) {
                int k = neighbour(i, j);
                int f = fault[i][j];
                String key = f == 3 ? wrongKeys[k] : keys[k];
                declared[i][j] = new DeclaredPeer("fleet/n" + i + "-to-n" + k, "wg0", key, outer(k) + ":" + (f == 4 ? 51821 : 51820),
                        List.of(tunnel(k) + "/32"), null, false, tunnel(k));
            }
        }
        DiagnosisInput[] out = new DiagnosisInput[PEERS];
        int n = 0;
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PEERS_PER_NODE; j++) {
                int k = neighbour(i, j);
                int back = (j % 2 == 0) ? j + 1 : j - 1; // the neighbour's entry pointing back at i
                DiagnosisInput.RemoteSide remote = new DiagnosisInput.RemoteSide(declared[k][back], "node-" + k, facts[k], null);
                out[n++] = new DiagnosisInput(declared[i][j], "node-" + i, facts[i], null, remote, NOW,
                        Duration.ofMinutes(5));
            }
        }
        return out;
    }

    static String key(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** j = 0,1 → ±1; 2,3 → ±2; ... so that neighbour(neighbour(i, j), j ^ 1) == i. */
    static int neighbour(int i, int j) {
        int d = j / 2 + 1;
        return Math.floorMod(j % 2 == 0 ? i + d : i - d, NODES);
    }

    static String outer(int i) {
        return "198.18." + (i / 250) + "." + (i % 250 + 1);
    }

    static String tunnel(int i) {
        return "10.77." + (i / 250) + "." + (i % 250 + 1);
    }

    /** Sanity check of the generated fleet: prints the reason mix. */
    public static void main(String[] args) {
        java.util.Map<String, Integer> mix = new java.util.TreeMap<>();
        for (DiagnosisInput in : buildInputs(new Random(1))) {
            Diagnosis d = DiagnosisEngine.diagnose(in);
            mix.merge(d.reason().name(), 1, Integer::sum);
        }
        System.out.println(mix);
    }
}
