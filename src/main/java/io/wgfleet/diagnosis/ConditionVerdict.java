package io.wgfleet.diagnosis;

/**
 * The engine's verdict for one status condition.
 *
 * <p>{@code reason} is a catalogue {@link Reason} name when the status is {@code FALSE} or
 * {@code UNKNOWN}. When {@code TRUE} it is {@link #CONNECTED} for HandshakeSucceeded and
 * TrafficFlowing, and {@link #IN_SYNC} for ConfigInSync (a configuration can be in sync
 * while the tunnel is down, so "Connected" would mislead there).
 */
public record ConditionVerdict(Status status, String reason, String message) {

    public static final String CONNECTED = Reason.Connected.name();
    public static final String IN_SYNC = "InSync";

    /** Kubernetes condition status values. */
    public enum Status {
        TRUE("True"), FALSE("False"), UNKNOWN("Unknown");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        /** The string written to the condition's {@code status}. */
        public String text() {
            return text;
        }
    }

    public ConditionVerdict {
        status = status == null ? Status.UNKNOWN : status;
        reason = reason == null ? Reason.DiagnosticPending.name() : reason;
        message = message == null ? "" : message;
    }

    static ConditionVerdict of(Status status, Reason reason, String message) {
        return new ConditionVerdict(status, reason.name(), message);
    }
}
