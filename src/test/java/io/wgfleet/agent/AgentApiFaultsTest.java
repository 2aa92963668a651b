package io.wgfleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import io.wgfleet.lab.FaultProxy;
import io.wgfleet.lab.FaultProxy.Fault;
import io.wgfleet.lab.FaultProxy.Rule;
import io.wgfleet.lab.FaultProxy.Verb;
import io.wgfleet.lab.KubectlApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent, with its own client settings, writing its report through the fault proxy: a
 * third of its report requests fail (500, 503, 429 with Retry-After, 409, 500 after the
 * write was applied) and reads are slowed. Each run either stores exactly the report it
 * collected or ends with the agent's API-access error naming the report; nothing else
 * escapes, and what is stored at the end is the last successful run's report.
 */
class AgentApiFaultsTest {

    static final int RUNS = 30;

    @Test
    void everyRunStoresItsReportOrFailsWithAClearErrorThroughFailingRequests() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             FaultProxy proxy = new FaultProxy(api.port(), 11L);
             KubernetesClient client = new KubernetesClientBuilder().withConfig(AgentMain.clientConfig(new ConfigBuilder()
                     .withMasterUrl(proxy.url()).withRequestRetryBackoffInterval(20).build())).build()) {
            String reports = "wireguardnodereports";
            proxy.add(Rule.of(FaultProxy.WRITES, reports, 0.07, Fault.ERROR_500))
                    .add(Rule.of(FaultProxy.WRITES, reports, 0.07 / 0.93, Fault.UNAVAILABLE_503))
                    .add(Rule.of(FaultProxy.WRITES, reports, 0.07 / 0.86, Fault.TOO_MANY_429).withRetryAfter(1))
                    .add(Rule.of(FaultProxy.WRITES, reports, 0.07 / 0.79, Fault.ERROR_500_AFTER_APPLY))
                    .add(Rule.of(EnumSet.of(Verb.UPDATE, Verb.PATCH), reports, 0.07 / 0.72, Fault.CONFLICT_409))
                    .add(Rule.of(EnumSet.of(Verb.GET, Verb.LIST), ".*", 0.2, Fault.LATENCY).withLatency(Duration.ofMillis(50)));
            Instant lastStored = null;
            List<String> failures = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                Instant at = Instant.parse("2026-12-02T03:00:00Z").plusSeconds(60L * run);
                Clock clock = Clock.fixed(at, ZoneOffset.UTC);
                try {
                    WireGuardNodeReport written = new NodeAgent(client, RecordedNode.client(), clock,
                            AgentOptions.forNode("faulty-node").withProbe(false)).run();
                    WireGuardNodeReport stored = api.client().resources(WireGuardNodeReport.class).withName("faulty-node").get();
                    assertThat(stored.getSpec().getCollectionTime()).as("run %d stored its own report", run)
                            .isEqualTo(written.getSpec().getCollectionTime()).isEqualTo(at.toString());
                    lastStored = at;
                } catch (AgentException e) {
                    assertThat(e.exitCode()).isEqualTo(AgentException.API_ACCESS);
                    assertThat(e.getMessage()).contains("WireGuardNodeReport faulty-node");
                    failures.add(e.getMessage());
                }
            }
            long faulted = proxy.seen().stream().filter(s -> s.resource().equals(reports) && s.fault() != null
                    && s.fault() != Fault.LATENCY).count();
            System.out.printf("[agent-faults] %d runs, %d report requests faulted (%s), %d runs stored their report, %d ended with: %s%n",
                    RUNS, faulted, proxy.injected(), RUNS - failures.size(), failures.size(), failures);
            assertThat(proxy.injected()).as("every kind of fault was injected").containsKeys(Fault.ERROR_500, Fault.UNAVAILABLE_503,
                    Fault.TOO_MANY_429, Fault.ERROR_500_AFTER_APPLY, Fault.CONFLICT_409);
            assertThat(RUNS - failures.size()).as("runs whose retries got their report through").isGreaterThanOrEqualTo(RUNS * 8 / 10);
            assertThat(api.client().resources(WireGuardNodeReport.class).withName("faulty-node").get().getSpec().getCollectionTime())
                    .as("the last successful run's report is what is stored").isEqualTo(String.valueOf(lastStored));
            assertThat(api.client().resources(WireGuardNodeReport.class).list().getItems()).as("one report object for the node").hasSize(1);
        }
    }

    @Test
    void anApiServerThatRefusesEveryWriteEndsTheRunInSecondsWithTheReason() throws Exception {
        try (KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
             FaultProxy proxy = new FaultProxy(api.port(), 12L);
             KubernetesClient client = new KubernetesClientBuilder().withConfig(AgentMain.clientConfig(new ConfigBuilder()
                     .withMasterUrl(proxy.url()).withRequestRetryBackoffInterval(20).build())).build()) {
            proxy.add(Rule.of(FaultProxy.WRITES, "wireguardnodereports", 1.0, Fault.UNAVAILABLE_503));
            long start = System.nanoTime();
            AgentException e = org.junit.jupiter.api.Assertions.assertThrows(AgentException.class, () -> new NodeAgent(client,
                    RecordedNode.client(), Clock.systemUTC(), AgentOptions.forNode("faulty-node").withProbe(false)).run());
            assertThat(e.exitCode()).isEqualTo(AgentException.API_ACCESS);
            assertThat(e.getMessage()).contains("cannot write WireGuardNodeReport faulty-node").contains("503");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a few retries, not minutes of backoff").isLessThan(Duration.ofSeconds(20));
            assertThat(api.client().resources(WireGuardNodeReport.class).list().getItems()).isEmpty();
        }
    }
}
