package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One WireGuard interface as the node sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class InterfaceReport {

    @JsonPropertyDescription("Interface name.")
    private String name;

    @JsonPropertyDescription("The interface's own public key.")
    private String publicKey;

    @JsonPropertyDescription("UDP listen port (0: none yet).")
    private Integer listenPort;

    @JsonPropertyDescription("Firewall mark, absent when off.")
    private String fwmark;

    @JsonPropertyDescription("Whether a UDP socket is bound on the listen port (/proc/net/udp, udp6).")
    private Boolean udpSocketBound;

    @JsonPropertyDescription("Addresses on the interface (CIDR).")
    private List<String> addresses = new ArrayList<>();

    @JsonPropertyDescription("Link MTU.")
    private Integer mtu;

    @JsonPropertyDescription("Whether the link is administratively and operationally up.")
    private Boolean up;

    @JsonPropertyDescription("Peers configured on the interface.")
    private List<PeerReport> peers = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }

    public Integer getListenPort() {
        return listenPort;
    }

    public void setListenPort(Integer listenPort) {
        this.listenPort = listenPort;
    }

    public String getFwmark() {
        return fwmark;
    }

    public void setFwmark(String fwmark) {
        this.fwmark = fwmark;
    }

    public Boolean getUdpSocketBound() {
        return udpSocketBound;
    }

    public void setUdpSocketBound(Boolean udpSocketBound) {
        this.udpSocketBound = udpSocketBound;
    }

    public List<String> getAddresses() {
        return addresses;
    }

    public void setAddresses(List<String> addresses) {
        this.addresses = addresses;
    }

    public Integer getMtu() {
        return mtu;
    }

    public void setMtu(Integer mtu) {
        this.mtu = mtu;
    }

    public Boolean getUp() {
        return up;
    }

    public void setUp(Boolean up) {
        this.up = up;
    }

    public List<PeerReport> getPeers() {
        return peers;
    }

    public void setPeers(List<PeerReport> peers) {
        this.peers = peers;
    }
}
