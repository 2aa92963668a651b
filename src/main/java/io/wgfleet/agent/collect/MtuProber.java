package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.PingParser;
import io.wgfleet.api.v1alpha1.MtuProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Finds the largest ICMP payload that crosses the tunnel with Don't-Fragment set: coarse sizes
 * from large to small until one passes, then a bisection between the last failure and the
 * first pass down to {@link #RESOLUTION} bytes. Each failing size costs one ping timeout (1 s),
 * so the coarse list is short and the bisection bounded.
 */
public final class MtuProber {

    /**
     * 1392 fills a 1420-byte WireGuard MTU (1392 + 8 ICMP + 20 IPv4); the others are common
     * tunnel-in-tunnel and PPPoE cases, IPv6's minimum, and the smallest ping as a last check.
     */
    public static final List<Integer> COARSE_SIZES = List.of(1392, 1352, 1300, 1200, 1000, 552, 56);
    public static final int RESOLUTION = 8;
    private static final int MAX_BISECTIONS = 6;

    private final CommandRunner runner;
    private final ExecutorService pool;

    public MtuProber(CommandRunner runner, ExecutorService pool) {
        this.runner = runner;
        this.pool = pool;
    }

    /** Probes every target in parallel (each target's sizes one after another). */
    public List<MtuProbe> probe(List<ProbeTarget> targets) throws InterruptedException {
        List<Future<MtuProbe>> futures = new ArrayList<>();
        for (ProbeTarget t : targets) {
            futures.add(pool.submit(() -> probeOne(t)));
        }
        List<MtuProbe> out = new ArrayList<>();
        for (Future<MtuProbe> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                // probeOne only runs commands, which report failures as results; nothing to add
            }
        }
        return out;
    }

    MtuProbe probeOne(ProbeTarget t) {
        MtuProbe m = new MtuProbe();
        m.setInterfaceName(t.interfaceName());
        m.setPeerPublicKey(t.peerPublicKey());
        m.setTarget(t.address());
        Integer pass = null;
        Integer fail = null;
        for (int size : COARSE_SIZES) {
            if (passes(t.address(), size, m)) {
                pass = size;
                break;
            }
            fail = size;
        }
        if (pass != null && fail != null) {
            int lo = pass;
            int hi = fail;
            for (int i = 0; i < MAX_BISECTIONS && hi - lo > RESOLUTION; i++) {
                int mid = (lo + hi) / 2;
                if (passes(t.address(), mid, m)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            pass = lo;
            fail = hi;
        }
        m.setLargestPassingPayload(pass);
        m.setSmallestFailingPayload(fail);
        return m;
    }

    private boolean passes(String target, int size, MtuProbe m) {
        m.getTriedPayloads().add(size);
        return PingParser.replied(runner.run(NodeCommands.pingDontFragment(target, size), Duration.ofSeconds(5)).stdout());
    }
}
