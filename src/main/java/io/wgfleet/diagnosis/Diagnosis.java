package io.wgfleet.diagnosis;

import java.util.List;

/**
 * The engine's answer for one peer on one node (or, from
 * {@link DiagnosisEngine#summarize(java.util.List)}, for one peer over all its nodes).
 *
 * @param handshakeSucceeded True when a handshake younger than REJECT_AFTER_TIME (180 s) is seen
 * @param configInSync       True when the running peer entry matches the declaration
 * @param trafficFlowing     True when data is proven to flow both ways
 * @param root               the one root cause: the first failing layer, or Connected, or an
 *                           Unknown reason (DiagnosticPending/Inconclusive/DiagnosticFailed) saying what is missing
 * @param evidence           observations behind the verdict, most relevant first
 * @param remediation        what to do, in the order a person should try it
 * @param findings           problems in later layers (and advisories), never the root
 */
public record Diagnosis(
        ConditionVerdict handshakeSucceeded,
        ConditionVerdict configInSync,
        ConditionVerdict trafficFlowing,
        Finding root,
        List<String> evidence,
        List<String> remediation,
        List<Finding> findings) {

    public Diagnosis {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        remediation = remediation == null ? List.of() : List.copyOf(remediation);
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    /** Shortcut for {@code root().reason()}. */
    public Reason reason() {
        return root.reason();
    }

    /** Shortcut for {@code root().message()}. */
    public String message() {
        return root.message();
    }

    /** The reasons of the additional findings, in order. */
    public List<Reason> findingReasons() {
        return findings.stream().map(Finding::reason).toList();
    }
}
