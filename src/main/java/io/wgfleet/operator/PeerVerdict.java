package io.wgfleet.operator;

import io.wgfleet.api.v1alpha1.RootCause;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.status.DesiredCondition;
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
        return new PeerVerdict(List.of(
                DesiredCondition.unknown(ConditionType.READY, reason, message),
                DesiredCondition.of(ConditionType.RECONCILING, true, reason, message),
                DesiredCondition.of(ConditionType.STALLED, false, reason, "Nothing blocks progress."),
                DesiredCondition.unknown(ConditionType.HANDSHAKE_SUCCEEDED, reason, message),
                DesiredCondition.unknown(ConditionType.CONFIG_IN_SYNC, reason, message),
                DesiredCondition.unknown(ConditionType.TRAFFIC_FLOWING, reason, message)),
                rootCause(reason, message, evidence, remediation));
    }

    static RootCause rootCause(String reason, String message, List<String> evidence, List<String> remediation) {
        RootCause rc = new RootCause();
        rc.setReason(reason);
        rc.setMessage(message);
        rc.setEvidence(new ArrayList<>(evidence));
        rc.setRemediation(new ArrayList<>(remediation));
        return rc;
    }

    public String reason() {
        return rootCause.getReason();
    }
}
