package io.wgfleet.operator.report;

import static io.wgfleet.testing.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.operator.publish.PeerMetrics;
import io.wgfleet.operator.round.NodeRound;
import io.wgfleet.operator.round.PlannedRound;
import io.wgfleet.testing.Peers;
import io.wgfleet.testing.Reports;
import io.wgfleet.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which further nodes' reports measure an end's NAT: nodes holding a peer entry for its key, at
 * most two per key, the ones the cache lists first; a key held by many has its first holders
 * reused briefly instead of listed again for every peer sharing it.
 */
class PeerDiagnoserObserversTest {

    final Instant now = Instant.parse("2026-12-02T03:00:00Z");
    final String localKey = TestKeys.key();
    final String remoteKey = TestKeys.key();
    final Map<String, WireGuardNodeReport> reports = new HashMap<>();
    final Map<String, List<String>> holders = new HashMap<>();
    final Map<String, Integer> lookups = new HashMap<>();
    final PeerDiagnoser diagnoser = new PeerDiagnoser(new PeerMetrics(new SimpleMeterRegistry()));
    final PlannedRound round = new PlannedRound(now.minusSeconds(10), "Requested", 1, null);

    /** Node a, 100.64.0.2 port 51821, has a peer towards a remote outside the fleet. */
    PeerDiagnoser.Outcome diagnose(Instant at) {
        WireGuardPeer p = Peers.peer("ns", "to-remote", "a", "wg0", "10.77.0.1/32");
        p.getSpec().setPublicKey(remoteKey);
        reports.put("a", report("a", at.minusSeconds(1), "wg0", localKey, 51821, "100.64.0.2/24", "10.77.0.2/24",
                List.of(Reports.peer(remoteKey, "192.0.2.1:51820", "10.77.0.1/32", at.getEpochSecond() - 5, 348, 404))));
        Function<String, List<String>> nodesWithPeer = key -> {
            lookups.merge(key, 1, Integer::sum);
            return holders.getOrDefault(key, List.of());
        };
        return diagnoser.diagnose(p, List.of("a"), RemoteEnd.NONE, round, reports::get,
                n -> new NodeRound(n, NodeRound.State.SUCCEEDED, "job", null, now.minusSeconds(9)), nodesWithPeer, at, Duration.ofMinutes(5));
    }

    /** Node {@code name} sees node a's packets come from 203.0.113.7:{@code port}. */
    void observer(String name, int port) {
        reports.put(name, report(name, now.minusSeconds(2), "wg0", TestKeys.key(), 51820, "198.51.100." + port % 250 + "/24", "10.77.0.9/24",
                List.of(Reports.peer(localKey, "203.0.113.7:" + port, "10.77.0.2/32", now.getEpochSecond() - 20, 404, 348))));
        holders.computeIfAbsent(localKey, k -> new ArrayList<>()).add(name);
    }

    String nat(PeerDiagnoser.Outcome o) {
        return o.verdict().rootCause().getEvidence().stream().filter(e -> e.contains("NAT in front of a, measured")).findFirst().orElse("(none)");
    }

    @Test
    void twoFurtherNodesThatSeeDifferentMappingsShowOneVaryingByDestination() {
        holders.put(localKey, new ArrayList<>(List.of("a"))); // this end's own report never observes it
        observer("n1", 40001);
        observer("n2", 40002);
        observer("n3", 40003);
        String nat = nat(diagnose(now));
        assertThat(nat).contains("n1 sees a as 203.0.113.7:40001", "n2 sees a as 203.0.113.7:40002",
                ": NAT whose mapping varies by destination").doesNotContain("n3").doesNotContain("a sees a");
    }

    @Test
    void aKeyHeldByAFewIsLookedUpEveryTimeSoANewReportCounts() {
        observer("n1", 40001);
        assertThat(nat(diagnose(now))).endsWith(": NAT rewriting the port");
        observer("n2", 40002);
        assertThat(nat(diagnose(now))).endsWith(": NAT whose mapping varies by destination");
        assertThat(lookups.get(localKey)).isEqualTo(2);
    }

    @Test
    void aKeyHeldByManyReusesItsFirstHoldersForTwoSeconds() {
        for (int i = 1; i <= PeerDiagnoser.MANY_HOLDERS + 4; i++) {
            observer("n" + i, 40000 + i);
        }
        diagnose(now);
        diagnose(now.plusMillis(500));
        assertThat(lookups.get(localKey)).as("reused within the 2 s").isEqualTo(1);
        diagnose(now.plus(PeerDiagnoser.HOLDERS_REUSED_FOR));
        assertThat(lookups.get(localKey)).as("listed again after them").isEqualTo(2);
        assertThat(lookups.get(remoteKey)).as("the remote's key, held by nobody, every time").isEqualTo(3);
    }
}
