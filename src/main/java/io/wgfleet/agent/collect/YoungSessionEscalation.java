package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.PingParser;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.api.v1alpha1.HandshakeProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Keeps provoking a young session that the first window proved nothing about, until WireGuard
 * itself re-initiates and that initiation is answered or not.
 *
 * <p>Why a young session needs it: with a handshake younger than REJECT_AFTER_TIME, the
 * provoking ping travels as data on the current session and WireGuard sends no initiation; an
 * unanswered ping then proves nothing (a silent target, or a path that died). WireGuard starts
 * a new handshake by itself KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s) after data that got
 * nothing back; its answer is due within one more REKEY_TIMEOUT. Watching that far turns the
 * silence into the same evidence as a failing handshake: initiations sent, none answered.
 *
 * <p>The remote may re-initiate too (it sent last, and our keepalive never reached it): every
 * initiation of its that arrives counts as an authenticated packet and cancels our own timer,
 * so while it keeps retrying every REKEY_TIMEOUT WireGuard here never re-initiates (measured in
 * the lab: 15 pings over 20 s, two of its initiations, none of ours). Its retries are the
 * proof instead: WireGuard answers each with a 92 B response, and an initiator retries only
 * when no response reached it (one that did is followed by its keepalive or data). Two of
 * them, answered, with nothing else back, settle the session as well as our own unanswered
 * initiation does.
 *
 * <p>Only that case pays the wait: a session whose window showed a reply, a completed handshake,
 * any byte back, an initiation of ours or two of the remote's already, and a peer whose remote
 * end is in the fleet (its report answers instead), are left alone.
 *
 * <p>Initiations are counted from the tx counter: every byte WireGuard sent to the peer is a
 * provoking ping (a 128 B transport message for ping's 84 B IPv4 packet, 144 B for IPv6's 104 B,
 * both padded to 16 B plus 32 B of header and tag), a 32 B keepalive or a 148 B initiation.
 */
public final class YoungSessionEscalation {

    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    /** WireGuard adds up to a third of a second of jitter to each of its timers. */
    static final Duration JITTER = Duration.ofMillis(334);
    /** From the provoking ping: the re-initiation (15 s + jitter) and its REKEY_TIMEOUT (+ jitter). */
    public static final Duration BOUND = KEEPALIVE_TIMEOUT.plus(REKEY_TIMEOUT).plus(REKEY_TIMEOUT).plus(JITTER).plus(JITTER);
    static final long REJECT_AFTER_SECONDS = 180;
    static final long INITIATION = 148;
    static final long KEEPALIVE = 32;
    static final long RESPONSE = 92;
    /** The remote's initiations that prove our answers never reached it: the first and one retry. */
    static final long REMOTE_RETRIES_PROVE = 2;
    /** Initiations per count that the byte sum tells apart from keepalives (148 b + 32 a is unique for b < 8). */
    private static final int MAX_INITIATIONS = 7;

    /**
     * The waits: the whole bound from the provoking ping, how long an initiation has to be
     * answered, and the least time between two rounds of pings (one a second, as a person
     * pinging would; a ping that fails at once must not turn the wait into a busy loop).
     */
    record Timers(Duration bound, Duration answerDue, Duration round) {
        static final Timers WIREGUARD = new Timers(BOUND, REKEY_TIMEOUT.plus(JITTER), Duration.ofSeconds(1));
    }

    private final CommandRunner runner;
    private final ExecutorService pool;
    private final Timers timers;

    public YoungSessionEscalation(CommandRunner runner, ExecutorService pool) {
        this(runner, pool, Timers.WIREGUARD);
    }

    YoungSessionEscalation(CommandRunner runner, ExecutorService pool, Timers timers) {
        this.runner = runner;
        this.pool = pool;
        this.timers = timers;
    }

    /** The transport message that carries one default ping (56 B ICMP payload) to {@code address}. */
    static long pingBytes(String address) {
        int inner = address != null && address.indexOf(':') >= 0 ? 40 + 64 : 20 + 64;
        return (inner + 15) / 16 * 16 + 32;
    }

    /**
     * How many 148 B initiations {@code bytes} holds beside 32 B keepalives; null when no such
     * sum makes it (other traffic in the tunnel, or a counter that moved otherwise).
     */
    static Integer initiations(long bytes) {
        for (int b = 0; b <= MAX_INITIATIONS && INITIATION * b <= bytes; b++) {
            if ((bytes - INITIATION * b) % KEEPALIVE == 0) {
                return b;
            }
        }
        return null;
    }

    /**
     * Whether the first window proved nothing about a young session: the ping unanswered, no
     * handshake, nothing back, no initiation in the bytes sent, the handshake younger than
     * REJECT_AFTER_TIME, and no remote end in the fleet to ask instead.
     */
    static boolean needed(HandshakeProbe p, Optional<WgDump.Peer> before, long nowEpochSecond, boolean remoteInFleet) {
        if (remoteInFleet || before.isEmpty() || p.getError() != null || !Boolean.FALSE.equals(p.getReplied())
                || Boolean.TRUE.equals(p.getHandshakeCompleted()) || p.getRxDelta() == null || p.getRxDelta() % INITIATION != 0
                || p.getTxDelta() == null) {
            return false;
        }
        if (!young(before, nowEpochSecond)) {
            return false;
        }
        Integer sent = initiations(p.getTxDelta() - pingBytes(p.getTarget()) - RESPONSE * (p.getRxDelta() / INITIATION));
        return sent != null && sent == 0 && !remoteRetried(p.getRxDelta(), sent);
    }

    /** The remote retried its initiation and every one was answered (tx decomposed with a response each): none reached it. */
    static boolean remoteRetried(long rxDelta, Integer initiationsSent) {
        return initiationsSent != null && rxDelta % INITIATION == 0 && rxDelta / INITIATION >= REMOTE_RETRIES_PROVE;
    }

    /** A handshake younger than REJECT_AFTER_TIME: its session still carries data. */
    static boolean young(Optional<WgDump.Peer> before, long nowEpochSecond) {
        return before.isPresent() && before.get().latestHandshake() > 0
                && nowEpochSecond - before.get().latestHandshake() < REJECT_AFTER_SECONDS;
    }

    /** One session being watched. */
    private static final class Watch {
        final ProbeTarget target;
        final HandshakeProbe probe;
        final WgDump.Peer before;
        final long deadline;
        int pings = 1; // the first window's
        long initiationSeen;
        boolean done;

        Watch(ProbeTarget target, HandshakeProbe probe, WgDump.Peer before, long deadline) {
            this.target = target;
            this.probe = probe;
            this.before = before;
            this.deadline = deadline;
        }
    }

    /**
     * Escalates every probe that {@link #needed} it, one ping a second each, reading the dump
     * once per round of pings; updates those probes in place (waitedMillis includes the
     * escalation, escalatedMillis says how much it was).
     *
     * @param before the dump read before the first window (the counters' origin)
     * @param dump   reads the dump now; null when unreadable
     * @return how long the escalation took, 0 when no probe needed it
     */
    public long run(List<ProbeTarget> targets, List<HandshakeProbe> probes, List<Boolean> remoteInFleet, WgDump before,
                    long nowEpochSecond, Supplier<WgDump> dump) throws InterruptedException {
        long start = System.nanoTime();
        List<Watch> watches = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ProbeTarget t = targets.get(i);
            HandshakeProbe p = probes.get(i);
            Optional<WgDump.Peer> b = peer(before, t);
            if (young(b, nowEpochSecond) && p.getError() == null && p.getTxDelta() != null) {
                // on a live session each provoking ping went out as data: what is left are keepalives and initiations
                long theirs = p.getRxDelta() != null && p.getRxDelta() % INITIATION == 0 ? p.getRxDelta() / INITIATION : 0;
                p.setInitiationsSent(initiations(p.getTxDelta() - pingBytes(p.getTarget()) - RESPONSE * theirs));
            }
            if (needed(p, b, nowEpochSecond, remoteInFleet.get(i))) {
                long left = timers.bound().toNanos() - Duration.ofMillis(p.getWaitedMillis() == null ? 0 : p.getWaitedMillis()).toNanos();
                watches.add(new Watch(t, p, b.get(), start + Math.max(0, left)));
            }
        }
        if (watches.isEmpty()) {
            return 0;
        }
        List<Watch> active = new ArrayList<>(watches);
        while (!active.isEmpty()) {
            long roundStart = System.nanoTime();
            List<Future<CommandResult>> pings = new ArrayList<>();
            for (Watch w : active) {
                pings.add(pool.submit(() -> runner.run(NodeCommands.ping(w.target.address()), Duration.ofSeconds(5))));
            }
            for (int i = 0; i < active.size(); i++) {
                Watch w = active.get(i);
                w.pings++;
                if (PingParser.replied(join(pings.get(i)).stdout())) {
                    w.probe.setReplied(true);
                    w.done = true;
                }
            }
            WgDump now = dump.get();
            long t = System.nanoTime();
            for (Watch w : active) {
                observe(w, now, t);
            }
            active.removeIf(w -> w.done);
            long rest = timers.round().toNanos() - (System.nanoTime() - roundStart);
            if (!active.isEmpty() && rest > 0) {
                Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            }
        }
        long escalated = (System.nanoTime() - start) / 1_000_000;
        for (Watch w : watches) {
            w.probe.setEscalatedMillis(escalated);
            w.probe.setWaitedMillis((w.probe.getWaitedMillis() == null ? 0 : w.probe.getWaitedMillis()) + escalated);
        }
        return escalated;
    }

    /** Reads one session's counters after a round of pings and decides whether it is settled. */
    private void observe(Watch w, WgDump now, long nanos) {
        Optional<WgDump.Peer> p = peer(now, w.target);
        if (p.isEmpty()) {
            w.done = true; // the dump or the peer went away: what was counted so far stands
            return;
        }
        WgDump.Peer a = p.get();
        long tx = a.txBytes() - w.before.txBytes();
        long rx = a.rxBytes() - w.before.rxBytes();
        w.probe.setTxDelta(tx);
        w.probe.setRxDelta(rx);
        // the remote's own initiations (148 B each; it re-initiates too when its data got nothing
        // back) answer nothing of ours; WireGuard answers each with a 92 B response
        boolean onlyTheirInitiations = rx % INITIATION == 0;
        Integer sent = onlyTheirInitiations
                ? initiations(tx - w.pings * pingBytes(w.target.address()) - RESPONSE * (rx / INITIATION)) : null;
        w.probe.setInitiationsSent(sent);
        if (a.latestHandshake() > w.before.latestHandshake()) {
            w.probe.setHandshakeCompleted(true);
            w.done = true;
        }
        if (!onlyTheirInitiations) {
            w.done = true; // data or a keepalive came back: the path answers
        }
        if (onlyTheirInitiations && remoteRetried(rx, sent)) {
            w.done = true; // the remote's retries went unanswered: our answers never reached it
        }
        if (sent != null && sent > 0 && w.initiationSeen == 0) {
            w.initiationSeen = nanos;
        }
        if (w.initiationSeen != 0 && nanos - w.initiationSeen >= timers.answerDue().toNanos()) {
            w.done = true;
        }
        if (nanos >= w.deadline) {
            w.done = true;
        }
    }

    private static Optional<WgDump.Peer> peer(WgDump d, ProbeTarget t) {
        return d == null ? Optional.empty() : d.iface(t.interfaceName()).flatMap(i -> i.peer(t.peerPublicKey()));
    }

    private static CommandResult join(Future<CommandResult> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return CommandResult.failed(1, "ping failed: " + e.getCause());
        }
    }
}
