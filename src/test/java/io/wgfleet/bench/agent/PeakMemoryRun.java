package io.wgfleet.bench.agent;

import io.wgfleet.agent.AgentOptions;
import io.wgfleet.agent.NodeAgent;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;

/**
 * One full agent run on a synthetic 1,000-peer node (recorded-style outputs, CRUD mock API in
 * the same JVM), for measuring peak memory from outside, e.g. {@code /usr/bin/time -v}. Prints
 * the JVM's own peak heap too. Args: [peers] [probe-wait-ms].
 */
public final class PeakMemoryRun {

    private PeakMemoryRun() {
    }

    public static void main(String[] args) throws Exception {
        int peers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long waitMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        SyntheticNode node = new SyntheticNode(peers);
        try (MockApi api = new MockApi()) {
            SyntheticNode.declarePeers(api.client, "bench-node", peers);
            long t0 = System.nanoTime();
            WireGuardNodeReport r = new NodeAgent(api.client, node, Clock.systemUTC(),
                    AgentOptions.forNode("bench-node").withProbeWait(Duration.ofMillis(waitMs))).run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long heapPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPeak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("peers=%d run=%d ms probes=%d heap-peak=%.1f MiB%n", peers, ms,
                    r.getSpec().getHandshakeProbes().size(), heapPeak / 1048576.0);
        }
        System.exit(0);
    }
}
