package io.wgfleet.agent.parse;

import io.wgfleet.agent.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WgDumpParserTest {

    static final String PUB_A = "IsWNyzuJO/" + "a".repeat(33) + "=";
    static final String PUB_B = "6ZmMYVt+43" + "b".repeat(33) + "=";
    static final String FAKE_PRIV = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    @Test
    void healthyClientDumpFromTheLab() throws Exception {
        WgDump d = WgDumpParser.parse(Fixtures.lab("healthy/client-wg-dump.txt"));
        assertThat(d.interfaces()).hasSize(1);
        WgDump.Interface i = d.interfaces().get(0);
        assertThat(i.name()).isEqualTo("wgc0");
        assertThat(i.listenPort()).isEqualTo(51821);
        assertThat(i.fwmark()).isNull();
        assertThat(i.peers()).singleElement().satisfies(p -> {
            assertThat(p.endpoint()).isEqualTo("192.0.2.1:51820");
            assertThat(p.allowedIps()).containsExactly("10.77.0.0/24");
            assertThat(p.latestHandshake()).isPositive();
            assertThat(p.rxBytes()).isEqualTo(348);
            assertThat(p.txBytes()).isEqualTo(404);
            assertThat(p.presharedKeyFingerprint()).isNull();
            assertThat(p.persistentKeepalive()).isZero();
        });
    }

    @Test
    void nftDropLooksLikeNeverOnBothSides() throws Exception {
        WgDump client = WgDumpParser.parse(Fixtures.lab("nft-drop/client-wg-dump.txt"));
        WgDump server = WgDumpParser.parse(Fixtures.lab("nft-drop/server-wg-dump.txt"));
        WgDump.Peer c = client.interfaces().get(0).peers().get(0);
        WgDump.Peer s = server.interfaces().get(0).peers().get(0);
        assertThat(c.latestHandshake()).isZero();
        assertThat(c.rxBytes()).isZero();
        assertThat(c.txBytes()).isEqualTo(296);
        assertThat(s.endpoint()).isNull();
        assertThat(s.rxBytes()).isZero();
    }

    @Test
    void everyCapturedFaultParses() throws Exception {
        for (String f : List.of("healthy", "nft-drop", "wrong-endpoint-ip", "wrong-public-key", "wrong-port", "psk-mismatch",
                "no-peer-on-server", "allowedips-mismatch", "mtu-blackhole", "probe-table", "ipv6")) {
            assertThat(WgDumpParser.parse(Fixtures.lab(f + "/client-wg-dump.txt")).interfaces()).as(f).hasSize(1);
            assertThat(WgDumpParser.parse(Fixtures.lab(f + "/server-wg-dump.txt")).interfaces()).as(f).hasSize(1);
        }
        assertThat(WgDumpParser.parse(Fixtures.lab("wrong-port/client-wg-dump.txt")).interfaces().get(0).peers().get(0).endpoint())
                .isEqualTo("192.0.2.1:51999");
    }

    @Test
    void pskMismatchShowsDifferentFingerprintsAndTheResponderAnswering() throws Exception {
        WgDump.Peer c = WgDumpParser.parse(Fixtures.lab("psk-mismatch/client-wg-dump.txt")).interfaces().get(0).peers().get(0);
        WgDump.Peer s = WgDumpParser.parse(Fixtures.lab("psk-mismatch/server-wg-dump.txt")).interfaces().get(0).peers().get(0);
        assertThat(c.presharedKeyFingerprint()).startsWith("psk:").hasSize(20);
        assertThat(s.presharedKeyFingerprint()).startsWith("psk:").isNotEqualTo(c.presharedKeyFingerprint());
        assertThat(c.rxBytes()).isZero();
        assertThat(s.rxBytes()).isEqualTo(296);
        assertThat(s.txBytes()).isEqualTo(184);
    }

    @Test
    void interfaceWithNoPeers() throws Exception {
        WgDump d = WgDumpParser.parse(Fixtures.lab("no-peer-on-server/server-wg-dump.txt"));
        assertThat(d.interfaces().get(0).peers()).isEmpty();
        assertThat(WgDumpParser.parse("").interfaces()).isEmpty();
    }

    @Test
    void ipv6EndpointAndAllowedIps() throws Exception {
        WgDump.Peer p = WgDumpParser.parse(Fixtures.lab("ipv6/client-wg-dump.txt")).interfaces().get(0).peers().get(0);
        assertThat(p.endpoint()).isEqualTo("[2001:db8:77::1]:51820");
        assertThat(p.allowedIps()).containsExactly("10.77.0.0/24", "fd77::/64");
    }

    @Test
    void extraColumnsFromForksAreIgnored() throws Exception {
        String text = "wg0\t" + FAKE_PRIV + "\t" + PUB_A + "\t51820\t0x1234\textra\tmore\n"
                + "wg0\t" + PUB_B + "\t(none)\t198.51.100.7:51820\t10.0.0.2/32\t1700000000\t10\t20\t25\tfork-col\t99\n";
        WgDump d = WgDumpParser.parse(text);
        assertThat(d.interfaces().get(0).fwmark()).isEqualTo("0x1234");
        assertThat(d.interfaces().get(0).peers().get(0).persistentKeepalive()).isEqualTo(25);
        assertThat(d.interfaces().get(0).peers().get(0).publicKey()).isEqualTo(PUB_B);
    }

    @Test
    void severalInterfacesAndCrlf() throws Exception {
        String text = "wg0\t" + FAKE_PRIV + "\t" + PUB_A + "\t51820\toff\r\n"
                + "wg1\t" + FAKE_PRIV + "\t" + PUB_B + "\t0\toff\r\n"
                + "wg1\t" + PUB_A + "\t(none)\t(none)\t(none)\t0\t0\t0\toff\r\n";
        WgDump d = WgDumpParser.parse(text);
        assertThat(d.interfaces()).extracting(WgDump.Interface::name).containsExactly("wg0", "wg1");
        assertThat(d.iface("wg1").orElseThrow().peers().get(0).allowedIps()).isEmpty();
    }

    @Test
    void truncatedPeerLineNamesTheLine() {
        String full = Fixtures.lab("healthy/client-wg-dump.txt");
        String truncated = full.substring(0, full.indexOf("10.77.0.0/24"));
        assertThatThrownBy(() -> WgDumpParser.parse(truncated))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("columns");
    }

    @Test
    void truncatedInterfaceLineNamesTheLine() {
        assertThatThrownBy(() -> WgDumpParser.parse("wg0\t" + FAKE_PRIV + "\t"))
                .isInstanceOf(ParseException.class).hasMessageContaining("line 1").hasMessageNotContaining(FAKE_PRIV);
    }

    @Test
    void malformedValuesNameLineAndColumn() {
        String head = "wg0\t" + FAKE_PRIV + "\t" + PUB_A + "\t51820\toff\n";
        assertThatThrownBy(() -> WgDumpParser.parse(head + "wg0\t" + PUB_B + "\t(none)\t(none)\t10.0.0.2/32\t0\tlots\t0\toff\n"))
                .hasMessageContaining("line 2").hasMessageContaining("rx bytes");
        assertThatThrownBy(() -> WgDumpParser.parse(head + "wg0\t" + PUB_B + "\t(none)\tnot-an-endpoint\t10.0.0.2/32\t0\t0\t0\toff\n"))
                .hasMessageContaining("line 2").hasMessageContaining("endpoint");
        assertThatThrownBy(() -> WgDumpParser.parse(head + "wg0\t" + PUB_B + "\t(none)\t(none)\t10.0.0.300/32\t0\t0\t0\toff\n"))
                .hasMessageContaining("line 2").hasMessageContaining("allowed ips");
        assertThatThrownBy(() -> WgDumpParser.parse(head + "wg0\tshort\t(none)\t(none)\t10.0.0.2/32\t0\t0\t0\toff\n"))
                .hasMessageContaining("line 2").hasMessageContaining("public key");
        assertThatThrownBy(() -> WgDumpParser.parse("wg0\t" + FAKE_PRIV + "\t" + PUB_A + "\t99999\toff\n"))
                .hasMessageContaining("line 1").hasMessageContaining("listen port");
        assertThatThrownBy(() -> WgDumpParser.parse(head + "wg0\t" + PUB_B + "\tnot-base64!\t(none)\t10.0.0.2/32\t0\t0\t0\toff\n"))
                .hasMessageContaining("line 2").hasMessageContaining("preshared key");
        assertThatThrownBy(() -> WgDumpParser.parse("garbage\n")).isInstanceOf(ParseException.class).hasMessageContaining("line 1");
    }

    @Test
    void outputMissingItsFirstLinesIsRejectedWithoutTakingThePskForAKey() {
        String psk = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q');
        String peerOnly = "wg0\t" + PUB_B + "\t" + psk + "\t192.0.2.1:51820\t10.0.0.2/32\t0\t0\t0\toff\n";
        assertThatThrownBy(() -> WgDumpParser.parse(peerOnly))
                .hasMessageContaining("line 1").hasMessageNotContaining(psk);
    }

    @Test
    void thousandPeers() throws Exception {
        WgDump d = WgDumpParser.parse(DumpGenerator.dump(1, 1000));
        assertThat(d.interfaces().get(0).peers()).hasSize(1000);
        assertThat(d.interfaces().get(0).peers().get(999).allowedIps()).containsExactly("10.0.3.231/32");
    }
}
