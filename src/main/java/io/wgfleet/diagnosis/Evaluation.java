package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.ConditionVerdict.Status;
import io.wgfleet.diagnosis.NodeFacts.Arrivals;
import io.wgfleet.diagnosis.NodeFacts.Dns;
import io.wgfleet.diagnosis.NodeFacts.FirewallRule;
import io.wgfleet.diagnosis.NodeFacts.HandshakeProbe;
import io.wgfleet.diagnosis.NodeFacts.Interface;
import io.wgfleet.diagnosis.NodeFacts.MtuProbe;
import io.wgfleet.diagnosis.NodeFacts.Nat;
import io.wgfleet.diagnosis.NodeFacts.Peer;
import io.wgfleet.diagnosis.NodeFacts.Route;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One diagnosis run. Checks are evaluated layer by layer and each proven fault is recorded as
 * an {@link Issue}; the root cause is then the issue whose reason is declared first in
 * {@link Reason} (the layer order), and every other issue becomes a finding. Checks that need
 * a failing handshake guard on it themselves, so a later layer never fires on evidence that
 * only a working or a failing tunnel could produce.
 */
final class Evaluation {

    static final long REJECT_AFTER_SECONDS = DiagnosisEngine.REJECT_AFTER_TIME.getSeconds();
    static final long REKEY_TIMEOUT_MILLIS = DiagnosisEngine.REKEY_TIMEOUT.toMillis();
    static final long INITIATION = DiagnosisEngine.HANDSHAKE_INITIATION_BYTES;
    static final long RESPONSE = DiagnosisEngine.HANDSHAKE_RESPONSE_BYTES;
    /** Linux interface names: at most 15 bytes, no slash or whitespace (as the CRD's pattern). */
    private static final java.util.regex.Pattern INTERFACE_NAME = java.util.regex.Pattern.compile("^[A-Za-z0-9_.=+-]{1,15}$");

    /** The conditions an issue proves False. */
    enum Cond { HANDSHAKE, CONFIG, TRAFFIC }

    record Issue(Reason reason, String message, List<String> evidence, List<String> remediation,
                 Set<Cond> falsifies, boolean advisory) {
    }

    /** One end of the tunnel as seen by its own node. */
    static final class Side {
        final String node;
        final NodeFacts facts;
        final Interface iface;
        final Peer peer;          // this side's entry for the other end, may be null
        final DeclaredPeer declared; // may be null (dangling remote reference)
        final boolean local;
        HandshakeProbe probe;
        List<IpAddress> nodeAddresses;

        Side(String node, NodeFacts facts, Interface iface, Peer peer, DeclaredPeer declared, boolean local) {
            this.node = node == null ? "(unknown node)" : node;
            this.facts = facts;
            this.iface = iface;
            this.peer = peer;
            this.declared = declared;
            this.local = local;
        }

        String label() {
            return (local ? "this node " : "remote node ") + node;
        }

        int listenPort() {
            return iface == null || iface.listenPort() == null ? 0 : iface.listenPort();
        }

        String ifName() {
            return iface == null || iface.name() == null ? "(interface)" : iface.name();
        }

        List<IpAddress> addresses() {
            if (nodeAddresses == null) {
                List<IpAddress> out = new ArrayList<>();
                for (NodeFacts.Address a : facts.addresses()) {
                    IpAddress ip = host(a.address());
                    if (ip != null) {
                        out.add(ip);
                    }
                }
                nodeAddresses = out;
            }
            return nodeAddresses;
        }

        Nat cgnat() {
            for (Nat n : facts.natFindings()) {
                if (n.isCgnat()) {
                    return n;
                }
            }
            return null;
        }

        boolean natted() {
            return !facts.natFindings().isEmpty();
        }

        int keepalive() {
            return peer == null || peer.persistentKeepalive() == null ? 0 : Math.max(0, peer.persistentKeepalive());
        }

        long rx() {
            return peer == null ? 0 : nz(peer.rxBytes());
        }

        long tx() {
            return peer == null ? 0 : nz(peer.txBytes());
        }

        /** A probe that ran long enough (one REKEY_TIMEOUT) and completed no handshake. */
        boolean provokedWithoutHandshake() {
            return probe != null && probe.error() == null && !Boolean.TRUE.equals(probe.handshakeCompleted())
                    && nz(probe.waitedMillis()) >= REKEY_TIMEOUT_MILLIS;
        }

        /** Initiations went out and nothing came back: provoked, or the lab's passive signature. */
        boolean sentWithoutReply() {
            if (peer == null) {
                return false;
            }
            if (provokedWithoutHandshake()) {
                boolean sent = probe.txDelta() == null ? tx() > 0 : probe.txDelta() >= INITIATION;
                boolean nothingBack = probe.rxDelta() == null ? rx() == 0 : probe.rxDelta() == 0;
                return sent && nothingBack;
            }
            // two or more initiations and never a byte back: at least one REKEY_TIMEOUT went unanswered
            return nz(peer.latestHandshake()) <= 0 && rx() == 0 && tx() >= 2 * INITIATION;
        }

        /** The responder's reply pattern: initiations counted in, responses counted out. */
        boolean replied() {
            return peer != null && rx() >= INITIATION && tx() >= RESPONSE;
        }
    }

    private final DiagnosisInput in;
    private final DeclaredPeer decl;
    private final List<Issue> issues = new ArrayList<>();
    private final List<String> baseEvidence = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    // parsed declaration
    private Endpoint declaredEndpoint;
    private List<IpPrefix> declaredAllowed = List.of();
    private boolean declaredAllowedValid = true;
    private IpAddress probeAddress;

    private Side local;
    private Endpoint localRunningEndpoint;   // parsed once: several checks read it
    private List<IpPrefix> localRunningAllowed = List.of();
    private Side remote;           // non-null only when the remote's facts are usable
    private boolean inFleet;
    private String remoteUnknownReason; // why remote facts are not usable
    private boolean remoteFailed;

    // handshake state of the local peer entry
    private boolean recent;
    private boolean stale;
    private long handshakeAge = -1;
    private Side initiator;
    private Side responder;

    Evaluation(DiagnosisInput in) {
        this.in = in;
        this.decl = in.peer() == null
                ? new DeclaredPeer(null, null, null, null, List.of(), null, false, null) : in.peer();
    }

    Diagnosis run() {
        checkSpec();
        for (Finding f : in.fleetIssues()) {
            add(f.reason(), f.message(), List.of(), List.of(), EnumSet.noneOf(Cond.class));
        }
        Finding unavailable = localAvailability();
        if (unavailable != null) {
            return unknownLocal(unavailable);
        }
        if (!localService()) {
            return finish();
        }
        setUpRemote();
        handshakeState();
        direction();
        drift();
        listening();
        if (!recent) {
            reachability();
            firewall();
            path();
            nat();
            crypto();
            noResponse();
        } else if (local.probe != null && Boolean.FALSE.equals(local.probe.replied())) {
            // A young session whose new packets get nowhere: a firewall rule added since, or
            // an endpoint that moved, breaks an established tunnel too, and the facts that
            // prove them do not depend on the handshake's age (measured in the lab: a drop
            // rule added after the handshake, a server renumbered behind a DNS name).
            reachability();
            firewall();
        }
        routing();
        liveness();
        return finish();
    }

    // ---------------------------------------------------------------- spec

    private void checkSpec() {
        List<String> problems = new ArrayList<>();
        if (decl.interfaceName() == null || !INTERFACE_NAME.matcher(decl.interfaceName()).matches()) {
            problems.add("interfaceName '" + decl.interfaceName() + "' is not a Linux interface name");
        }
        if (!Keys.valid(decl.publicKey())) {
            problems.add("publicKey is not a 32-byte base64 key (" + (decl.publicKey() == null ? "missing"
                    : decl.publicKey().length() + " characters") + ")");
        }
        if (decl.hasEndpoint()) {
            try {
                declaredEndpoint = Endpoint.parse(decl.endpoint());
            } catch (IllegalArgumentException e) {
                problems.add("endpoint: " + e.getMessage());
            }
        }
        List<IpPrefix> allowed = new ArrayList<>();
        for (String s : decl.allowedIPs()) {
            try {
                allowed.add(IpPrefix.parse(s));
            } catch (IllegalArgumentException e) {
                declaredAllowedValid = false;
                problems.add("allowedIPs: '" + s + "' is not a CIDR prefix");
            }
        }
        declaredAllowed = allowed;
        if (decl.probeAddress() != null && !decl.probeAddress().isBlank()) {
            probeAddress = host(decl.probeAddress());
            if (probeAddress == null) {
                problems.add("probeAddress '" + decl.probeAddress() + "' is not an IP address");
            } else if (!allowed.isEmpty() && !covered(probeAddress, allowed)) {
                problems.add("probeAddress " + probeAddress + " is outside allowedIPs " + allowed);
            }
        }
        Integer k = decl.persistentKeepalive();
        if (k != null && (k < 0 || k > 65535)) {
            problems.add("persistentKeepalive " + k + " is outside 0..65535");
        }
        if (!problems.isEmpty()) {
            add(Reason.InvalidSpec, "WireGuardPeer " + id() + " is invalid: " + String.join("; ", problems),
                    problems, List.of("Fix the WireGuardPeer spec: " + String.join("; ", problems),
                            "Re-apply it; the diagnosis resumes on the next round"),
                    EnumSet.of(Cond.CONFIG));
        }
    }

    // ---------------------------------------------------------------- evidence freshness

    private Finding localAvailability() {
        String node = nodeName();
        if (in.localFailure() != null && !in.localFailure().isBlank()) {
            return new Finding(Reason.DiagnosticFailed, "the diagnostic job on node " + node + " failed: "
                    + in.localFailure() + "; no verdict without its facts");
        }
        NodeFacts f = in.local();
        if (f == null) {
            return new Finding(Reason.DiagnosticPending, "no report from node " + node
                    + " yet: waiting for its agent's facts");
        }
        String staleness = staleness(f);
        if (staleness != null) {
            return new Finding(Reason.DiagnosticPending, "the report of node " + node + " is " + staleness
                    + ": waiting for a fresh one");
        }
        NodeFacts.CollectionError wg = f.errorOf("wg");
        if (wg != null && f.interfaces().isEmpty()) {
            return new Finding(Reason.DiagnosticFailed, "node " + node + " could not read WireGuard state (wg: "
                    + wg.message() + "); interfaces and peers are unknown");
        }
        return null;
    }

    /** Null when fresh, else why not. */
    private String staleness(NodeFacts f) {
        if (f.collectionTime() == null) {
            return "without a valid collection time";
        }
        if (in.now() == null) {
            return "of unknown age (no current time given)";
        }
        Duration age = Duration.between(f.collectionTime(), in.now());
        if (age.compareTo(in.staleAfter()) > 0) {
            return age.getSeconds() + " s old (collected " + f.collectionTime() + ", stale after "
                    + in.staleAfter().getSeconds() + " s)";
        }
        return null;
    }

    private Diagnosis unknownLocal(Finding unavailable) {
        Issue root = firstIssue();
        List<String> evidence = new ArrayList<>(notesOf(in.local()));
        if (root == null) {
            ConditionVerdict u = ConditionVerdict.of(Status.UNKNOWN, unavailable.reason(), unavailable.message());
            return new Diagnosis(u, u, u, unavailable, evidence,
                    List.of(unavailable.reason() == Reason.DiagnosticFailed
                            ? "Check the diagnostic Job's logs on node " + nodeName() + " and the agent's permissions (NET_ADMIN, hostNetwork)"
                            : "Wait for the next diagnosis round, or annotate the peer with wgfleet.io/diagnose to ask for one now"),
                    otherFindings(null));
        }
        List<Finding> findings = new ArrayList<>(otherFindings(root));
        findings.add(unavailable);
        ConditionVerdict u = ConditionVerdict.of(Status.UNKNOWN, unavailable.reason(), unavailable.message());
        ConditionVerdict config = root.falsifies().contains(Cond.CONFIG)
                ? ConditionVerdict.of(Status.FALSE, root.reason(), root.message()) : u;
        evidence.addAll(0, root.evidence());
        return new Diagnosis(u, config, u, new Finding(root.reason(), root.message()), evidence,
                root.remediation(), findings);
    }

    // ---------------------------------------------------------------- service layer

    /** Returns false when the local interface or peer entry is absent: nothing else can be checked. */
    private boolean localService() {
        NodeFacts f = in.local();
        Interface iface = f.findInterface(decl.interfaceName());
        if (iface == null) {
            List<String> names = new ArrayList<>();
            for (Interface i : f.interfaces()) {
                names.add(i.name());
            }
            add(Reason.InterfaceMissing, "interface " + decl.interfaceName() + " is absent on node " + nodeName()
                            + " (WireGuard interfaces there: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                    List.of("wg show on " + nodeName() + " lists " + (names.isEmpty() ? "no interfaces" : names)),
                    List.of("Create or bring up " + decl.interfaceName() + " on " + nodeName()
                                    + " (wg-quick up " + decl.interfaceName() + ", or the unit that manages it)",
                            "Check that the peer's nodeSelector/nodeName targets the nodes that host " + decl.interfaceName()),
                    EnumSet.allOf(Cond.class));
            return false;
        }
        Peer peer = iface.findPeer(decl.publicKey());
        local = new Side(nodeName(), f, iface, peer, decl, true);
        local.probe = probeFor(f, iface.name(), decl.publicKey());
        if (peer == null) {
            add(Reason.PeerNotConfigured, "interface " + iface.name() + " on node " + nodeName()
                            + " has no peer with key " + Keys.prefix(decl.publicKey()) + " (" + iface.peers().size()
                            + " other peers configured): the declared peer is not loaded",
                    List.of("wg show " + iface.name() + " on " + nodeName() + ": " + iface.peers().size()
                            + " peers, none with key " + Keys.prefix(decl.publicKey())),
                    List.of("Load the peer on " + nodeName() + ": wg set " + iface.name() + " peer <key "
                                    + Keys.prefix(decl.publicKey()) + "> allowed-ips " + String.join(",", decl.allowedIPs())
                                    + (declaredEndpoint != null ? " endpoint " + declaredEndpoint : ""),
                            "Add it to the interface's configuration file so that it survives a restart (wg syncconf after edits)"),
                    EnumSet.allOf(Cond.class));
            return false;
        }
        localRunningEndpoint = parseEndpoint(peer.endpoint());
        localRunningAllowed = prefixes(peer.allowedIPs());
        baseEvidence.add(describePeer(local));
        if (local.probe != null) {
            baseEvidence.add(describeProbe(local));
        }
        return true;
    }

    private void setUpRemote() {
        DiagnosisInput.RemoteSide r = in.remote();
        if (r == null) {
            return;
        }
        inFleet = true;
        String node = r.nodeName() != null ? r.nodeName() : r.facts() != null ? r.facts().nodeName() : null;
        if (r.failure() != null && !r.failure().isBlank()) {
            remoteFailed = true;
            remoteUnknownReason = "the diagnostic job on remote node " + node + " failed: " + r.failure();
        } else if (r.facts() == null) {
            remoteUnknownReason = r.peer() == null && node == null
                    ? "the remote WireGuardPeer referenced by remotePeerRef was not found"
                    : "no report from remote node " + (node == null ? "(not yet placed)" : node) + " yet";
        } else if (staleness(r.facts()) != null) {
            remoteUnknownReason = "the report of remote node " + node + " is " + staleness(r.facts());
        } else if (r.facts().errorOf("wg") != null && r.facts().interfaces().isEmpty()) {
            remoteFailed = true;
            remoteUnknownReason = "remote node " + node + " could not read WireGuard state (wg: "
                    + r.facts().errorOf("wg").message() + ")";
        }
        if (remoteUnknownReason != null) {
            missing.add(remoteUnknownReason);
            return;
        }
        NodeFacts rf = r.facts();
        Interface ri = null;
        if (r.peer() != null && r.peer().interfaceName() != null) {
            ri = rf.findInterface(r.peer().interfaceName());
            if (ri == null) {
                add(Reason.InterfaceMissing, "interface " + r.peer().interfaceName() + " is absent on remote node "
                                + node + ", the other end of this tunnel",
                        List.of("wg show on " + node + " lists " + rf.interfaces().size() + " interfaces, not "
                                + r.peer().interfaceName()),
                        List.of("Create or bring up " + r.peer().interfaceName() + " on " + node),
                        EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
                missing.add("the remote interface on " + node);
                return;
            }
        } else {
            // the remote declaration is missing: find the interface by its key or by its entry for us
            for (Interface i : rf.interfaces()) {
                if (decl.publicKey() != null && decl.publicKey().equals(i.publicKey())) {
                    ri = i;
                    break;
                }
            }
            if (ri == null && local.iface.publicKey() != null) {
                for (Interface i : rf.interfaces()) {
                    if (i.findPeer(local.iface.publicKey()) != null) {
                        ri = i;
                        break;
                    }
                }
            }
            if (ri == null) {
                missing.add("which interface on remote node " + node + " ends this tunnel (the remote WireGuardPeer is unknown)");
                return;
            }
        }
        remote = new Side(node, rf, ri, ri.findPeer(local.iface.publicKey()), r.peer(), false);
        remote.probe = probeFor(rf, ri.name(), local.iface.publicKey());
        if (remote.peer != null) {
            baseEvidence.add(describePeer(remote));
        } else {
            baseEvidence.add("remote node " + node + " " + ri.name() + " (key " + Keys.prefix(ri.publicKey())
                    + ", port " + ri.listenPort() + "): no peer entry for key " + Keys.prefix(local.iface.publicKey()));
        }
        if (remote.probe != null) {
            baseEvidence.add(describeProbe(remote));
        }
    }

    private void handshakeState() {
        long hs = nz(local.peer.latestHandshake());
        long ref = in.local().collectionTime().getEpochSecond();
        boolean probeCompleted = local.probe != null && local.probe.error() == null
                && Boolean.TRUE.equals(local.probe.handshakeCompleted());
        if (hs > 0) {
            handshakeAge = Math.max(0, ref - hs);
        }
        recent = (hs > 0 && handshakeAge < REJECT_AFTER_SECONDS) || probeCompleted;
        stale = !recent && hs > 0;
    }

    private void direction() {
        boolean localInitiates = decl.hasEndpoint();
        boolean remoteInitiates = false;
        if (inFleet && in.remote().peer() != null) {
            remoteInitiates = in.remote().peer().hasEndpoint();
        } else if (remote != null && remote.peer != null) {
            remoteInitiates = remote.peer.endpoint() != null && !remote.peer.endpoint().isBlank();
        }
        if (localInitiates) {
            initiator = local;
            responder = remote;
        } else if (remoteInitiates) {
            initiator = remote;
            responder = local;
        } else if (!inFleet) {
            responder = local; // one-sided without endpoint: the outside end must initiate to us
        }
    }

    private void drift() {
        Peer p = local.peer;
        List<String> diffs = new ArrayList<>();
        if (declaredEndpoint != null) {
            Endpoint running = localRunningEndpoint;
            if (running == null && declaredEndpoint.isHostname() && unresolvable(declaredEndpoint.host())) {
                // WireGuard could not load a name that does not resolve: EndpointUnresolvable says so
            } else if (running == null) {
                diffs.add("endpoint declared " + declaredEndpoint + ", running " + (p.endpoint() == null ? "(none)" : "'" + p.endpoint() + "'"));
            } else if (!recent) {
                // with a recent handshake a different address is WireGuard roaming, not drift
                boolean addressDiffers = !declaredEndpoint.isHostname() && !sameHost(declaredEndpoint, running);
                if (addressDiffers || declaredEndpoint.port() != running.port()) {
                    diffs.add("endpoint declared " + declaredEndpoint + ", running " + running);
                }
            }
        }
        if (declaredAllowedValid) {
            Set<String> want = new TreeSet<>();
            for (IpPrefix x : declaredAllowed) {
                want.add(x.toString());
            }
            Set<String> have = new TreeSet<>();
            for (IpPrefix x : localRunningAllowed) {
                have.add(x.toString());
            }
            if (!want.equals(have)) {
                diffs.add("allowedIPs declared " + want + ", running " + have);
            }
        }
        int wantKa = decl.keepaliveSeconds();
        int haveKa = p.persistentKeepalive() == null ? 0 : Math.max(0, p.persistentKeepalive());
        if (wantKa != haveKa && decl.persistentKeepalive() != null && decl.persistentKeepalive() <= 65535) {
            diffs.add("persistentKeepalive declared " + label(wantKa) + ", running " + label(haveKa));
        }
        if (decl.presharedKeyExpected() && p.presharedKeyFingerprint() == null) {
            diffs.add("a preshared key is declared, none is configured");
        }
        if (!diffs.isEmpty()) {
            add(Reason.ConfigDrift, "peer " + Keys.prefix(decl.publicKey()) + " on " + local.ifName() + " at node "
                            + nodeName() + " differs from WireGuardPeer " + id() + ": " + String.join("; ", diffs),
                    diffs,
                    List.of("Re-apply the declared configuration on " + nodeName() + ": wg set " + local.ifName()
                                    + " peer <key " + Keys.prefix(decl.publicKey()) + "> with the declared endpoint, allowed-ips and persistent-keepalive",
                            "Find what changed it (a second config manager, a manual wg set, a stale config file) and fix it there",
                            "Or, if the running values are the right ones, update the WireGuardPeer spec"),
                    EnumSet.of(Cond.CONFIG));
        }
    }

    private void listening() {
        if (recent) {
            return;
        }
        for (Side s : sides()) {
            if (s != responder || s.iface == null) {
                continue;
            }
            boolean noPort = s.listenPort() <= 0;
            if (noPort || Boolean.FALSE.equals(s.iface.udpSocketBound())) {
                String what = noPort ? "has no listen port" : "has no UDP socket bound on its listen port " + s.listenPort();
                add(Reason.NotListening, s.ifName() + " on " + s.label() + " " + what
                                + " (/proc/net/udp, udp6), yet it must accept handshakes for this tunnel",
                        List.of(s.ifName() + " on " + s.node + ": listen port " + s.listenPort() + ", udp socket bound "
                                + s.iface.udpSocketBound()),
                        List.of("Set a listen port on " + s.node + ": wg set " + s.ifName() + " listen-port 51820 (or ListenPort in its config)",
                                "If it is set, check that another process does not hold the port and that the interface is up (ip link set " + s.ifName() + " up)"),
                        EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
            }
        }
    }

    // ---------------------------------------------------------------- reachability

    private void reachability() {
        boolean localHasEndpoint = declaredEndpoint != null || localRunningEndpoint != null;
        if (inFleet && !localHasEndpoint && initiator == null) {
            DeclaredPeer rd = in.remote().peer();
            boolean remoteEndpointUnknown = rd == null && remote == null;
            boolean remoteRunningEndpoint = remote != null && remote.peer != null && parseEndpoint(remote.peer.endpoint()) != null;
            if (!remoteEndpointUnknown && !remoteRunningEndpoint && (rd == null || !rd.hasEndpoint())) {
                String remoteName = rd != null ? "WireGuardPeer " + rd.id() : "remote node " + remote.node;
                add(Reason.NoEndpoint, "neither end has an endpoint: " + id() + " on " + nodeName() + " declares none and "
                                + remoteName + " declares none either, so nobody can initiate a handshake",
                        List.of("no endpoint in " + id() + " nor on " + nodeName() + "'s running peer entry",
                                "no endpoint for us in " + remoteName),
                        List.of("Give the end that is reachable from the other an endpoint: set spec.endpoint host:port on the side that can reach its remote",
                                "Add persistentKeepalive 25 on that side if the other one is behind NAT"),
                        blocking());
            }
        }
        if (initiator == null) {
            return;
        }
        Endpoint declared;
        Endpoint running = parseEndpoint(initiator.peer == null ? null : initiator.peer.endpoint());
        String whose;
        if (initiator.local) {
            declared = declaredEndpoint;
            whose = "the endpoint of " + id();
        } else {
            declared = in.remote().peer() != null ? parseEndpoint(in.remote().peer().endpoint()) : null;
            whose = "the endpoint remote node " + initiator.node + " uses for us";
        }
        if (declared != null && declared.isHostname()) {
            Dns dns = dnsFor(initiator, declared.host());
            if (dns != null) {
                if (dns.error() != null || dns.resolved().isEmpty()) {
                    add(Reason.EndpointUnresolvable, whose + " names " + declared.host() + ", which does not resolve on node "
                                    + initiator.node + (dns.error() != null ? " (" + dns.error() + ")" : " (no addresses)"),
                            List.of("resolving " + declared.host() + " on " + initiator.node + ": "
                                    + (dns.error() != null ? dns.error() : "no addresses")),
                            List.of("Check the DNS record of " + declared.host() + " (dig " + declared.host() + ")",
                                    "Check the resolver on " + initiator.node + " (/etc/resolv.conf, search domains)",
                                    "Or use an IP address endpoint"),
                            blocking());
                } else {
                    // the agent reports the endpoint in use as WireGuard shows it, address:port
                    Endpoint inUseEndpoint = parseEndpoint(dns.inUse());
                    IpAddress inUse = inUseEndpoint != null ? inUseEndpoint.address()
                            : host(dns.inUse() != null ? dns.inUse() : running != null ? running.host() : null);
                    List<IpAddress> now = new ArrayList<>();
                    for (String s : dns.resolved()) {
                        IpAddress a = host(s);
                        if (a != null) {
                            now.add(a);
                        }
                    }
                    if (inUse != null && !now.isEmpty() && !now.contains(inUse)) {
                        add(Reason.StaleEndpointDNS, declared.host() + " now resolves to " + join(now) + " but WireGuard on "
                                        + initiator.node + " still sends to " + inUse + " (it resolved the name once, when configured)",
                                List.of("dns " + declared.host() + " on " + initiator.node + " -> " + join(now),
                                        "WireGuard endpoint in use: " + inUse),
                                List.of("Re-resolve now: wg set " + initiator.ifName() + " peer <key> endpoint " + declared
                                                + " (or restart the interface)",
                                        "Keep it current: run a periodic re-resolve (wireguard-tools' reresolve-dns.sh) for dynamic DNS names"),
                                blocking());
                    }
                }
            }
        }
        if (responder == null || responder.iface == null) {
            return;
        }
        Endpoint e = running != null ? running : declared;
        if (e == null) {
            return;
        }
        // NAT or port forwarding in front of the responder makes its own addresses and port irrelevant
        boolean arrived = arrivalsFrom(responder, initiator) > 0;
        if (responder.natted() || arrived) {
            return;
        }
        IpAddress a = e.address();
        List<IpAddress> addrs = responder.addresses();
        if (a != null && !addrs.isEmpty() && !addrs.contains(a)) {
            add(Reason.EndpointMismatch, whose + " is " + e + ", but " + a + " is not an address of "
                            + responder.label() + " (its addresses: " + join(addrs.subList(0, Math.min(6, addrs.size()))) + ")",
                    List.of("endpoint in use on " + initiator.node + ": " + e, responder.node + " addresses: " + join(addrs)),
                    List.of("Point the endpoint at an address of " + responder.node + ": wg set " + initiator.ifName()
                                    + " peer <key> endpoint <address>:" + e.port() + ", and update the WireGuardPeer's spec.endpoint",
                            "If " + responder.node + " is reached through NAT or a load balancer, check that it forwards UDP " + e.port() + " to it"),
                    blocking());
        }
        int lp = responder.listenPort();
        if (lp > 0 && e.port() != lp) {
            add(Reason.PortMismatch, whose + " is " + e + ", but " + responder.ifName() + " on " + responder.label()
                            + " listens on UDP port " + lp + ", not " + e.port(),
                    List.of("endpoint port " + e.port() + " on " + initiator.node, responder.ifName() + " listen port " + lp + " on " + responder.node),
                    List.of("Set the endpoint port to " + lp + ": wg set " + initiator.ifName() + " peer <key> endpoint "
                                    + (e.host().indexOf(':') >= 0 ? "[" + e.host() + "]" : e.host()) + ":" + lp + ", and update spec.endpoint",
                            "Or change " + responder.node + "'s listen port to " + e.port() + " if that is the intended one"),
                    blocking());
        }
    }

    // ---------------------------------------------------------------- firewall

    private void firewall() {
        for (Side s : sides()) {
            int lp = s.listenPort();
            if (lp <= 0) {
                continue;
            }
            for (FirewallRule r : s.facts.firewallRules()) {
                if (r.port() == null || r.port() != lp || "accept".equalsIgnoreCase(r.verdict())) {
                    continue;
                }
                String where = ruleName(r);
                String role = s == responder ? "initiations to it" : "the responses to it";
                add(Reason.UDPPortBlocked, where + " on " + s.label() + " " + (r.verdict() == null ? "blocks" : r.verdict() + "s")
                                + " UDP to port " + lp + " (" + s.ifName() + "'s listen port), so " + role + " never reach WireGuard"
                                + (r.rule() != null ? ": `" + r.rule() + "`" : "")
                                + (r.packets() != null ? " (" + r.packets() + " packets matched)" : ""),
                        List.of(where + " on " + s.node + (r.rule() != null ? ": " + r.rule() : "")
                                + (r.packets() != null ? ", counter " + r.packets() + " packets" : "")),
                        List.of("Remove or narrow the rule on " + s.node + ": " + deleteCommand(r),
                                "Or accept WireGuard before it: " + ("iptables".equalsIgnoreCase(r.backend())
                                        ? "iptables -I INPUT -p udp --dport " + lp + " -j ACCEPT"
                                        : "nft insert rule " + nz(r.family(), "inet") + " " + nz(r.table(), "filter") + " "
                                        + nz(r.chain(), "input") + " udp dport " + lp + " accept"),
                                "Persist the change where the ruleset is managed (nftables.conf, firewalld, ufw)"),
                        blocking());
            }
        }
    }

    // ---------------------------------------------------------------- path

    private void path() {
        if (initiator == null || responder == null || remote == null) {
            return;
        }
        // forward: initiations leave the initiator and never reach the responder's port
        Arrivals at = arrivalsAt(responder);
        if (at != null && initiator.sentWithoutReply() && comparableWindows() && responder.cgnat() == null
                && !hasIssue(Reason.UDPPortBlocked) && arrivalsFrom(responder, initiator) == 0) {
            long attempts = Math.max(1, initiator.tx() / INITIATION);
            add(Reason.PacketsNotArriving, initiator.label() + " sent handshake initiations (tx " + initiator.tx()
                            + " B, about " + attempts + " × 148 B) to " + endpointText(initiator) + ", but " + responder.label()
                            + " counted 0 packets from it to UDP port " + responder.listenPort() + " in its "
                            + nz(at.windowMillis()) + " ms window, and no firewall rule on " + responder.node
                            + " explains it: they are lost on the path (cloud security group, router forwarding, ISP)",
                    List.of(initiator.node + " tx " + initiator.tx() + " B, rx " + initiator.rx() + " B, handshake never",
                            responder.node + " arrivals on port " + responder.listenPort() + ": " + nz(at.packets())
                                    + " packets total, 0 from " + initiator.node),
                    List.of("Allow UDP " + responder.listenPort() + " to " + responder.node + " in the cloud security group / network ACL",
                            "Check the router or load balancer in front of " + responder.node + " forwards UDP " + responder.listenPort(),
                            "Check " + initiator.node + " can route to the endpoint (ip route get <endpoint address>)",
                            "Test from another network to rule out ISP filtering of UDP"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
            return;
        }
        // return path: the responder answers, the answers never reach the initiator
        Arrivals back = arrivalsAt(initiator);
        if (back != null && responder.replied() && initiator.rx() == 0 && comparableWindows()
                && Objects.equals(pskOf(initiator), pskOf(responder)) && arrivalsFrom(initiator, responder) == 0
                && !hasIssue(Reason.UDPPortBlocked)) {
            add(Reason.PacketsNotArriving, responder.label() + " answers (rx " + responder.rx() + " B, tx " + responder.tx()
                            + " B for us) but " + initiator.label() + " counted 0 packets from it on UDP port "
                            + initiator.listenPort() + ": the responses are lost on the way back (security group, NAT, ISP)",
                    List.of(responder.node + " rx " + responder.rx() + " B tx " + responder.tx() + " B",
                            initiator.node + " rx 0 B, arrivals on port " + initiator.listenPort() + " from " + responder.node + ": 0"),
                    List.of("Allow UDP from " + responder.node + " back to " + initiator.node + " port " + initiator.listenPort()
                                    + " (security group, stateful NAT on the way)",
                            "Check the NAT in front of " + initiator.node + " keeps the UDP mapping (persistentKeepalive 25)"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
        }
    }

    // ---------------------------------------------------------------- NAT

    private void nat() {
        if (responder == null) {
            return;
        }
        Nat cg = responder.cgnat();
        if (cg == null) {
            return;
        }
        boolean canInitiate = responder.local
                ? declaredEndpoint != null || localRunningEndpoint != null
                : (in.remote().peer() != null && in.remote().peer().hasEndpoint())
                || (responder.peer != null && parseEndpoint(responder.peer.endpoint()) != null);
        if (canInitiate) {
            return;
        }
        add(Reason.BehindCGNAT, responder.label() + " must accept inbound handshakes but sits behind carrier-grade NAT ("
                        + cg.address() + " on " + cg.interfaceName() + ") and has no endpoint to initiate itself: nothing from outside can reach it",
                List.of(responder.node + " NAT finding: " + cg.kind() + " " + cg.address() + " on " + cg.interfaceName(),
                        responder.node + " has no endpoint for the other end"),
                List.of("Let " + responder.node + " initiate: give its peer entry an endpoint for the other end and persistentKeepalive 25",
                        "Or get a public IPv4/IPv6 address or a port forward for " + responder.node + " from the ISP",
                        "Or relay through a reachable hub peer"),
                EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
    }

    // ---------------------------------------------------------------- crypto identity

    private void crypto() {
        if (remote == null) {
            return;
        }
        String remoteKey = remote.iface.publicKey();
        if (Keys.valid(remoteKey) && decl.publicKey() != null && !remoteKey.equals(decl.publicKey())) {
            add(Reason.PublicKeyMismatch, "we hold key " + Keys.prefix(decl.publicKey()) + " for the remote, but "
                            + remote.ifName() + " on " + remote.label() + " has public key " + Keys.prefix(remoteKey)
                            + ": its responder drops our initiations (bad mac1) without a reply",
                    List.of(id() + " publicKey " + Keys.prefix(decl.publicKey()),
                            remote.node + " " + remote.ifName() + " public key " + Keys.prefix(remoteKey)),
                    List.of("Set the remote's real key on " + nodeName() + ": wg set " + local.ifName() + " peer " + Keys.prefix(remoteKey)
                                    + " ... (and remove the entry for " + Keys.prefix(decl.publicKey()) + ")",
                            "Update " + id() + " spec.publicKey to " + Keys.prefix(remoteKey) + " (the output of wg show " + remote.ifName() + " public-key on " + remote.node + ")"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
        }
        String ourKey = local.iface.publicKey();
        if (ourKey != null && remote.peer == null) {
            DeclaredPeer rd = in.remote().peer();
            String why = "";
            if (rd != null) {
                why = ourKey.equals(rd.publicKey())
                        ? "; WireGuardPeer " + rd.id() + " declares it, but it is not loaded there"
                        : "; WireGuardPeer " + rd.id() + " declares key " + Keys.prefix(rd.publicKey()) + " instead";
            }
            add(Reason.PeerUnknownToRemote, remote.ifName() + " on " + remote.label() + " has no peer with our key "
                            + Keys.prefix(ourKey) + " (" + local.ifName() + " on " + nodeName() + "): it drops our initiations silently" + why,
                    List.of(remote.node + " " + remote.ifName() + ": " + remote.iface.peers().size() + " peers, none with key " + Keys.prefix(ourKey)),
                    List.of("Add this node as a peer on " + remote.node + ": wg set " + remote.ifName() + " peer " + Keys.prefix(ourKey)
                                    + " allowed-ips <our tunnel address>",
                            rd != null ? "Set WireGuardPeer " + rd.id() + " spec.publicKey to " + Keys.prefix(ourKey) + " (wg show " + local.ifName() + " public-key on " + nodeName() + ")"
                                    : "Declare the other direction as a WireGuardPeer so it is diagnosed too"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
        }
        if (remote.peer != null) {
            String fl = local.peer.presharedKeyFingerprint();
            String fr = remote.peer.presharedKeyFingerprint();
            Side ini = initiator != null ? initiator : local;
            Side res = ini == local ? remote : local;
            boolean pskDiffers = !Objects.equals(fl, fr);
            boolean responsesArriveButDropped = (decl.presharedKeyExpected()
                    || (in.remote().peer() != null && in.remote().peer().presharedKeyExpected()))
                    && res.replied() && ini.rx() == 0 && arrivalsFrom(ini, res) > 0;
            if (pskDiffers || responsesArriveButDropped) {
                String how = pskDiffers
                        ? "the preshared-key fingerprints differ (" + nodeName() + ": " + (fl == null ? "none" : "set")
                        + ", " + remote.node + ": " + (fr == null ? "none" : "set") + ")"
                        : "the 92-byte responses arrive at " + ini.node + " (" + arrivalsFrom(ini, res) + " packets from " + res.node + ") and are dropped";
                String replies = res.replied() ? "; " + res.node + " answers (rx " + res.rx() + " B, tx " + res.tx()
                        + " B) yet " + ini.node + " rx stays " + ini.rx() + " B: the initiator cannot authenticate the answer" : "";
                add(Reason.PresharedKeyMismatch, "the two ends use different preshared keys: " + how + replies,
                        List.of(nodeName() + " entry for " + Keys.prefix(decl.publicKey()) + ": preshared key " + (fl == null ? "none" : "fingerprint set"),
                                remote.node + " entry for " + Keys.prefix(ourKey) + ": preshared key " + (fr == null ? "none" : "fingerprint set"),
                                res.node + " rx " + res.rx() + " B tx " + res.tx() + " B; " + ini.node + " rx " + ini.rx() + " B"),
                        List.of("Put the same preshared key on both ends (wg set <if> peer <key> preshared-key <file>), from one Secret",
                                "Check both WireGuardPeers reference the same Secret key (presharedKeySecretRef)"),
                        EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
            }
        }
        // the remote's own key is unknown, but initiations demonstrably arrive and get no answer while it knows our key
        if (remoteKey == null && initiator == local && remote.peer != null && arrivalsFrom(remote, local) > 0
                && remote.tx() == 0 && local.sentWithoutReply()) {
            add(Reason.PublicKeyMismatch, "our initiations reach " + remote.label() + " (" + arrivalsFrom(remote, local)
                            + " packets to port " + remote.listenPort() + ") and get no reply although it knows our key "
                            + Keys.prefix(ourKey) + ": the key we hold for it, " + Keys.prefix(decl.publicKey()) + ", is not its key",
                    List.of(remote.node + " arrivals from " + nodeName() + ": " + arrivalsFrom(remote, local) + ", its tx for us 0 B"),
                    List.of("Compare " + Keys.prefix(decl.publicKey()) + " with wg show " + remote.ifName() + " public-key on " + remote.node
                            + " and fix spec.publicKey"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
        }
    }

    // ---------------------------------------------------------------- one-sided

    private void noResponse() {
        if (inFleet || initiator != local || !local.sentWithoutReply()) {
            return;
        }
        for (Issue i : issues) {
            if (!i.advisory() && i.reason().ordinal() < Reason.NoResponse.ordinal() && i.reason().layer() != Reason.Layer.SPEC) {
                return; // a cause on our side explains it
            }
        }
        Endpoint e = localRunningEndpoint;
        if (e == null) {
            e = declaredEndpoint;
        }
        String ep = e == null ? "(no endpoint)" : e.toString();
        String host = e == null ? "the remote" : e.host();
        int port = e == null ? 51820 : e.port();
        HandshakeProbe p = local.probe;
        String provoked = p != null && local.provokedWithoutHandshake()
                ? "a handshake provoked towards " + nz(p.target(), "the tunnel") + " got no reply within " + nz(p.waitedMillis()) + " ms"
                + " (tx +" + nz(p.txDelta()) + " B, rx +" + nz(p.rxDelta()) + " B)"
                : "initiations go out (tx " + local.tx() + " B, about " + Math.max(1, local.tx() / INITIATION) + " × 148 B) and nothing comes back (rx 0 B)";
        List<String> proven = new ArrayList<>();
        proven.add("the peer entry matches the declaration");
        if (Boolean.TRUE.equals(local.iface.udpSocketBound())) {
            proven.add("UDP " + local.listenPort() + " is bound");
        }
        if (local.facts.errorOf("nft") == null && local.facts.errorOf("iptables") == null) {
            proven.add("no firewall rule drops it");
        }
        add(Reason.NoResponse, "no response from " + ep + ": " + provoked + "; on " + nodeName() + " "
                        + String.join(", ", proven) + "; the remote end is outside the fleet, so the cause lies there or on the path",
                List.of(describePeer(local)),
                List.of("Check the remote's public address and DNS record: is " + host + " really where it is reachable now?",
                        "Check the remote listens on UDP " + port + " (wg show on it) and any port forward to it",
                        "Check the remote's local firewall (Windows Defender Firewall: allow the WireGuard app on private and public networks; security suites)",
                        "Check the cloud security group or router port forward for UDP " + port + " in front of the remote",
                        "Check for CGNAT on the remote's line: compare its router's WAN address with its public address",
                        "Test from another network (a phone hotspot) to rule out ISP filtering",
                        "On Windows: tunnel adapter state, route metrics, conflicting VPN or virtual adapters",
                        "Confirm the remote has this node's public key " + Keys.prefix(local.iface.publicKey()) + " as a peer, and the same preshared key if any"),
                EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
    }

    // ---------------------------------------------------------------- routing

    private void routing() {
        List<IpPrefix> allowed = localRunningAllowed;
        List<String> parts = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        IpAddress target = probeAddress != null ? probeAddress : local.probe != null ? host(local.probe.target()) : null;
        if (target != null && !covered(target, allowed)) {
            parts.add("the probe address " + target + " is outside the AllowedIPs of peer " + Keys.prefix(decl.publicKey())
                    + " on " + local.ifName() + " at " + nodeName() + " (" + (allowed.isEmpty() ? "none" : join(allowed)) + ")");
            fixes.add("Add " + target + " to AllowedIPs on " + nodeName() + ": wg set " + local.ifName() + " peer <key> allowed-ips "
                    + (allowed.isEmpty() ? "" : joinComma(allowed) + ",") + IpPrefix.of(target) + " and to spec.allowedIPs");
        }
        if (remote != null) {
            List<IpAddress> theirs = hosts(remote.iface.addresses());
            if (!theirs.isEmpty() && !anyCovered(theirs, allowed)) {
                parts.add("remote node " + remote.node + "'s tunnel address " + join(theirs) + " is outside our AllowedIPs ("
                        + (allowed.isEmpty() ? "none" : join(allowed)) + ")");
                fixes.add("Add " + join(theirs) + " to the AllowedIPs of " + id());
            }
            List<IpAddress> ours = hosts(local.iface.addresses());
            if (remote.peer != null && !ours.isEmpty()) {
                List<IpPrefix> theirAllowed = prefixes(remote.peer.allowedIPs());
                if (!anyCovered(ours, theirAllowed)) {
                    parts.add("remote node " + remote.node + "'s AllowedIPs for our key " + Keys.prefix(local.iface.publicKey()) + " ("
                            + (theirAllowed.isEmpty() ? "none" : join(theirAllowed)) + ") do not cover our tunnel address "
                            + join(ours) + ": it accepts the handshake but drops our packets");
                    fixes.add("Add " + join(ours) + " to the AllowedIPs of our key on " + remote.node + " (wg set " + remote.ifName()
                            + " peer " + Keys.prefix(local.iface.publicKey()) + " allowed-ips ...)"
                            + (in.remote().peer() != null ? " and to " + in.remote().peer().id() + " spec.allowedIPs" : ""));
                }
            }
        }
        if (!parts.isEmpty()) {
            add(Reason.AllowedIPsMismatch, String.join("; ", parts), parts, fixes, EnumSet.of(Cond.TRAFFIC));
        }
        IpAddress endpointAddress = declaredEndpoint != null ? declaredEndpoint.address() : null;
        for (Route r : local.facts.routes()) {
            IpAddress d = host(r.destination());
            if (d == null || r.error() != null || r.device() == null || r.device().equals(local.ifName()) || d.equals(endpointAddress)) {
                continue;
            }
            IpPrefix inside = coveringPrefix(d, allowed);
            if (inside == null) {
                continue;
            }
            add(Reason.RouteConflict, "the kernel on " + nodeName() + " routes " + d + " (inside AllowedIPs " + inside + ") via "
                            + r.device() + (r.gateway() != null ? " gateway " + r.gateway() : "") + ", not via " + local.ifName(),
                    List.of("ip route get " + d + " on " + nodeName() + ": dev " + r.device()
                            + (r.gateway() != null ? " via " + r.gateway() : "") + (r.source() != null ? " src " + r.source() : "")),
                    List.of("Find the competing route: ip route get " + d + "; ip route show table all | grep " + inside.network(),
                            "Remove it, or give " + local.ifName() + " a more specific route or a lower metric for " + inside,
                            "Check for other VPNs or container networks (Docker, Tailscale, other WireGuard interfaces) that claim " + inside),
                    EnumSet.of(Cond.TRAFFIC));
        }
        if (recent) {
            MtuProbe m = mtuProbeFor();
            if (m != null && m.largestPassingPayload() != null && m.smallestFailingPayload() != null
                    && m.largestPassingPayload() > 0 && m.largestPassingPayload() < m.smallestFailingPayload()) {
                IpAddress t = host(m.target());
                int headers = t != null && t.ipv6() ? 48 : 28; // IP header + ICMP header
                int failingPacket = m.smallestFailingPayload() + headers;
                Integer linkMtu = local.iface.mtu();
                // a size above our own link MTU fails locally (EMSGSIZE); only sizes the link accepts prove a black hole
                if (linkMtu == null || failingPacket <= linkMtu) {
                    int mtu = m.largestPassingPayload() + headers;
                    add(Reason.MTUBlackhole, "Don't-Fragment pings to " + nz(m.target(), "the tunnel") + " through " + local.ifName()
                                    + ": " + m.largestPassingPayload() + " B payload passes, " + m.smallestFailingPayload()
                                    + " B fails (" + failingPacket + " B packets" + (linkMtu != null ? ", below the link MTU " + linkMtu : "")
                                    + "): large packets vanish on the path; set MTU " + mtu + " on " + local.ifName()
                                    + " (largest passing payload " + m.largestPassingPayload() + " + " + headers + " B of IP and ICMP headers)",
                            List.of("DF ping payloads tried " + m.triedPayloads() + ": largest passing " + m.largestPassingPayload()
                                    + " B, smallest failing " + m.smallestFailingPayload() + " B", local.ifName() + " MTU " + linkMtu),
                            List.of("Set the tunnel MTU to " + mtu + " on both ends: ip link set " + local.ifName() + " mtu " + mtu
                                            + " (MTU = " + mtu + " in the [Interface] section)",
                                    "Probe sizes between " + m.largestPassingPayload() + " and " + m.smallestFailingPayload()
                                            + " to find the exact limit; the inner MTU is the largest passing payload + " + headers,
                                    "Or fix the path: an outer link MTU below 1420 + 80 B of WireGuard overhead, or blocked ICMP 'fragmentation needed'"),
                            EnumSet.of(Cond.TRAFFIC));
                }
            }
        }
    }

    // ---------------------------------------------------------------- liveness

    private void liveness() {
        boolean probeFailed = recent && local.probe != null && Boolean.FALSE.equals(local.probe.replied());
        boolean trafficExplained = false;
        for (Issue i : issues) {
            trafficExplained |= !i.advisory() && i.falsifies().contains(Cond.TRAFFIC);
        }
        boolean keepaliveCause = false;
        // an old handshake on an idle tunnel is not a failure: only provocation or keepalive makes it one
        boolean trafficExpected = local.provokedWithoutHandshake() || local.keepalive() > 0
                || (remote != null && (remote.provokedWithoutHandshake() || remote.keepalive() > 0));
        boolean staleFailure = stale && !recent && trafficExpected;
        for (Side s : sides()) {
            Side other = s == local ? remote : local;
            String natWhy = natEvidence(s, other);
            if (natWhy == null || s.keepalive() > 0) {
                continue;
            }
            boolean cause = staleFailure || (probeFailed && !trafficExplained && s != local);
            keepaliveCause |= cause;
            String otherName = other != null ? other.node : "the remote end";
            issues.add(new Issue(Reason.KeepaliveMissing, s.label() + " is behind NAT (" + natWhy + ") and sends no persistent keepalive"
                    + (s.peer != null ? " to " + Keys.prefix(s.local ? decl.publicKey() : local.iface.publicKey()) : "")
                    + ": its NAT mapping expires when idle and " + otherName + " can no longer reach it"
                    + (staleFailure ? "; the latest handshake is " + handshakeAge + " s old" : "")
                    + (probeFailed && s != local ? "; a probe through the tunnel got no reply although the handshake is " + handshakeAge + " s old" : ""),
                    List.of(s.node + " NAT: " + natWhy, s.node + " persistent keepalive: off"),
                    List.of("Set persistentKeepalive 25 on " + s.node + "'s peer entry: wg set " + s.ifName() + " peer <key> persistent-keepalive 25"
                                    + (s.declared != null ? ", and spec.persistentKeepalive: 25 in " + s.declared.id() : ""),
                            "Or make " + s.node + " reachable without NAT (public address, port forward)"),
                    cause ? (staleFailure ? EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC) : EnumSet.of(Cond.TRAFFIC))
                            : EnumSet.noneOf(Cond.class),
                    !cause));
        }
        if (staleFailure && !keepaliveCause) {
            boolean provoked = local.provokedWithoutHandshake() || (remote != null && remote.provokedWithoutHandshake());
            add(Reason.HandshakeStale, "the latest handshake with " + Keys.prefix(decl.publicKey()) + " on " + nodeName() + " is "
                            + handshakeAge + " s old, beyond REJECT_AFTER_TIME (180 s), although "
                            + (provoked ? "a probe provoked a new one" : "persistent keepalive is set") + ": the session is dead",
                    List.of(describePeer(local)),
                    List.of("Check both ends are up and reachable (wg show on both)",
                            "Check for packet loss or a NAT timeout on the path (ping the endpoint address)",
                            "Set persistentKeepalive 25 on the side behind NAT"),
                    EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC));
        }
    }

    /** Why side s is behind NAT, or null when unproven. */
    private String natEvidence(Side s, Side other) {
        if (s == null) {
            return null;
        }
        List<String> why = new ArrayList<>();
        Nat cg = s.cgnat();
        if (cg != null) {
            why.add("CGNAT address " + cg.address() + " on " + cg.interfaceName());
        }
        if (other != null && other.peer != null && !s.addresses().isEmpty()) {
            Endpoint seen = parseEndpoint(other.peer.endpoint());
            IpAddress a = seen == null ? null : seen.address();
            if (a != null && !s.addresses().contains(a)) {
                why.add(other.node + " sees it as " + seen);
            }
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    // ---------------------------------------------------------------- verdict

    private Diagnosis finish() {
        Issue root = firstIssue();
        List<String> evidence = new ArrayList<>();
        Finding rootFinding;
        List<String> remediation;
        if (root != null) {
            evidence.addAll(root.evidence());
            rootFinding = new Finding(root.reason(), root.message());
            remediation = root.remediation();
        } else {
            rootFinding = noFault();
            remediation = rootFinding.reason() == Reason.Connected ? List.of()
                    : rootFinding.reason() == Reason.DiagnosticFailed
                    ? List.of("Check the failed diagnostic Job's logs and the agent's permissions (NET_ADMIN, hostNetwork)")
                    : List.of("Wait for the next diagnosis round, or annotate the peer with wgfleet.io/diagnose to provoke a handshake now",
                    "Set spec.probeAddress to an address inside the tunnel that answers ping, so the agent can prove traffic");
        }
        evidence.addAll(baseEvidence);
        evidence.addAll(notesOf(in.local()));
        for (NodeFacts.CollectionError e : in.local().collectionErrors()) {
            evidence.add("collector " + e.source() + " failed on " + nodeName() + ": " + e.message());
        }
        if (remote != null) {
            for (NodeFacts.CollectionError e : remote.facts.collectionErrors()) {
                evidence.add("collector " + e.source() + " failed on " + remote.node + ": " + e.message());
            }
        }
        for (String m : missing) {
            evidence.add("missing: " + m);
        }
        ConditionVerdict handshake = handshakeVerdict(rootFinding);
        return new Diagnosis(handshake, configVerdict(), trafficVerdict(rootFinding, handshake), rootFinding,
                dedupe(evidence), remediation, otherFindings(root));
    }

    /** The root when no fault is proven: Connected when traffic is proven, else what is missing. */
    private Finding noFault() {
        if (local == null || local.peer == null) {
            return new Finding(Reason.DiagnosticPending, "not enough facts for a verdict");
        }
        if (recent && trafficProven()) {
            return new Finding(Reason.Connected, "handshake with " + Keys.prefix(decl.publicKey()) + " on " + nodeName() + " "
                    + (handshakeAge >= 0 ? handshakeAge + " s ago" : "just completed") + ", traffic both ways (rx "
                    + local.rx() + " B, tx " + local.tx() + " B" + (probeReplied() ? ", probe answered" : "") + ")");
        }
        Reason unknown = remoteFailed ? Reason.DiagnosticFailed : Reason.DiagnosticPending;
        String missingText = missing.isEmpty() ? "" : "; missing: " + String.join("; ", missing);
        if (recent) {
            String why = local.probe != null && Boolean.FALSE.equals(local.probe.replied())
                    ? "a probe to " + nz(local.probe.target(), "the tunnel") + " got no reply, and no AllowedIPs, route or MTU cause was found (the target may not answer ping)"
                    : "no probe reply and counters (rx " + local.rx() + " B, tx " + local.tx() + " B) that a handshake alone could explain";
            return new Finding(Reason.DiagnosticPending, "handshake " + handshakeAge + " s ago works, but traffic is not proven: "
                    + why + missingText);
        }
        if (local.sentWithoutReply() || (remote != null && remote.sentWithoutReply())) {
            return new Finding(unknown, "handshake initiations get no reply, and the facts at hand prove no cause"
                    + (missing.isEmpty() ? " (no firewall rule, arrivals, key or endpoint problem seen on either end)" : missingText));
        }
        if (!inFleet && initiator == null) {
            return new Finding(Reason.DiagnosticPending, "waiting for the remote end to initiate: no endpoint here, no handshake "
                    + (stale ? handshakeAge + " s" : "ever") + "; arrivals on UDP " + local.listenPort() + ": "
                    + arrivalsText(local) + "; not a failure until the remote is known to try");
        }
        return new Finding(unknown, (stale ? "latest handshake " + handshakeAge + " s ago" : "no handshake yet")
                + " and nothing provoked a new one: an idle peer, not a failure" + missingText);
    }

    private ConditionVerdict handshakeVerdict(Finding root) {
        if (recent) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.CONNECTED, "latest handshake "
                    + (handshakeAge >= 0 ? handshakeAge + " s" : "just") + " before collection on " + nodeName());
        }
        Issue first = firstFalsifying(Cond.HANDSHAKE);
        if (first != null) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        boolean failing = local != null && local.peer != null
                && (local.sentWithoutReply() || (remote != null && remote.sentWithoutReply()));
        if (failing && root.reason().isFault()) {
            return ConditionVerdict.of(Status.FALSE, root.reason(), root.message());
        }
        Reason r = root.reason().isFault() ? Reason.DiagnosticPending : root.reason();
        String msg = root.reason().isFault()
                ? (stale ? "latest handshake " + handshakeAge + " s ago" : "no handshake yet") + " and none provoked: not proven either way"
                : root.message();
        return ConditionVerdict.of(Status.UNKNOWN, r, msg);
    }

    private ConditionVerdict configVerdict() {
        Issue first = firstFalsifying(Cond.CONFIG);
        if (first != null) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        if (local != null && local.peer != null) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.IN_SYNC, "peer " + Keys.prefix(decl.publicKey()) + " on "
                    + local.ifName() + " at " + nodeName() + " matches " + id());
        }
        return ConditionVerdict.of(Status.UNKNOWN, Reason.DiagnosticPending, "peer entry not observed");
    }

    private ConditionVerdict trafficVerdict(Finding root, ConditionVerdict hs) {
        if (hs.status() == Status.FALSE) {
            return hs;
        }
        Issue first = firstFalsifying(Cond.TRAFFIC);
        if (first != null && recent) {
            return ConditionVerdict.of(Status.FALSE, first.reason(), first.message());
        }
        if (recent && trafficProven() && root.reason() == Reason.Connected) {
            return new ConditionVerdict(Status.TRUE, ConditionVerdict.CONNECTED, "rx " + local.rx() + " B, tx " + local.tx() + " B"
                    + (probeReplied() ? ", probe answered" : ""));
        }
        Reason r = root.reason().isUnknown() ? root.reason() : Reason.DiagnosticPending;
        return ConditionVerdict.of(Status.UNKNOWN, r, root.reason().isUnknown() ? root.message() : "traffic not proven");
    }

    private boolean probeReplied() {
        return local.probe != null && Boolean.TRUE.equals(local.probe.replied());
    }

    /**
     * Traffic is proven by a probe reply, or by counters larger than a handshake alone produces
     * (148 + 92 B each way): the lab's AllowedIPs fault shows rx 92 B with a recent handshake.
     */
    private boolean trafficProven() {
        if (local.probe != null && Boolean.FALSE.equals(local.probe.replied())) {
            return false;
        }
        return probeReplied() || (local.rx() > INITIATION + RESPONSE && local.tx() > INITIATION + RESPONSE);
    }

    private Issue firstIssue() {
        Issue best = null;
        for (Issue i : issues) {
            if (!i.advisory() && (best == null || i.reason().ordinal() < best.reason().ordinal())) {
                best = i;
            }
        }
        return best;
    }

    private Issue firstFalsifying(Cond c) {
        Issue best = null;
        for (Issue i : issues) {
            if (!i.advisory() && i.falsifies().contains(c) && (best == null || i.reason().ordinal() < best.reason().ordinal())) {
                best = i;
            }
        }
        return best;
    }

    private List<Finding> otherFindings(Issue root) {
        List<Issue> rest = new ArrayList<>();
        for (Issue i : issues) {
            if (i != root) {
                rest.add(i);
            }
        }
        rest.sort(Comparator.comparingInt(i -> i.reason().ordinal())); // stable: equal reasons keep check order
        List<Finding> out = new ArrayList<>(rest.size());
        for (Issue i : rest) {
            out.add(new Finding(i.reason(), i.message()));
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * What a reachability or firewall cause disproves: the handshake and traffic, or, while
     * the last handshake is still young, only the traffic (that handshake did succeed).
     */
    private Set<Cond> blocking() {
        return recent ? EnumSet.of(Cond.TRAFFIC) : EnumSet.of(Cond.HANDSHAKE, Cond.TRAFFIC);
    }

    private void add(Reason r, String message, List<String> evidence, List<String> remediation, Set<Cond> falsifies) {
        issues.add(new Issue(r, message, evidence, remediation, falsifies, false));
    }

    private boolean hasIssue(Reason r) {
        for (Issue i : issues) {
            if (i.reason() == r) {
                return true;
            }
        }
        return false;
    }

    private List<Side> sides() {
        List<Side> out = new ArrayList<>(2);
        if (local != null) {
            out.add(local);
        }
        if (remote != null) {
            out.add(remote);
        }
        return out;
    }

    private String id() {
        return decl.id() == null ? "(unnamed peer)" : decl.id();
    }

    private String nodeName() {
        if (in.nodeName() != null) {
            return in.nodeName();
        }
        return in.local() != null && in.local().nodeName() != null ? in.local().nodeName() : "(unknown node)";
    }

    /** The two reports were collected close enough together that one's arrivals window saw the other's attempts. */
    private boolean comparableWindows() {
        if (remote == null) {
            return false;
        }
        Instant a = in.local().collectionTime();
        Instant b = remote.facts.collectionTime();
        return Math.abs(Duration.between(a, b).getSeconds()) <= DiagnosisEngine.REKEY_ATTEMPT_TIME.getSeconds();
    }

    private static Arrivals arrivalsAt(Side s) {
        if (s == null || s.facts.errorOf("arrivals") != null) {
            return null;
        }
        for (Arrivals a : s.facts.arrivals()) {
            if (a.port() != null && a.port() == s.listenPort()) {
                return a;
            }
        }
        return null;
    }

    /**
     * Packets counted at {@code at}'s listen port from {@code from}: by source address when
     * {@code from} is not behind NAT, else (its source is rewritten) the port's total.
     * -1 when not counted.
     */
    private static long arrivalsFrom(Side at, Side from) {
        Arrivals a = arrivalsAt(at);
        if (a == null || from == null) {
            return -1;
        }
        if (from.natted() || a.sources().isEmpty() || from.addresses().isEmpty()) {
            return nz(a.packets());
        }
        long n = 0;
        for (NodeFacts.SourceCount sc : a.sources()) {
            IpAddress src = host(sc.address());
            if (src != null && from.addresses().contains(src)) {
                n += nz(sc.packets());
            }
        }
        return n;
    }

    private static String arrivalsText(Side s) {
        Arrivals a = arrivalsAt(s);
        return a == null ? "not counted" : nz(a.packets()) + " packets in " + nz(a.windowMillis()) + " ms";
    }

    private static String pskOf(Side s) {
        return s.peer == null ? null : s.peer.presharedKeyFingerprint();
    }

    private String endpointText(Side s) {
        Endpoint e = parseEndpoint(s.peer == null ? null : s.peer.endpoint());
        if (e == null && s.local) {
            e = declaredEndpoint;
        }
        return e == null ? "its endpoint" : e.toString();
    }

    private static HandshakeProbe probeFor(NodeFacts f, String iface, String key) {
        if (key == null) {
            return null;
        }
        for (HandshakeProbe p : f.handshakeProbes()) {
            if (key.equals(p.peerPublicKey()) && (p.interfaceName() == null || p.interfaceName().equals(iface))) {
                return p;
            }
        }
        return null;
    }

    private MtuProbe mtuProbeFor() {
        for (MtuProbe m : local.facts.mtuProbes()) {
            if (Objects.equals(m.peerPublicKey(), decl.publicKey())
                    && (m.interfaceName() == null || m.interfaceName().equals(local.ifName()))) {
                return m;
            }
        }
        return null;
    }

    private Dns dnsFor(Side s, String hostname) {
        String key = s.local ? decl.publicKey() : local.iface.publicKey();
        for (Dns d : s.facts.dns()) {
            if ((key != null && key.equals(d.peerPublicKey())) || hostname.equalsIgnoreCase(d.hostname())) {
                return d;
            }
        }
        return null;
    }

    private boolean unresolvable(String hostname) {
        Dns d = dnsFor(local, hostname);
        return d != null && (d.error() != null || d.resolved().isEmpty());
    }

    private String describePeer(Side s) {
        Peer p = s.peer;
        long hs = nz(p.latestHandshake());
        String when;
        if (hs <= 0) {
            when = "never";
        } else if (s.facts.collectionTime() != null) {
            when = Math.max(0, s.facts.collectionTime().getEpochSecond() - hs) + " s before collection";
        } else {
            when = "at " + hs;
        }
        return s.node + " " + s.ifName() + " peer " + Keys.prefix(p.publicKey()) + ": latest handshake " + when + ", rx "
                + nz(p.rxBytes()) + " B, tx " + nz(p.txBytes()) + " B, endpoint " + nz(p.endpoint(), "(none)") + ", keepalive "
                + label(p.persistentKeepalive() == null ? 0 : p.persistentKeepalive());
    }

    private static String describeProbe(Side s) {
        HandshakeProbe p = s.probe;
        if (p.error() != null) {
            return s.node + " handshake probe could not run: " + p.error();
        }
        // seconds before collection rather than a formatted timestamp: shorter to read, and formatting is costly per peer
        String when = p.provokedAt() != null && s.facts.collectionTime() != null
                ? " " + (s.facts.collectionTime().getEpochSecond() - p.provokedAt().getEpochSecond()) + " s before collection" : "";
        return s.node + " provoked a handshake towards " + nz(p.target(), "the tunnel") + when
                + ": waited " + nz(p.waitedMillis()) + " ms, tx +" + nz(p.txDelta()) + " B, rx +" + nz(p.rxDelta()) + " B, handshake "
                + (Boolean.TRUE.equals(p.handshakeCompleted()) ? "completed" : "not completed")
                + (p.replied() == null ? "" : Boolean.TRUE.equals(p.replied()) ? ", ping answered" : ", ping unanswered");
    }

    private static List<String> notesOf(NodeFacts f) {
        return f == null ? List.of() : f.notes();
    }

    private static String ruleName(FirewallRule r) {
        if ("iptables".equalsIgnoreCase(r.backend())) {
            return "iptables rule " + nz(r.chain(), "?") + " #" + (r.handle() == null ? "?" : r.handle())
                    + (r.table() != null ? " in table " + r.table() : "");
        }
        return nz(r.backend(), "nftables") + " rule " + nz(r.family(), "?") + " " + nz(r.table(), "?") + " "
                + nz(r.chain(), "?") + " handle " + (r.handle() == null ? "?" : r.handle());
    }

    private static String deleteCommand(FirewallRule r) {
        if ("iptables".equalsIgnoreCase(r.backend())) {
            return "iptables" + (r.table() != null ? " -t " + r.table() : "") + " -D " + nz(r.chain(), "INPUT") + " "
                    + (r.handle() == null ? "<position>" : r.handle());
        }
        return "nft delete rule " + nz(r.family(), "inet") + " " + nz(r.table(), "<table>") + " " + nz(r.chain(), "<chain>")
                + " handle " + (r.handle() == null ? "<handle>" : r.handle());
    }

    static IpAddress host(String cidrOrAddress) {
        if (cidrOrAddress == null || cidrOrAddress.isBlank()) {
            return null;
        }
        String s = cidrOrAddress.trim();
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        try {
            return IpAddress.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<IpAddress> hosts(List<String> cidrs) {
        List<IpAddress> out = new ArrayList<>(cidrs.size());
        for (String c : cidrs) {
            IpAddress a = host(c);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    static List<IpPrefix> prefixes(List<String> texts) {
        List<IpPrefix> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            try {
                out.add(IpPrefix.parse(t));
            } catch (RuntimeException e) {
                // a malformed running entry cannot cover anything
            }
        }
        return out;
    }

    static Endpoint parseEndpoint(String text) {
        if (text == null || text.isBlank() || text.equals("(none)")) {
            return null;
        }
        try {
            return Endpoint.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean sameHost(Endpoint a, Endpoint b) {
        IpAddress x = a.address();
        IpAddress y = b.address();
        return x != null && x.equals(y);
    }

    private static boolean covered(IpAddress a, List<IpPrefix> prefixes) {
        return coveringPrefix(a, prefixes) != null;
    }

    private static IpPrefix coveringPrefix(IpAddress a, List<IpPrefix> prefixes) {
        for (IpPrefix p : prefixes) {
            if (p.contains(a)) {
                return p;
            }
        }
        return null;
    }

    private static boolean anyCovered(List<IpAddress> as, List<IpPrefix> prefixes) {
        for (IpAddress a : as) {
            if (covered(a, prefixes)) {
                return true;
            }
        }
        return false;
    }

    private static String join(List<?> xs) {
        StringBuilder sb = new StringBuilder();
        for (Object x : xs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(x);
        }
        return sb.toString();
    }

    private static String joinComma(List<?> xs) {
        return join(xs).replace(", ", ",");
    }

    private static List<String> dedupe(List<String> xs) {
        List<String> out = new ArrayList<>(xs.size());
        for (String x : xs) {
            if (!out.contains(x)) {
                out.add(x);
            }
        }
        return out;
    }

    private static String label(int keepalive) {
        return keepalive <= 0 ? "off" : keepalive + " s";
    }

    static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static String nz(String v, String dflt) {
        return v == null ? dflt : v;
    }
}
