package io.wgfleet.operator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.wgfleet.operator.jobs.DiagnosticJobFactory;
import io.wgfleet.operator.jobs.DiagnosticJobs;
import io.wgfleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundStateTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    MutableClock clock;
    RoundState state;
    Map<String, List<Job>> cache;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        state = new RoundState(clock);
        cache = new HashMap<>();
    }

    static Job job(String name, String node, Instant startedAt) {
        return new JobBuilder().withNewMetadata().withName(name)
                .withAnnotations(Map.of(DiagnosticJobFactory.NODE_ANNOTATION, node, DiagnosticJobs.STARTED_AT_ANNOTATION, startedAt.toString()))
                .endMetadata().build();
    }

    static Job finished(Job j, boolean ok) {
        JobStatus s = new JobStatus();
        s.setConditions(List.of(new JobConditionBuilder().withType(ok ? "Complete" : "Failed").withStatus("True")
                .withReason(ok ? null : "DeadlineExceeded").withMessage(ok ? null : "Job was active longer than specified deadline").build()));
        s.setSucceeded(ok ? 1 : 0);
        j.setStatus(s);
        return j;
    }

    List<Job> jobsOf(String node) {
        return cache.getOrDefault(node, List.of());
    }

    List<Job> all() {
        return cache.values().stream().flatMap(List::stream).toList();
    }

    void cache(Job j) {
        cache.computeIfAbsent(DiagnosticJobs.node(j), k -> new ArrayList<>()).add(j);
    }

    @Test
    void aJobJustCreatedRunsBeforeTheCacheHasIt() {
        state.launched("n1", "job-1", T0);
        NodeRound r = state.of("n1", T0, jobsOf("n1"), true, "queued");
        assertThat(r.state()).isEqualTo(NodeRound.State.RUNNING);
        assertThat(r.detail()).isEqualTo("diagnostic Job created on node n1");
        assertThat(r.startedAt()).isEqualTo(T0);
        assertThat(state.launchedSince("n1", T0)).isTrue();
        assertThat(state.launchedSince("n1", T0.plusSeconds(1))).isFalse();
        assertThat(state.busy("n1", jobsOf("n1"))).isTrue();
    }

    @Test
    void withoutAJobSinceTheRequestTheRoundIsQueuedWithTheGivenDetail() {
        cache(finished(job("old", "n1", T0.minusSeconds(60)), true));
        NodeRound r = state.of("n1", T0, jobsOf("n1"), true, "diagnostic Job for node n1 queued");
        assertThat(r.state()).isEqualTo(NodeRound.State.QUEUED);
        assertThat(r.detail()).isEqualTo("diagnostic Job for node n1 queued");
        assertThat(r.jobName()).isNull();
    }

    @Test
    void theLatestJobSinceTheRequestDecides() {
        cache(finished(job("j1", "n1", T0), false));
        cache(job("j2", "n1", T0.plusSeconds(5)));
        assertThat(state.of("n1", T0, jobsOf("n1"), true, "").jobName()).isEqualTo("j2");
        assertThat(state.of("n1", T0, jobsOf("n1"), true, "").state()).isEqualTo(NodeRound.State.RUNNING);
        assertThat(state.of("n1", T0, jobsOf("n1"), true, "").detail()).isEqualTo("diagnostic Job j2 is running on node n1");
        assertThat(state.busy("n1", jobsOf("n1"))).isTrue();
    }

    @Test
    void finishedJobsSayHowTheyEnded() {
        cache(finished(job("ok", "n1", T0), true));
        cache(finished(job("bad", "n2", T0), false));
        NodeRound ok = state.of("n1", T0, jobsOf("n1"), true, "");
        assertThat(ok.state()).isEqualTo(NodeRound.State.SUCCEEDED);
        assertThat(ok.startedAt()).isEqualTo(T0);
        NodeRound bad = state.of("n2", T0, jobsOf("n2"), true, "");
        assertThat(bad.state()).isEqualTo(NodeRound.State.FAILED);
        assertThat(bad.detail()).isEqualTo("diagnostic Job bad on node n2 failed (DeadlineExceeded: Job was active longer than specified deadline)");
        assertThat(state.busy("n1", jobsOf("n1"))).isFalse();
    }

    @Test
    void aRunningJobOnADeletedNodeFailsTheRound() {
        cache(job("j", "n1", T0));
        NodeRound r = state.of("n1", T0, jobsOf("n1"), false, "");
        assertThat(r.state()).isEqualTo(NodeRound.State.FAILED);
        assertThat(r.detail()).isEqualTo("node n1 was deleted while its diagnostic Job j was running");
    }

    @Test
    void aCreatedJobHoldsASlotUntilTheCacheHasItOrForAtMostTenSeconds() {
        state.launched("n1", "a", T0);
        state.launched("n2", "b", T0);
        assertThat(state.notYetCached(all())).isEqualTo(2);
        cache(job("a", "n1", T0));
        assertThat(state.notYetCached(all())).isEqualTo(1); // the cache counts n1's now
        clock.advance(RoundState.NOT_YET_CACHED_FOR_AT_MOST.plusMillis(1));
        assertThat(state.notYetCached(all())).isZero(); // n2's never showed up: deleted
        assertThat(state.busy("n2", jobsOf("n2"))).isFalse();
    }

    @Test
    void onceTheCacheShowedAJobItsDeletionFreesTheSlotAtOnce() {
        state.launched("n1", "a", T0);
        cache(job("a", "n1", T0));
        state.of("n1", T0, jobsOf("n1"), true, ""); // a reconcile reads the round: the cache has the Job
        cache.clear(); // deleted before the next drain
        assertThat(state.notYetCached(all())).isZero();
    }

    @Test
    void eachJobSeenRunningIsReportedFinishedExactlyOnce() {
        state.launched("n1", "a", T0);
        Job a = job("a", "n1", T0);
        assertThat(state.newlyFinished(List.of(a))).isEmpty();
        finished(a, true);
        assertThat(state.newlyFinished(List.of(a))).containsExactly("succeeded");
        assertThat(state.newlyFinished(List.of(a))).isEmpty();

        // a Job we did not create (another replica's) counts once it has been seen running
        Job b = job("b", "n2", T0);
        state.newlyFinished(List.of(b));
        finished(b, false);
        assertThat(state.newlyFinished(List.of(a, b))).containsExactly("failed");
        assertThat(state.newlyFinished(List.of(a, b))).isEmpty();

        // one first seen finished was never seen to finish
        assertThat(state.newlyFinished(List.of(finished(job("c", "n3", T0), true)))).isEmpty();
    }

    @Test
    void aRunningJobThatLeftTheCacheIsForgotten() {
        Job a = job("a", "n1", T0);
        state.newlyFinished(List.of(a));
        clock.advance(RoundState.NOT_YET_CACHED_FOR_AT_MOST.plusSeconds(1));
        state.forgetVanished(List.of());
        assertThat(state.newlyFinished(List.of(finished(a, true)))).isEmpty();
    }

    @Test
    void aJustCreatedJobIsNotForgottenBeforeTheCacheCouldHaveIt() {
        state.launched("n1", "a", T0);
        state.forgetVanished(List.of());
        assertThat(state.newlyFinished(List.of(finished(job("a", "n1", T0), true)))).containsExactly("succeeded");
    }

    @Test
    void aReportAnswersTheRoundWhenCollectedAfterItsJobStartedOrAfterTheRequest() {
        io.wgfleet.api.v1alpha1.WireGuardNodeReport report = new io.wgfleet.api.v1alpha1.WireGuardNodeReport();
        report.setSpec(new io.wgfleet.api.v1alpha1.WireGuardNodeReportSpec());
        NodeRound succeeded = new NodeRound("n1", NodeRound.State.SUCCEEDED, "j", "", T0.plusSeconds(60));
        NodeRound queued = new NodeRound("n1", NodeRound.State.QUEUED, null, "", null);

        report.getSpec().setCollectionTime(T0.plusSeconds(60).minus(NodeRound.CLOCK_SKEW).toString());
        assertThat(succeeded.answeredBy(report, T0)).isTrue(); // the node's clock may be behind ours
        report.getSpec().setCollectionTime(T0.plusSeconds(59).minus(NodeRound.CLOCK_SKEW).toString());
        assertThat(succeeded.answeredBy(report, T0)).isFalse();

        report.getSpec().setCollectionTime(T0.toString());
        assertThat(queued.answeredBy(report, T0)).isTrue();
        assertThat(queued.answeredBy(report, T0.plusMillis(1))).isFalse();
        report.getSpec().setCollectionTime("not a time");
        assertThat(queued.answeredBy(report, T0.minusSeconds(1))).isFalse();
        assertThat(queued.answeredBy(null, T0)).isFalse();
    }

    @Test
    void aBusyNodeIsOneWhosePreviousJobStillRuns() {
        assertThat(state.busy("n1", jobsOf("n1"))).isFalse();
        cache(job("j", "n1", T0.minusSeconds(30)));
        assertThat(state.busy("n1", jobsOf("n1"))).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.busy("n1", List.of(finished(job("j", "n1", T0.minusSeconds(30)), true)))).isFalse();
    }
}
