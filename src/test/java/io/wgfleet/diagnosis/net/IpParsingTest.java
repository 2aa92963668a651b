package io.wgfleet.diagnosis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpParsingTest {

    @ParameterizedTest
    @CsvSource({
            "10.1.2.3/8, 10.0.0.0/8",
            "192.0.2.1, 192.0.2.1/32",
            "0.0.0.0/0, 0.0.0.0/0",
            "fd00::1/64, fd00::/64",
            "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
            "::/0, ::/0",
            "::ffff:192.0.2.1/128, ::ffff:c000:201/128"
    })
    void prefixesAreParsedAndMaskedLikeWireGuardDoes(String in, String canonical) {
        assertThat(IpPrefix.parse(in)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/24", "10.0.0.256/32", "fd00::/129", "fd00:::1/64", "host.example/32", "10.0.0.0/", "10.0.0.0/x", "1:2:3:4:5:6:7:8:9/128"})
    void badPrefixesAreRejectedWithoutDns(String in) {
        assertThatThrownBy(() -> IpPrefix.parse(in)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containmentAndOverlapFollowTheBits() {
        IpPrefix wide = IpPrefix.parse("10.20.0.0/16");
        IpPrefix narrow = IpPrefix.parse("10.20.5.0/24");
        IpPrefix other = IpPrefix.parse("10.21.0.0/16");
        assertThat(wide.contains(narrow)).isTrue();
        assertThat(narrow.contains(wide)).isFalse();
        assertThat(narrow.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(other)).isFalse();
        assertThat(IpPrefix.parse("fd00::/16").contains(IpPrefix.parse("fd00:5::/64"))).isTrue();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parse("fd00::/16"))).isFalse();
        assertThat(wide.contains(IpAddress.parse("10.20.255.255"))).isTrue();
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
    @CsvSource({
            "vpn.example.com:51820, vpn.example.com, 51820, true",
            "192.0.2.1:51820, 192.0.2.1, 51820, false",
            "[2001:db8::1]:443, 2001:db8::1, 443, false",
            "VPN.Example.COM:1, vpn.example.com, 1, true"
    })
    void endpointsOfEveryForm(String in, String host, int port, boolean hostname) {
        Endpoint e = Endpoint.parse(in);
        assertThat(e.host()).isEqualTo(host);
        assertThat(e.port()).isEqualTo(port);
        assertThat(e.isHostname()).isEqualTo(hostname);
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
