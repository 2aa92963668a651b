package io.wgfleet.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election through a coordination.k8s.io Lease, so that two or more operator
 * replicas run with one of them reconciling. QOSDK looks this bean up only in the
 * profiles of {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (prod);
 * within those it is off unless {@code wgfleet.leader-election.enabled} is true, because
 * the demo runs the prod build as a single process against an API server of its own.
 * The Helm chart and {@code k8s/install} turn it on (WGFLEET_LEADER_ELECTION_ENABLED).
 */
@ApplicationScoped
public class LeaderElection {

    public static final String DEFAULT_LEASE = "wgfleet-operator";

    // Dependent scope: the only scope in which a producer may answer null, which QOSDK
    // takes as "no leader election".
    @Produces
    @Dependent
    public LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "wgfleet.leader-election.enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "wgfleet.leader-election.lease-name", defaultValue = DEFAULT_LEASE) String leaseName,
            // absent: the namespace of the operator's service account (in-cluster config)
            @ConfigProperty(name = "wgfleet.leader-election.namespace") Optional<String> namespace) {
        if (!enabled) {
            return null;
        }
        return configuration(leaseName, namespace.filter(s -> !s.isBlank()).orElse(null));
    }

    /**
     * JOSDK's default timings (a lease of 15 s, renewed every 2 s, given up after 10 s).
     * JOSDK's own reaction to losing the lease is System.exit, which, called while the JVM
     * is already shutting down (SIGTERM to a leading replica releases the lease), blocks
     * forever: the pod would hang until SIGKILL. So the exit is ours, and only when the
     * JVM is not on its way out already.
     */
    public static LeaderElectionConfiguration configuration(String leaseName, String namespace) {
        return new LeaderElectionConfiguration(leaseName, namespace,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                null,
                new LeaderCallbacks(() -> { }, LeaderElection::stoppedLeading, leader -> { }),
                false);
    }

    /** Lost the lease while running: exit so that Kubernetes restarts this replica as a follower. */
    static void stoppedLeading() {
        if (!shuttingDown()) {
            System.exit(1);
        }
    }

    static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
