package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The first failing layer, proven by evidence, with the fix. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RootCause {

    @JsonPropertyDescription("One CamelCase word from the reason catalogue, e.g. UDPPortBlocked, PublicKeyMismatch, Connected.")
    private String reason;

    @JsonPropertyDescription("What is wrong, naming the evidence (rule, address, key prefix, size).")
    private String message;

    @JsonPropertyDescription("The observations that prove the cause.")
    private List<String> evidence = new ArrayList<>();

    @JsonPropertyDescription("What to do, in the order to try it.")
    private List<String> remediation = new ArrayList<>();

    @JsonPropertyDescription("Problems in later layers, reported beside the root cause but not as it.")
    private List<AdditionalFinding> additionalFindings = new ArrayList<>();

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public List<String> getEvidence() {
        return evidence;
    }

    public void setEvidence(List<String> evidence) {
        this.evidence = evidence;
    }

    public List<String> getRemediation() {
        return remediation;
    }

    public void setRemediation(List<String> remediation) {
        this.remediation = remediation;
    }

    public List<AdditionalFinding> getAdditionalFindings() {
        return additionalFindings;
    }

    public void setAdditionalFindings(List<AdditionalFinding> additionalFindings) {
        this.additionalFindings = additionalFindings;
    }
}
