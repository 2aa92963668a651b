package io.wgfleet.diagnosis;

import java.util.Objects;

/**
 * One catalogue reason with the human message that names its evidence. Used for the
 * root cause and for additional findings.
 */
public record Finding(Reason reason, String message) {
    public Finding {
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
    }
}
