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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
