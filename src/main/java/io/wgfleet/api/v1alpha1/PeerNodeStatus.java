package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Handshake facts for the peer on one target node, from that node's latest report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class PeerNodeStatus {

    @JsonPropertyDescription("Node name.")
    private String node;

    @JsonPropertyDescription("Latest handshake with the peer on this node (RFC 3339); absent means never.")
    private String latestHandshakeTime;

    @JsonPropertyDescription("Bytes received from the peer, as counted by WireGuard.")
    private Long rxBytes;

    @JsonPropertyDescription("Bytes sent to the peer, as counted by WireGuard (handshake initiations included).")
    private Long txBytes;

    @JsonPropertyDescription("The endpoint WireGuard is using for the peer right now (it may differ from spec.endpoint after roaming or DNS changes).")
    private String endpoint;

    @JsonPropertyDescription("When the node's agent collected these facts (RFC 3339).")
    private String reportTime;

    public PeerNodeStatus() {
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getLatestHandshakeTime() {
        return latestHandshakeTime;
    }

    public void setLatestHandshakeTime(String latestHandshakeTime) {
        this.latestHandshakeTime = latestHandshakeTime;
    }

    public Long getRxBytes() {
        return rxBytes;
    }

    public void setRxBytes(Long rxBytes) {
        this.rxBytes = rxBytes;
    }

    public Long getTxBytes() {
        return txBytes;
    }

    public void setTxBytes(Long txBytes) {
        this.txBytes = txBytes;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getReportTime() {
        return reportTime;
    }

    public void setReportTime(String reportTime) {
        this.reportTime = reportTime;
    }
}
