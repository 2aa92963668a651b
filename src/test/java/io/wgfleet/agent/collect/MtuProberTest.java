package io.wgfleet.agent.collect;

import io.wgfleet.agent.Fixtures;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.agent.parse.DumpGenerator;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.MtuProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Don't-Fragment search against recorded ping outputs (a reply as the lab's iputils
 * prints it, or "no reply" with exit status 1), with paths that lose packets the way the
 * lab's NAT and link faults do.
 */
class MtuProberTest {

    static final String TARGET = "10.77.0.1";
    static final String OK = Fixtures.lab("ping-df-1000-ok.txt");
    final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Every DF ping of any size with this wait answers as {@code path} says. */
    static RecordedCommandRunner path(String wait, IntPredicate path) {
        RecordedCommandRunner r = new RecordedCommandRunner();
        for (int size = 1; size <= 1500; size++) {
            int s = size;
            r.answer("ping -n -c 1 -W " + wait + " -M do -s " + size + " " + TARGET,
                    stdin -> path.test(s) ? CommandResult.ok(OK) : CommandResult.failed(1, ""));
        }
        return r;
    }

    MtuProbe search(RecordedCommandRunner runner, Double rtt) throws Exception {
        String dump = DumpGenerator.dump(1, 1);
        WgDump before = WgDumpParser.parse(dump);
        WgDump after = WgDumpParser.parse(dump.replaceFirst("\t0\t0\toff", "\t2072\t0\toff"));
        ProbeTarget t = new ProbeTarget("ns/p", "wg0", DumpGenerator.key(0), TARGET, true, null);
        List<MtuProbe> out = new MtuProber(runner, pool).probe(List.of(new MtuProber.Target(t, rtt)), before, () -> after);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void aRealLimitIsFoundAndConfirmedBesideAPassingControl() throws Exception {
        MtuProbe m = search(path("0.2", size -> size <= 1172), 2.6);
        assertThat(m.getLargestPassingPayload()).isBetween(1172 - 8, 1172);
        assertThat(m.getSmallestFailingPayload()).isBetween(1173, 1173 + 8);
        assertThat(m.getTriedPayloads()).startsWith(1392, 1352, 1300, 1200, 1000, 552, 56).endsWith(m.getSmallestFailingPayload());
        assertThat(m.getControlPayload()).isEqualTo(m.getLargestPassingPayload());
        assertThat(m.getControlPassed()).isTrue();
        assertThat(m.getFailureConfirmed()).isTrue();
        assertThat(m.getRxDelta()).isEqualTo(2072);
        assertThat(m.getTimeoutMillis()).isEqualTo(200);
    }

    /**
     * The case, as it happened: the NAT mapping expired as the first 1392 B ping went
     * out and came back a moment later, so every later size passed. Without the second try the
     * search read "1387 B passes, 1392 B fails".
     */
    @Test
    void aFailureThatPassesOnRetestIsALostPacketNotALimit() throws Exception {
        AtomicBoolean first1392 = new AtomicBoolean(true);
        MtuProbe m = search(path("0.2", size -> size != 1392 || !first1392.getAndSet(false)), 2.6);
        assertThat(m.getLargestPassingPayload()).isEqualTo(1387);
        assertThat(m.getSmallestFailingPayload()).isEqualTo(1392);
        assertThat(m.getFailureConfirmed()).as("1392 passed when tried again").isFalse();
    }

    /** The mapping expires during the bisection: every later ping is lost, the control too. */
    @Test
    void aPathLostDuringTheSearchFailsTheControl() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        // the coarse batch (7 pings) finds a limit at 1300..1352, then the path dies after two more pings
        MtuProbe m = search(path("0.2", size -> sent.incrementAndGet() <= 9 && size <= 1340), 2.6);
        assertThat(m.getControlPassed()).isFalse();
        assertThat(m.getFailureConfirmed()).isNotEqualTo(Boolean.TRUE);
        assertThat(m.getControlPayload()).isEqualTo(m.getLargestPassingPayload());
    }

    /** The mapping expired between the provoking ping and the search: nothing passes, not even 56 B. */
    @Test
    void nothingPassingAfterAnAnsweredProbeIsAPathLost() throws Exception {
        MtuProbe m = search(path("0.2", size -> false), 2.6);
        assertThat(m.getLargestPassingPayload()).isNull();
        assertThat(m.getSmallestFailingPayload()).isEqualTo(56);
        assertThat(m.getControlPayload()).isEqualTo(56);
        assertThat(m.getControlPassed()).isFalse();
        assertThat(m.getTriedPayloads()).containsExactlyElementsOf(MtuProber.COARSE_SIZES);
    }

    /** A small size lost while a larger one passed is loss, not a size limit. */
    @Test
    void aSmallSizeLostBesideALargerPassIsNotALimit() throws Exception {
        MtuProbe m = search(path("0.2", size -> size != 552 && size <= 1300), 2.6);
        assertThat(m.getFailureConfirmed()).isFalse();
    }

    @Test
    void theLargestSizePassingIsNoLimitAndNeedsNoControl() throws Exception {
        MtuProbe m = search(path("0.2", size -> true), 2.6);
        assertThat(m.getLargestPassingPayload()).isEqualTo(1392);
        assertThat(m.getSmallestFailingPayload()).isNull();
        assertThat(m.getControlPassed()).isNull();
        assertThat(m.getTriedPayloads()).containsExactlyElementsOf(MtuProber.COARSE_SIZES);
    }

    @Test
    void theWaitIsAFewRoundTripsWithinBounds() {
        assertThat(MtuProber.waitFor(2.6)).isEqualTo(Duration.ofMillis(200));
        assertThat(MtuProber.waitFor(80.0)).isEqualTo(Duration.ofMillis(320));
        assertThat(MtuProber.waitFor(900.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(MtuProber.waitFor(null)).as("no measured round trip: the old fixed second").isEqualTo(Duration.ofSeconds(1));
        assertThat(NodeCommands.pingDontFragment(TARGET, 1392, Duration.ofMillis(320)))
                .containsSequence("-W", "0.32");
        assertThat(NodeCommands.pingDontFragment(TARGET, 1392, Duration.ofSeconds(1))).containsSequence("-W", "1");
    }

    @Test
    void aSlowPathWaitsLongerPerPing() throws Exception {
        MtuProbe m = search(path("0.32", size -> size <= 1172), 80.0);
        assertThat(m.getTimeoutMillis()).isEqualTo(320);
        assertThat(m.getFailureConfirmed()).isTrue();
    }

    /** A ping that cannot run (unknown option, refused) proves nothing about sizes: no failure is reported. */
    @Test
    void anUnusablePingReportsNoFailure() throws Exception {
        RecordedCommandRunner r = new RecordedCommandRunner();
        for (int size : MtuProber.COARSE_SIZES) {
            r.answer("ping -n -c 1 -W 0.2 -M do -s " + size + " " + TARGET, CommandResult.failed(2, "ping: bad linger time: 0.2\n"));
        }
        MtuProbe m = search(r, 2.6);
        assertThat(m.getSmallestFailingPayload()).isNull();
        assertThat(m.getControlPassed()).isNull();
    }

    /**
     * The search ran right after the provoking ping refreshed the NAT mapping and every size
     * passed; the mapping expired in the window's quiet, so the repeat at its end is lost twice:
     * the control counts as failed, the path lost, not a working tunnel.
     */
    @Test
    void aMappingThatExpiresBeforeTheWindowEndsFailsTheRepeatedControl() throws Exception {
        AtomicBoolean expired = new AtomicBoolean();
        AtomicInteger repeats = new AtomicInteger();
        RecordedCommandRunner r = path("0.2", size -> {
            if (expired.get()) {
                repeats.incrementAndGet();
            }
            return !expired.get();
        });
        MtuProbe m = search(r, 2.6);
        assertThat(m.getLargestPassingPayload()).isEqualTo(1392);
        assertThat(m.getControlPassed()).as("nothing failed during the search").isNull();
        expired.set(true);
        new MtuProber(r, pool).repeatControls(List.of(m));
        assertThat(repeats.get()).as("sent twice before it counts as lost").isEqualTo(2);
        assertThat(m.getControlPassed()).isFalse();
        assertThat(m.getControlPayload()).isEqualTo(1392);
        assertThat(m.getSmallestFailingPayload()).isNull();
    }

    /** A limit found and confirmed, then the path lost before the window ended: no size verdict may rest on it. */
    @Test
    void aLimitWhosePathIsGoneAtTheWindowEndLosesItsControl() throws Exception {
        AtomicBoolean expired = new AtomicBoolean();
        RecordedCommandRunner r = path("0.2", size -> !expired.get() && size <= 1172);
        MtuProbe m = search(r, 2.6);
        assertThat(m.getFailureConfirmed()).isTrue();
        expired.set(true);
        new MtuProber(r, pool).repeatControls(List.of(m));
        assertThat(m.getControlPassed()).isFalse();
        assertThat(m.getControlPayload()).isEqualTo(m.getLargestPassingPayload());
    }

    /** One lost repeat is a lost packet: the second one passes and the search's findings stand. */
    @Test
    void aRepeatLostOnceButAnsweredOnTheSecondTryKeepsTheControl() throws Exception {
        AtomicBoolean atEnd = new AtomicBoolean();
        AtomicInteger atEndSent = new AtomicInteger();
        RecordedCommandRunner r = path("0.2", size -> size <= 1172 && (!atEnd.get() || atEndSent.incrementAndGet() > 1));
        MtuProbe m = search(r, 2.6);
        atEnd.set(true);
        new MtuProber(r, pool).repeatControls(List.of(m));
        assertThat(atEndSent.get()).isEqualTo(2);
        assertThat(m.getControlPassed()).isTrue();
        assertThat(m.getFailureConfirmed()).isTrue();
    }

    /** Nothing to repeat when nothing passed or a control already failed: no ping goes out. */
    @Test
    void aSearchWithNoPassingSizeOrAFailedControlIsNotRepeated() throws Exception {
        AtomicBoolean atEnd = new AtomicBoolean();
        AtomicInteger atEndSent = new AtomicInteger();
        RecordedCommandRunner r = path("0.2", size -> {
            if (atEnd.get()) {
                atEndSent.incrementAndGet();
            }
            return false;
        });
        MtuProbe nothing = search(r, 2.6);
        assertThat(nothing.getControlPassed()).isFalse();
        MtuProbe unsearched = new MtuProbe();
        unsearched.setTarget(TARGET);
        assertThat(MtuProber.controlToRepeat(nothing)).isNull();
        assertThat(MtuProber.controlToRepeat(unsearched)).isNull();
        atEnd.set(true);
        new MtuProber(r, pool).repeatControls(List.of(nothing, unsearched));
        assertThat(atEndSent.get()).isZero();
        assertThat(nothing.getControlPayload()).isEqualTo(56);
    }
}
