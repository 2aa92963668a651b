package io.wgfleet.diagnosis;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and malformed facts: the engine never throws, always gives exactly one catalogue
 * reason, and is deterministic. jqwik drives the seed; the facts are built from it so
 * that the same seed always rebuilds the same input.
 */
class DiagnosisPropertiesTest {

    private static final Set<String> CONDITION_REASONS = new java.util.HashSet<>();

    static {
        for (Reason r : Reason.values()) {
            CONDITION_REASONS.add(r.name());
        }
        CONDITION_REASONS.add(ConditionVerdict.IN_SYNC);
    }

    private static final String[] ADDRESSES = {
            null, "", " ", "garbage", "10.77.0.1", "10.77.0.2/24", "10.77.0.0/24", "192.0.2.1/24", "192.0.2.2", "100.64.0.2/10",
            "0.0.0.0/0", "::/0", "2001:db8::1/64", "fe80::1%eth0", "::ffff:1.2.3.4", "300.1.1.1", "10.0.0.1/33", "1.2.3", ":::",
            "10.77.0.1/32", "[2001:db8::1]", "-1", "(none)"};
    private static final String[] ENDPOINTS = {
            null, "", "(none)", "192.0.2.1:51820", "192.0.2.9:51820", "192.0.2.1:51821", "[2001:db8::1]:51820", "wgs.example:51820",
            "host", "1.2.3.4:99999", "[::1]", ":51820", "a..b:1", "198.51.100.7:40001", "100.64.0.1:51820", "2001:db8::1:51820"};
    private static final String[] WORDS = {null, "", "wg0", "wg1", "eth0", "drop", "reject", "accept", "nftables", "iptables",
            "CGNAT", "Private", "wg", "nft", "arrivals", "x".repeat(300), "ünïcödé", "wgs", "wgc"};

    @Property(tries = 1500)
    void randomFactsNeverThrowAndGiveOneReason(@ForAll long seed) {
        DiagnosisInput in = randomInput(seed);
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertValid(d, keysOf(in));
    }

    @Property(tries = 500)
    void sameInputGivesSameOutput(@ForAll long seed) {
        Diagnosis a = DiagnosisEngine.diagnose(randomInput(seed));
        Diagnosis b = DiagnosisEngine.diagnose(randomInput(seed));
        assertThat(a).isEqualTo(b);
        DiagnosisInput in = randomInput(seed);
        assertThat(DiagnosisEngine.diagnose(in)).isEqualTo(DiagnosisEngine.diagnose(in));
    }

    @Property(tries = 1500)
    void mutatedLabScenariosNeverThrowAndGiveOneReason(@ForAll long seed) {
        Random r = new Random(seed);
        Lab lab = new Lab(seed);
        Set<Integer> faults = new java.util.TreeSet<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            faults.add(r.nextInt(14));
        }
        for (int f : faults) {
            applyFault(lab, f, r);
        }
        DiagnosisInput in = r.nextBoolean() ? lab.clientInFleet() : r.nextBoolean() ? lab.clientOneSided() : lab.serverInFleet();
        Diagnosis d = DiagnosisEngine.diagnose(in);
        assertValid(d, List.of(lab.clientKey, lab.serverKey));
        assertThat(DiagnosisEngine.diagnose(in)).isEqualTo(d);
        if (faults.isEmpty() && in.remote() != null && in.peer() == lab.clientDecl) {
            assertThat(d.reason()).isEqualTo(Reason.Connected);
        }
    }

    @Property(tries = 300)
    void summaryAlwaysGivesOneReason(@ForAll long seed) {
        Random r = new Random(seed);
        List<NodeDiagnosis> nodes = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeDiagnosis(r.nextBoolean() ? "n" + r.nextInt(3) : null,
                    DiagnosisEngine.diagnose(randomInput(r.nextLong()))));
        }
        if (r.nextInt(10) == 0) {
            nodes.add(null);
        }
        Diagnosis d = DiagnosisEngine.summarize(nodes);
        assertValid(d, List.of());
    }

    /**
     * What every verdict must satisfy: one root cause chosen by the layer order (no finding
     * names a fault declared before a faulty root), condition reasons that match their
     * status, and no public key of the input written out whole.
     */
    private static void assertValid(Diagnosis d, Collection<String> inputKeys) {
        assertThat(d).isNotNull();
        assertThat(d.root()).isNotNull();
        assertThat(d.message()).isNotBlank().doesNotContain("internal error");
        if (d.reason().isFault()) {
            for (Finding f : d.findings()) {
                assertThat(f.reason().isFault() && f.reason().ordinal() < d.reason().ordinal())
                        .as("finding %s is declared before the root %s, so it should be the root", f.reason(), d.reason())
                        .isFalse();
            }
        }
        for (ConditionVerdict v : List.of(d.handshakeSucceeded(), d.configInSync(), d.trafficFlowing())) {
            assertThat(v.status()).isNotNull();
            assertThat(CONDITION_REASONS).contains(v.reason());
            boolean healthyReason = v.reason().equals(ConditionVerdict.CONNECTED) || v.reason().equals(ConditionVerdict.IN_SYNC);
            assertThat(healthyReason).as("%s condition with reason %s", v.status(), v.reason())
                    .isEqualTo(v.status() == ConditionVerdict.Status.TRUE);
            if (v.status() == ConditionVerdict.Status.FALSE) {
                assertThat(Reason.valueOf(v.reason()).isFault()).as("False with reason %s", v.reason()).isTrue();
            }
        }
        if (d.reason() == Reason.Connected) {
            assertThat(d.handshakeSucceeded().status()).isEqualTo(ConditionVerdict.Status.TRUE);
            assertThat(d.trafficFlowing().status()).isEqualTo(ConditionVerdict.Status.TRUE);
        }
        List<String> texts = new ArrayList<>();
        texts.add(d.message());
        texts.addAll(d.evidence());
        texts.addAll(d.remediation());
        d.findings().forEach(f -> texts.add(f.message()));
        for (ConditionVerdict v : List.of(d.handshakeSucceeded(), d.configInSync(), d.trafficFlowing())) {
            texts.add(v.message());
        }
        for (String key : inputKeys) {
            for (String text : texts) {
                assertThat(text).as("output text names a whole public key").doesNotContain(key);
            }
        }
    }

    private static void applyFault(Lab lab, int fault, Random r) {
        switch (fault) {
            case 0 -> lab.clientGetsNoReply();
            case 1 -> lab.server.firewall.add(new NodeFacts.FirewallRule("nftables", 51820, "inet", "filter", "input",
                    (long) r.nextInt(100), "drop", "udp dport 51820 drop", 1L));
            case 2 -> lab.clientDecl = Lab.withKey(lab.clientDecl, Lab.key(r));
            case 3 -> lab.clientDecl = Lab.withKeepalive(lab.clientDecl, 25);
            case 4 -> {
                lab.clientDecl = Lab.withEndpoint(lab.clientDecl, "192.0.2.1:51821");
                lab.client.peer.endpoint = "192.0.2.1:51821";
            }
            case 5 -> lab.server.peer.allowed = List.of("10.77.0.3/32");
            case 6 -> lab.client.mtuProbes.add(new NodeFacts.MtuProbe("wg0", lab.serverKey, "10.77.0.1", 1000, 1392, List.of(),
                    1000, true, true, 2072L));
            case 7 -> lab.client.nat.add(new NodeFacts.Nat("eth0", "100.64.0.2", "CGNAT"));
            case 8 -> lab.client.peer.hs = Lab.COLLECTED_S - 1000;
            case 9 -> lab.server.bound = false;
            case 10 -> lab.client.collected = Lab.NOW.minusSeconds(r.nextInt(5000));
            case 11 -> {
                lab.client.peer.psk = "a";
                lab.server.peer.psk = "b";
            }
            case 12 -> lab.client.routes.add(new NodeFacts.Route("10.77.0.1", "eth1", null, null, null));
            default -> lab.server.peer = null; // highest number: applied last, after faults that edit the entry
        }
    }

    // ------------------------------------------------------------ random input

    /** The 44-character keys in the input (a random input draws its keys from the declarations and peer entries). */
    private static List<String> keysOf(DiagnosisInput in) {
        List<String> keys = new ArrayList<>();
        if (in.peer() != null && in.peer().publicKey() != null && in.peer().publicKey().length() >= 44) {
            keys.add(in.peer().publicKey().substring(0, 44));
        }
        if (in.local() != null) {
            for (NodeFacts.Interface i : in.local().interfaces()) {
                if (i.publicKey() != null && i.publicKey().length() >= 44) {
                    keys.add(i.publicKey().substring(0, 44));
                }
            }
        }
        return keys;
    }

    static DiagnosisInput randomInput(long seed) {
        Random r = new Random(seed);
        List<String> keys = List.of(Lab.key(r), Lab.key(r), Lab.key(r));
        Supplier<String> key = () -> pick(r, keys.get(0), keys.get(1), keys.get(2), null, "", "short", keys.get(0) + "x");
        DeclaredPeer peer = r.nextInt(20) == 0 ? null : new DeclaredPeer(pick(r, "ns/a", null, ""), pick(r, WORDS), key.get(),
                pick(r, ENDPOINTS), strings(r, ADDRESSES, 3), r.nextBoolean() ? null : r.nextInt(70000) - 100, r.nextBoolean(),
                pick(r, ADDRESSES));
        Instant now = r.nextInt(20) == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1000));
        NodeFacts local = r.nextInt(10) == 0 ? null : randomFacts(r, key, now);
        DiagnosisInput.RemoteSide remote = null;
        if (r.nextBoolean()) {
            DeclaredPeer rp = r.nextInt(5) == 0 ? null : new DeclaredPeer("ns/b", pick(r, WORDS), key.get(), pick(r, ENDPOINTS),
                    strings(r, ADDRESSES, 3), r.nextBoolean() ? null : r.nextInt(100), r.nextBoolean(), pick(r, ADDRESSES));
            remote = new DiagnosisInput.RemoteSide(rp, pick(r, WORDS), r.nextInt(5) == 0 ? null : randomFacts(r, key, now),
                    r.nextInt(10) == 0 ? "job failed" : null);
        }
        Duration stale = r.nextInt(10) == 0 ? null : Duration.ofSeconds(r.nextInt(2000) - 100);
        return new DiagnosisInput(peer, pick(r, WORDS), local, r.nextInt(15) == 0 ? "failed" : null, remote, now, stale);
    }

    private static NodeFacts randomFacts(Random r, Supplier<String> key, Instant now) {
        Instant collected = now == null || r.nextInt(10) == 0 ? null : now.minusSeconds(r.nextInt(600) - 60);
        long base = collected == null ? 0 : collected.getEpochSecond();
        List<NodeFacts.Interface> ifs = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            List<NodeFacts.Peer> peers = new ArrayList<>();
            for (int j = r.nextInt(3); j > 0; j--) {
                peers.add(r.nextInt(20) == 0 ? null : new NodeFacts.Peer(key.get(), pick(r, ENDPOINTS), strings(r, ADDRESSES, 3),
                        pick(r, null, 0L, base - r.nextInt(400), base + 50, -5L, Long.MAX_VALUE),
                        pick(r, null, 0L, 92L, 148L, 348L, -1L), pick(r, null, 0L, 148L, 296L, 404L, Long.MAX_VALUE),
                        pick(r, null, 0, 25, -3), pick(r, null, "fp1", "fp2")));
            }
            ifs.add(new NodeFacts.Interface(pick(r, WORDS), key.get(), pick(r, null, 0, 51820, 51821, -1, 70000),
                    pick(r, null, true, false), strings(r, ADDRESSES, 2), pick(r, null, 1420, 1280, 0, -1), pick(r, null, true, false), peers));
        }
        List<NodeFacts.Address> addrs = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            addrs.add(new NodeFacts.Address(pick(r, WORDS), pick(r, ADDRESSES)));
        }
        List<NodeFacts.Route> routes = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            routes.add(new NodeFacts.Route(pick(r, ADDRESSES), pick(r, WORDS), pick(r, ADDRESSES), pick(r, ADDRESSES), pick(r, null, "unreachable")));
        }
        List<NodeFacts.FirewallRule> fw = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            fw.add(new NodeFacts.FirewallRule(pick(r, WORDS), pick(r, null, 51820, 51821, -1), pick(r, WORDS), pick(r, WORDS),
                    pick(r, WORDS), pick(r, null, 7L, -1L), pick(r, WORDS), pick(r, WORDS), pick(r, null, 0L, 3L)));
        }
        List<NodeFacts.Arrivals> arr = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            List<NodeFacts.SourceCount> src = new ArrayList<>();
            for (int j = r.nextInt(3); j > 0; j--) {
                src.add(new NodeFacts.SourceCount(pick(r, ADDRESSES), pick(r, null, 0L, 1L, 5L), pick(r, null, 148L)));
            }
            arr.add(new NodeFacts.Arrivals(pick(r, null, 51820, 51821), pick(r, null, 0L, 1L, 9L), src, pick(r, null, 6000L, -1L)));
        }
        List<NodeFacts.Dns> dns = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            dns.add(new NodeFacts.Dns(pick(r, WORDS), key.get(), pick(r, null, "wgs.example", "other"), strings(r, ADDRESSES, 2),
                    pick(r, ADDRESSES), pick(r, null, "NXDOMAIN")));
        }
        List<NodeFacts.ProvokedHandshake> probes = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            probes.add(new NodeFacts.ProvokedHandshake(pick(r, WORDS), key.get(), pick(r, ADDRESSES), pick(r, null, collected),
                    pick(r, null, 0L, 5300L, -1L), pick(r, null, 0L, 148L), pick(r, null, 0L, 92L), pick(r, null, true, false),
                    pick(r, null, true, false), pick(r, null, null, "ping: permission denied")));
        }
        List<NodeFacts.MtuProbe> mtu = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            mtu.add(new NodeFacts.MtuProbe(pick(r, WORDS), key.get(), pick(r, ADDRESSES), pick(r, null, 1000, 0, -1, 1400),
                    pick(r, null, 1392, 56, Integer.MAX_VALUE), r.nextBoolean() ? null : List.of(56, 1000),
                    pick(r, null, 1000, 56), pick(r, null, true, false), pick(r, null, true, false), pick(r, null, 0L, 2072L, -5L)));
        }
        List<NodeFacts.Nat> nat = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            nat.add(new NodeFacts.Nat(pick(r, WORDS), pick(r, ADDRESSES), pick(r, WORDS)));
        }
        List<NodeFacts.CollectionError> errs = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            errs.add(new NodeFacts.CollectionError(pick(r, WORDS), pick(r, WORDS)));
        }
        return new NodeFacts(pick(r, WORDS), collected, r.nextInt(20) == 0 ? null : ifs, addrs, routes, fw, arr, dns, probes, mtu,
                nat, errs, null);
    }

    private static List<String> strings(Random r, String[] pool, int max) {
        if (r.nextInt(15) == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            out.add(pick(r, pool));
        }
        return out;
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }
}
