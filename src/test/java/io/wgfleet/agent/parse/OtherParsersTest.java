package io.wgfleet.agent.parse;

import io.wgfleet.agent.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtherParsersTest {

    @Test
    void procNetUdpShowsWireguardGoBoundOnBothFamilies() throws Exception {
        List<UdpSocket> v4 = ProcNetUdpParser.parse(Fixtures.lab("healthy/agwgs-proc-net-udp.txt"), "/proc/net/udp");
        List<UdpSocket> v6 = ProcNetUdpParser.parse(Fixtures.lab("healthy/agwgs-proc-net-udp6.txt"), "/proc/net/udp6");
        assertThat(v4).singleElement().satisfies(s -> {
            assertThat(s.localPort()).isEqualTo(51820);
            assertThat(s.localAddress().toString()).isEqualTo("0.0.0.0");
        });
        assertThat(v6).singleElement().satisfies(s -> {
            assertThat(s.localPort()).isEqualTo(51820);
            assertThat(s.localAddress().ipv6()).isTrue();
        });
    }

    @Test
    void procNetUdpDecodesLittleEndianAddresses() throws Exception {
        String text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
                + "  1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 1234 2 0000000000000000 0\n";
        assertThat(ProcNetUdpParser.parse(text, "/proc/net/udp").get(0)).satisfies(s -> {
            assertThat(s.localAddress().toString()).isEqualTo("127.0.0.1");
            assertThat(s.localPort()).isEqualTo(53);
            assertThat(s.inode()).isEqualTo(1234);
        });
        String v6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
                + "  5: B80D0120000000000000000001000000:CA6C 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 77 2 0 0\n";
        assertThat(ProcNetUdpParser.parse(v6, "/proc/net/udp6").get(0).localAddress().toString()).isEqualTo("2001:db8::1");
    }

    @Test
    void procNetUdpTruncatedNamesTheLine() {
        String full = Fixtures.lab("healthy/agwgs-proc-net-udp.txt");
        String cut = full.substring(0, full.indexOf("00000000:0000 07") + 5);
        assertThatThrownBy(() -> ProcNetUdpParser.parse(cut, "/proc/net/udp")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> ProcNetUdpParser.parse("nonsense\n", "/proc/net/udp")).hasMessageContaining("line 1");
    }

    @Test
    void ipAddrAndLinkFromTheLab() throws Exception {
        List<IpJsonParser.LinkAddress> addrs = IpJsonParser.addresses(Fixtures.lab("healthy/agwgc-ip-addr.json"));
        assertThat(addrs).contains(new IpJsonParser.LinkAddress("wgc0", "10.77.0.2/24"),
                new IpJsonParser.LinkAddress("wgc-v", "192.0.2.2/24"), new IpJsonParser.LinkAddress("lo", "127.0.0.1/8"));
        List<IpJsonParser.Link> links = IpJsonParser.links(Fixtures.lab("healthy/agwgc-ip-link.json"));
        assertThat(links).filteredOn(l -> l.name().equals("wgc0")).singleElement().satisfies(l -> {
            assertThat(l.mtu()).isEqualTo(1420);
            assertThat(l.up()).isTrue();
        });
        assertThat(IpJsonParser.addresses(Fixtures.lab("ipv6/agwgc-ip-addr.json")))
                .contains(new IpJsonParser.LinkAddress("wgc0", "fd77::2/64"));
    }

    @Test
    void routeGetBatchMapsAnswersAndFailuresToDestinations() throws Exception {
        String out = Fixtures.lab("healthy/agwgc-route-get-10.77.0.1.json").strip() + "\n"
                + Fixtures.lab("healthy/agwgc-route-get-192.0.2.1.json").strip() + "\n";
        String err = "RTNETLINK answers: Network is unreachable\nCommand failed -:2\n";
        List<IpJsonParser.Route> r = IpJsonParser.routeGetBatch(List.of("10.77.0.1", "203.0.113.9", "192.0.2.1"), out, err);
        assertThat(r.get(0).device()).isEqualTo("wgc0");
        assertThat(r.get(1).device()).isNull();
        assertThat(r.get(1).error()).isEqualTo("Network is unreachable");
        assertThat(r.get(2).device()).isEqualTo("wgc-v");
        assertThat(r.get(2).source()).isEqualTo("192.0.2.2");
        List<IpJsonParser.Route> v6 = IpJsonParser.routeGetBatch(List.of("fd77::1"), Fixtures.lab("ipv6/agwgc-route-get-fd77--1.json"), "");
        assertThat(v6.get(0).device()).isEqualTo("wgc0");
    }

    @Test
    void ipJsonMalformedAndTruncated() {
        String full = Fixtures.lab("healthy/agwgc-ip-addr.json");
        assertThatThrownBy(() -> IpJsonParser.addresses(full.substring(0, full.length() / 2)))
                .isInstanceOf(ParseException.class).hasMessageContaining("line 1").hasMessageContaining("truncated");
        assertThatThrownBy(() -> IpJsonParser.links("{}")).hasMessageContaining("array");
        assertThatThrownBy(() -> IpJsonParser.routeGetBatch(List.of("10.0.0.1", "10.0.0.2"), "[{\"dst\":\"10.0.0.1\",\"dev\":\"x\"}]", ""))
                .hasMessageContaining("2 lookups asked, 1 answered");
    }

    @Test
    void nftDropAndRejectRulesAreFoundWithTableChainHandle() throws Exception {
        List<PortBlock> blocks = NftRulesetParser.blockingRules(Fixtures.lab("nft-drop/agwgs-nft-ruleset.json"),
                Set.of(51820, 51999), "wgfleet_probe");
        assertThat(blocks).hasSize(2);
        assertThat(blocks).filteredOn(b -> b.port() == 51820).singleElement().satisfies(b -> {
            assertThat(b.table()).isEqualTo("wgfault");
            assertThat(b.chain()).isEqualTo("in");
            assertThat(b.handle()).isEqualTo(2L);
            assertThat(b.verdict()).isEqualTo("drop");
            assertThat(b.rule()).startsWith("udp dport 51820 counter packets ").endsWith(" drop");
            assertThat(b.packets()).isPositive();
        });
        assertThat(blocks).filteredOn(b -> b.port() == 51999).singleElement().satisfies(b -> {
            assertThat(b.verdict()).isEqualTo("reject");
            assertThat(b.rule()).isEqualTo("udp dport 51999 reject with icmpx port-unreachable");
        });
    }

    @Test
    void countersAndTheAgentsOwnTableAreNoFindings() throws Exception {
        assertThat(NftRulesetParser.blockingRules(Fixtures.lab("probe-table/agwgs-nft-ruleset.json"), Set.of(51820), "wgfleet_probe"))
                .extracting(PortBlock::table).containsExactly("wgfault");
        assertThat(NftRulesetParser.blockingRules(Fixtures.lab("healthy/agwgs-nft-ruleset.json"), Set.of(51820), "wgfleet_probe")).isEmpty();
    }

    @Test
    void iptablesNftRulesShowInNftJson() throws Exception {
        assertThat(NftRulesetParser.blockingRules(Fixtures.lab("iptables/nft-ruleset-from-iptables-nft.json"), Set.of(51820), "x"))
                .singleElement().satisfies(b -> {
                    assertThat(b.family()).isEqualTo("ip");
                    assertThat(b.table()).isEqualTo("filter");
                    assertThat(b.chain()).isEqualTo("INPUT");
                });
    }

    @Test
    void nftSetsRangesNegationPolicyAndOutputChains() throws Exception {
        String json = """
                {"nftables":[
                 {"chain":{"family":"inet","table":"fw","name":"input","handle":1,"type":"filter","hook":"input","prio":0,"policy":"drop"}},
                 {"chain":{"family":"inet","table":"fw","name":"output","handle":2,"type":"filter","hook":"output","prio":0,"policy":"accept"}},
                 {"rule":{"family":"inet","table":"fw","chain":"input","handle":5,"expr":[
                   {"match":{"op":"==","left":{"payload":{"protocol":"udp","field":"dport"}},"right":{"set":[53,{"range":[51000,52000]}]}}},{"drop":null}]}},
                 {"rule":{"family":"inet","table":"fw","chain":"input","handle":6,"expr":[
                   {"match":{"op":"!=","left":{"payload":{"protocol":"udp","field":"dport"}},"right":51820}},{"reject":null}]}},
                 {"rule":{"family":"inet","table":"fw","chain":"input","handle":7,"expr":[
                   {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":51820}},{"drop":null}]}},
                 {"rule":{"family":"inet","table":"fw","chain":"input","handle":8,"expr":[
                   {"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"drop":null}]}},
                 {"rule":{"family":"inet","table":"fw","chain":"output","handle":9,"expr":[{"drop":null}]}}
                ]}""";
        List<PortBlock> b = NftRulesetParser.blockingRules(json, Set.of(51820), "wgfleet_probe");
        assertThat(b).extracting(PortBlock::handle).containsExactly(5L, 8L, null);
        assertThat(b.get(0).rule()).isEqualTo("udp dport { 53, 51000-52000 } drop");
        assertThat(b.get(2).rule()).startsWith("chain policy drop");
    }

    @Test
    void arrivalsPerSourceFromTheAgentsTable() throws Exception {
        Map<Integer, NftRulesetParser.PortCounters> a = NftRulesetParser.arrivals(Fixtures.lab("probe-table/agwgs-nft-probe-table.json"), "wgfleet_probe");
        assertThat(a.get(51820).packets()).isEqualTo(2);
        assertThat(a.get(51820).packetsAndBytesBySource()).containsOnlyKeys("192.0.2.2");
        Map<Integer, NftRulesetParser.PortCounters> v6 = NftRulesetParser.arrivals(Fixtures.lab("ipv6/agwgs-nft-probe-table.json"), "wgfleet_probe");
        assertThat(v6.get(51820).packetsAndBytesBySource()).containsKey("2001:db8:77::2");
    }

    @Test
    void nftTruncatedJsonNamesTheLine() {
        String full = Fixtures.lab("nft-drop/agwgs-nft-ruleset.json");
        assertThatThrownBy(() -> NftRulesetParser.blockingRules(full.substring(0, full.length() - 40), Set.of(51820), "x"))
                .isInstanceOf(ParseException.class).hasMessageContaining("line 1").hasMessageContaining("truncated");
        assertThatThrownBy(() -> NftRulesetParser.blockingRules("[]", Set.of(51820), "x")).hasMessageContaining("nftables");
    }

    @Test
    void iptablesLegacySaveFindsDropRejectMultiportAndRaw() throws Exception {
        IptablesSaveParser.Result r = IptablesSaveParser.parse(Fixtures.lab("iptables/iptables-legacy-save.txt"), Set.of(51820, 51821), "ip");
        assertThat(r.nfTablesBackend()).isFalse();
        assertThat(r.blocks()).extracting(b -> b.table() + "/" + b.chain() + "/" + b.handle() + "/" + b.port() + "/" + b.verdict())
                .containsExactlyInAnyOrder("raw/PREROUTING/1/51820/drop", "filter/INPUT/1/51820/drop", "filter/INPUT/2/51821/reject",
                        "filter/WG-IN/1/51820/drop", "filter/WG-IN/1/51821/drop");
        assertThat(r.blocks()).filteredOn(b -> b.chain().equals("INPUT") && b.port() == 51820).singleElement()
                .extracting(PortBlock::rule).isEqualTo("-A INPUT -p udp -m udp --dport 51820 -j DROP");
        IptablesSaveParser.Result v6 = IptablesSaveParser.parse(Fixtures.lab("iptables/ip6tables-legacy-save.txt"), Set.of(51820), "ip6");
        assertThat(v6.blocks()).singleElement().extracting(PortBlock::family).isEqualTo("ip6");
    }

    @Test
    void iptablesNftFlavourIsRecognised() throws Exception {
        IptablesSaveParser.Result r = IptablesSaveParser.parse(Fixtures.lab("iptables/iptables-nft-save.txt"), Set.of(51820), "ip");
        assertThat(r.nfTablesBackend()).isTrue();
        assertThat(r.tables()).containsExactly("filter");
        assertThat(r.blocks()).singleElement().extracting(PortBlock::backend).isEqualTo("iptables-nft");
        assertThat(IptablesSaveParser.parse(Fixtures.lab("iptables/iptables-legacy-save.txt"), Set.of(51820), "ip").blocks())
                .extracting(PortBlock::backend).containsOnly("iptables-legacy");
    }

    /** Recorded in a lab namespace: iptables-nft-save -c of the multiport rule nft's JSON cannot show. */
    static final String IPTABLES_NFT_SAVE_C = """
            # Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Dec  2 05:42:48 2026
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            [0:0] -A INPUT -p udp -m multiport --dports 53,123 -j DROP
            [7:1036] -A INPUT -p udp -m udp --dport 51820 -j DROP
            COMMIT
            # Completed on Wed Dec  2 05:42:48 2026
            """;

    @Test
    void iptablesSaveWithCountersReadsEachRulesPackets() throws Exception {
        IptablesSaveParser.Result r = IptablesSaveParser.parse(IPTABLES_NFT_SAVE_C, Set.of(51820), "ip");
        assertThat(r.blocks()).singleElement().satisfies(b -> {
            assertThat(b.handle()).isEqualTo(2L);
            assertThat(b.packets()).isEqualTo(7L);
            assertThat(b.rule()).isEqualTo("-A INPUT -p udp -m udp --dport 51820 -j DROP");
        });
        assertThatThrownBy(() -> IptablesSaveParser.parse("*filter\n[7] -A INPUT -j DROP\nCOMMIT\n", Set.of(51820), "ip"))
                .hasMessageContaining("line 2").hasMessageContaining("[packets:bytes]");
    }

    @Test
    void anIptablesNftMatchNftCannotShowIsNoFinding() throws Exception {
        // nft -j list ruleset of the same table (recorded): multiport and u32 are bare xt names
        String json = """
                {"nftables": [{"table": {"family": "ip", "name": "filter", "handle": 1}},
                 {"chain": {"family": "ip", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
                 {"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "udp"}}, {"xt": {"type": "match", "name": "multiport"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}},
                 {"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "udp"}}, {"xt": {"type": "match", "name": "multiport"}}, {"accept": null}]}}]}""";
        // neither the drop (its ports are unknown) nor the policy (the opaque accept may accept the port)
        assertThat(NftRulesetParser.blockingRules(json, Set.of(51820), "x")).isEmpty();
        // without the accept, the policy drop stands
        String noAccept = json.substring(0, json.lastIndexOf(",\n")) + "]}";
        assertThat(NftRulesetParser.blockingRules(noAccept, Set.of(51820), "x")).singleElement()
                .satisfies(b -> assertThat(b.rule()).startsWith("chain policy drop"));
    }

    @Test
    void iptablesTruncatedOrMalformedNamesTheLine() {
        String full = Fixtures.lab("iptables/iptables-legacy-save.txt");
        assertThatThrownBy(() -> IptablesSaveParser.parse(full.substring(0, full.lastIndexOf("COMMIT")), Set.of(51820), "ip"))
                .hasMessageContaining("no COMMIT");
        assertThatThrownBy(() -> IptablesSaveParser.parse("*filter\nbogus line\nCOMMIT\n", Set.of(51820), "ip"))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> IptablesSaveParser.parse("-A INPUT -j DROP\n", Set.of(51820), "ip"))
                .hasMessageContaining("line 1");
    }

    @Test
    void getentAndPing() throws Exception {
        String g = Fixtures.lab("getent-ahosts-wgserver.txt").replace("rc=0\n", "");
        assertThat(GetentParser.addresses(g)).containsExactly("192.0.2.1", "2001:db8::1");
        assertThatThrownBy(() -> GetentParser.addresses("no-address STREAM\n")).hasMessageContaining("line 1");
        assertThat(PingParser.replied(Fixtures.lab("ping-ok.txt"))).isTrue();
        assertThat(PingParser.replied(Fixtures.lab("ping-df-1000-ok.txt"))).isTrue();
        assertThat(PingParser.replied(Fixtures.lab("ping-df-1392-blackhole.txt"))).isFalse();
        assertThat(PingParser.replied(Fixtures.lab("ping-df-1500-local-too-big.txt"))).isFalse();
        assertThat(PingParser.replied("")).isFalse();
    }

    @Test
    void pskFingerprintIsStableAndShort() {
        String k = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(KeyFingerprint.of(k)).isEqualTo(KeyFingerprint.of(k)).startsWith("psk:").hasSize(20)
                .isEqualTo("psk:66687aadf862bd77");
        assertThatThrownBy(() -> KeyFingerprint.of("abc=")).hasMessageNotContaining("abc");
    }
}
