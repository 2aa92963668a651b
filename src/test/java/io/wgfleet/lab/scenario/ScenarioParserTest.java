package io.wgfleet.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioParserTest {

    static Stream<Path> shipped() throws IOException {
        return Files.list(Path.of("lab", "scenarios")).filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void everyShippedScenarioParses(Path file) {
        Scenario s = ScenarioParser.parse(file);
        assertThat(s.machines()).isNotEmpty();
        assertThat(s.expect()).isNotEmpty();
    }

    static final String GOOD = """
            name: t
            machines:
              - name: a
              - name: b
            links:
              - between: [a, b]
                addresses: [192.0.2.1/24, 192.0.2.2/24]
            interfaces:
              - machine: a
                name: wg0
                listenPort: 51820
                address: 10.0.0.1/24
                peers:
                  - publicKey: ${key:b/wg0}
                    allowedIPs: [10.0.0.2/32]
            wireGuardPeers:
              - name: p
                spec: {interfaceName: wg0, nodeName: a, publicKey: "${key:b/wg0}", allowedIPs: [10.0.0.2/32]}
            steps:
              - sleep: 1s
              - diagnose: all
            expect:
              p: Connected
            """;

    @Test
    void aGoodFileGivesTheScenario() {
        Scenario s = ScenarioParser.parse(Path.of("good.yaml"), GOOD);
        assertThat(s.links()).singleElement().satisfies(l -> assertThat(l.addressB()).isEqualTo("192.0.2.2/24"));
        assertThat(s.steps()).extracting(Scenario.Step::kind).containsExactly(Scenario.Kind.SLEEP, Scenario.Kind.DIAGNOSE);
        assertThat(s.expect()).containsEntry("t/p", "Connected");
        assertThat(s.expectEvidence()).isEmpty();
    }

    @Test
    void expectedEvidenceAndARandomPortNatAreRead() {
        Scenario s = ScenarioParser.parse(Path.of("good.yaml"), GOOD.replace("  - sleep: 1s", "  - nat: {machine: a, towards: b, udpTimeout: 2, ports: random}")
                + "expectEvidence:\n  p: [\"mapping varies\", \"as 192.0.2.254:\"]\n");
        assertThat(s.steps().get(0).args()).containsEntry("ports", "random").containsEntry("udpTimeout", 2);
        assertThat(s.expectEvidence()).containsEntry("t/p", java.util.List.of("mapping varies", "as 192.0.2.254:"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "listenPort: 51820|listenPort: 70000|bad.yaml:11:17: interfaces[0].listenPort: 70000 is outside 1..65535",
            "between: [a, b]|between: [a, c]|bad.yaml:6:14: links[0].between[1]: no machine named 'c'",
            "addresses: [192.0.2.1/24, 192.0.2.2/24]|addresses: [192.0.2.1, 192.0.2.2/24]|bad.yaml:7:16: links[0].addresses[0]",
            "  - sleep: 1s|  - sleep: soon|bad.yaml:20:12: steps[0].sleep: 'soon' is not a duration",
            "  - sleep: 1s|  - reboot: {machine: a}|bad.yaml:20:5: steps[0]: unknown step 'reboot'",
            "  p: Connected|  q: Connected|bad.yaml:23:6: expect.q: no WireGuardPeer 'q'",
            "      - publicKey: ${key:b/wg0}|      - publicKey: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=|bad.yaml:14:20: interfaces[0].peers[0].publicKey: keys are never written",
            "    address: 10.0.0.1/24|    adress: 10.0.0.1/24|bad.yaml:12:5: interfaces[0].adress: unknown field",
            "  - sleep: 1s|  - nat: {machine: a, towards: b, ports: sometimes}|bad.yaml:20:42: steps[0].nat.ports: must be keep or random",
            "  - sleep: 1s|  - iptables: {machine: a, args: -L, backend: xtables}|bad.yaml:20:47: steps[0].iptables.backend: must be nft (iptables-nft) or legacy"
    })
    void aBadFileNamesTheLineAndTheField(String from, String to, String message) {
        String bad = GOOD.replace(from, to);
        assertThat(bad).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> ScenarioParser.parse(Path.of("bad.yaml"), bad))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith(message.substring(0, message.indexOf(": ") + 2))
                .hasMessageContaining(message.substring(message.indexOf(": ") + 2));
    }

    @Test
    void anIptablesStepNamesItsBackendAndFamily() {
        Scenario s = ScenarioParser.parse(Path.of("good.yaml"), GOOD.replace("  - sleep: 1s",
                "  - iptables: {machine: a, backend: legacy, family: ip6, args: \"-A INPUT -j DROP\"}"));
        assertThat(ScenarioRunner.iptablesCommand(s.steps().get(0).args())).isEqualTo("ip6tables-legacy");
        Scenario plain = ScenarioParser.parse(Path.of("good.yaml"), GOOD.replace("  - sleep: 1s", "  - iptables: {machine: a, args: -L}"));
        assertThat(ScenarioRunner.iptablesCommand(plain.steps().get(0).args())).isEqualTo("iptables");
    }

    @Test
    void expectedEvidenceNamesADeclaredPeerAndIsAList() {
        assertThatThrownBy(() -> ScenarioParser.parse(Path.of("bad.yaml"), GOOD + "expectEvidence:\n  q: [x]\n"))
                .hasMessage("bad.yaml:25:6: expectEvidence.q: no WireGuardPeer 'q' in wireGuardPeers");
        assertThatThrownBy(() -> ScenarioParser.parse(Path.of("bad.yaml"), GOOD + "expectEvidence:\n  p: x\n"))
                .hasMessageStartingWith("bad.yaml:25:6: expectEvidence.p: expected a list");
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> ScenarioParser.parse(Path.of("x.yaml"), "name: t\nmachines: [a\n"))
                .hasMessageStartingWith("x.yaml:3");
    }
}
