package io.wgfleet.diagnosis;

import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpecValidationTest {

    @Test
    void theInterfaceNameRuleIsTheCrdsPattern() {
        // the engine cannot import the API types, so the pattern is written twice: this keeps them one rule
        assertThat(SpecValidation.INTERFACE_NAME_PATTERN).isEqualTo(WireGuardPeerSpec.INTERFACE_NAME_PATTERN);
    }

    @Test
    void everyWireGuardFieldIsCheckedAndParsedOnce() {
        Lab lab = new Lab();
        SpecValidation ok = SpecValidation.of(lab.clientDecl);
        assertThat(ok.valid()).isTrue();
        assertThat(ok.endpoint()).hasToString("192.0.2.1:51820");
        assertThat(ok.allowedIPs()).hasToString("[10.77.0.1/32]");
        assertThat(ok.probeAddress()).hasToString("10.77.0.1");

        SpecValidation bad = SpecValidation.of(new DeclaredPeer("lab/x", "wg/0", "not-a-key", "192.0.2.1:70000",
                List.of("10.77.0.0/24", "10.77.0.1"), 70000, false, "10.78.0.1"));
        assertThat(bad.problems()).extracting(SpecValidation.Problem::field).containsExactly("spec.interfaceName",
                "spec.publicKey", "spec.endpoint", "spec.allowedIPs[1]", "spec.persistentKeepalive");
        assertThat(bad.allowedIPsValid()).isFalse();
        assertThat(bad.problems().toString()).doesNotContain("not-a-key");
    }
}
