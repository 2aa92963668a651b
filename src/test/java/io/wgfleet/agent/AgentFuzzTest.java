package io.wgfleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.ParserFuzzTest;
import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.lab.KubectlApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The whole agent on a recorded node whose tool output is mutated: it always writes its
 * report, a parser's failure shows as a collection error naming the tool (never a crash),
 * and the node's private key (fresh for each try) never reaches the stored report.
 */
class AgentFuzzTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);
    /** Command line, the parser that reads it, and the report's collection-error source. */
    static final Map<String, String[]> COMMANDS = Map.of(
            "wg show all dump", new String[] {"wg", "wg"},
            "ip -j addr", new String[] {"ip-addr", "ip"},
            "ip -j link", new String[] {"ip-link", "ip"},
            "cat /proc/net/udp", new String[] {"proc-udp", "sockets"},
            "nft -j list ruleset", new String[] {"nft-blocks", "firewall"});
    private static final AtomicLong RUNS = new AtomicLong();
    private static KubectlApiServer api;
    private static KubernetesClient client;

    @BeforeContainer
    static void start() throws Exception {
        api = KubectlApiServer.start(Path.of("crds"));
        client = api.client();
    }

    @AfterContainer
    static void stop() {
        System.out.println("[fuzz] agent runs on mutated tool output: " + RUNS.get());
        client.close();
        api.close();
    }

    @Provide
    Arbitrary<String> commands() {
        return Arbitraries.of(COMMANDS.keySet().stream().sorted().toList());
    }

    @Provide
    Arbitrary<List<ParserFuzzTest.Mutation>> edits() {
        return ParserFuzzTest.mutations().list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 150)
    void aGarbledToolOutputBecomesACollectionErrorNeverACrash(@ForAll("commands") String command,
                                                              @ForAll("edits") List<ParserFuzzTest.Mutation> edits) throws Exception {
        RUNS.incrementAndGet();
        RecordedCommandRunner runner = RecordedNode.client();
        List<String> secrets = new ArrayList<>();
        String dump = ParserFuzzTest.withSecrets(Fixtures.lab("healthy/client-wg-dump.txt"), secrets);
        runner.answer("wg show all dump", dump);
        String original = command.equals("wg show all dump") ? dump : switch (command) {
            case "ip -j addr" -> Fixtures.lab("healthy/agwgc-ip-addr.json");
            case "ip -j link" -> Fixtures.lab("healthy/agwgc-ip-link.json");
            case "cat /proc/net/udp" -> Fixtures.lab("healthy/agwgc-proc-net-udp.txt");
            default -> Fixtures.lab("healthy/agwgs-nft-ruleset.json");
        };
        String garbled = original;
        for (ParserFuzzTest.Mutation m : edits) {
            garbled = m.apply(garbled);
        }
        runner.answer(command, garbled);
        String[] parser = COMMANDS.get(command);
        String parseError = null;
        try {
            ParserFuzzTest.PARSERS.get(parser[0]).parse(garbled);
        } catch (ParseException e) {
            parseError = e.getMessage();
        }

        WireGuardNodeReport written = new NodeAgent(client, runner, CLOCK, AgentOptions.forNode("fuzz-node").withProbe(false)).run();

        assertThat(written).isNotNull();
        List<CollectionError> errors = written.getSpec().getCollectionErrors();
        if (parseError != null) {
            String expected = parseError;
            assertThat(errors).as("collection errors for garbled " + command)
                    .anySatisfy(e -> assertThat(e.getMessage()).contains(expected));
            assertThat(errors).allSatisfy(e -> assertThat(e.getSource()).isNotBlank());
        }
        String stored = client.getKubernetesSerialization().asJson(client.resources(WireGuardNodeReport.class).withName("fuzz-node").get());
        ParserFuzzTest.assertNoSecret("the stored report", stored, secrets);
    }
}
