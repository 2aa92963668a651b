package io.wgfleet.agent;

import java.time.Duration;
import java.util.List;

/**
 * How one agent run behaves.
 *
 * @param nodeName     the node observed; also the report's name
 * @param peerNames    "namespace/name" of the WireGuardPeers to probe; empty: every peer whose
 *                     spec.nodeName is this node
 * @param probe        false skips provoking handshakes, arrival counting and MTU probing
 * @param probeWait    how long to watch after provoking: one REKEY_TIMEOUT (5 s) plus its jitter
 */
public record AgentOptions(String nodeName, List<String> peerNames, boolean probe, Duration probeWait) {

    /** REKEY_TIMEOUT 5 s + up to 333 ms jitter, rounded up. */
    public static final Duration DEFAULT_PROBE_WAIT = Duration.ofMillis(5500);

    public AgentOptions {
        peerNames = List.copyOf(peerNames);
    }

    public static AgentOptions forNode(String nodeName) {
        return new AgentOptions(nodeName, List.of(), true, DEFAULT_PROBE_WAIT);
    }

    public AgentOptions withPeers(List<String> names) {
        return new AgentOptions(nodeName, names, probe, probeWait);
    }

    public AgentOptions withProbe(boolean on) {
        return new AgentOptions(nodeName, peerNames, on, probeWait);
    }

    public AgentOptions withProbeWait(Duration wait) {
        return new AgentOptions(nodeName, peerNames, probe, wait);
    }
}
