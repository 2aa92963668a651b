package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What wgfleet observed and concluded about the peer. No phase field: read the conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class WireGuardPeerStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready (summary), Reconciling, Stalled, HandshakeSucceeded, ConfigInSync and TrafficFlowing. The reason of Ready is the root cause.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Comma-separated names of the nodes this peer targets.")
    private String targetNodes;

    @JsonPropertyDescription("The most recent handshake seen on any target node (RFC 3339), absent when none was ever seen.")
    private String latestHandshakeTime;

    @JsonPropertyDescription("Per target node: the handshake facts its agent reported.")
    private List<PeerNodeStatus> nodes = new ArrayList<>();

    @JsonPropertyDescription("The one proven root cause, its evidence, the fix, and further findings.")
    private RootCause rootCause;

    @JsonPropertyDescription("Collection time of the newest node report the current verdict is based on (RFC 3339).")
    private String lastDiagnosisTime;

    @JsonPropertyDescription("The diagnosis round behind the verdict, or under way.")
    private DiagnosisRound diagnosisRound;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getTargetNodes() {
        return targetNodes;
    }

    public void setTargetNodes(String targetNodes) {
        this.targetNodes = targetNodes;
    }

    public String getLatestHandshakeTime() {
        return latestHandshakeTime;
    }

    public void setLatestHandshakeTime(String latestHandshakeTime) {
        this.latestHandshakeTime = latestHandshakeTime;
    }

    public List<PeerNodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<PeerNodeStatus> nodes) {
        this.nodes = nodes;
    }

    public RootCause getRootCause() {
        return rootCause;
    }

    public void setRootCause(RootCause rootCause) {
        this.rootCause = rootCause;
    }

    public String getLastDiagnosisTime() {
        return lastDiagnosisTime;
    }

    public void setLastDiagnosisTime(String lastDiagnosisTime) {
        this.lastDiagnosisTime = lastDiagnosisTime;
    }

    public DiagnosisRound getDiagnosisRound() {
        return diagnosisRound;
    }

    public void setDiagnosisRound(DiagnosisRound diagnosisRound) {
        this.diagnosisRound = diagnosisRound;
    }
}
