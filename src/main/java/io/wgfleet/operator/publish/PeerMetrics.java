package io.wgfleet.operator.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wgfleet.api.Timestamps;
import io.wgfleet.api.v1alpha1.PeerNodeStatus;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.diagnosis.Keys;
import io.wgfleet.operator.jobs.JobMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics. Per peer and node, the names and labels of the common WireGuard
 * exporters (wireguard_peer_*), so existing dashboards work; wgfleet's own verdicts
 * (wgfleet_peer_ready, wgfleet_peer_root_cause); and the operator's health (Jobs,
 * diagnosis time). No key is ever a label beyond an 8-character public-key prefix.
 */
@Singleton
public class PeerMetrics implements JobMetrics {

    /** Mutable values the registered meters read. */
    static final class PeerValues {
        volatile double handshake;
        volatile double rx;
        volatile double tx;
        volatile double ready;
        volatile String reason;
        final List<Meter.Id> meters = new ArrayList<>();
    }

    private final MeterRegistry registry;
    private final Map<String, PeerValues> byKey = new ConcurrentHashMap<>();
    private final Map<String, PeerValues> readyByPeer = new ConcurrentHashMap<>();
    private final Counter jobsStarted;
    private final Counter jobsCreateFailed;
    private final Timer diagnosis;

    @Inject
    public PeerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.jobsStarted = Counter.builder("wgfleet.jobs.started").description("Diagnostic Jobs created").register(registry);
        this.jobsCreateFailed = Counter.builder("wgfleet.jobs.create.failed").description("Diagnostic Jobs the API server refused to create")
                .register(registry);
        this.diagnosis = Timer.builder("wgfleet.diagnosis.duration").description("Time to diagnose one peer from its node reports")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    @Override
    public void started() {
        jobsStarted.increment();
    }

    @Override
    public void createFailed() {
        jobsCreateFailed.increment();
    }

    @Override
    public void finished(String outcome) {
        Counter.builder("wgfleet.jobs.finished").tag("outcome", outcome).description("Diagnostic Jobs by final outcome")
                .register(registry).increment();
    }

    public Timer diagnosisTimer() {
        return diagnosis;
    }

    /** Records a peer's verdict and per-node facts after its status was decided. */
    public void update(WireGuardPeer peer, String interfaceName, String readyStatus, String reason, List<PeerNodeStatus> nodes) {
        String ns = peer.getMetadata().getNamespace();
        String name = peer.getMetadata().getName();
        String peerKey = ns + "/" + name;
        PeerValues summary = readyByPeer.computeIfAbsent(peerKey, k -> new PeerValues());
        summary.ready = "True".equals(readyStatus) ? 1 : 0;
        if (summary.meters.isEmpty()) {
            summary.meters.add(Gauge.builder("wgfleet.peer.ready", summary, v -> v.ready)
                    .description("1 when the peer's Ready condition is True, else 0")
                    .tags("namespace", ns, "name", name).strongReference(true).register(registry).getId());
        }
        if (reason != null && !reason.equals(summary.reason)) {
            // one series per peer, carrying the current reason: drop the old one
            summary.meters.removeIf(id -> {
                if (id.getName().equals("wgfleet.peer.root.cause")) {
                    registry.remove(id);
                    return true;
                }
                return false;
            });
            summary.reason = reason;
            summary.meters.add(Gauge.builder("wgfleet.peer.root.cause", () -> 1)
                    .description("The peer's current root cause (value 1, reason as a label)")
                    .tags("namespace", ns, "name", name, "reason", reason).strongReference(true).register(registry).getId());
        }
        if (nodes == null) {
            return;
        }
        String keyPrefix = peer.getSpec() == null || peer.getSpec().getPublicKey() == null ? ""
                : Keys.prefix(peer.getSpec().getPublicKey());
        for (PeerNodeStatus n : nodes) {
            String key = peerKey + "@" + n.getNode();
            PeerValues v = byKey.computeIfAbsent(key, k -> {
                PeerValues fresh = new PeerValues();
                Tags tags = Tags.of("namespace", ns, "name", name, "node", n.getNode(), "interface", interfaceName,
                        "public_key", keyPrefix);
                fresh.meters.add(Gauge.builder("wireguard.peer.last.handshake.timestamp.seconds", fresh, x -> x.handshake)
                        .description("Unix time of the latest handshake (0: never)").tags(tags).strongReference(true).register(registry).getId());
                fresh.meters.add(FunctionCounter.builder("wireguard.peer.receive.bytes", fresh, x -> x.rx)
                        .description("Bytes received from the peer").tags(tags).register(registry).getId());
                fresh.meters.add(FunctionCounter.builder("wireguard.peer.transmit.bytes", fresh, x -> x.tx)
                        .description("Bytes sent to the peer").tags(tags).register(registry).getId());
                return fresh;
            });
            v.handshake = epochSeconds(n.getLatestHandshakeTime());
            v.rx = n.getRxBytes() == null ? 0 : n.getRxBytes();
            v.tx = n.getTxBytes() == null ? 0 : n.getTxBytes();
        }
    }

    /** Removes the series of peers that no longer exist. */
    public void retainOnly(Set<String> existingPeers) {
        readyByPeer.entrySet().removeIf(e -> {
            if (existingPeers.contains(e.getKey())) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
        byKey.entrySet().removeIf(e -> {
            if (existingPeers.contains(e.getKey().substring(0, e.getKey().indexOf('@')))) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    private static double epochSeconds(String rfc3339) {
        Instant parsed = Timestamps.parse(rfc3339);
        return parsed == null ? 0 : parsed.getEpochSecond();
    }
}
