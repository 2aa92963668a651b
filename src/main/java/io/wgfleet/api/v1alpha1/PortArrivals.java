package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Arrival counts for one listen port, from the agent's own counter-only nftables table. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class PortArrivals {

    @JsonPropertyDescription("Listen port.")
    private Integer port;

    @JsonPropertyDescription("Total UDP packets to the port during the probe window.")
    private Long packets;

    @JsonPropertyDescription("Packets per source address.")
    private List<SourceCount> sources = new ArrayList<>();

    @JsonPropertyDescription("Length of the counting window in milliseconds.")
    private Long windowMillis;

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Long getPackets() {
        return packets;
    }

    public void setPackets(Long packets) {
        this.packets = packets;
    }

    public List<SourceCount> getSources() {
        return sources;
    }

    public void setSources(List<SourceCount> sources) {
        this.sources = sources;
    }

    public Long getWindowMillis() {
        return windowMillis;
    }

    public void setWindowMillis(Long windowMillis) {
        this.windowMillis = windowMillis;
    }
}
