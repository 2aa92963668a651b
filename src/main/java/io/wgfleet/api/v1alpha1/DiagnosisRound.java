package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The diagnosis round the current verdict belongs to, or that is under way. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DiagnosisRound {

    @JsonPropertyDescription("When the round was requested (RFC 3339). Only reports and Jobs from after this answer it.")
    private String requestedAt;

    @JsonPropertyDescription("Why: FirstDiagnosis, SpecChanged, Requested (the wgfleet.io/diagnose annotation) or IntervalElapsed.")
    private String trigger;

    @JsonPropertyDescription("The metadata.generation the round was requested for.")
    private Long generation;

    @JsonPropertyDescription("The value of the wgfleet.io/diagnose annotation already acted upon.")
    private String handledRequest;

    @JsonPropertyDescription("Whether every node of the round has reported (or failed).")
    private Boolean complete;

    public String getRequestedAt() {
        return requestedAt;
    }

    public void setRequestedAt(String requestedAt) {
        this.requestedAt = requestedAt;
    }

    public String getTrigger() {
        return trigger;
    }

    public void setTrigger(String trigger) {
        this.trigger = trigger;
    }

    public Long getGeneration() {
        return generation;
    }

    public void setGeneration(Long generation) {
        this.generation = generation;
    }

    public String getHandledRequest() {
        return handledRequest;
    }

    public void setHandledRequest(String handledRequest) {
        this.handledRequest = handledRequest;
    }

    public Boolean getComplete() {
        return complete;
    }

    public void setComplete(Boolean complete) {
        this.complete = complete;
    }
}
