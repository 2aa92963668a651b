package io.wgfleet.operator.round;

import io.wgfleet.api.Timestamps;
import io.wgfleet.api.v1alpha1.WireGuardNodeReport;
import java.time.Duration;
import java.time.Instant;

/**
 * A node's part of a round requested at some time.
 *
 * @param startedAt when the round's Job was created (operator clock), null before that
 */
public record NodeRound(String node, State state, String jobName, String detail, Instant startedAt) {

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** Node clocks and the operator's may differ a little; a report this much older than a round still answers it. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /**
     * Whether the node's report belongs to the round: written by the round's Job (collected
     * after the Job started, with room for the node's clock to differ from ours), or, with
     * no Job to go by, collected after the round was requested.
     */
    public boolean answeredBy(WireGuardNodeReport report, Instant requestedAt) {
        if (report == null || report.getSpec() == null) {
            return false;
        }
        Instant t = Timestamps.parse(report.getSpec().getCollectionTime());
        if (t == null) {
            return false;
        }
        if (state == State.SUCCEEDED && startedAt != null) {
            return !t.isBefore(startedAt.minus(CLOCK_SKEW));
        }
        return !t.isBefore(requestedAt);
    }
}
