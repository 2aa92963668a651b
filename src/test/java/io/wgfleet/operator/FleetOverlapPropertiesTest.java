package io.wgfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.diagnosis.net.IpPrefix;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The sweep finds exactly the pairs an all-pairs comparison finds, on small random fleets. */
class FleetOverlapPropertiesTest {

    @Property(tries = 300)
    void sweepAgreesWithAllPairs(@ForAll("claims") List<FleetConflicts.Claim> claims) {
        Set<String> sweep = new HashSet<>();
        for (FleetConflicts.Overlap o : FleetConflicts.overlaps(claims)) {
            sweep.add(key(o.a(), o.b()));
        }
        Set<String> brute = new HashSet<>();
        for (int i = 0; i < claims.size(); i++) {
            for (int j = i + 1; j < claims.size(); j++) {
                FleetConflicts.Claim a = claims.get(i);
                FleetConflicts.Claim b = claims.get(j);
                if (a.group().equals(b.group()) && !a.owner().equals(b.owner()) && a.prefix().overlaps(b.prefix())) {
                    brute.add(key(a, b));
                }
            }
        }
        assertThat(sweep).isEqualTo(brute);
    }

    private static String key(FleetConflicts.Claim a, FleetConflicts.Claim b) {
        String x = a.group() + a.owner() + a.prefix();
        String y = b.group() + b.owner() + b.prefix();
        return x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x;
    }

    @Provide
    Arbitrary<List<FleetConflicts.Claim>> claims() {
        // few groups, owners and bits, so overlaps, nesting and duplicates are common
        Arbitrary<IpPrefix> v4 = Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(6, 24)).as((a, b, len) -> IpPrefix.parse("10." + a + "." + (b * 64) + ".0/" + len));
        Arbitrary<IpPrefix> v6 = Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.integers().between(4, 64))
                .as((a, len) -> IpPrefix.parse("fd0" + Integer.toHexString(a) + "::/" + len));
        Arbitrary<FleetConflicts.Claim> claim = Combinators.combine(
                Arbitraries.of("n1/wg0", "n2/wg0"), Arbitraries.of("a", "b", "c", "d"), Arbitraries.oneOf(v4, v4, v6))
                .as(FleetConflicts.Claim::new);
        return claim.list().ofMaxSize(30).map(ArrayList::new);
    }
}
