package io.wgfleet.operator.round;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** What rounds read from the cluster, as the informer caches hold it; tests implement it over a mock API server. */
public interface ClusterView {

    /** The diagnostic Jobs labelled {@code DiagnosticJobFactory.nodeLabel(node)}. */
    List<Job> jobsOfNode(String nodeLabel);

    /** Every diagnostic Job. */
    Collection<Job> jobs();

    Optional<Node> node(String name);

    Optional<WireGuardNodeReport> report(String node);

    /** Every valid peer the node hosts, as sorted namespace/name: its agent probes them all in one round. */
    List<String> peersOnNode(String node);

    /**
     * The on-demand requests of the node's peers that no stored round has handled yet, as
     * {@code DiagnosticJobs.requestToken}s: a Job starting on the node serves them all, also
     * those of peers not reconciled since their request (after a restart, in any order).
     */
    List<String> pendingRequestsOnNode(String node);
}
