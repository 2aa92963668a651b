package io.wgfleet.agent.collect;

import java.time.Duration;
import java.util.List;

/** The exact command lines the agent runs: one place, so recorded test outputs key on the same strings. */
public final class NodeCommands {

    public static final List<String> WG_DUMP = List.of("wg", "show", "all", "dump");
    public static final List<String> PROC_NET_UDP = List.of("cat", "/proc/net/udp");
    public static final List<String> PROC_NET_UDP6 = List.of("cat", "/proc/net/udp6");
    public static final List<String> IP_ADDR = List.of("ip", "-j", "addr");
    public static final List<String> IP_LINK = List.of("ip", "-j", "link");
    /** Route lookups go in one batch on stdin ("route get ADDR" lines); -force keeps going past failures. */
    public static final List<String> IP_ROUTE_BATCH = List.of("ip", "-j", "-force", "-batch", "-");
    /** The IPv4 default routes: the node's way out, for the NAT sign of an end without an endpoint. */
    public static final List<String> IP_ROUTE_DEFAULT = List.of("ip", "-j", "-4", "route", "show", "default");
    public static final List<String> NFT_RULESET = List.of("nft", "-j", "list", "ruleset");
    public static final List<String> NFT_APPLY = List.of("nft", "-f", "-");
    /** -c: each rule with its counters, the evidence that it matched WireGuard's packets. */
    public static final List<String> IPTABLES_LEGACY_SAVE = List.of("iptables-legacy-save", "-c");
    public static final List<String> IPTABLES_NFT_SAVE = List.of("iptables-nft-save", "-c");
    public static final List<String> IPTABLES_SAVE = List.of("iptables-save", "-c");
    public static final List<String> IP6TABLES_LEGACY_SAVE = List.of("ip6tables-legacy-save", "-c");
    public static final List<String> IP6TABLES_NFT_SAVE = List.of("ip6tables-nft-save", "-c");
    public static final List<String> IP6TABLES_SAVE = List.of("ip6tables-save", "-c");
    public static final List<String> IPTABLES_NAMES = List.of("cat", "/proc/net/ip_tables_names");

    /** Generous for one local command; a node under load can be slow to fork. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private NodeCommands() {
    }

    public static List<String> getentAhosts(String host) {
        return List.of("getent", "ahosts", host);
    }

    /** One echo request; -W 1: a tunnel answers within a second once its handshake is done. */
    public static List<String> ping(String target) {
        return List.of("ping", "-n", "-c", "1", "-W", "1", target);
    }

    /**
     * One echo request of the given ICMP payload with Don't-Fragment set, waiting {@code wait}
     * for the reply (iputils takes fractional seconds: "-W 0.2").
     */
    public static List<String> pingDontFragment(String target, int payload, Duration wait) {
        String seconds = java.math.BigDecimal.valueOf(wait.toMillis(), 3).stripTrailingZeros().toPlainString();
        return List.of("ping", "-n", "-c", "1", "-W", seconds, "-M", "do", "-s", Integer.toString(payload), target);
    }
}
