package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Don't-Fragment pings through the tunnel at decreasing sizes. A failing size counts only
 * beside a control that passed in the same window, and the smallest failing size is tried
 * twice: a path that dies during the search must not read as a size limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class MtuProbe {

    @JsonPropertyDescription("Interface of the peer.")
    private String interfaceName;

    @JsonPropertyDescription("Public key of the peer.")
    private String peerPublicKey;

    @JsonPropertyDescription("Address pinged.")
    private String target;

    @JsonPropertyDescription("Largest ICMP payload in bytes that passed with DF set, absent when none passed.")
    private Integer largestPassingPayload;

    @JsonPropertyDescription("Smallest ICMP payload in bytes that failed with DF set, absent when all passed.")
    private Integer smallestFailingPayload;

    @JsonPropertyDescription("Payload sizes tried, in order (the smallest failing size again at the end, as its confirmation).")
    private List<Integer> triedPayloads = new ArrayList<>();

    @JsonPropertyDescription("Round-trip time in milliseconds of the answered provoking ping that the timeouts were derived from; absent when unknown.")
    private Double rttMillis;

    @JsonPropertyDescription("How long each ping waited for its reply, in milliseconds.")
    private Long timeoutMillis;

    @JsonPropertyDescription("Payload of the control ping sent beside the failing sizes (the largest size known to pass).")
    private Integer controlPayload;

    @JsonPropertyDescription("Whether every control passed in the window of the failure it accompanied; false: the path was lost during the search, so the failures say nothing about size. Absent when nothing failed.")
    private Boolean controlPassed;

    @JsonPropertyDescription("Whether the smallest failing size failed again when tried a second time; false: the first failure was a lost packet.")
    private Boolean failureConfirmed;

    @JsonPropertyDescription("Bytes received from the peer during the search (wg counters).")
    private Long rxDelta;

    @JsonPropertyDescription("How long the search took, in milliseconds.")
    private Long durationMillis;

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public String getPeerPublicKey() {
        return peerPublicKey;
    }

    public void setPeerPublicKey(String peerPublicKey) {
        this.peerPublicKey = peerPublicKey;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public Integer getLargestPassingPayload() {
        return largestPassingPayload;
    }

    public void setLargestPassingPayload(Integer largestPassingPayload) {
        this.largestPassingPayload = largestPassingPayload;
    }

    public Integer getSmallestFailingPayload() {
        return smallestFailingPayload;
    }

    public void setSmallestFailingPayload(Integer smallestFailingPayload) {
        this.smallestFailingPayload = smallestFailingPayload;
    }

    public List<Integer> getTriedPayloads() {
        return triedPayloads;
    }

    public void setTriedPayloads(List<Integer> triedPayloads) {
        this.triedPayloads = triedPayloads;
    }

    public Double getRttMillis() {
        return rttMillis;
    }

    public void setRttMillis(Double rttMillis) {
        this.rttMillis = rttMillis;
    }

    public Long getTimeoutMillis() {
        return timeoutMillis;
    }

    public void setTimeoutMillis(Long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public Integer getControlPayload() {
        return controlPayload;
    }

    public void setControlPayload(Integer controlPayload) {
        this.controlPayload = controlPayload;
    }

    public Boolean getControlPassed() {
        return controlPassed;
    }

    public void setControlPassed(Boolean controlPassed) {
        this.controlPassed = controlPassed;
    }

    public Boolean getFailureConfirmed() {
        return failureConfirmed;
    }

    public void setFailureConfirmed(Boolean failureConfirmed) {
        this.failureConfirmed = failureConfirmed;
    }

    public Long getRxDelta() {
        return rxDelta;
    }

    public void setRxDelta(Long rxDelta) {
        this.rxDelta = rxDelta;
    }

    public Long getDurationMillis() {
        return durationMillis;
    }

    public void setDurationMillis(Long durationMillis) {
        this.durationMillis = durationMillis;
    }
}
