package io.wgfleet.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.WgDump;
import io.wgfleet.agent.parse.WgDumpParser;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that no private or preshared key — generated here, fresh for this run — appears in
 * any parsed object, report, log line or exception message, even for garbled input.
 * A leak is any 12-character piece of a secret (a truncated key is still a leak).
 */
@EnableKubernetesMockClient(crud = true)
class NoKeyLeakTest {

    static KubernetesClient client;

    private static final SecureRandom RANDOM = new SecureRandom();
    private final String privateKey = newKey();
    private final String psk = newKey();
    private final String peerPsk = newKey();
    private final String ownPub = newKey();
    private final String peerPub = newKey();
    private final String otherPub = newKey();
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    String dump() {
        return "wg0\t" + privateKey + "\t" + ownPub + "\t51820\toff\n"
                + "wg0\t" + peerPub + "\t" + psk + "\t192.0.2.1:51820\t10.77.0.0/24\t1700000000\t92\t148\t25\n"
                + "wg0\t" + otherPub + "\t" + peerPsk + "\t(none)\t10.78.0.2/32\t0\t0\t0\toff\n";
    }

    private Level rootLevel;
    private Level wgfleetLevel;

    @BeforeEach
    void captureLogs() {
        // everything, down to HTTP traces of the report going to the API server
        rootLevel = Logger.getLogger("").getLevel();
        wgfleetLevel = Logger.getLogger("io.wgfleet").getLevel();
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger("").setLevel(Level.ALL);
        Logger.getLogger("io.wgfleet").setLevel(Level.ALL);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
        Logger.getLogger("").setLevel(rootLevel);
        Logger.getLogger("io.wgfleet").setLevel(wgfleetLevel);
        client.resources(WireGuardNodeReport.class).delete();
        client.resources(WireGuardPeer.class).inAnyNamespace().delete();
    }

    void assertNoSecretIn(String what, String text) {
        for (String secret : List.of(privateKey, psk, peerPsk)) {
            for (int i = 0; i + 12 <= secret.length(); i++) {
                String piece = secret.substring(i, i + 12);
                if (text.contains(piece)) {
                    // never print the secret itself: say where, not what
                    throw new AssertionError(what + " contains a 12-character piece of a generated secret key (offset " + i + ")");
                }
            }
        }
    }

    @Test
    void parsedObjectsHoldNoSecret() throws Exception {
        WgDump d = WgDumpParser.parse(dump());
        assertNoSecretIn("parsed dump", d.toString());
        assertThat(d.interfaces().get(0).peers().get(0).presharedKeyFingerprint()).startsWith("psk:");
        assertThat(d.interfaces().get(0).peers().get(0).presharedKeyFingerprint())
                .isNotEqualTo(d.interfaces().get(0).peers().get(1).presharedKeyFingerprint());
    }

    @Test
    void noErrorMessageForAnyTruncationOrGarblingQuotesASecret() {
        String text = dump();
        List<String> variants = new ArrayList<>();
        for (int cut = 1; cut < text.length(); cut++) {
            variants.add(text.substring(0, cut));
        }
        String[] lines = text.split("\n");
        for (int l = 0; l < lines.length; l++) {
            String[] cols = lines[l].split("\t");
            for (int c = 0; c < cols.length; c++) {
                List<String> without = new ArrayList<>(List.of(cols));
                without.remove(c);
                List<String> swapped = new ArrayList<>(List.of(cols));
                swapped.set(c, cols[(c + 1) % cols.length]);
                for (List<String> mutated : List.of(without, swapped)) {
                    String[] copy = lines.clone();
                    copy[l] = String.join("\t", mutated);
                    variants.add(String.join("\n", copy));
                    // without the interface line, as if the output lost its head
                    variants.add(String.join("\n", List.of(copy).subList(Math.min(1, copy.length - 1), copy.length)));
                }
            }
        }
        int failures = 0;
        for (String v : variants) {
            try {
                assertNoSecretIn("parsed garbled dump", WgDumpParser.parse(v).toString());
            } catch (ParseException e) {
                failures++;
                assertNoSecretIn("parse error message", e.getMessage());
            }
        }
        assertThat(failures).as("garbled variants rejected").isGreaterThan(100);
    }

    @Test
    void reportLogsAndErrorsOfAFullRunHoldNoSecret() throws Exception {
        WireGuardPeer p = new WireGuardPeer();
        p.setMetadata(new ObjectMetaBuilder().withNamespace("t").withName("peer").build());
        WireGuardPeerSpec s = new WireGuardPeerSpec();
        s.setInterfaceName("wg0");
        s.setNodeName("node-k");
        s.setPublicKey(peerPub);
        s.setAllowedIPs(List.of("10.77.0.0/24"));
        s.setProbeAddress("10.77.0.1");
        p.setSpec(s);
        client.resource(p).create();

        RecordedCommandRunner runner = RecordedNode.client();
        runner.answer("wg show all dump", dump());
        runner.answer("ping -n -c 1 -W 1 -M do -s 1392 10.77.0.1", Fixtures.lab("ping-ok.txt"));
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        WireGuardNodeReport written;
        try {
            System.setErr(new PrintStream(console, true));
            System.setOut(new PrintStream(console, true));
            written = new NodeAgent(client, runner, Clock.systemUTC(), AgentOptions.forNode("node-k").withProbeWait(Duration.ZERO)).run();
            // and a run on garbled output, whose error lands in the report
            runner.answer("wg show all dump", dump().replace(peerPub + "\t", ""));
            new NodeAgent(client, runner, Clock.systemUTC(), AgentOptions.forNode("node-k").withProbeWait(Duration.ZERO)).run();
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        assertThat(written.getSpec().getInterfaces().get(0).getPeers()).extracting(r -> r.getPresharedKeyFingerprint()).allMatch(f -> f.startsWith("psk:"));
        assertThat(written.getSpec().getMtuProbes()).hasSize(1);
        assertNoSecretIn("first report", Serialization.asJson(written));
        WireGuardNodeReport second = client.resources(WireGuardNodeReport.class).withName("node-k").get();
        assertThat(second.getSpec().getCollectionErrors()).isNotEmpty();
        assertNoSecretIn("second report", Serialization.asJson(second));
        assertNoSecretIn("log", String.join("\n", logged));
        assertNoSecretIn("console", console.toString());
        assertNoSecretIn("commands run", runner.calls().toString());
        assertThat(logged).isNotEmpty();
    }
}
