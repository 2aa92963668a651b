package io.wgfleet.diagnosis.fleet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicatePublicKeysTest {
    private static final String K1 = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    private static final String K2 = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";

    @Test
    void sameKeyByTwoOwnersInOneGroupIsDuplicate() {
        var out = DuplicatePublicKeys.find(List.of(
                new DuplicatePublicKeys.Claim("ns/b", "n1/wg0", K1),
                new DuplicatePublicKeys.Claim("ns/a", "n1/wg0", K1),
                new DuplicatePublicKeys.Claim("ns/c", "n1/wg0", K2),
                new DuplicatePublicKeys.Claim("ns/d", "n2/wg0", K1)));
        assertThat(out).containsExactly(new DuplicatePublicKeys.Duplicate("n1/wg0", K1, List.of("ns/a", "ns/b")));
    }

    @Test
    void sameOwnerTwiceAndNullsAreIgnored() {
        List<DuplicatePublicKeys.Claim> claims = new ArrayList<>();
        claims.add(null);
        claims.add(new DuplicatePublicKeys.Claim("ns/a", "g", K1));
        claims.add(new DuplicatePublicKeys.Claim("ns/a", "g", K1));
        claims.add(new DuplicatePublicKeys.Claim("ns/b", "g", null));
        claims.add(new DuplicatePublicKeys.Claim(null, "g", K1));
        assertThat(DuplicatePublicKeys.find(claims)).isEmpty();
        assertThat(DuplicatePublicKeys.find(null)).isEmpty();
    }
}
