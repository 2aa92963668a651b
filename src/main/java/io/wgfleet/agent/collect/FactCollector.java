package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.GetentParser;
import io.wgfleet.agent.parse.IpJsonParser;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.ProcNetUdpParser;
import io.wgfleet.agent.parse.UdpSocket;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.DnsResult;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.NatFinding;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.RouteLookup;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects what a node can tell without sending anything: interfaces and peers, bound UDP
 * sockets, addresses, MTU, routes, firewall rules against the listen ports, DNS of hostname
 * endpoints and NAT signs. Each source that fails becomes a {@link CollectionError}; none
 * stops the others.
 */
public final class FactCollector {

    /** The table the agent itself installs; never reported as the node's firewall. */
    public static final String OWN_TABLE = ArrivalCounter.TABLE;

    private final CommandRunner runner;

    public FactCollector(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Fills the spec's interfaces, addresses, routes, firewall findings, DNS and NAT findings.
     *
     * @param dump          the parsed dump (already read: its failure is fatal earlier)
     * @param extraRoutes   more destinations to look up (probe targets), in order
     * @param hostEndpoints declared hostname endpoints: key "interface\u0000peer public key", value the endpoint
     */
    public CollectedFacts collect(WgDump dump, List<String> extraRoutes, Map<String, String> hostEndpoints,
                             WireGuardNodeReportSpec spec) {
        List<CollectionError> errors = spec.getCollectionErrors();
        List<UdpSocket> sockets = udpSockets(errors);
        List<IpJsonParser.LinkAddress> addrs = parse(IpJsonParser::addresses, NodeCommands.IP_ADDR, "ip", errors, List.of());
        List<IpJsonParser.Link> links = parse(IpJsonParser::links, NodeCommands.IP_LINK, "ip", errors, List.of());

        Set<Integer> boundPorts = new TreeSet<>();
        sockets.forEach(s -> boundPorts.add(s.localPort()));
        for (WgDump.Interface i : dump.interfaces()) {
            spec.getInterfaces().add(interfaceReport(i, boundPorts, addrs, links, socketsRead(errors)));
        }
        addrs.forEach(a -> spec.getAddresses().add(new NodeAddress(a.interfaceName(), a.cidr())));

        // route lookups: AllowedIPs and probe targets are reported; endpoints only feed NAT detection
        Set<String> reported = new LinkedHashSet<>();
        Map<String, Set<String>> claimedBy = new HashMap<>();
        for (WgDump.Interface i : dump.interfaces()) {
            for (WgDump.Peer p : i.peers()) {
                for (String a : p.allowedIps()) {
                    String host = Addresses.firstHost(IpPrefix.parse(a));
                    if (host != null) {
                        reported.add(host);
                        claimedBy.computeIfAbsent(host, k -> new TreeSet<>()).add(i.name());
                    }
                }
            }
        }
        reported.addAll(extraRoutes);
        Set<String> endpoints = new LinkedHashSet<>();
        dump.interfaces().forEach(i -> i.peers().forEach(p -> {
            if (p.endpoint() != null) {
                endpoints.add(Addresses.endpointAddress(p.endpoint()));
            }
        }));
        List<String> all = new ArrayList<>(reported);
        endpoints.stream().filter(e -> !reported.contains(e)).forEach(all::add);
        Map<String, IpJsonParser.Route> routes = routes(all, errors);
        for (String d : reported) {
            IpJsonParser.Route r = routes.get(d);
            // a lookup that leaves through the WireGuard interface claiming the address is the
            // expected route and evidence of nothing: only the others are reported (a node with
            // thousands of peers would otherwise fill its report with confirmations)
            if (r != null && (r.error() != null || r.device() == null || !claimedBy.getOrDefault(d, Set.of()).contains(r.device()))) {
                spec.getRoutes().add(routeLookup(r));
            }
        }

        Set<Integer> ports = new TreeSet<>();
        dump.interfaces().forEach(i -> {
            if (i.listenPort() > 0) {
                ports.add(i.listenPort());
            }
        });
        if (!ports.isEmpty()) {
            new FirewallCollector(runner).collect(ports, spec.getFirewallFindings(), errors);
        }
        dns(dump, hostEndpoints, spec);
        nat(endpoints, routes, addrs, defaultRouteDevices(dump), spec);
        return new CollectedFacts(dump, sockets, addrs, links, routes);
    }

    /** Whether "no socket on the port" is a fact or merely unknown. */
    private static boolean socketsRead(List<CollectionError> errors) {
        return errors.stream().noneMatch(e -> e.getSource().equals("udp-sockets"));
    }

    private InterfaceReport interfaceReport(WgDump.Interface i, Set<Integer> boundPorts, List<IpJsonParser.LinkAddress> addrs,
                                            List<IpJsonParser.Link> links, boolean socketsKnown) {
        InterfaceReport r = new InterfaceReport();
        r.setName(i.name());
        r.setPublicKey(i.publicKey());
        r.setListenPort(i.listenPort());
        r.setFwmark(i.fwmark());
        if (socketsKnown) {
            r.setUdpSocketBound(i.listenPort() > 0 && boundPorts.contains(i.listenPort()));
        }
        addrs.stream().filter(a -> a.interfaceName().equals(i.name())).forEach(a -> r.getAddresses().add(a.cidr()));
        links.stream().filter(l -> l.name().equals(i.name())).findFirst().ifPresent(l -> {
            r.setMtu(l.mtu());
            r.setUp(l.up());
        });
        for (WgDump.Peer p : i.peers()) {
            PeerReport pr = new PeerReport();
            pr.setPublicKey(p.publicKey());
            pr.setEndpoint(p.endpoint());
            pr.setAllowedIPs(new ArrayList<>(p.allowedIps()));
            pr.setLatestHandshake(p.latestHandshake());
            pr.setRxBytes(p.rxBytes());
            pr.setTxBytes(p.txBytes());
            pr.setPersistentKeepalive(p.persistentKeepalive());
            pr.setPresharedKeyFingerprint(p.presharedKeyFingerprint());
            r.getPeers().add(pr);
        }
        return r;
    }

    private List<UdpSocket> udpSockets(List<CollectionError> errors) {
        List<UdpSocket> out = new ArrayList<>();
        for (List<String> cmd : List.of(NodeCommands.PROC_NET_UDP, NodeCommands.PROC_NET_UDP6)) {
            CommandResult r = runner.run(cmd, NodeCommands.TIMEOUT);
            if (!r.succeeded()) {
                // a kernel without IPv6 has no udp6 file: that is not an error
                if (!cmd.equals(NodeCommands.PROC_NET_UDP6) || !r.stderr().contains("No such file")) {
                    errors.add(new CollectionError("udp-sockets", cmd.get(1) + ": " + r.firstErrorLine()));
                }
                continue;
            }
            try {
                out.addAll(ProcNetUdpParser.parse(r.stdout(), cmd.get(1)));
            } catch (ParseException e) {
                errors.add(new CollectionError("udp-sockets", e.getMessage()));
            }
        }
        return out;
    }

    private Map<String, IpJsonParser.Route> routes(List<String> destinations, List<CollectionError> errors) {
        Map<String, IpJsonParser.Route> out = new LinkedHashMap<>();
        if (destinations.isEmpty()) {
            return out;
        }
        StringBuilder batch = new StringBuilder();
        destinations.forEach(d -> batch.append("route get ").append(d).append('\n'));
        CommandResult r = runner.run(NodeCommands.IP_ROUTE_BATCH, batch.toString(), NodeCommands.TIMEOUT);
        if (r.commandMissing() || r.timedOut()) {
            errors.add(new CollectionError("ip", "ip route get: " + r.firstErrorLine()));
            return out;
        }
        try {
            // a non-zero exit only means some lookups failed; the parser reads which
            for (IpJsonParser.Route route : IpJsonParser.routeGetBatch(destinations, r.stdout(), r.stderr())) {
                out.put(route.destination(), route);
            }
        } catch (ParseException e) {
            errors.add(new CollectionError("ip", e.getMessage()));
        }
        return out;
    }

    private static RouteLookup routeLookup(IpJsonParser.Route r) {
        RouteLookup l = new RouteLookup();
        l.setDestination(r.destination());
        l.setDevice(r.device());
        l.setGateway(r.gateway());
        l.setSource(r.source());
        l.setError(r.error());
        return l;
    }

    private void dns(WgDump dump, Map<String, String> hostEndpoints, WireGuardNodeReportSpec spec) {
        for (Map.Entry<String, String> e : hostEndpoints.entrySet()) {
            String[] k = e.getKey().split("\u0000", 2);
            Endpoint declared = Endpoint.parse(e.getValue());
            DnsResult d = new DnsResult();
            d.setInterfaceName(k[0]);
            d.setPeerPublicKey(k[1]);
            d.setHostname(declared.host());
            dump.iface(k[0]).flatMap(i -> i.peer(k[1])).ifPresent(p -> d.setInUse(p.endpoint()));
            CommandResult r = runner.run(NodeCommands.getentAhosts(declared.host()), NodeCommands.TIMEOUT);
            if (r.succeeded()) {
                try {
                    GetentParser.addresses(r.stdout()).forEach(a -> d.getResolved().add(a));
                } catch (ParseException ex) {
                    d.setError(ex.getMessage());
                }
            } else if (r.exitCode() == 2) {
                // getent's documented status for "key not found"
                d.setError("does not resolve");
            } else {
                d.setError("getent ahosts: " + r.firstErrorLine());
            }
            spec.getDns().add(d);
        }
    }

    /**
     * The devices of the IPv4 default routes: the node's way out when no endpoint names one. An
     * end that only accepts handshakes has no endpoint to look a route up for, and it is exactly
     * the end for which a carrier-grade NAT makes inbound impossible. WireGuard interfaces are
     * left out (a full-tunnel client routes its default through wg0, whose address says nothing
     * about the underlay). A failed lookup is no error of its own: ip's other commands report it.
     */
    private Set<String> defaultRouteDevices(WgDump dump) {
        CommandResult r = runner.run(NodeCommands.IP_ROUTE_DEFAULT, NodeCommands.TIMEOUT);
        Set<String> out = new LinkedHashSet<>();
        if (!r.succeeded()) {
            return out;
        }
        try {
            for (String dev : IpJsonParser.routeDevices(r.stdout())) {
                if (dump.iface(dev).isEmpty()) {
                    out.add(dev);
                }
            }
        } catch (ParseException e) {
            // the default route only adds a NAT sign; the endpoints' routes are read on their own
        }
        return out;
    }

    private static void nat(Set<String> endpoints, Map<String, IpJsonParser.Route> routes,
                            List<IpJsonParser.LinkAddress> addrs, Set<String> defaultDevices, WireGuardNodeReportSpec spec) {
        Set<String> devices = new LinkedHashSet<>();
        for (String e : endpoints) {
            IpJsonParser.Route r = routes.get(e);
            if (r != null && r.device() != null) {
                devices.add(r.device());
            }
        }
        devices.forEach(dev -> natSigns(dev, addrs, true, spec));
        // on the way out only a CGNAT address is a sign: a private address behind a default route
        // is every cloud VM's, and says nothing about whether inbound is forwarded
        defaultDevices.stream().filter(dev -> !devices.contains(dev)).forEach(dev -> natSigns(dev, addrs, false, spec));
    }

    /** The NAT signs in the addresses of {@code dev}: a CGNAT address, and a private one when {@code privateCounts}. */
    private static void natSigns(String dev, List<IpJsonParser.LinkAddress> addrs, boolean privateCounts, WireGuardNodeReportSpec spec) {
        for (IpJsonParser.LinkAddress a : addrs) {
            if (!a.interfaceName().equals(dev)) {
                continue;
            }
            IpAddress ip = IpAddress.parse(a.cidr().substring(0, a.cidr().indexOf('/')));
            if (ip.isCgnat()) {
                spec.getNatFindings().add(new NatFinding(dev, a.cidr(), "CGNAT"));
            } else if (privateCounts && ip.isPrivate()) {
                spec.getNatFindings().add(new NatFinding(dev, a.cidr(), "Private"));
            }
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text) throws ParseException;
    }

    private <T> T parse(Parser<T> parser, List<String> cmd, String source, List<CollectionError> errors, T fallback) {
        CommandResult r = runner.run(cmd, NodeCommands.TIMEOUT);
        if (!r.succeeded()) {
            errors.add(new CollectionError(source, String.join(" ", cmd) + ": " + r.firstErrorLine()));
            return fallback;
        }
        try {
            return parser.parse(r.stdout());
        } catch (ParseException e) {
            errors.add(new CollectionError(source, e.getMessage()));
            return fallback;
        }
    }
}
