package io.wgfleet.operator.status;

import io.wgfleet.api.v1alpha1.RootCause;
import io.wgfleet.diagnosis.ConditionVerdict;
import io.wgfleet.diagnosis.Diagnosis;
import io.wgfleet.diagnosis.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's conclusion about one peer in one reconcile: the six conditions and the
 * root cause. Built by the factory methods so each kind of verdict sets every condition
 * the same way (kstatus: every condition present from the first visit).
 */
public record PeerVerdict(List<DesiredCondition> conditions, RootCause rootCause) {

    /** A problem the user must fix in the spec or the fleet; diagnosis cannot proceed. */
    public static PeerVerdict stalled(String reason, String message, List<String> evidence, List<String> remediation) {
        String notDiagnosed = "Not diagnosed: " + message;
        return new PeerVerdict(List.of(
                DesiredCondition.of(ConditionType.READY, false, reason, message),
                DesiredCondition.of(ConditionType.RECONCILING, false, reason, "Waiting for the spec or the fleet to change."),
                DesiredCondition.of(ConditionType.STALLED, true, reason, message),
                DesiredCondition.unknown(ConditionType.HANDSHAKE_SUCCEEDED, reason, notDiagnosed),
                DesiredCondition.unknown(ConditionType.CONFIG_IN_SYNC, reason, notDiagnosed),
                DesiredCondition.unknown(ConditionType.TRAFFIC_FLOWING, reason, notDiagnosed)),
                rootCause(reason, message, evidence, remediation));
    }

    /** Valid and placed, but no fresh evidence yet: everything Unknown, say what is missing. */
    public static PeerVerdict pending(String reason, String message, List<String> evidence, List<String> remediation) {
        return unknown(reason, message, true, evidence, remediation);
    }

    /**
     * Nothing proven either way: every condition Unknown with the reason that says what is
     * missing; {@code reconciling} tells kstatus whether more is on its way.
     */
    public static PeerVerdict unknown(String reason, String message, boolean reconciling, List<String> evidence,
                                      List<String> remediation) {
        return new PeerVerdict(List.of(
                DesiredCondition.unknown(ConditionType.READY, reason, message),
                DesiredCondition.of(ConditionType.RECONCILING, reconciling, reason, message),
                DesiredCondition.of(ConditionType.STALLED, false, reason, "Nothing blocks progress."),
                DesiredCondition.unknown(ConditionType.HANDSHAKE_SUCCEEDED, reason, message),
                DesiredCondition.unknown(ConditionType.CONFIG_IN_SYNC, reason, message),
                DesiredCondition.unknown(ConditionType.TRAFFIC_FLOWING, reason, message)),
                rootCause(reason, message, evidence, remediation));
    }

    /**
     * The engine's diagnosis as conditions. Ready is True only for Connected, Unknown while
     * evidence is missing or the diagnostic failed, False for every proven fault.
     *
     * @param roundInProgress null when the round is complete, else what it waits for
     */
    public static PeerVerdict fromDiagnosis(Diagnosis d, String roundInProgress) {
        Reason reason = d.reason();
        String readyStatus = reason == Reason.Connected ? "True" : reason.isUnknown() ? "Unknown" : "False";
        RootCause rc = rootCause(reason.name(), d.message(), d.evidence(), d.remediation());
        rc.setAdditionalFindings(d.findings().stream()
                .map(f -> new io.wgfleet.api.v1alpha1.AdditionalFinding(f.reason().name(), f.message()))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new)));
        return new PeerVerdict(List.of(
                new DesiredCondition(ConditionType.READY, readyStatus, reason.name(), d.message()),
                roundInProgress == null
                        ? DesiredCondition.of(ConditionType.RECONCILING, false, "DiagnosisComplete", "The latest diagnosis round is complete.")
                        : DesiredCondition.of(ConditionType.RECONCILING, true, "DiagnosisInProgress", roundInProgress),
                DesiredCondition.of(ConditionType.STALLED, false, reason.name(), "Nothing blocks diagnosis."),
                condition(ConditionType.HANDSHAKE_SUCCEEDED, d.handshakeSucceeded()),
                condition(ConditionType.CONFIG_IN_SYNC, d.configInSync()),
                condition(ConditionType.TRAFFIC_FLOWING, d.trafficFlowing())), rc);
    }

    private static DesiredCondition condition(ConditionType type, ConditionVerdict v) {
        return new DesiredCondition(type, v.status().text(), v.reason(), v.message());
    }

    public static RootCause rootCause(String reason, String message, List<String> evidence, List<String> remediation) {
        RootCause rc = new RootCause();
        rc.setReason(reason);
        rc.setMessage(message);
        rc.setEvidence(new ArrayList<>(evidence));
        rc.setRemediation(new ArrayList<>(remediation));
        return rc;
    }

    /**
     * This verdict with a note about the remote end: first in the evidence, and after the
     * message of Ready and of the root cause (how the remote was found, or why it was left out).
     */
    public PeerVerdict withRemoteNote(String note) {
        List<DesiredCondition> noted = conditions.stream().map(c -> c.type() == ConditionType.READY
                ? new DesiredCondition(c.type(), c.status(), c.reason(), c.message() + " " + note) : c).toList();
        RootCause rc = rootCause(rootCause.getReason(), rootCause.getMessage() + " " + note, List.of(), rootCause.getRemediation());
        rc.getEvidence().add(note);
        rc.getEvidence().addAll(rootCause.getEvidence());
        rc.setAdditionalFindings(rootCause.getAdditionalFindings());
        return new PeerVerdict(noted, rc);
    }

    public String reason() {
        return rootCause.getReason();
    }
}
