package io.wgfleet.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.wgfleet.operator.LeaderElection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The Lease RBAC in the chart is what leader election uses. JOSDK's LeaderElectionManager
 * builds a fabric8 LeaderElector on a LeaseLock in the lease namespace and, before it
 * starts, checks (SelfSubjectRulesReview, allowed to every authenticated user by the
 * default system:basic-user role) for get, create and update on leases. This runs the same
 * elector, takes the lease, renews it, and compares its calls with the chart: fabric8 7.4
 * renews with patch, which JOSDK's check does not name.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionRbacTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void leaseCallsAreGrantedInTheReleaseNamespaceAndEveryGrantIsUsed() throws Exception {
        LeaderElectionConfiguration config = LeaderElection.configuration(LeaderElection.DEFAULT_LEASE, ChartRbac.NAMESPACE);
        AtomicBoolean leading = new AtomicBoolean();
        {
            CompletableFuture<?> running = client.leaderElector()
                    .withConfig(new LeaderElectionConfig(
                            new LeaseLock(config.getLeaseNamespace().orElseThrow(), config.getLeaseName(), "replica-1"),
                            Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300),
                            new LeaderCallbacks(() -> leading.set(true), () -> leading.set(false), id -> { }),
                            true, config.getLeaseName()))
                    .build().start();
            await().atMost(Duration.ofSeconds(10)).untilTrue(leading);
            Thread.sleep(1000); // a few renewals
            running.cancel(true);
        }

        List<ApiCall> calls = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            ApiCall c = ApiCall.of(r);
            if (c != null) {
                calls.add(c);
            }
        }
        System.out.println("leader election API calls: " + calls);
        var grants = new ChartRbac().grantsTo("wgfleet-operator").stream()
                .filter(g -> g.role().equals("wgfleet-operator-leader-election")).toList();
        assertThat(grants).as("the chart's lease Role (leaderElection.enabled is the default)").isNotEmpty();
        assertThat(ChartRbac.denied(calls, grants)).as("lease calls the chart does not grant").isEmpty();
        // update: never sent by the elector, but JOSDK's LeaderElectionManager.checkLeaseAccess
        // requires it and stops the operator at startup without it
        assertThat(ChartRbac.unused(calls, grants)).as("lease verbs granted but never used")
                .isSubsetOf(Set.of("wgfleet-operator-leader-election: coordination.k8s.io/leases update"));
    }

    @Test
    void leaderElectionIsOffUnlessEnabled() {
        assertThat(new LeaderElection().leaderElection(false, LeaderElection.DEFAULT_LEASE, java.util.Optional.empty())).isNull();
        LeaderElectionConfiguration on = new LeaderElection().leaderElection(true, "lease", java.util.Optional.of("ns"));
        assertThat(on.getLeaseName()).isEqualTo("lease");
        assertThat(on.getLeaseNamespace()).contains("ns");
    }
}
