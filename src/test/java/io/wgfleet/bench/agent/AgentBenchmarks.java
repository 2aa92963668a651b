package io.wgfleet.bench.agent;

import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.agent.collect.FactCollector;
import io.wgfleet.agent.collect.CollectedFacts;
import io.wgfleet.agent.parse.DumpGenerator;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own cost on big nodes, without the node's command time and without the fixed
 * ~5.5 s probe window: parsing a 10,000-peer dump; collecting every fact for 1,000 peers; and
 * a full run for 1,000 declared peers (provoking, counting, writing the report to the CRUD mock
 * API server) with the window set to zero.
 *
 * <p>Run: {@code mvn -o -Pbench test-compile exec:exec -Dbench=io.wgfleet.bench.agent}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AgentBenchmarks {

    @State(Scope.Benchmark)
    public static class Dump10k {
        String text;

        @Setup
        public void setUp() {
            text = DumpGenerator.dump(1, 10_000);
        }
    }

    @State(Scope.Benchmark)
    public static class Node1k {
        SyntheticNode node;
        WgDump dump;

        @Setup
        public void setUp() throws Exception {
            node = new SyntheticNode(1000);
            dump = WgDumpParser.parse(node.dump());
        }
    }

    @State(Scope.Benchmark)
    public static class Cluster1k {
        SyntheticNode node;
        MockApi api;

        @Setup(Level.Trial)
        public void setUp() {
            node = new SyntheticNode(1000);
            api = new MockApi();
            SyntheticNode.declarePeers(api.client, "bench-node", 1000);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            api.close();
        }
    }

    @Benchmark
    public WgDump parseDump10kPeers(Dump10k s) throws Exception {
        return WgDumpParser.parse(s.text);
    }

    @Benchmark
    public CollectedFacts collectFacts1kPeers(Node1k s) throws Exception {
        // what the agent does per round before probing: a fresh dump parse plus every collector
        WgDump dump = WgDumpParser.parse(s.node.dump());
        return new FactCollector(s.node).collect(dump, List.of(), Map.of(), new WireGuardNodeReportSpec());
    }

    @Benchmark
    public WireGuardNodeReport fullRun1kPeersWithoutProbeWait(Cluster1k s) throws Exception {
        return new NodeAgent(s.api.client, s.node, Clock.systemUTC(),
                AgentOptions.forNode("bench-node").withProbeWait(Duration.ZERO)).run();
    }
}
