package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** A node's WireGuard facts and probe results, collected at one moment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class WireGuardNodeReportSpec {

    @JsonPropertyDescription("The node the facts were collected on.")
    private String nodeName;

    @JsonPropertyDescription("When collection finished (RFC 3339).")
    private String collectionTime;

    @JsonPropertyDescription("Version of the agent that wrote the report.")
    private String agentVersion;

    @JsonPropertyDescription("How many objects hold this report when it is too big for one: this one and parts-1 continuations named NODE.part-K (K = 1 .. parts-1) with the same collectionTime and more peer lines of the interfaces. Absent: this object holds it all.")
    private Integer parts;

    @JsonPropertyDescription("On a continuation (NODE.part-K): K. Absent on the report itself.")
    private Integer part;

    @JsonPropertyDescription("WireGuard interfaces on the node with their peers (wg show all dump).")
    private List<InterfaceReport> interfaces = new ArrayList<>();

    @JsonPropertyDescription("Every address configured on the node, with its interface (ip -j addr).")
    private List<NodeAddress> addresses = new ArrayList<>();

    @JsonPropertyDescription("Kernel route lookups for the peers' AllowedIPs and probe addresses (ip -j route get).")
    private List<RouteLookup> routes = new ArrayList<>();

    @JsonPropertyDescription("Firewall rules that drop or reject UDP to a WireGuard listen port.")
    private List<FirewallFinding> firewallFindings = new ArrayList<>();

    @JsonPropertyDescription("Packets that arrived per listen port and source during the probe window, counted before any other filter.")
    private List<PortArrivals> arrivals = new ArrayList<>();

    @JsonPropertyDescription("Hostname endpoints resolved now, beside the address WireGuard uses.")
    private List<DnsResult> dns = new ArrayList<>();

    @JsonPropertyDescription("Handshakes the agent provoked with declared peers the node's interfaces do not have (peer not configured, interface missing), and what followed. A configured peer's probe is on its line (interfaces[].peers[].probe), which keeps a concentrator's report small.")
    private List<HandshakeProbe> handshakeProbes = new ArrayList<>();

    @JsonPropertyDescription("Don't-Fragment ping results through the tunnel.")
    private List<MtuProbe> mtuProbes = new ArrayList<>();

    @JsonPropertyDescription("Signs that the node sits behind NAT (CGNAT or private addresses on the interface that carries the tunnel).")
    private List<NatFinding> natFindings = new ArrayList<>();

    @JsonPropertyDescription("Collectors or probes that failed, with why. Missing facts are reported here, never guessed.")
    private List<CollectionError> collectionErrors = new ArrayList<>();

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getCollectionTime() {
        return collectionTime;
    }

    public void setCollectionTime(String collectionTime) {
        this.collectionTime = collectionTime;
    }

    public String getAgentVersion() {
        return agentVersion;
    }

    public void setAgentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
    }

    public Integer getParts() {
        return parts;
    }

    public void setParts(Integer parts) {
        this.parts = parts;
    }

    public Integer getPart() {
        return part;
    }

    public void setPart(Integer part) {
        this.part = part;
    }

    public List<InterfaceReport> getInterfaces() {
        return interfaces;
    }

    public void setInterfaces(List<InterfaceReport> interfaces) {
        this.interfaces = interfaces;
    }

    public List<NodeAddress> getAddresses() {
        return addresses;
    }

    public void setAddresses(List<NodeAddress> addresses) {
        this.addresses = addresses;
    }

    public List<RouteLookup> getRoutes() {
        return routes;
    }

    public void setRoutes(List<RouteLookup> routes) {
        this.routes = routes;
    }

    public List<FirewallFinding> getFirewallFindings() {
        return firewallFindings;
    }

    public void setFirewallFindings(List<FirewallFinding> firewallFindings) {
        this.firewallFindings = firewallFindings;
    }

    public List<PortArrivals> getArrivals() {
        return arrivals;
    }

    public void setArrivals(List<PortArrivals> arrivals) {
        this.arrivals = arrivals;
    }

    public List<DnsResult> getDns() {
        return dns;
    }

    public void setDns(List<DnsResult> dns) {
        this.dns = dns;
    }

    public List<HandshakeProbe> getHandshakeProbes() {
        return handshakeProbes;
    }

    public void setHandshakeProbes(List<HandshakeProbe> handshakeProbes) {
        this.handshakeProbes = handshakeProbes;
    }

    public List<MtuProbe> getMtuProbes() {
        return mtuProbes;
    }

    public void setMtuProbes(List<MtuProbe> mtuProbes) {
        this.mtuProbes = mtuProbes;
    }

    public List<NatFinding> getNatFindings() {
        return natFindings;
    }

    public void setNatFindings(List<NatFinding> natFindings) {
        this.natFindings = natFindings;
    }

    public List<CollectionError> getCollectionErrors() {
        return collectionErrors;
    }

    public void setCollectionErrors(List<CollectionError> collectionErrors) {
        this.collectionErrors = collectionErrors;
    }
}
