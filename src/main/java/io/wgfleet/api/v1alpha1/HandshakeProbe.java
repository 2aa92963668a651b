package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A handshake the agent provoked by sending one packet into the tunnel, and what followed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class HandshakeProbe {

    @JsonPropertyDescription("Interface of the peer.")
    private String interfaceName;

    @JsonPropertyDescription("Public key of the peer.")
    private String peerPublicKey;

    @JsonPropertyDescription("Address inside the tunnel the packet was sent to.")
    private String target;

    @JsonPropertyDescription("When the packet was sent (RFC 3339).")
    private String provokedAt;

    @JsonPropertyDescription("How long the agent watched afterwards, in milliseconds.")
    private Long waitedMillis;

    @JsonPropertyDescription("Bytes sent to the peer during the window.")
    private Long txDelta;

    @JsonPropertyDescription("Bytes received from the peer during the window.")
    private Long rxDelta;

    @JsonPropertyDescription("Whether a new handshake completed during the window.")
    private Boolean handshakeCompleted;

    @JsonPropertyDescription("Whether the provoking packet got an answer (ping reply).")
    private Boolean replied;

    @JsonPropertyDescription("Round-trip time of the answered ping in milliseconds (with the handshake when one was needed).")
    private Double rttMillis;

    @JsonPropertyDescription("How much longer than the first window the agent kept provoking a young session that window proved nothing about, waiting for WireGuard to re-initiate, in milliseconds (included in waitedMillis); absent when it did not.")
    private Long escalatedMillis;

    @JsonPropertyDescription("Handshake initiations (148 B) WireGuard sent during the whole wait, counted in txDelta beside the provoking pings and keepalives; absent when the bytes do not add up to such a sum or were not counted.")
    private Integer initiationsSent;

    @JsonPropertyDescription("Why the probe could not run, when it could not.")
    private String error;

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

    public String getProvokedAt() {
        return provokedAt;
    }

    public void setProvokedAt(String provokedAt) {
        this.provokedAt = provokedAt;
    }

    public Long getWaitedMillis() {
        return waitedMillis;
    }

    public void setWaitedMillis(Long waitedMillis) {
        this.waitedMillis = waitedMillis;
    }

    public Long getTxDelta() {
        return txDelta;
    }

    public void setTxDelta(Long txDelta) {
        this.txDelta = txDelta;
    }

    public Long getRxDelta() {
        return rxDelta;
    }

    public void setRxDelta(Long rxDelta) {
        this.rxDelta = rxDelta;
    }

    public Boolean getHandshakeCompleted() {
        return handshakeCompleted;
    }

    public void setHandshakeCompleted(Boolean handshakeCompleted) {
        this.handshakeCompleted = handshakeCompleted;
    }

    public Boolean getReplied() {
        return replied;
    }

    public void setReplied(Boolean replied) {
        this.replied = replied;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public Double getRttMillis() {
        return rttMillis;
    }

    public void setRttMillis(Double rttMillis) {
        this.rttMillis = rttMillis;
    }

    public Long getEscalatedMillis() {
        return escalatedMillis;
    }

    public void setEscalatedMillis(Long escalatedMillis) {
        this.escalatedMillis = escalatedMillis;
    }

    public Integer getInitiationsSent() {
        return initiationsSent;
    }

    public void setInitiationsSent(Integer initiationsSent) {
        this.initiationsSent = initiationsSent;
    }
}
