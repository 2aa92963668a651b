package io.wgfleet.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.agent.collect.ArrivalCounter;
import io.wgfleet.agent.collect.FactCollector;
import io.wgfleet.agent.collect.HandshakeProber;
import io.wgfleet.agent.collect.MtuProber;
import io.wgfleet.agent.collect.NodeCommands;
import io.wgfleet.agent.collect.CollectedFacts;
import io.wgfleet.agent.collect.ProbeTarget;
import io.wgfleet.agent.collect.YoungSessionEscalation;
import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.MtuProbe;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * One agent run on one node: read WireGuard's state, collect the node's facts, provoke a
 * handshake with every declared peer while counting arrivals, probe the MTU where a handshake
 * works, and write the node's {@link WireGuardNodeReport}.
 *
 * <p>Everything on the node goes through the {@link CommandRunner}, so the same code runs for
 * real, inside a lab namespace, or against recorded outputs.
 */
public final class NodeAgent {

    /** Written into each report; bump with the report's meaning. */
    public static final String VERSION = "0.2.0";

    private static final Logger LOG = Logger.getLogger(NodeAgent.class.getName());
    /**
     * A ping to a silent peer holds its thread for its 1 s timeout; 128 at once start 1,000
     * provocations within ~8 s. The window is counted from the last provocation, so every peer
     * still gets a full REKEY_TIMEOUT.
     */
    private static final int MAX_PARALLEL_PINGS = 128;

    private final KubernetesClient client;
    private final CommandRunner runner;
    private final Clock clock;
    private final AgentOptions options;

    public NodeAgent(KubernetesClient client, CommandRunner runner, Clock clock, AgentOptions options) {
        this.client = client;
        this.runner = runner;
        this.clock = clock;
        this.options = options;
    }

    /**
     * Collects, probes and writes the report.
     *
     * @return the report as stored
     * @throws AgentException when the agent cannot work at all (no wg, no permission, no API);
     *                        nothing is left installed on the node in that case
     */
    public WireGuardNodeReport run() throws AgentException, InterruptedException {
        WireGuardNodeReportSpec spec = new WireGuardNodeReportSpec();
        spec.setNodeName(options.nodeName());
        spec.setAgentVersion(VERSION);
        List<CollectionError> errors = spec.getCollectionErrors();

        WgDump dump = readDumpOrFail(errors);
        List<String> missing = new ArrayList<>();
        List<WireGuardPeer> declared = PeerSelector.select(client, options, missing);
        missing.forEach(ref -> errors.add(new CollectionError("peers", "WireGuardPeer " + ref + " not found")));

        Set<String> localAddresses = new LinkedHashSet<>();
        List<ProbeTarget> targets = new ArrayList<>();
        Map<String, String> hostEndpoints = new LinkedHashMap<>();
        for (WireGuardPeer p : declared) {
            WireGuardPeerSpec s = p.getSpec();
            if (s.getEndpoint() != null && !s.getEndpoint().isBlank()) {
                try {
                    if (Endpoint.parse(s.getEndpoint()).isHostname()) {
                        hostEndpoints.put(s.getInterfaceName() + "\u0000" + s.getPublicKey(), s.getEndpoint());
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(new CollectionError("dns", ref(p) + ": endpoint is invalid: " + e.getMessage()));
                }
            }
        }

        FactCollector facts = new FactCollector(runner);
        // probe addresses are looked up too, so a route conflict for them shows in the report
        List<String> probeRoutes = new ArrayList<>();
        declared.forEach(p -> {
            String a = p.getSpec().getProbeAddress();
            if (a != null && IpAddress.isLiteral(a)) {
                probeRoutes.add(IpAddress.parse(a).toString());
            }
        });
        CollectedFacts nf = facts.collect(dump, probeRoutes, hostEndpoints, spec);
        nf.addresses().forEach(a -> localAddresses.add(a.cidr().substring(0, a.cidr().indexOf('/'))));
        for (WireGuardPeer p : declared) {
            targets.add(target(p, dump, localAddresses));
        }

        if (options.probe() && !targets.isEmpty()) {
            // a remote end in the fleet answers with its own report: its young sessions need no escalation
            List<Boolean> remoteInFleet = declared.stream().map(p -> p.getSpec().getRemotePeerRef() != null).toList();
            probe(targets, remoteInFleet, dump, spec);
        }
        nestProbes(spec);
        spec.setCollectionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        WireGuardNodeReport written = ReportWriter.write(client, options.nodeName(), spec);
        LOG.info(() -> "wrote WireGuardNodeReport " + options.nodeName() + ": " + spec.getInterfaces().size()
                + " interface(s), " + spec.getHandshakeProbes().size() + " probe(s), "
                + spec.getFirewallFindings().size() + " firewall finding(s), " + errors.size() + " collection error(s)");
        return written;
    }

    /**
     * Moves each probe onto the line of the peer it provoked, without the interface and key
     * the line already names: at thousands of peers per interface the report stays far below
     * the API server's object limit. Probes of peers the interface lacks stay in the list.
     */
    static void nestProbes(WireGuardNodeReportSpec spec) {
        Map<String, PeerReport> lines = new HashMap<>();
        for (InterfaceReport i : spec.getInterfaces()) {
            for (PeerReport p : i.getPeers()) {
                lines.put(i.getName() + "\u0000" + p.getPublicKey(), p);
            }
        }
        spec.getHandshakeProbes().removeIf(hp -> {
            PeerReport line = lines.get(hp.getInterfaceName() + "\u0000" + hp.getPeerPublicKey());
            if (line == null || line.getProbe() != null) {
                return false;
            }
            hp.setInterfaceName(null);
            hp.setPeerPublicKey(null);
            line.setProbe(hp);
            return true;
        });
    }

    private WgDump readDumpOrFail(List<CollectionError> errors) throws AgentException, InterruptedException {
        CommandResult r = runner.run(NodeCommands.WG_DUMP, NodeCommands.TIMEOUT);
        if (!r.succeeded() && r.firstErrorLine().contains("Protocol error")) {
            // wireguard-go's control socket answers EPROTO while it is busy with another
            // request (seen in the lab when two readers meet); one retry is enough
            Thread.sleep(200);
            r = runner.run(NodeCommands.WG_DUMP, NodeCommands.TIMEOUT);
        }
        if (r.commandMissing()) {
            throw new AgentException(AgentException.NODE_ACCESS, "wg (wireguard-tools) is not installed; it is needed to read WireGuard's state");
        }
        if (!r.succeeded()) {
            String why = r.firstErrorLine();
            boolean permission = why.contains("Operation not permitted") || why.contains("Permission denied");
            throw new AgentException(AgentException.NODE_ACCESS, "wg show all dump failed"
                    + (permission ? " for lack of privilege (the agent needs CAP_NET_ADMIN)" : "") + ": " + why);
        }
        try {
            return WgDumpParser.parse(r.stdout());
        } catch (ParseException e) {
            // the other facts are still worth reporting; the engine sees why WireGuard's are missing
            errors.add(new CollectionError("wg", e.getMessage()));
            return new WgDump(List.of());
        }
    }

    private static String ref(WireGuardPeer p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    /** Where to send the provoking packet: probeAddress, else the first non-local host address the AllowedIPs cover. */
    static ProbeTarget target(WireGuardPeer p, WgDump dump, Set<String> localAddresses) {
        WireGuardPeerSpec s = p.getSpec();
        String ifn = s.getInterfaceName();
        String key = s.getPublicKey();
        var iface = dump.iface(ifn);
        if (iface.isEmpty()) {
            return new ProbeTarget(ref(p), ifn, key, null, false, "interface " + ifn + " not found on the node");
        }
        var peer = iface.get().peer(key);
        if (peer.isEmpty()) {
            return new ProbeTarget(ref(p), ifn, key, null, false, "peer not configured on " + ifn);
        }
        if (s.getProbeAddress() != null && IpAddress.isLiteral(s.getProbeAddress())) {
            return new ProbeTarget(ref(p), ifn, key, IpAddress.parse(s.getProbeAddress()).toString(), true, null);
        }
        List<String> prefixes = s.getAllowedIPs() == null || s.getAllowedIPs().isEmpty() ? peer.get().allowedIps() : s.getAllowedIPs();
        for (String a : prefixes) {
            try {
                IpPrefix prefix = IpPrefix.parse(a);
                String host = firstHost(prefix, localAddresses);
                if (host != null) {
                    return new ProbeTarget(ref(p), ifn, key, host, false, null);
                }
            } catch (IllegalArgumentException e) {
                // an invalid declared prefix is the engine's InvalidSpec; try the next one
            }
        }
        return new ProbeTarget(ref(p), ifn, key, null, false, "no probeAddress and no usable address in AllowedIPs");
    }

    /** The first address in the prefix that is not the node's own (a ping to it would not enter the tunnel). */
    private static String firstHost(IpPrefix p, Set<String> local) {
        if (p.length() == 0) {
            return null;
        }
        int max = p.ipv6() ? 128 : 32;
        long count = max - p.length() >= 3 ? 4 : 1L << (max - p.length());
        for (long i = (p.length() >= max - 1 ? 0 : 1); i < count; i++) {
            IpAddress a = new IpAddress(p.ipv6(), p.hi(), p.lo() + i);
            if (!local.contains(a.toString())) {
                return a.toString();
            }
        }
        return null;
    }

    private void probe(List<ProbeTarget> targets, List<Boolean> remoteInFleet, WgDump dump, WireGuardNodeReportSpec spec)
            throws InterruptedException {
        List<CollectionError> errors = spec.getCollectionErrors();
        Set<Integer> ports = new TreeSet<>();
        dump.interfaces().forEach(i -> {
            if (i.listenPort() > 0) {
                ports.add(i.listenPort());
            }
        });
        int threads = Math.min(MAX_PARALLEL_PINGS, Math.max(1, targets.size()));
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "wgfleet-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // the DF searches' own thread: its searches and pings go to the pools, never waiting on this one
        ExecutorService searches = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wgfleet-mtu");
            t.setDaemon(true);
            return t;
        });
        ArrivalCounter counter = new ArrivalCounter(runner);
        try {
            String unavailable = ports.isEmpty() ? "no interface has a listen port" : counter.install(ports);
            if (unavailable != null) {
                errors.add(new CollectionError("arrivals", "arrival counting unavailable: " + unavailable));
            }
            // a fresh dump right before provoking: the collectors above took time
            WgDump before = dump;
            CommandResult r = runner.run(NodeCommands.WG_DUMP, NodeCommands.TIMEOUT);
            if (r.succeeded()) {
                try {
                    before = WgDumpParser.parse(r.stdout());
                } catch (ParseException e) {
                    errors.add(new CollectionError("probe", e.getMessage()));
                }
            }
            // the DF search needs a passing baseline, a peer whose provoking ping was answered: it
            // starts as soon as the pings are back and runs inside the window, not after it; its
            // control is sent again once the window is over (below)
            List<Future<List<MtuProbe>>> mtu = new ArrayList<>(1);
            HandshakeProber.Round round = new HandshakeProber(runner, clock, pool).probe(targets, before, options.probeWait(),
                    answered -> {
                        List<MtuProber.Target> mtuTargets = answered.stream().filter(a -> a.target().declaredProbe())
                                .map(a -> new MtuProber.Target(a.target(), a.rttMillis())).toList();
                        if (!mtuTargets.isEmpty()) {
                            WgDump origin = dumpOrNull();
                            mtu.add(searches.submit(() -> new MtuProber(runner, pool).probe(mtuTargets, origin, this::dumpOrNull)));
                        }
                    });
            spec.getHandshakeProbes().addAll(round.probes());
            long escalated = new YoungSessionEscalation(runner, pool).run(targets, round.probes(), remoteInFleet, before,
                    clock.instant().getEpochSecond(), this::dumpOrNull);
            if (unavailable == null) {
                try {
                    spec.getArrivals().addAll(counter.read(ports, round.waitedMillis() + escalated));
                } catch (ArrivalCounter.CounterException e) {
                    errors.add(new CollectionError("arrivals", e.getMessage()));
                }
            }
            counter.close();
            for (Future<List<MtuProbe>> searched : mtu) {
                try {
                    spec.getMtuProbes().addAll(searched.get());
                } catch (ExecutionException e) {
                    errors.add(new CollectionError("mtu", "the DF search failed: " + e.getCause()));
                }
            }
            // the search ran right after the provoking ping refreshed any NAT mapping; the window's
            // quiet since then is what shows a mapping that expires (point 1's control, repeated)
            new MtuProber(runner, pool).repeatControls(spec.getMtuProbes());
        } finally {
            counter.close();
            pool.shutdownNow();
            searches.shutdownNow();
        }
    }

    /** A fresh dump for counters; null when it cannot be read (the counters are then left out). */
    private WgDump dumpOrNull() {
        CommandResult r = runner.run(NodeCommands.WG_DUMP, NodeCommands.TIMEOUT);
        if (!r.succeeded()) {
            return null;
        }
        try {
            return WgDumpParser.parse(r.stdout());
        } catch (ParseException e) {
            return null;
        }
    }
}
