package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A collector or probe that failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CollectionError {

    @JsonPropertyDescription("Which collector or probe (wg, udp-sockets, ip, nft, iptables, dns, probe, mtu, arrivals).")
    private String source;

    @JsonPropertyDescription("What went wrong.")
    private String message;

    public CollectionError() {
    }

    public CollectionError(String source, String message) {
        this.source = source;
        this.message = message;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
