package io.wgfleet.operator.status;

/** What a condition should say now; timestamps and generation are added when merged. */
public record DesiredCondition(ConditionType type, String status, String reason, String message) {

    public static DesiredCondition of(ConditionType type, boolean value, String reason, String message) {
        return new DesiredCondition(type, value ? "True" : "False", reason, message);
    }

    public static DesiredCondition unknown(ConditionType type, String reason, String message) {
        return new DesiredCondition(type, "Unknown", reason, message);
    }
}
