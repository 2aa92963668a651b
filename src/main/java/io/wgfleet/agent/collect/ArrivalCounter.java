package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.NftRulesetParser;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.api.v1alpha1.PortArrivals;
import io.wgfleet.api.v1alpha1.SourceCount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The agent's own counter-only nftables table: it counts UDP packets to each listen port per
 * source address while handshakes are provoked, so the report can say whether the other end's
 * initiations reach this node at all.
 *
 * <p>Why it cannot change a verdict: its one chain has policy accept and its rules hold only
 * {@code counter} and {@code add @set} statements. An accept in one base chain does not skip
 * the others, so every packet still meets the node's own rules; a full set only stops the
 * {@code add}, never the packet.
 *
 * <p>Why priority -400: it must see a packet before any filter that could drop it. raw is
 * -300 and conntrack -200, the usual homes of early drops; -400 is the IPv4 defragmentation
 * priority, the lowest a hook normally has. (A fragment without its UDP header would not be
 * counted; WireGuard handshake packets are never fragmented.)
 *
 * <p>Removal is idempotent: {@link #close()} runs from a {@code finally} and from a JVM
 * shutdown hook, whichever comes first, and a leftover table from a crashed run is replaced
 * atomically on install.
 */
public final class ArrivalCounter implements AutoCloseable {

    public static final String TABLE = "wgfleet_probe";
    public static final int PRIORITY = -400;

    private static final Logger LOG = Logger.getLogger(ArrivalCounter.class.getName());

    private final CommandRunner runner;
    private final AtomicBoolean installed = new AtomicBoolean();
    private Thread shutdownHook;

    public ArrivalCounter(CommandRunner runner) {
        this.runner = runner;
    }

    /** The nft script that (re)creates the table: declaring it first makes the delete safe when none exists. */
    public static String script(Set<Integer> ports) {
        String set = ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "));
        StringBuilder s = new StringBuilder();
        s.append("table inet ").append(TABLE).append(" {}\n");
        s.append("delete table inet ").append(TABLE).append('\n');
        s.append("table inet ").append(TABLE).append(" {\n");
        s.append("  set arrivals4 { type ipv4_addr . inet_service; size 65535; flags dynamic; counter; }\n");
        s.append("  set arrivals6 { type ipv6_addr . inet_service; size 65535; flags dynamic; counter; }\n");
        s.append("  chain arrivals {\n");
        s.append("    type filter hook prerouting priority ").append(PRIORITY).append("; policy accept;\n");
        s.append("    udp dport { ").append(set).append(" } add @arrivals4 { ip saddr . udp dport }\n");
        s.append("    udp dport { ").append(set).append(" } add @arrivals6 { ip6 saddr . udp dport }\n");
        for (int p : ports.stream().sorted().toList()) {
            s.append("    udp dport ").append(p).append(" counter\n");
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    /**
     * Installs the table. Registers the shutdown hook first, so that a signal arriving while
     * nft runs still removes whatever got installed.
     *
     * @return null on success, else why counting is unavailable
     */
    public String install(Set<Integer> ports) {
        shutdownHook = new Thread(this::remove, "wgfleet-probe-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            return "the agent is shutting down";
        }
        installed.set(true);
        CommandResult r = runner.run(NodeCommands.NFT_APPLY, script(ports), NodeCommands.TIMEOUT);
        if (r.commandMissing()) {
            installed.set(false);
            return "nft is not installed";
        }
        if (!r.succeeded()) {
            remove();
            return "nft -f: " + r.firstErrorLine();
        }
        return null;
    }

    /** Reads the counters of every port; packets from each source during the window. */
    public List<PortArrivals> read(Set<Integer> ports, long windowMillis) throws CounterException {
        CommandResult r = runner.run(List.of("nft", "-j", "list", "table", "inet", TABLE), NodeCommands.TIMEOUT);
        if (!r.succeeded()) {
            throw new CounterException("nft list table " + TABLE + ": " + r.firstErrorLine());
        }
        Map<Integer, NftRulesetParser.PortCounters> counters;
        try {
            counters = NftRulesetParser.arrivals(r.stdout(), TABLE);
        } catch (ParseException e) {
            throw new CounterException(e.getMessage());
        }
        List<PortArrivals> out = new ArrayList<>();
        for (int port : ports.stream().sorted().toList()) {
            NftRulesetParser.PortCounters c = counters.get(port);
            PortArrivals a = new PortArrivals();
            a.setPort(port);
            a.setWindowMillis(windowMillis);
            a.setPackets(c == null ? 0L : c.packets());
            if (c != null) {
                c.packetsAndBytesBySource().forEach((src, pb) -> a.getSources().add(new SourceCount(src, pb[0], pb[1])));
            }
            out.add(a);
        }
        return out;
    }

    /** Deletes the table if this run installed it. Safe to call twice and from any thread. */
    public void remove() {
        if (!installed.compareAndSet(true, false)) {
            return;
        }
        CommandResult r = runner.run(List.of("nft", "delete", "table", "inet", TABLE), NodeCommands.TIMEOUT);
        if (!r.succeeded() && !r.stderr().contains("No such file or directory")) {
            LOG.warning("could not delete nft table inet " + TABLE + ": " + r.firstErrorLine()
                    + "; delete it by hand with: nft delete table inet " + TABLE);
        }
    }

    @Override
    public void close() {
        remove();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs, finds nothing installed, and returns
            }
            shutdownHook = null;
        }
    }

    /** The counters could not be read. */
    public static final class CounterException extends Exception {
        public CounterException(String message) {
            super(message);
        }
    }
}
