package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A firewall rule that drops or rejects UDP to a WireGuard listen port. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class FirewallFinding {

    @JsonPropertyDescription("nftables, iptables-legacy or iptables-nft (the iptables tools that see the rule); iptables from agents that did not tell.")
    private String backend;

    @JsonPropertyDescription("Listen port the rule hits.")
    private Integer port;

    @JsonPropertyDescription("Table family: inet, ip, ip6 (nftables), ip or ip6 (iptables, ip6tables).")
    private String family;

    @JsonPropertyDescription("Table name.")
    private String table;

    @JsonPropertyDescription("Chain name.")
    private String chain;

    @JsonPropertyDescription("Rule handle (nftables) or position (iptables).")
    private Long handle;

    @JsonPropertyDescription("drop or reject.")
    private String verdict;

    @JsonPropertyDescription("The rule as the tool prints it.")
    private String rule;

    @JsonPropertyDescription("Packets the rule's counter has seen, when it has one.")
    private Long packets;

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getFamily() {
        return family;
    }

    public void setFamily(String family) {
        this.family = family;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getChain() {
        return chain;
    }

    public void setChain(String chain) {
        this.chain = chain;
    }

    public Long getHandle() {
        return handle;
    }

    public void setHandle(Long handle) {
        this.handle = handle;
    }

    public String getVerdict() {
        return verdict;
    }

    public void setVerdict(String verdict) {
        this.verdict = verdict;
    }

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public Long getPackets() {
        return packets;
    }

    public void setPackets(Long packets) {
        this.packets = packets;
    }
}
