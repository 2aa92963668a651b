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
    /**
     * Annotation with the on-demand requests (wgfleet.io/diagnose values) the Job was created
     * for, as {@code namespace/name=HASH} tokens: an operator that restarts or takes over
     * finds in it which requests are already being served.
     */
    public static final String REQUESTS_ANNOTATION = "wgfleet.io/requests";

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

    /** Whether the Job's agent probes the peer {@code namespace/name} (the peers it was started with). */
    public static boolean probes(Job j, String peerKey) {
        String peers = annotation(j, DiagnosticJobFactory.PEERS_ANNOTATION);
        if (peers == null || peers.isEmpty()) {
            return false;
        }
        // a node's Job may list thousands of peers: look for the entry without splitting the list
        for (int at = peers.indexOf(peerKey); at >= 0; at = peers.indexOf(peerKey, at + 1)) {
            int end = at + peerKey.length();
            if ((at == 0 || peers.charAt(at - 1) == ',') && (end == peers.length() || peers.charAt(end) == ',')) {
                return true;
            }
        }
        return false;
    }

    /** The token of the request {@code request} of peer {@code peerKey} (a hash: request values are free text). */
    public static String requestToken(String peerKey, String request) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return peerKey + "=" + java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the Job was created for that on-demand request of that peer. */
    public static boolean serves(Job j, String peerKey, String request) {
        String tokens = annotation(j, REQUESTS_ANNOTATION);
        return tokens != null && java.util.Arrays.asList(tokens.split(",")).contains(requestToken(peerKey, request));
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
