package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Don't-Fragment pings through the tunnel at decreasing sizes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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

    @JsonPropertyDescription("Payload sizes tried.")
    private List<Integer> triedPayloads = new ArrayList<>();

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
}
