package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An address on a node interface. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeAddress {

    @JsonPropertyDescription("Interface name.")
    private String interfaceName;

    @JsonPropertyDescription("Address with prefix length (CIDR).")
    private String address;

    public NodeAddress() {
    }

    public NodeAddress(String interfaceName, String address) {
        this.interfaceName = interfaceName;
        this.address = address;
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
}
