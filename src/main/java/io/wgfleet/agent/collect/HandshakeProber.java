package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.PingParser;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.diagnosis.Keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Provokes a handshake with every target at once (one ping into the tunnel each), watches one
 * window for all of them, and reports how latest-handshake, rx and tx moved. One shared window
 * keeps a round at ~5.5 s for as many peers as there are threads; beyond that the window is
 * counted from the last provocation, so no peer gets less than the full wait.
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

    /** A target whose provoking ping was answered, with the round trip it took (null when ping did not say). */
    public record Answered(ProbeTarget target, Double rttMillis) {
    }

    public Round probe(List<ProbeTarget> targets, WgDump before, Duration wait) throws InterruptedException {
        return probe(targets, before, wait, answered -> {
        });
    }

    /**
     * @param before       the dump read just before provoking
     * @param wait         the window, measured from the moment the pings were started
     * @param whenAnswered told once every provoking ping has returned (each waits at most a second),
     *                     while the window still runs: what needs a working path (the DF search)
     *                     can use the rest of the window instead of following it
     */
    public Round probe(List<ProbeTarget> targets, WgDump before, Duration wait, Consumer<List<Answered>> whenAnswered)
            throws InterruptedException {
        int n = targets.size();
        long[] startedNanos = new long[n];
        Instant[] startedAt = new Instant[n];
        CountDownLatch allStarted = new CountDownLatch(n);
        List<Future<CommandResult>> pings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProbeTarget t = targets.get(i);
            int k = i;
            if (t.problem() != null || t.address() == null) {
                allStarted.countDown();
                pings.add(null);
                continue;
            }
            pings.add(pool.submit(() -> {
                startedNanos[k] = System.nanoTime();
                startedAt[k] = clock.instant();
                allStarted.countDown();
                return runner.run(NodeCommands.ping(t.address()), Duration.ofSeconds(5));
            }));
        }
        // with more peers than threads, later pings start late: the window runs from the last one
        allStarted.await();
        long lastStart = latest(startedNanos, startedAt, System.nanoTime());
        List<CommandResult> replies = new ArrayList<>();
        List<Answered> answered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CommandResult reply = pings.get(i) == null ? null : join(pings.get(i));
            replies.add(reply);
            if (reply != null && refusal(reply) == null && PingParser.replied(reply.stdout())) {
                answered.add(new Answered(targets.get(i), PingParser.rttMillis(reply.stdout())));
            }
        }
        whenAnswered.accept(answered);
        long remaining = wait.toNanos() - (System.nanoTime() - lastStart);
        if (remaining > 0) {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
        }
        long end = System.nanoTime();
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
            if (t.problem() != null || startedAt[i] == null) {
                p.setError(t.problem() != null ? t.problem() : "no address to send the provoking packet to");
                out.add(p);
                continue;
            }
            String refused = refusal(replies.get(i));
            if (refused != null) {
                // nothing was sent, so silence proves nothing: say why instead of reporting "no answer"
                p.setError(refused);
                out.add(p);
                continue;
            }
            p.setProvokedAt(startedAt[i].toString());
            p.setWaitedMillis((end - startedNanos[i]) / 1_000_000);
            p.setReplied(PingParser.replied(replies.get(i).stdout()));
            p.setRttMillis(PingParser.rttMillis(replies.get(i).stdout()));
            Optional<WgDump.Peer> b = peer(before, t);
            Optional<WgDump.Peer> a = after == null ? Optional.empty() : peer(after, t);
            if (afterError != null) {
                p.setError(afterError);
            } else if (b.isEmpty() || a.isEmpty()) {
                p.setError("peer " + Keys.prefix(t.peerPublicKey()) + " disappeared from " + t.interfaceName() + " during the window");
            } else {
                p.setTxDelta(a.get().txBytes() - b.get().txBytes());
                p.setRxDelta(a.get().rxBytes() - b.get().rxBytes());
                p.setHandshakeCompleted(a.get().latestHandshake() > b.get().latestHandshake());
            }
            out.add(p);
        }
        long earliest = end;
        for (int i = 0; i < n; i++) {
            if (startedAt[i] != null) {
                earliest = Math.min(earliest, startedNanos[i]);
            }
        }
        return new Round(out, after, (end - earliest) / 1_000_000);
    }

    /** The latest start among the pings that ran; {@code fallback} (now) when none did. */
    private static long latest(long[] startedNanos, Instant[] startedAt, long fallback) {
        Long latest = null;
        for (int i = 0; i < startedNanos.length; i++) {
            if (startedAt[i] != null) {
                latest = latest == null ? startedNanos[i] : Math.max(latest, startedNanos[i]);
            }
        }
        return latest == null ? fallback : latest;
    }

    private static Optional<WgDump.Peer> peer(WgDump d, ProbeTarget t) {
        return d.iface(t.interfaceName()).flatMap(i -> i.peer(t.peerPublicKey()));
    }

    private static CommandResult join(Future<CommandResult> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return CommandResult.failed(1, "ping failed: " + e.getCause());
        }
    }

    /** Why the provoking ping could not be sent at all (missing tool or privilege), or null when it was. */
    static String refusal(CommandResult ping) {
        if (ping.commandMissing()) {
            return "ping (iputils-ping) is not installed: no packet was sent to provoke a handshake";
        }
        String err = ping.stderr() == null ? "" : ping.stderr();
        for (String line : err.split("\n")) {
            if (line.contains("Operation not permitted") || line.contains("Permission denied")) {
                return "the provoking ping was refused (" + line.strip()
                        + "): the agent needs CAP_NET_RAW for its probe pings; no packet was sent";
            }
        }
        return null;
    }
}
