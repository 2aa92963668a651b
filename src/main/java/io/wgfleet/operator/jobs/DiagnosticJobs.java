package io.wgfleet.operator.jobs;

import io.wgfleet.api.Timestamps;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Reads a diagnostic Job as the API server holds it: its node, when its round started, whether it finished. */
public final class DiagnosticJobs {

    /** Annotation with the operator's clock at Job creation: rounds compare it with their request time. */
    public static final String STARTED_AT_ANNOTATION = "wgfleet.io/round-started-at";

    private DiagnosticJobs() {
    }

    /** The exact node name the Job diagnoses, or null for a Job that is not ours. */
    public static String node(Job j) {
        return annotation(j, DiagnosticJobFactory.NODE_ANNOTATION);
    }

    public static Optional<Instant> startedAt(Job j) {
        String t = annotation(j, STARTED_AT_ANNOTATION);
        return Optional.ofNullable(Timestamps.parse(t));
    }

    /** True when the Job has neither completed nor failed. */
    public static boolean isActive(Job j) {
        return condition(j, "Complete").isEmpty() && condition(j, "Failed").isEmpty();
    }

    /** The outcome label of a finished Job, as the jobs-finished metric counts it. */
    public static String outcome(Job j) {
        return j.getStatus() != null && j.getStatus().getSucceeded() != null && j.getStatus().getSucceeded() > 0
                ? "succeeded" : "failed";
    }

    /** The Job's condition of that type (Complete, Failed) when it is True. */
    public static Optional<JobCondition> condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return j.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static String annotation(Job j, String key) {
        Map<String, String> a = j.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }
}
