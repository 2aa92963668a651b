package io.wgfleet.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything an installation may tune, under the {@code wgfleet.} prefix (env: WGFLEET_...). */
@ConfigMapping(prefix = "wgfleet")
public interface OperatorConfig {

    /** The diagnostic Jobs that run the node agent. */
    Agent agent();

    interface Agent {
        /** Image with the agent (the same image as the operator). */
        @WithDefault("ghcr.io/wgfleet/wgfleet:0.1.0")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Namespace the Jobs run in (the operator's own). */
        @WithDefault("wgfleet-system")
        String namespace();

        /** Service account of the Jobs: may read WireGuardPeers and write WireGuardNodeReports, nothing else. */
        @WithDefault("wgfleet-agent")
        String serviceAccount();

        /** A Job that has not finished by then is failed by Kubernetes (DiagnosticFailed). */
        @WithDefault("60s")
        Duration activeDeadline();

        /** Finished Jobs are deleted by Kubernetes after this. */
        @WithDefault("10m")
        Duration ttlAfterFinished();

        /**
         * A new round waits this long for more requests before its Jobs start, so that
         * peers applied together share one Job per node.
         */
        @WithDefault("1s")
        Duration batchDelay();

        /** At most this many diagnostic Jobs run at once; further rounds wait their turn. */
        @WithDefault("10")
        int maxConcurrentJobs();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("128Mi")
        String memoryRequest();

        @WithDefault("256Mi")
        String memoryLimit();

        /**
         * Tolerate every taint, so gateways tainted against ordinary workloads are
         * diagnosed too. Set false and list {@link #tolerations()} to restrict.
         */
        @WithDefault("true")
        boolean tolerateAllTaints();

        /** Extra tolerations as key[=value]:effect, comma separated (e.g. dedicated=vpn:NoSchedule). */
        Optional<String> tolerations();

        /** How long to wait after provoking a handshake: one REKEY_TIMEOUT (5 s) plus jitter. */
        @WithDefault("5.5s")
        String probeWait();
    }
}
