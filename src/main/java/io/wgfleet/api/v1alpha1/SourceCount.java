package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Packets from one source address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SourceCount {

    @JsonPropertyDescription("Source address.")
    private String address;

    @JsonPropertyDescription("Packets.")
    private Long packets;

    @JsonPropertyDescription("Bytes.")
    private Long bytes;

    public SourceCount() {
    }

    public SourceCount(String address, Long packets, Long bytes) {
        this.address = address;
        this.packets = packets;
        this.bytes = bytes;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Long getPackets() {
        return packets;
    }

    public void setPackets(Long packets) {
        this.packets = packets;
    }

    public Long getBytes() {
        return bytes;
    }

    public void setBytes(Long bytes) {
        this.bytes = bytes;
    }
}
