package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the kernel routes one destination. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RouteLookup {

    @JsonPropertyDescription("The destination looked up.")
    private String destination;

    @JsonPropertyDescription("Outgoing interface the kernel chose, absent when unreachable.")
    private String device;

    @JsonPropertyDescription("Gateway, when routed via one.")
    private String gateway;

    @JsonPropertyDescription("Preferred source address.")
    private String source;

    @JsonPropertyDescription("Why the lookup failed (for example 'unreachable').")
    private String error;

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
    }

    public String getGateway() {
        return gateway;
    }

    public void setGateway(String gateway) {
        this.gateway = gateway;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }
}
