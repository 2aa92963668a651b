package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.PingParser;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.api.v1alpha1.MtuProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the largest ICMP payload that crosses the tunnel with Don't-Fragment set, and proves
 * every failure it reports:
 * <ul>
 *   <li>the coarse sizes go out together, so the sizes that pass are the control of those that
 *   fail, in the same window;</li>
 *   <li>each bisection step sends the size under test beside a control (the largest size known
 *   to pass): a failure counts only when its control passed;</li>
 *   <li>the smallest failing size is tried a second time at the end, again beside the control.</li>
 * </ul>
 * A control that fails means the path itself went away during the search (a NAT mapping that
 * expired, a link that dropped): the search stops and says so ({@code controlPassed=false})
 * instead of reading the silence as a size limit.
 *
 * <p>Each ping waits a few round trips of the provoking ping that preceded the search (bounded
 * to {@link #MIN_WAIT}..{@link #MAX_WAIT}), not a fixed second: an unanswered size costs that
 * wait, and the confirmation makes a too-short wait harmless (a late reply shows on retest).
 * The agent starts it as soon as the provoking pings are back, inside the handshake window,
 * and then repeats the control at the window's end ({@link #repeatControls}): the provoking ping
 * has just refreshed any NAT mapping on the way, so a search right after it passes where the
 * mapping expires moments later; only the repeat, after seconds of quiet, shows that.
 */
public final class MtuProber {

    /**
     * 1392 fills a 1420-byte WireGuard MTU (1392 + 8 ICMP + 20 IPv4); the others are common
     * tunnel-in-tunnel and PPPoE cases, IPv6's minimum, and the smallest ping as a last check.
     */
    public static final List<Integer> COARSE_SIZES = List.of(1392, 1352, 1300, 1200, 1000, 552, 56);
    public static final int RESOLUTION = 8;
    private static final int MAX_BISECTIONS = 6;
    /** A loaded node schedules the ping process late by tens of milliseconds; below this, replies would be missed. */
    static final Duration MIN_WAIT = Duration.ofMillis(200);
    /** The old fixed wait: a reply later than this is not a working tunnel's. */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    static final int ROUND_TRIPS = 4;
    /** Ping processes at once across all searches: 7 coarse sizes for each of many peers must not fork thousands. */
    private static final int MAX_PARALLEL_PINGS = 128;

    /** A peer to search, with the round-trip time of its answered provoking ping (null when unknown). */
    public record Target(ProbeTarget target, Double rttMillis) {
    }

    private final CommandRunner runner;
    private final ExecutorService searches;

    /** @param searches runs one search per target; the pings themselves go to a pool of this prober's own */
    public MtuProber(CommandRunner runner, ExecutorService searches) {
        this.runner = runner;
        this.searches = searches;
    }

    /** How long one ping waits: ROUND_TRIPS times the measured round trip, within MIN_WAIT..MAX_WAIT. */
    static Duration waitFor(Double rttMillis) {
        if (rttMillis == null || rttMillis <= 0) {
            return MAX_WAIT;
        }
        long ms = (long) Math.ceil(rttMillis * ROUND_TRIPS);
        return Duration.ofMillis(Math.max(MIN_WAIT.toMillis(), Math.min(MAX_WAIT.toMillis(), ms)));
    }

    /**
     * Searches every target in parallel and fills in how many bytes each peer sent us meanwhile.
     *
     * @param before the dump read before the search (for the rx counters); after is read here
     */
    public List<MtuProbe> probe(List<Target> targets, WgDump before, java.util.function.Supplier<WgDump> after)
            throws InterruptedException {
        int n = Math.min(MAX_PARALLEL_PINGS, Math.max(1, targets.size() * COARSE_SIZES.size()));
        AtomicInteger count = new AtomicInteger();
        ExecutorService pings = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "wgfleet-mtu-ping-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<MtuProbe>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(searches.submit(() -> new Search(t, pings).run()));
            }
            List<MtuProbe> out = new ArrayList<>();
            for (Future<MtuProbe> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    // a search only runs commands, which report failures as results; nothing to add
                }
            }
            WgDump end = after.get();
            for (int i = 0; i < out.size(); i++) {
                ProbeTarget t = targets.get(i).target();
                Optional<Long> rx0 = rx(before, t);
                Optional<Long> rx1 = rx(end, t);
                if (rx0.isPresent() && rx1.isPresent()) {
                    out.get(i).setRxDelta(rx1.get() - rx0.get());
                }
            }
            return out;
        } finally {
            pings.shutdownNow();
        }
    }

    /**
     * The size to send again at the end of the window: the largest that passed, or null when
     * nothing passed or a control already failed (nothing left to confirm).
     */
    static Integer controlToRepeat(MtuProbe m) {
        if (m.getLargestPassingPayload() == null || Boolean.FALSE.equals(m.getControlPassed()) || m.getTarget() == null) {
            return null;
        }
        return m.getLargestPassingPayload();
    }

    /**
     * Sends every search's largest passing size once more (a second time when the first gets no
     * reply, so one lost packet does not read as a lost path) and marks the search's control as
     * failed when neither is answered: the path that passed it went away within the window, and
     * no size verdict and no "traffic proven" may rest on it. Run at the end of the handshake
     * window, seconds after the search, as the search itself ran when it followed the window.
     */
    public void repeatControls(List<MtuProbe> probes) throws InterruptedException {
        Map<MtuProbe, Future<Boolean>> repeated = new LinkedHashMap<>();
        for (MtuProbe m : probes) {
            Integer size = controlToRepeat(m);
            if (size != null) {
                Duration wait = m.getTimeoutMillis() == null ? MAX_WAIT : Duration.ofMillis(m.getTimeoutMillis());
                repeated.put(m, searches.submit(() -> answeredTwice(m.getTarget(), size, wait)));
            }
        }
        for (Map.Entry<MtuProbe, Future<Boolean>> e : repeated.entrySet()) {
            Boolean passed;
            try {
                passed = e.getValue().get();
            } catch (ExecutionException ex) {
                passed = null; // the ping could not be used: the repeat proves nothing either way
            }
            if (Boolean.FALSE.equals(passed)) {
                MtuProbe m = e.getKey();
                m.setControlPayload(m.getLargestPassingPayload());
                m.setControlPassed(false);
            }
        }
    }

    /** True when either of two DF pings of {@code size} is answered; throws when ping is unusable. */
    private boolean answeredTwice(String address, int size, Duration wait) throws InterruptedException, PingUnusable {
        for (int i = 0; i < 2; i++) {
            if (replied(runner.run(NodeCommands.pingDontFragment(address, size, wait), Duration.ofSeconds(5)))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Long> rx(WgDump d, ProbeTarget t) {
        if (d == null) {
            return Optional.empty();
        }
        return d.iface(t.interfaceName()).flatMap(i -> i.peer(t.peerPublicKey())).map(WgDump.Peer::rxBytes);
    }

    /** One target's search; its state is the probe it fills in. */
    private final class Search {
        final ProbeTarget t;
        final ExecutorService pings;
        final Duration wait;
        final MtuProbe m = new MtuProbe();

        Search(Target target, ExecutorService pings) {
            this.t = target.target();
            this.pings = pings;
            this.wait = waitFor(target.rttMillis());
            m.setInterfaceName(t.interfaceName());
            m.setPeerPublicKey(t.peerPublicKey());
            m.setTarget(t.address());
            m.setRttMillis(target.rttMillis());
            m.setTimeoutMillis(wait.toMillis());
        }

        MtuProbe run() throws InterruptedException {
            long start = System.nanoTime();
            try {
                search();
            } finally {
                m.setDurationMillis((System.nanoTime() - start) / 1_000_000);
            }
            return m;
        }

        private void search() throws InterruptedException {
            Map<Integer, Boolean> coarse;
            try {
                coarse = send(COARSE_SIZES, null);
            } catch (PingUnusable e) {
                return;
            }
            Integer pass = null;
            for (int size : COARSE_SIZES) {
                if (coarse.get(size)) {
                    pass = size;
                    break;
                }
            }
            int smallest = COARSE_SIZES.get(COARSE_SIZES.size() - 1);
            if (pass == null) {
                // not even the smallest size passed, moments after the provoking ping did
                m.setSmallestFailingPayload(smallest);
                m.setControlPayload(smallest);
                m.setControlPassed(false);
                return;
            }
            m.setLargestPassingPayload(pass);
            int idx = COARSE_SIZES.indexOf(pass);
            if (idx == 0) {
                return; // the largest size passed: no limit below the tunnel's MTU
            }
            m.setSmallestFailingPayload(COARSE_SIZES.get(idx - 1));
            m.setControlPayload(pass);
            m.setControlPassed(true);
            for (int i = idx + 1; i < COARSE_SIZES.size(); i++) {
                if (!coarse.get(COARSE_SIZES.get(i))) {
                    // a small size lost while a larger one passed: loss, not a size limit
                    m.setFailureConfirmed(false);
                    return;
                }
            }
            try {
                bisect(pass, COARSE_SIZES.get(idx - 1));
            } catch (PingUnusable e) {
                m.setFailureConfirmed(null);
                m.setControlPassed(null);
            }
        }

        private void bisect(int lo, int hi) throws InterruptedException, PingUnusable {
            for (int i = 0; i < MAX_BISECTIONS && hi - lo > RESOLUTION; i++) {
                int mid = (lo + hi) / 2;
                Map<Integer, Boolean> r = send(List.of(mid), lo);
                if (r.get(mid)) {
                    lo = mid;
                } else if (r.get(lo)) {
                    hi = mid;
                } else {
                    // the control failed beside mid: the path went away, the sizes prove nothing more
                    m.setLargestPassingPayload(lo);
                    m.setSmallestFailingPayload(mid);
                    m.setControlPayload(lo);
                    m.setControlPassed(false);
                    return;
                }
                m.setLargestPassingPayload(lo);
                m.setSmallestFailingPayload(hi);
                m.setControlPayload(lo);
            }
            Map<Integer, Boolean> again = send(List.of(hi), lo);
            if (again.get(hi)) {
                m.setFailureConfirmed(false); // the earlier failure was a lost packet
            } else if (again.get(lo)) {
                m.setFailureConfirmed(true);
            } else {
                m.setControlPassed(false);
            }
        }

        /**
         * Sends the tested sizes and the control at once (a DF ping each) and says which were
         * answered. The tested sizes are recorded in triedPayloads; the control is named in
         * controlPayload.
         */
        private Map<Integer, Boolean> send(List<Integer> tested, Integer control) throws InterruptedException, PingUnusable {
            List<Integer> sizes = new ArrayList<>(tested);
            if (control != null && !sizes.contains(control)) {
                sizes.add(control);
            }
            Map<Integer, Future<CommandResult>> sent = new LinkedHashMap<>();
            for (int size : sizes) {
                sent.put(size, pings.submit(() -> runner.run(NodeCommands.pingDontFragment(t.address(), size, wait),
                        Duration.ofSeconds(5))));
            }
            m.getTriedPayloads().addAll(tested);
            Map<Integer, Boolean> out = new LinkedHashMap<>();
            for (Map.Entry<Integer, Future<CommandResult>> e : sent.entrySet()) {
                out.put(e.getKey(), answered(e.getValue()));
            }
            return out;
        }
    }

    /** The ping could not be used at all (missing, refused, an option it does not know): no size proves anything. */
    private static final class PingUnusable extends Exception {
        PingUnusable() {
            super(null, null, false, false);
        }
    }

    /** iputils ping exits 0 on a reply and 1 when none came; anything else is not an answer about the path. */
    private static boolean answered(Future<CommandResult> f) throws InterruptedException, PingUnusable {
        CommandResult r;
        try {
            r = f.get();
        } catch (ExecutionException e) {
            throw new PingUnusable();
        }
        return replied(r);
    }

    private static boolean replied(CommandResult r) throws PingUnusable {
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw new PingUnusable();
        }
        return PingParser.replied(r.stdout());
    }
}
