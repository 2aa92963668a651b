package io.wgfleet.bench;

import io.wgfleet.diagnosis.fleet.AllowedIpsOverlap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The fleet-wide AllowedIPs overlap check over 100,000 prefixes (as strings, so parsing is
 * included): 10,000 peers × 10 prefixes in 1,000 node/interface groups, IPv4 and IPv6,
 * with about 1 % of prefixes landing inside another peer's range. Time per full check.
 * Warm-up is longer than for the diagnosis benchmark: one call takes tens of milliseconds,
 * so 2 s of warm-up leaves the sort and sweep partly uncompiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 6)
@Measurement(iterations = 5, time = 2)
public class AllowedIpsOverlapBenchmark {
    static final int PEERS = 10_000;
    static final int PREFIXES_PER_PEER = 10;

    private List<AllowedIpsOverlap.Claim> claims;

    @Setup
    public void setUp() {
        claims = buildClaims(new Random(7));
    }

    @Benchmark
    public List<AllowedIpsOverlap.Overlap> findOverlaps() {
        return AllowedIpsOverlap.find(claims);
    }

    static List<AllowedIpsOverlap.Claim> buildClaims(Random r) {
        List<AllowedIpsOverlap.Claim> out = new ArrayList<>(PEERS);
        for (int p = 0; p < PEERS; p++) {
            List<String> prefixes = new ArrayList<>(PREFIXES_PER_PEER);
            for (int k = 0; k < PREFIXES_PER_PEER; k++) {
                if (r.nextInt(100) == 0) {
                    // lands inside the /24 of another peer in the same group (same p % 1000)
                    int other = p >= 1000 ? p - 1000 : p + 1000;
                    prefixes.add("10." + (other / 250) + "." + (other % 250) + "." + r.nextInt(256) + "/32");
                } else if (k % 5 == 4) {
                    prefixes.add("fd00:" + Integer.toHexString(p) + ":" + Integer.toHexString(k) + "::/64");
                } else if (k == 0) {
                    prefixes.add("10." + (p / 250) + "." + (p % 250) + ".0/24");
                } else {
                    prefixes.add("172." + (16 + k) + "." + (p / 256 % 256) + "." + (p % 256) + "/32");
                }
            }
            out.add(new AllowedIpsOverlap.Claim("fleet/peer-" + p, "node-" + (p % 1000) + "/wg0", prefixes));
        }
        return out;
    }
}
