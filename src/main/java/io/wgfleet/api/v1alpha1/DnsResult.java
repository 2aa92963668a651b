package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** A hostname endpoint resolved now, beside what WireGuard uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DnsResult {

    @JsonPropertyDescription("Interface of the peer.")
    private String interfaceName;

    @JsonPropertyDescription("Public key of the peer whose endpoint this is.")
    private String peerPublicKey;

    @JsonPropertyDescription("The hostname declared in the endpoint.")
    private String hostname;

    @JsonPropertyDescription("Addresses it resolves to now.")
    private List<String> resolved = new ArrayList<>();

    @JsonPropertyDescription("The endpoint address WireGuard is sending to (it resolved the name once, when configured).")
    private String inUse;

    @JsonPropertyDescription("Why resolution failed, when it did.")
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

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public List<String> getResolved() {
        return resolved;
    }

    public void setResolved(List<String> resolved) {
        this.resolved = resolved;
    }

    public String getInUse() {
        return inUse;
    }

    public void setInUse(String inUse) {
        this.inUse = inUse;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }
}
