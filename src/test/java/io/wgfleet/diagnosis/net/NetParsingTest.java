package io.wgfleet.diagnosis.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetParsingTest {

    @Test
    void parsesIpv4AndIpv6() {
        assertThat(IpAddress.parse("192.0.2.1").toString()).isEqualTo("192.0.2.1");
        assertThat(IpAddress.parse("0.0.0.0").lo()).isZero();
        assertThat(IpAddress.parse("255.255.255.255").lo()).isEqualTo(0xFFFF_FFFFL);
        assertThat(IpAddress.parse("2001:db8::1").toString()).isEqualTo("2001:db8::1");
        assertThat(IpAddress.parse("::ffff:1.2.3.4").toString()).isEqualTo("::ffff:102:304");
        assertThat(IpAddress.parse("100.64.0.2").isCgnat()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.256", "1234.1.1.1", "1.2.3.a", "1.2.3.4 5",
            "١.٢.٣.٤", "host.example", ":::", "1:2:3:4:5:6:7:8:9"})
    void rejectsMalformedAddresses(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
        assertThat(IpAddress.isLiteral(text)).isFalse();
    }

    @Test
    void prefixesMaskHostBitsAndNest() {
        IpPrefix p = IpPrefix.parse("10.77.0.2/24");
        assertThat(p.toString()).isEqualTo("10.77.0.0/24");
        assertThat(p.contains(IpAddress.parse("10.77.0.200"))).isTrue();
        assertThat(p.contains(IpAddress.parse("10.77.1.1"))).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(p)).isTrue();
        assertThat(IpPrefix.parse("2001:db8::/32").overlaps(IpPrefix.parse("2001:db8:1::/48"))).isTrue();
        assertThat(IpPrefix.parse("2001:db8::/32").overlaps(IpPrefix.parse("10.0.0.0/8"))).isFalse();
        assertThat(IpPrefix.parse("10.0.0.1").length()).isEqualTo(32);
        assertThat(IpPrefix.parse("::/0").lastHi()).isEqualTo(-1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/a", "10.0.0.0/-1", "::/129", "", "10.0.0.0/1000"})
    void rejectsMalformedPrefixes(String text) {
        assertThatThrownBy(() -> IpPrefix.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesEndpoints() {
        assertThat(Endpoint.parse("192.0.2.1:51820")).isEqualTo(new Endpoint("192.0.2.1", 51820));
        assertThat(Endpoint.parse("[2001:db8::1]:51820").address().ipv6()).isTrue();
        assertThat(Endpoint.parse("WGS.Example:51820").isHostname()).isTrue();
        assertThat(Endpoint.parse("wgs.example:51820").address()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:5x", "2001:db8::1:51820", ":51820",
            "999.1.1.1:51820", "[10.0.0.1]:51820", "bad_name!:1"})
    void rejectsMalformedEndpoints(String text) {
        assertThatThrownBy(() -> Endpoint.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lastAddressOfAPrefix() {
        IpPrefix p = IpPrefix.parse("10.20.0.0/16");
        assertThat(new IpAddress(false, p.lastHi(), p.lastLo())).hasToString("10.20.255.255");
        IpPrefix v6 = IpPrefix.parse("fd00:1::/32");
        assertThat(new IpAddress(true, v6.lastHi(), v6.lastLo())).hasToString("fd00:1:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    @Test
    void natAddressClasses() {
        assertThat(IpAddress.parse("100.64.0.2").isCgnat()).isTrue();
        assertThat(IpAddress.parse("100.128.0.1").isCgnat()).isFalse();
        assertThat(IpAddress.parse("172.16.3.4").isPrivate()).isTrue();
        assertThat(IpAddress.parse("172.32.0.1").isPrivate()).isFalse();
        assertThat(IpAddress.parse("fd12::1").isPrivate()).isTrue();
        assertThat(IpAddress.parse("2001:db8::1").isPrivate()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "vpn.example.com|has no port",
            "2001:db8::1:51820|must be bracketed",
            "192.0.2.1:0|outside 1..65535",
            "192.0.2.1:70000|outside 1..65535",
            "192.0.2.300:51820|exceeds 255",
            "bad_host!:51820|not a valid DNS name",
            "[192.0.2.1]:51820|IPv6 addresses only",
            ":51820|has no host"
    })
    void badEndpointsSayWhy(String in, String why) {
        assertThatThrownBy(() -> Endpoint.parse(in)).hasMessageContaining(why);
    }
}
