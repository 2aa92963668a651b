package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One peer line of wg show dump. Keys are public; the preshared key is only a fingerprint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class PeerReport {

    @JsonPropertyDescription("The peer's public key.")
    private String publicKey;

    @JsonPropertyDescription("Endpoint in use (ip:port), absent when none.")
    private String endpoint;

    @JsonPropertyDescription("AllowedIPs (CIDR).")
    private List<String> allowedIPs = new ArrayList<>();

    @JsonPropertyDescription("Latest handshake, unix seconds; 0 means never.")
    private Long latestHandshake;

    @JsonPropertyDescription("Bytes received from the peer.")
    private Long rxBytes;

    @JsonPropertyDescription("Bytes sent to the peer.")
    private Long txBytes;

    @JsonPropertyDescription("Persistent keepalive in seconds; 0 or absent means off.")
    private Integer persistentKeepalive;

    @JsonPropertyDescription("Short SHA-256 fingerprint of the preshared key, absent when none. Equal fingerprints mean equal keys; the key itself is never stored.")
    private String presharedKeyFingerprint;

    @JsonPropertyDescription("The handshake the agent provoked with this peer and what followed (its interfaceName and peerPublicKey are this peer's, so absent). Probes of declared peers the interface does not have are in spec.handshakeProbes.")
    private HandshakeProbe probe;

    public String getPublicKey() {
        return publicKey;
    }

    public void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public List<String> getAllowedIPs() {
        return allowedIPs;
    }

    public void setAllowedIPs(List<String> allowedIPs) {
        this.allowedIPs = allowedIPs;
    }

    public Long getLatestHandshake() {
        return latestHandshake;
    }

    public void setLatestHandshake(Long latestHandshake) {
        this.latestHandshake = latestHandshake;
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

    public Integer getPersistentKeepalive() {
        return persistentKeepalive;
    }

    public void setPersistentKeepalive(Integer persistentKeepalive) {
        this.persistentKeepalive = persistentKeepalive;
    }

    public HandshakeProbe getProbe() {
        return probe;
    }

    public void setProbe(HandshakeProbe probe) {
        this.probe = probe;
    }

    public String getPresharedKeyFingerprint() {
        return presharedKeyFingerprint;
    }

    public void setPresharedKeyFingerprint(String presharedKeyFingerprint) {
        this.presharedKeyFingerprint = presharedKeyFingerprint;
    }
}
