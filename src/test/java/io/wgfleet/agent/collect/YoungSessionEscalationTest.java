package io.wgfleet.agent.collect;

import io.wgfleet.agent.Fixtures;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A young session (handshake 40 s before) whose remote end started dropping WireGuard's port:
 * the provoking ping goes out as a 128 B data message and nothing comes back, as measured in the
 * lab. The recorded dump grows the peer's tx by what WireGuard sends: 128 B per ping, and the
 * 148 B initiation it starts once data got nothing back for a while. Timers are scaled down
 * (the wait ends after about 20 rounds, an initiation is due within 3), so the test runs in
 * milliseconds; the production timers are WireGuard's.
 */
class YoungSessionEscalationTest {

    static final long NOW = 1_796_000_000L;
    static final String TARGET = "10.77.0.1";
    static final YoungSessionEscalation.Timers FAST = new YoungSessionEscalation.Timers(
            Duration.ofMillis(5500 + 200), Duration.ofMillis(25), Duration.ofMillis(10));
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    final String dump = Fixtures.lab("healthy/client-wg-dump.txt");
    final String key = dump.lines().skip(1).findFirst().orElseThrow().split("\t")[1];

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** The client's dump with the server peer's handshake, rx and tx replaced. */
    String dump(long handshake, long rx, long tx) {
        String[] lines = dump.split("\n");
        String[] f = lines[1].split("\t");
        f[5] = Long.toString(handshake);
        f[6] = Long.toString(rx);
        f[7] = Long.toString(tx);
        lines[1] = String.join("\t", f);
        return String.join("\n", lines) + "\n";
    }

    /** The first window's probe: one ping, unanswered, 128 B out, nothing back. */
    static HandshakeProbe firstWindow(long txDelta) {
        HandshakeProbe p = new HandshakeProbe();
        p.setTarget(TARGET);
        p.setWaitedMillis(5500L);
        p.setTxDelta(txDelta);
        p.setRxDelta(0L);
        p.setHandshakeCompleted(false);
        p.setReplied(false);
        return p;
    }

    record Run(HandshakeProbe probe, long escalated, RecordedCommandRunner runner) {
    }

    /** Runs the escalation; {@code txAfterPings} gives the peer's tx growth after n pings in all. */
    Run escalate(HandshakeProbe first, long handshake, boolean remoteInFleet, IntFunction<Long> txAfterPings,
                 CommandResult pingAnswer) throws Exception {
        return escalate(first, handshake, remoteInFleet, txAfterPings, pingAnswer, n -> 0L);
    }

    Run escalate(HandshakeProbe first, long handshake, boolean remoteInFleet, IntFunction<Long> txAfterPings,
                 CommandResult pingAnswer, IntFunction<Long> rxAfterPings) throws Exception {
        RecordedCommandRunner runner = new RecordedCommandRunner();
        runner.answer("ping -n -c 1 -W 1 " + TARGET, pingAnswer);
        WgDump before = WgDumpParser.parse(dump(handshake, 1000, 2000));
        ProbeTarget t = new ProbeTarget("ns/p", "wgc0", key, TARGET, false, null);
        long escalated = new YoungSessionEscalation(runner, pool, FAST).run(List.of(t), List.of(first), List.of(remoteInFleet),
                before, NOW, () -> {
                    int pings = 1 + (int) runner.commandLines().stream().filter(c -> c.startsWith("ping")).count();
                    try {
                        return WgDumpParser.parse(dump(handshake, 1000 + rxAfterPings.apply(pings), 2000 + txAfterPings.apply(pings)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        return new Run(first, escalated, runner);
    }

    @Test
    void aYoungSessionIsProvokedUntilWireGuardReinitiatesAndItsInitiationGoesUnanswered() throws Exception {
        // WireGuard re-initiates after the 3rd ping (scaled: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT)
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n + (n >= 3 ? 148 : 0), CommandResult.failed(1, ""));
        HandshakeProbe p = r.probe();
        assertThat(r.escalated()).isPositive();
        assertThat(p.getEscalatedMillis()).isEqualTo(r.escalated());
        assertThat(p.getWaitedMillis()).isEqualTo(5500 + r.escalated());
        assertThat(p.getInitiationsSent()).isEqualTo(1);
        assertThat(p.getReplied()).isFalse();
        assertThat(p.getRxDelta()).isZero();
        assertThat(p.getHandshakeCompleted()).isFalse();
        assertThat(p.getTxDelta()).isGreaterThanOrEqualTo(3 * 128 + 148);
        // it stopped once the initiation's answer was overdue, before the bound
        long pings = r.runner().commandLines().stream().filter(c -> c.startsWith("ping")).count();
        assertThat(pings).isBetween(2L, 20L);
    }

    /**
     * As measured in the lab: the remote had sent last, so it re-initiates too; its 148 B
     * initiations arrive (the drop is on its own input) and WireGuard answers each with 92 B.
     * They answer nothing of ours: the escalation goes on and counts our initiation.
     */
    @Test
    void theRemotesOwnInitiationsAnswerNothing() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n + (n >= 3 ? 148 + 92 : 0), CommandResult.failed(1, ""),
                n -> n >= 3 ? 148L : 0L);
        assertThat(r.probe().getInitiationsSent()).isEqualTo(1);
        assertThat(r.probe().getRxDelta()).isEqualTo(148);
        assertThat(r.probe().getReplied()).isFalse();
    }

    /**
     * As measured in the lab (young-session-drop): the remote keeps retrying every REKEY_TIMEOUT,
     * each of its initiations cancels WireGuard's own timer here, and ours never comes. Its
     * second initiation, answered like the first with nothing else back, ends the wait.
     */
    @Test
    void theRemotesRetriedInitiationsEndTheWait() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n + (n >= 3 ? 92 : 0) + (n >= 6 ? 92 : 0),
                CommandResult.failed(1, ""), n -> (n >= 3 ? 148L : 0L) + (n >= 6 ? 148L : 0L));
        HandshakeProbe p = r.probe();
        assertThat(p.getRxDelta()).isEqualTo(2 * 148);
        assertThat(p.getInitiationsSent()).isZero();
        assertThat(p.getReplied()).isFalse();
        long pings = r.runner().commandLines().stream().filter(c -> c.startsWith("ping")).count();
        assertThat(pings).as("stopped at the remote's second initiation, not at the bound").isEqualTo(5);
        assertThat(p.getWaitedMillis()).isLessThan(FAST.bound().toMillis());
    }

    /** One initiation of the remote's is no retry: it may yet complete with our answer. */
    @Test
    void oneInitiationOfTheRemotesDoesNotEndTheWait() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n + (n >= 3 ? 92 : 0), CommandResult.failed(1, ""),
                n -> n >= 3 ? 148L : 0L);
        assertThat(r.probe().getWaitedMillis()).isGreaterThanOrEqualTo(FAST.bound().toMillis());
    }

    /** Two initiations of the remote's that WireGuard did not answer (tx holds no responses) prove nothing of the path back. */
    @Test
    void unansweredInitiationsOfTheRemotesAreNoProof() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n, CommandResult.failed(1, ""),
                n -> (n >= 3 ? 148L : 0L) + (n >= 6 ? 148L : 0L));
        assertThat(r.probe().getInitiationsSent()).isNull();
        assertThat(r.probe().getWaitedMillis()).isGreaterThanOrEqualTo(FAST.bound().toMillis());
    }

    @Test
    void keepalivesAreToldApartFromInitiations() {
        assertThat(YoungSessionEscalation.initiations(0)).isZero();
        assertThat(YoungSessionEscalation.initiations(32 * 3)).isZero();
        assertThat(YoungSessionEscalation.initiations(148)).isEqualTo(1);
        assertThat(YoungSessionEscalation.initiations(148 * 2 + 32)).isEqualTo(2);
        assertThat(YoungSessionEscalation.initiations(100)).as("other traffic: not countable").isNull();
        assertThat(YoungSessionEscalation.pingBytes("10.77.0.1")).isEqualTo(128);
        assertThat(YoungSessionEscalation.pingBytes("fd00::1")).isEqualTo(144);
    }

    @Test
    void anAnswerDuringTheEscalationEndsItAndIsReported() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n, CommandResult.ok(Fixtures.lab("ping-ok.txt")));
        assertThat(r.probe().getReplied()).isTrue();
        assertThat(r.runner().commandLines()).hasSize(1);
    }

    @Test
    void withoutAnInitiationTheWaitEndsAtTheBoundAndSaysNoneWasSeen() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, false, n -> 128L * n, CommandResult.failed(1, ""));
        assertThat(r.probe().getInitiationsSent()).isZero();
        assertThat(r.probe().getWaitedMillis()).isGreaterThanOrEqualTo(FAST.bound().toMillis());
    }

    @Test
    void aSessionOlderThanRejectAfterTimeIsNotEscalated() throws Exception {
        Run r = escalate(firstWindow(148), NOW - 400, false, n -> 148L, CommandResult.failed(1, ""));
        assertThat(r.escalated()).isZero();
        assertThat(r.probe().getEscalatedMillis()).isNull();
        assertThat(r.probe().getInitiationsSent()).as("not counted: an old session sends no data").isNull();
        assertThat(r.runner().commandLines()).isEmpty();
    }

    @Test
    void aRemoteEndInTheFleetIsAskedInsteadOfWaitedFor() throws Exception {
        Run r = escalate(firstWindow(128), NOW - 40, true, n -> 128L * n, CommandResult.failed(1, ""));
        assertThat(r.escalated()).isZero();
        assertThat(r.runner().commandLines()).isEmpty();
    }

    /** A session past REKEY_AFTER_TIME re-initiates on the first ping: the window already holds the proof. */
    @Test
    void anInitiationInsideTheFirstWindowNeedsNoEscalation() throws Exception {
        Run r = escalate(firstWindow(128 + 148), NOW - 150, false, n -> 128L * n + 148, CommandResult.failed(1, ""));
        assertThat(r.escalated()).isZero();
        assertThat(r.probe().getInitiationsSent()).isEqualTo(1);
        assertThat(r.runner().commandLines()).isEmpty();
    }
}
