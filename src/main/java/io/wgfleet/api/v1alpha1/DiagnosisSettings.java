package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** When the peer is diagnosed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DiagnosisSettings {

    public static final String DEFAULT_INTERVAL = "5m";
    /** A Go-style duration made of hours, minutes and seconds: 30s, 5m, 1h30m. */
    public static final String INTERVAL_PATTERN = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

    @Default(DEFAULT_INTERVAL)
    @Pattern(INTERVAL_PATTERN)
    @JsonPropertyDescription("Time between diagnosis rounds, as a duration such as 30s, 5m or 1h (default 5m, at least 30s). A report older than this is stale.")
    private String interval = DEFAULT_INTERVAL;

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }
}
