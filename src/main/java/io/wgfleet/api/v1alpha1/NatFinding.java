package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A sign that this node reaches the world through NAT. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NatFinding {

    @JsonPropertyDescription("Interface that carries the tunnel's outer packets.")
    private String interfaceName;

    @JsonPropertyDescription("The address found.")
    private String address;

    @JsonPropertyDescription("CGNAT (100.64.0.0/10) or Private (RFC 1918 / ULA).")
    private String kind;

    public NatFinding() {
    }

    public NatFinding(String interfaceName, String address, String kind) {
        this.interfaceName = interfaceName;
        this.address = address;
        this.kind = kind;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }
}
