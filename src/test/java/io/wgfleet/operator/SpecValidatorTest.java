package io.wgfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.PeerRef;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.testing.Peers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    WireGuardPeerSpec valid() {
        WireGuardPeerSpec s = Peers.peer("ns", "p", "node-a", "wg0", "10.0.0.0/24", "fd00::/64").getSpec();
        s.setEndpoint("[2001:db8::1]:51820");
        s.setProbeAddress("10.0.0.1");
        s.setPersistentKeepalive(25);
        return s;
    }

    @Test
    void aCompleteSpecIsValid() {
        assertThat(SpecValidator.validate(valid())).isEmpty();
    }

    @Test
    void everyProblemIsListedWithItsFieldNotJustTheFirst() {
        WireGuardPeerSpec s = valid();
        s.setAllowedIPs(List.of("10.0.0.0/24", "10.0.0.0"));
        s.setPersistentKeepalive(-1);
        s.setNodeSelector(Map.of("role", "gw"));
        s.setRemotePeerRef(new PeerRef("", null));
        assertThat(SpecValidator.validate(s)).extracting(SpecValidation.Problem::field)
                .containsExactly("spec.nodeSelector/spec.nodeName", "spec.allowedIPs[1]", "spec.persistentKeepalive", "spec.remotePeerRef.name");
    }

    @Test
    void aShortKeyIsReportedWithoutItsValue() {
        WireGuardPeerSpec s = valid();
        s.setPublicKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        SpecValidation.Problem p = SpecValidator.validate(s).get(0);
        assertThat(p.toString()).contains("spec.publicKey", "30 bytes").doesNotContain("AAAA");
    }

    @Test
    void intervalsAreDurationsOfAtLeastThirtySeconds() {
        assertThat(SpecValidator.parseInterval("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(SpecValidator.interval(valid())).isEqualTo(Duration.ofMinutes(5));
        WireGuardPeerSpec s = valid();
        DiagnosisSettings d = new DiagnosisSettings();
        d.setInterval("10s");
        s.setDiagnosis(d);
        assertThat(SpecValidator.validate(s)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.diagnosis.interval");
            assertThat(p.why()).contains("at least 30s");
        });
    }

    @Test
    void aProbeAddressOutsideAllowedIPsWouldNeverReachThePeer() {
        WireGuardPeerSpec s = valid();
        s.setProbeAddress("10.0.1.1");
        assertThat(SpecValidator.validate(s)).singleElement()
                .satisfies(p -> assertThat(p.why()).contains("not inside spec.allowedIPs"));
    }
}
