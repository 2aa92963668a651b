package io.wgfleet.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The one parser for the RFC 3339 timestamps in our resources' fields and annotations. */
public final class Timestamps {
    private Timestamps() {
    }

    /** The instant of an RFC 3339 time with any offset ({@code Z}, {@code +02:00}); null when absent or malformed. */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
