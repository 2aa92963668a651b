package io.wgfleet.operator.report;

import io.wgfleet.api.Timestamps;
import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.DnsResult;
import io.wgfleet.api.v1alpha1.FirewallFinding;
import io.wgfleet.api.v1alpha1.HandshakeProbe;
import io.wgfleet.api.v1alpha1.InterfaceReport;
import io.wgfleet.api.v1alpha1.MtuProbe;
import io.wgfleet.api.v1alpha1.NatFinding;
import io.wgfleet.api.v1alpha1.NodeAddress;
import io.wgfleet.api.v1alpha1.PeerReport;
import io.wgfleet.api.v1alpha1.PortArrivals;
import io.wgfleet.api.v1alpha1.RouteLookup;
import io.wgfleet.api.v1alpha1.SourceCount;
import io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.DeclaredPeer;
import io.wgfleet.diagnosis.NodeFacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps the API objects to the diagnosis engine's plain values. Tolerates anything a
 * hand-edited or older report may hold: nulls become absent facts, a bad timestamp becomes
 * a missing one with a note in {@link NodeFacts#notes()}, never an exception.
 */
public final class ReportMapper {

    private ReportMapper() {
    }

    /** The declared peer; {@code namespace}/{@code name} form its id for messages. */
    public static DeclaredPeer toDeclaredPeer(String namespace, String name, WireGuardPeerSpec spec) {
        String id = (namespace == null ? "" : namespace + "/") + (name == null ? "(unnamed)" : name);
        if (spec == null) {
            return new DeclaredPeer(id, null, null, null, List.of(), null, false, null);
        }
        return new DeclaredPeer(id, spec.getInterfaceName(), spec.getPublicKey(), spec.getEndpoint(),
                spec.getAllowedIPs(), spec.getPersistentKeepalive(), spec.getPresharedKeySecretRef() != null,
                spec.getProbeAddress());
    }

    /**
     * The peer's diagnosis interval (spec.diagnosis.interval, Go-style "30s", "5m", "1h30m"), which is also
     * the age after which a node report is stale. Absent or malformed: the default 5m.
     */
    public static Duration staleAfter(WireGuardPeerSpec spec) {
        String text = spec == null || spec.getDiagnosis() == null ? null : spec.getDiagnosis().getInterval();
        Duration d = parseInterval(text);
        return d == null ? parseInterval(DiagnosisSettings.DEFAULT_INTERVAL) : d;
    }

    /** "1h30m15s" style durations; null when absent, malformed or zero. */
    static Duration parseInterval(String text) {
        if (text == null || text.isBlank() || !text.trim().matches(DiagnosisSettings.INTERVAL_PATTERN)) {
            return null;
        }
        long seconds = 0;
        long n = 0;
        for (char c : text.trim().toCharArray()) {
            if (c >= '0' && c <= '9') {
                n = Math.min(n * 10 + (c - '0'), 1_000_000_000L);
            } else {
                seconds += n * (c == 'h' ? 3600 : c == 'm' ? 60 : 1);
                n = 0;
            }
        }
        return seconds <= 0 ? null : Duration.ofSeconds(seconds);
    }

    /** The node's facts; null for a null report. */
    public static NodeFacts toNodeFacts(WireGuardNodeReportSpec r) {
        if (r == null) {
            return null;
        }
        List<String> notes = new ArrayList<>();
        Instant collected = instant(r.getCollectionTime(), "collectionTime", notes);
        if (collected == null && r.getCollectionTime() == null) {
            notes.add("report of " + r.getNodeName() + " has no collectionTime");
        }
        return new NodeFacts(
                r.getNodeName(),
                collected,
                map(r.getInterfaces(), ReportMapper::iface),
                map(r.getAddresses(), (NodeAddress a) -> new NodeFacts.Address(a.getInterfaceName(), a.getAddress())),
                map(r.getRoutes(), (RouteLookup x) -> new NodeFacts.Route(x.getDestination(), x.getDevice(), x.getGateway(),
                        x.getSource(), x.getError())),
                map(r.getFirewallFindings(), (FirewallFinding f) -> new NodeFacts.FirewallRule(f.getBackend(), f.getPort(),
                        f.getFamily(), f.getTable(), f.getChain(), f.getHandle(), f.getVerdict(), f.getRule(), f.getPackets())),
                map(r.getArrivals(), (PortArrivals a) -> new NodeFacts.Arrivals(a.getPort(), a.getPackets(),
                        map(a.getSources(), (SourceCount s) -> new NodeFacts.SourceCount(s.getAddress(), s.getPackets(), s.getBytes())),
                        a.getWindowMillis())),
                map(r.getDns(), (DnsResult d) -> new NodeFacts.Dns(d.getInterfaceName(), d.getPeerPublicKey(), d.getHostname(),
                        d.getResolved(), d.getInUse(), d.getError())),
                probes(r, notes),
                map(r.getMtuProbes(), (MtuProbe m) -> new NodeFacts.MtuProbe(m.getInterfaceName(), m.getPeerPublicKey(),
                        m.getTarget(), m.getLargestPassingPayload(), m.getSmallestFailingPayload(), m.getTriedPayloads(),
                        m.getControlPayload(), m.getControlPassed(), m.getFailureConfirmed(), m.getRxDelta())),
                map(r.getNatFindings(), (NatFinding n) -> new NodeFacts.Nat(n.getInterfaceName(), n.getAddress(), n.getKind())),
                map(r.getCollectionErrors(), (CollectionError e) -> new NodeFacts.CollectionError(e.getSource(), e.getMessage())),
                notes);
    }

    /** The probes in the list and those on the peer lines (named after their line's interface and key). */
    private static List<NodeFacts.ProvokedHandshake> probes(WireGuardNodeReportSpec r, List<String> notes) {
        List<NodeFacts.ProvokedHandshake> out = new ArrayList<>(map(r.getHandshakeProbes(), (HandshakeProbe p) ->
                probe(p, p.getInterfaceName(), p.getPeerPublicKey(), notes)));
        if (r.getInterfaces() != null) {
            for (InterfaceReport i : r.getInterfaces()) {
                if (i == null || i.getPeers() == null) {
                    continue;
                }
                for (PeerReport p : i.getPeers()) {
                    if (p != null && p.getProbe() != null) {
                        out.add(probe(p.getProbe(), i.getName(), p.getPublicKey(), notes));
                    }
                }
            }
        }
        return out;
    }

    private static NodeFacts.ProvokedHandshake probe(HandshakeProbe p, String iface, String key, List<String> notes) {
        return new NodeFacts.ProvokedHandshake(iface, key, p.getTarget(), instant(p.getProvokedAt(), "handshake probe provokedAt", notes),
                p.getWaitedMillis(), p.getTxDelta(), p.getRxDelta(), p.getHandshakeCompleted(), p.getReplied(), p.getError(),
                p.getEscalatedMillis(), p.getInitiationsSent());
    }

    private static NodeFacts.Interface iface(InterfaceReport i) {
        return new NodeFacts.Interface(i.getName(), i.getPublicKey(), i.getListenPort(), i.getUdpSocketBound(),
                i.getAddresses(), i.getMtu(), i.getUp(), map(i.getPeers(), ReportMapper::peer));
    }

    private static NodeFacts.Peer peer(PeerReport p) {
        return new NodeFacts.Peer(p.getPublicKey(), p.getEndpoint(), p.getAllowedIPs(), p.getLatestHandshake(),
                p.getRxBytes(), p.getTxBytes(), p.getPersistentKeepalive(), p.getPresharedKeyFingerprint());
    }

    /** RFC 3339 with any offset; null (and a note) when it does not parse. */
    static Instant instant(String text, String field, List<String> notes) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant parsed = Timestamps.parse(text);
        if (parsed == null) {
            notes.add(field + " '" + abbreviate(text) + "' is not an RFC 3339 time; treated as missing");
        }
        return parsed;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static <A, B> List<B> map(List<A> in, Function<A, B> f) {
        if (in == null) {
            return List.of();
        }
        List<B> out = new ArrayList<>(in.size());
        for (A a : in) {
            if (a != null) {
                out.add(f.apply(a));
            }
        }
        return out;
    }
}
