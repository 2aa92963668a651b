package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The declared, expected state of one WireGuard peer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class WireGuardPeerSpec {

    /** Linux interface names: at most 15 bytes, no slash or whitespace. */
    public static final String INTERFACE_NAME_PATTERN = "^[A-Za-z0-9_.=+-]{1,15}$";
    /** A Curve25519 key in base64: 32 bytes, 43 characters and one '=' whose last character carries only 4 bits. */
    public static final String KEY_PATTERN = "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$";

    @Required
    @Pattern(INTERFACE_NAME_PATTERN)
    @JsonPropertyDescription("Name of the WireGuard interface on the node that carries this peer, for example wg0.")
    private String interfaceName;

    @JsonPropertyDescription("Labels of the nodes that host the interface. Either nodeSelector or nodeName must be set.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Name of the single node that hosts the interface. Either nodeSelector or nodeName must be set.")
    private String nodeName;

    @Required
    @Pattern(KEY_PATTERN)
    @JsonPropertyDescription("The remote end's public key (32-byte Curve25519 key, base64), as configured in the peer section.")
    private String publicKey;

    @JsonPropertyDescription("Where to send handshakes: host:port, host a DNS name, an IPv4 address or a bracketed IPv6 address ([2001:db8::1]:51820). Leave empty when the remote end initiates.")
    private String endpoint;

    @JsonProperty("allowedIPs")
    @JsonPropertyDescription("Prefixes routed to and accepted from this peer (CIDR, IPv4 and IPv6), as in the AllowedIPs setting.")
    private List<String> allowedIPs = new ArrayList<>();

    @Min(0)
    @Max(65535)
    @JsonPropertyDescription("Seconds between keepalive packets (0 or absent: off). Needed on a side behind NAT; 25 is typical.")
    private Integer persistentKeepalive;

    @JsonPropertyDescription("Secret holding the preshared key, if one is used. wgfleet compares fingerprints only; the key itself never leaves the Secret.")
    private SecretKeyRef presharedKeySecretRef;

    @JsonPropertyDescription("The WireGuardPeer that declares the other direction of this tunnel, when both ends are in the fleet. Enables two-sided diagnosis.")
    private PeerRef remotePeerRef;

    @JsonPropertyDescription("An address inside the tunnel (covered by allowedIPs) used to provoke a handshake and probe the path MTU.")
    private String probeAddress;

    @JsonPropertyDescription("How often the peer is diagnosed.")
    private DiagnosisSettings diagnosis;

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

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

    public Integer getPersistentKeepalive() {
        return persistentKeepalive;
    }

    public void setPersistentKeepalive(Integer persistentKeepalive) {
        this.persistentKeepalive = persistentKeepalive;
    }

    public SecretKeyRef getPresharedKeySecretRef() {
        return presharedKeySecretRef;
    }

    public void setPresharedKeySecretRef(SecretKeyRef presharedKeySecretRef) {
        this.presharedKeySecretRef = presharedKeySecretRef;
    }

    public PeerRef getRemotePeerRef() {
        return remotePeerRef;
    }

    public void setRemotePeerRef(PeerRef remotePeerRef) {
        this.remotePeerRef = remotePeerRef;
    }

    public String getProbeAddress() {
        return probeAddress;
    }

    public void setProbeAddress(String probeAddress) {
        this.probeAddress = probeAddress;
    }

    public DiagnosisSettings getDiagnosis() {
        return diagnosis;
    }

    public void setDiagnosis(DiagnosisSettings diagnosis) {
        this.diagnosis = diagnosis;
    }
}
