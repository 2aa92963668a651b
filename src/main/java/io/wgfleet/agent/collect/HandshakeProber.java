package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.PingParser;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.HandshakeProbe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Provokes a handshake with every target at once (one ping into the tunnel each), watches one
 * window for all of them, and reports how latest-handshake, rx and tx moved. One shared window
 * keeps a round at ~5.5 s however many peers there are.
 */
public final class HandshakeProber {

    private final CommandRunner runner;
    private final Clock clock;
    private final ExecutorService pool;

    public HandshakeProber(CommandRunner runner, Clock clock, ExecutorService pool) {
        this.runner = runner;
        this.clock = clock;
        this.pool = pool;
    }

    /** Outcome of one round: the probes and the dump read at the end of the window (null if unreadable). */
    public record Round(List<HandshakeProbe> probes, WgDump after, long waitedMillis) {
    }

    /**
     * @param before the dump read just before provoking
     * @param wait   the window, measured from the moment the pings were started
     */
    public Round probe(List<ProbeTarget> targets, WgDump before, Duration wait) throws InterruptedException {
        Instant provokedAt = clock.instant();
        long start = System.nanoTime();
        List<Future<Boolean>> pings = new ArrayList<>();
        for (ProbeTarget t : targets) {
            pings.add(t.problem() == null && t.address() != null
                    ? pool.submit(() -> PingParser.replied(runner.run(NodeCommands.ping(t.address()), Duration.ofSeconds(5)).stdout()))
                    : null);
        }
        long remaining = wait.toNanos() - (System.nanoTime() - start);
        if (remaining > 0) {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
        }
        List<Boolean> replies = new ArrayList<>();
        for (Future<Boolean> f : pings) {
            replies.add(f == null ? null : join(f));
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        CommandResult r = runner.run(NodeCommands.WG_DUMP, NodeCommands.TIMEOUT);
        WgDump after = null;
        String afterError = null;
        if (!r.succeeded()) {
            afterError = "wg show all dump after the window: " + r.firstErrorLine();
        } else {
            try {
                after = WgDumpParser.parse(r.stdout());
            } catch (ParseException e) {
                afterError = e.getMessage();
            }
        }
        List<HandshakeProbe> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ProbeTarget t = targets.get(i);
            HandshakeProbe p = new HandshakeProbe();
            p.setInterfaceName(t.interfaceName());
            p.setPeerPublicKey(t.peerPublicKey());
            p.setTarget(t.address());
            if (t.problem() != null) {
                p.setError(t.problem());
                out.add(p);
                continue;
            }
            p.setProvokedAt(provokedAt.toString());
            p.setWaitedMillis(waited);
            p.setReplied(replies.get(i));
            Optional<WgDump.Peer> b = peer(before, t);
            Optional<WgDump.Peer> a = after == null ? Optional.empty() : peer(after, t);
            if (afterError != null) {
                p.setError(afterError);
            } else if (b.isEmpty() || a.isEmpty()) {
                p.setError("peer " + abbreviate(t.peerPublicKey()) + " disappeared from " + t.interfaceName() + " during the window");
            } else {
                p.setTxDelta(a.get().txBytes() - b.get().txBytes());
                p.setRxDelta(a.get().rxBytes() - b.get().rxBytes());
                p.setHandshakeCompleted(a.get().latestHandshake() > b.get().latestHandshake());
            }
            out.add(p);
        }
        return new Round(out, after, waited);
    }

    private static Optional<WgDump.Peer> peer(WgDump d, ProbeTarget t) {
        return d.iface(t.interfaceName()).flatMap(i -> i.peer(t.peerPublicKey()));
    }

    static String abbreviate(String publicKey) {
        return publicKey.length() > 8 ? publicKey.substring(0, 8) + "..." : publicKey;
    }

    private static Boolean join(Future<Boolean> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }
}
