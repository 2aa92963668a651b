package io.wgfleet.agent;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.RecordedCommandRunner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A {@link RecordedCommandRunner} pre-loaded with one lab node's captured outputs. */
public final class RecordedNode {

    private RecordedNode() {
    }

    /** The lab client (agwgc): healthy dump, sockets, addresses, links, routes, empty firewall. */
    public static RecordedCommandRunner client() {
        RecordedCommandRunner r = new RecordedCommandRunner();
        r.answer("wg show all dump", Fixtures.lab("healthy/client-wg-dump.txt"));
        r.answer("cat /proc/net/udp", Fixtures.lab("healthy/agwgc-proc-net-udp.txt"));
        r.answer("cat /proc/net/udp6", Fixtures.lab("healthy/agwgc-proc-net-udp6.txt"));
        r.answer("ip -j addr", Fixtures.lab("healthy/agwgc-ip-addr.json"));
        r.answer("ip -j link", Fixtures.lab("healthy/agwgc-ip-link.json"));
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("10.77.0.1", Fixtures.lab("healthy/agwgc-route-get-10.77.0.1.json"));
        routes.put("192.0.2.1", Fixtures.lab("healthy/agwgc-route-get-192.0.2.1.json"));
        r.answer("ip -j -force -batch -", routeBatch(routes));
        r.answer("nft -j list ruleset", Fixtures.lab("healthy/agwgs-nft-ruleset.json"));
        r.answer("nft -f -", CommandResult.ok(""));
        r.answer("nft -j list table inet wgfleet_probe", Fixtures.lab("probe-table/agwgs-nft-probe-table.json"));
        r.answer("nft delete table inet wgfleet_probe", CommandResult.ok(""));
        r.answer("ping -n -c 1 -W 1 10.77.0.1", Fixtures.lab("ping-ok.txt"));
        return r;
    }

    /** Answers a route batch from per-destination JSON, failing the rest like ip does. */
    public static Function<String, CommandResult> routeBatch(Map<String, String> routes) {
        return stdin -> {
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            String[] lines = stdin.split("\n");
            for (int i = 0; i < lines.length; i++) {
                String dest = lines[i].substring("route get ".length());
                String json = routes.get(dest);
                if (json == null) {
                    err.append("RTNETLINK answers: Network is unreachable\nCommand failed -:").append(i + 1).append('\n');
                } else {
                    out.append(json.strip().replace("\"dst\":\"10.77.0.1\"", "\"dst\":\"" + dest + "\"")).append('\n');
                }
            }
            return new CommandResult(err.length() == 0 ? 0 : 1, out.toString(), err.toString(), false);
        };
    }

    /** Answers successive calls with successive outputs, repeating the last. */
    public static Function<String, CommandResult> sequence(String... outputs) {
        AtomicInteger n = new AtomicInteger();
        return stdin -> CommandResult.ok(outputs[Math.min(n.getAndIncrement(), outputs.length - 1)]);
    }

    public static long count(RecordedCommandRunner r, String commandLine) {
        return r.commandLines().stream().filter(commandLine::equals).count();
    }

    public static List<String> stdinOf(RecordedCommandRunner r, String commandLine) {
        return r.calls().stream().filter(c -> c.commandLine().equals(commandLine)).map(RecordedCommandRunner.Call::stdin).toList();
    }
}
