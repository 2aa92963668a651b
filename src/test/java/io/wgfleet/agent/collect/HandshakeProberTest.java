package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.agent.parse.DumpGenerator;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeProberTest {

    @Test
    void morePeersThanThreadsStillGetTheFullWindowEach() throws Exception {
        String dump = DumpGenerator.dump(1, 4);
        WgDump parsed = WgDumpParser.parse(dump);
        RecordedCommandRunner runner = new RecordedCommandRunner().answer("wg show all dump", dump);
        List<ProbeTarget> targets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String addr = "10.0.0." + i;
            targets.add(new ProbeTarget("ns/p" + i, "wg0", DumpGenerator.key(i), addr, false, null));
            // a silent peer: ping waits out its timeout
            runner.answer("ping -n -c 1 -W 1 " + addr, stdin -> {
                sleep(150);
                return CommandResult.failed(1, "");
            });
        }
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try {
            HandshakeProber.Round round = new HandshakeProber(runner, Clock.systemUTC(), oneThread)
                    .probe(targets, parsed, Duration.ofMillis(300));
            assertThat(round.probes()).hasSize(4).allSatisfy((HandshakeProbe p) -> {
                assertThat(p.getWaitedMillis()).isGreaterThanOrEqualTo(300);
                assertThat(p.getReplied()).isFalse();
                assertThat(p.getTxDelta()).isZero();
            });
            // four pings one after another (~450 ms to start the last) plus the 300 ms window
            assertThat(round.waitedMillis()).isGreaterThanOrEqualTo(750);
        } finally {
            oneThread.shutdownNow();
        }
    }

    /**
     * The DF search needs an answered provoking ping and its round trip; it is told them as soon
     * as the pings are back, while the window still runs, so it adds nothing to the round.
     */
    @Test
    void theAnsweredPingsAreToldWhileTheWindowStillRuns() throws Exception {
        String dump = DumpGenerator.dump(1, 2);
        WgDump parsed = WgDumpParser.parse(dump);
        RecordedCommandRunner runner = new RecordedCommandRunner().answer("wg show all dump", dump)
                .answer("ping -n -c 1 -W 1 10.0.0.0", stdin -> CommandResult.ok(io.wgfleet.agent.Fixtures.lab("ping-ok.txt")))
                .answer("ping -n -c 1 -W 1 10.0.0.1", stdin -> {
                    sleep(100);
                    return CommandResult.failed(1, "");
                });
        List<ProbeTarget> targets = List.of(new ProbeTarget("ns/p0", "wg0", DumpGenerator.key(0), "10.0.0.0", true, null),
                new ProbeTarget("ns/p1", "wg0", DumpGenerator.key(1), "10.0.0.1", true, null));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<HandshakeProber.Answered> told = new ArrayList<>();
            long[] toldAt = new long[1];
            long start = System.nanoTime();
            HandshakeProber.Round round = new HandshakeProber(runner, Clock.systemUTC(), pool).probe(targets, parsed, Duration.ofMillis(1500),
                    answered -> {
                        told.addAll(answered);
                        toldAt[0] = System.nanoTime();
                    });
            long end = System.nanoTime();
            assertThat(told).singleElement().satisfies(a -> {
                assertThat(a.target().address()).isEqualTo("10.0.0.0");
                assertThat(a.rttMillis()).isEqualTo(round.probes().get(0).getRttMillis()).isNotNull();
            });
            assertThat(toldAt[0]).as("told before the window ended").isLessThan(end - Duration.ofMillis(500).toNanos())
                    .isGreaterThan(start);
            assertThat(round.probes().get(1).getReplied()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Without CAP_NET_RAW ping sends nothing: the probe says so instead of reporting a silent peer. */
    @Test
    void aPingRefusedForLackOfPrivilegeIsAnErrorNotASilentPeer() throws Exception {
        String dump = DumpGenerator.dump(1, 3);
        WgDump parsed = WgDumpParser.parse(dump);
        RecordedCommandRunner runner = new RecordedCommandRunner().answer("wg show all dump", dump)
                // iputils-ping's words in a container without CAP_NET_RAW (measured in the lab)
                .answer("ping -n -c 1 -W 1 10.0.0.0", stdin -> CommandResult.failed(2,
                        "ping: socktype: SOCK_RAW\nping: socket: Operation not permitted\nping: => missing cap_net_raw+p capability or setuid?\n"))
                .answer("ping -n -c 1 -W 1 10.0.0.1", stdin -> CommandResult.failed(1, ""))
                // with no-new-privileges and NET_RAW outside the bounding set, execve of ping (file capability) fails
                .answer("ping -n -c 1 -W 1 10.0.0.2", stdin -> CommandResult.failed(CommandResult.CANNOT_EXECUTE,
                        "ping: cannot execute: error=1, Operation not permitted"));
        List<ProbeTarget> targets = List.of(new ProbeTarget("ns/p0", "wg0", DumpGenerator.key(0), "10.0.0.0", false, null),
                new ProbeTarget("ns/p1", "wg0", DumpGenerator.key(1), "10.0.0.1", false, null),
                new ProbeTarget("ns/p2", "wg0", DumpGenerator.key(2), "10.0.0.2", false, null));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            HandshakeProber.Round round = new HandshakeProber(runner, Clock.systemUTC(), pool).probe(targets, parsed, Duration.ofMillis(50));
            HandshakeProbe refused = round.probes().get(0);
            assertThat(refused.getError()).contains("CAP_NET_RAW", "Operation not permitted");
            assertThat(refused.getReplied()).as("nothing was sent, so no answer is not evidence").isNull();
            assertThat(refused.getHandshakeCompleted()).isNull();
            HandshakeProbe silent = round.probes().get(1);
            assertThat(silent.getError()).isNull();
            assertThat(silent.getReplied()).isFalse();
            assertThat(round.probes().get(2).getError()).contains("CAP_NET_RAW", "cannot execute");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
