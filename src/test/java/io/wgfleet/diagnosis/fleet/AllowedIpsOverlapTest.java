package io.wgfleet.diagnosis.fleet;

import io.wgfleet.diagnosis.net.IpPrefix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AllowedIpsOverlapTest {

    private static AllowedIpsOverlap.Claim claim(String owner, String group, String... prefixes) {
        return new AllowedIpsOverlap.Claim(owner, group, List.of(prefixes));
    }

    @Test
    void nestedPrefixesOfDifferentOwnersOverlap() {
        var out = AllowedIpsOverlap.find(List.of(
                claim("ns/a", "n1/wg0", "10.0.0.0/16"),
                claim("ns/b", "n1/wg0", "10.0.5.0/24")));
        assertThat(out).containsExactly(new AllowedIpsOverlap.Overlap("n1/wg0", "ns/a", IpPrefix.parse("10.0.0.0/16"),
                "ns/b", IpPrefix.parse("10.0.5.0/24")));
    }

    @Test
    void identicalPrefixesOverlap() {
        var out = AllowedIpsOverlap.find(List.of(claim("ns/b", "g", "10.1.2.3/32"), claim("ns/a", "g", "10.1.2.3")));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ownerA()).isEqualTo("ns/a");
    }

    @Test
    void sameOwnerIsIgnored() {
        assertThat(AllowedIpsOverlap.find(List.of(claim("ns/a", "g", "10.0.0.0/8", "10.1.0.0/16")))).isEmpty();
    }

    @Test
    void differentGroupsAreIgnored() {
        assertThat(AllowedIpsOverlap.find(List.of(claim("ns/a", "n1/wg0", "10.0.0.0/8"), claim("ns/b", "n2/wg0", "10.0.0.0/8"))))
                .isEmpty();
    }

    @Test
    void disjointAndAdjacentPrefixesDoNotOverlap() {
        assertThat(AllowedIpsOverlap.find(List.of(claim("a", "g", "10.0.0.0/25"), claim("b", "g", "10.0.0.128/25"),
                claim("c", "g", "192.168.0.0/16")))).isEmpty();
    }

    @Test
    void ipv6NestingIsFoundAndFamiliesDoNotMix() {
        var out = AllowedIpsOverlap.find(List.of(
                claim("a", "g", "2001:db8::/32", "0.0.0.0/0"),
                claim("b", "g", "2001:db8:1::/48"),
                claim("c", "g", "::/0")));
        assertThat(out).extracting(o -> o.ownerA() + ">" + o.ownerB() + ":" + o.prefixB())
                .containsExactlyInAnyOrder("c>a:2001:db8::/32", "c>b:2001:db8:1::/48", "a>b:2001:db8:1::/48");
    }

    @Test
    void deepNestingReportsEveryEnclosingOwner() {
        var out = AllowedIpsOverlap.find(List.of(claim("a", "g", "10.0.0.0/8"), claim("b", "g", "10.1.0.0/16"),
                claim("c", "g", "10.1.2.0/24"), claim("d", "g", "10.2.0.0/16")));
        assertThat(out).extracting(o -> o.ownerA() + ">" + o.ownerB())
                .containsExactlyInAnyOrder("a>b", "a>c", "b>c", "a>d");
    }

    @Test
    void malformedPrefixesAndNullsAreSkipped() {
        List<AllowedIpsOverlap.Claim> claims = new ArrayList<>();
        claims.add(null);
        claims.add(new AllowedIpsOverlap.Claim(null, "g", List.of("10.0.0.0/8")));
        claims.add(new AllowedIpsOverlap.Claim("a", null, null));
        claims.add(claim("b", "g", "10.0.0.0/33", "nonsense", "10.0.0.0/8"));
        claims.add(claim("c", "g", "10.9.0.0/16"));
        assertThat(AllowedIpsOverlap.find(claims)).hasSize(1);
    }

    /** The sweep agrees with checking all pairs, on small random inputs dense enough to collide. */
    @Property(tries = 400)
    void sweepAgreesWithAllPairs(@ForAll long seed) {
        Random r = new Random(seed);
        List<AllowedIpsOverlap.Claim> claims = new ArrayList<>();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            List<String> ps = new ArrayList<>();
            for (int j = r.nextInt(4); j > 0; j--) {
                ps.add(r.nextInt(3) == 0
                        ? "2001:db8:" + Integer.toHexString(r.nextInt(4)) + "::/" + (30 + r.nextInt(40))
                        : "10." + r.nextInt(3) + "." + r.nextInt(4) + ".0/" + (8 + r.nextInt(25)));
            }
            claims.add(new AllowedIpsOverlap.Claim("o" + r.nextInt(5), "g" + r.nextInt(2), ps));
        }
        Set<String> expected = new HashSet<>();
        List<String[]> flat = new ArrayList<>();
        for (var c : claims) {
            for (String p : c.prefixes()) {
                flat.add(new String[] {c.owner(), c.group(), IpPrefix.parse(p).toString()});
            }
        }
        for (int i = 0; i < flat.size(); i++) {
            for (int j = i + 1; j < flat.size(); j++) {
                String[] a = flat.get(i);
                String[] b = flat.get(j);
                IpPrefix pa = IpPrefix.parse(a[2]);
                IpPrefix pb = IpPrefix.parse(b[2]);
                if (a[1].equals(b[1]) && !a[0].equals(b[0]) && pa.overlaps(pb)) {
                    expected.add(key(a[1], a[0], pa, b[0], pb));
                }
            }
        }
        List<AllowedIpsOverlap.Overlap> got = AllowedIpsOverlap.find(claims);
        Set<String> actual = new HashSet<>();
        for (var o : got) {
            actual.add(key(o.group(), o.ownerA(), o.prefixA(), o.ownerB(), o.prefixB()));
            assertThat(o.prefixA().contains(o.prefixB())).isTrue();
        }
        assertThat(got).hasSize(expected.size());
        assertThat(actual).isEqualTo(expected);
    }

    /** Order-free identity of a pair. */
    private static String key(String group, String o1, IpPrefix p1, String o2, IpPrefix p2) {
        String x = o1 + "|" + p1;
        String y = o2 + "|" + p2;
        return group + ":" + (x.compareTo(y) <= 0 ? x + "~" + y : y + "~" + x);
    }
}
