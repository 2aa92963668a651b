package io.wgfleet.bench.scale;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Watches the peers (one informer, so the benchmark's own reads stay small) and remembers
 * when each first had a status and a verdict.
 */
final class PeerTracker implements AutoCloseable {

    /** What is known about one peer. */
    static final class Seen {
        volatile Instant firstStatus;
        volatile Instant firstVerdict;
        volatile WireGuardPeer latest;
    }

    private final SharedIndexInformer<WireGuardPeer> informer;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    PeerTracker(KubernetesClient client) {
        informer = client.resources(WireGuardPeer.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(WireGuardPeer p) {
                observe(p);
            }

            @Override
            public void onUpdate(WireGuardPeer old, WireGuardPeer p) {
                observe(p);
            }

            @Override
            public void onDelete(WireGuardPeer p, boolean unknown) {
                seen.remove(key(p));
            }
        });
    }

    static String key(WireGuardPeer p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private void observe(WireGuardPeer p) {
        Seen s = seen.computeIfAbsent(key(p), k -> new Seen());
        s.latest = p;
        Instant now = Instant.now();
        if (s.firstStatus == null && p.getStatus() != null && !p.getStatus().getConditions().isEmpty()) {
            s.firstStatus = now;
        }
        if (s.firstVerdict == null && hasVerdict(p)) {
            s.firstVerdict = now;
        }
    }

    /** Ready decided (True or False), or the diagnosis failed: anything but pending. */
    static boolean hasVerdict(WireGuardPeer p) {
        Condition ready = ready(p);
        return ready != null && ("True".equals(ready.getStatus()) || "False".equals(ready.getStatus())
                || "DiagnosticFailed".equals(ready.getReason()));
    }

    static Condition ready(WireGuardPeer p) {
        WireGuardPeerStatus s = p.getStatus();
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }

    /** Whether the peer's status shows a completed round requested after {@code since}. */
    static boolean roundCompleteAfter(WireGuardPeer p, Instant since) {
        DiagnosisRound r = p.getStatus() == null ? null : p.getStatus().getDiagnosisRound();
        return r != null && Boolean.TRUE.equals(r.getComplete()) && r.getRequestedAt() != null
                && Instant.parse(r.getRequestedAt()).isAfter(since) && hasVerdict(p);
    }

    int count(Predicate<WireGuardPeer> test) {
        int n = 0;
        for (Seen s : seen.values()) {
            if (s.latest != null && test.test(s.latest)) {
                n++;
            }
        }
        return n;
    }

    int withStatus() {
        return (int) seen.values().stream().filter(s -> s.firstStatus != null).count();
    }

    int withVerdict() {
        return (int) seen.values().stream().filter(s -> s.firstVerdict != null).count();
    }

    int size() {
        return seen.size();
    }

    Instant lastFirstStatus() {
        return seen.values().stream().map(s -> s.firstStatus).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
    }

    Instant lastFirstVerdict() {
        return seen.values().stream().map(s -> s.firstVerdict).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
    }

    WireGuardPeer get(String namespace, String name) {
        Seen s = seen.get(namespace + "/" + name);
        return s == null ? null : s.latest;
    }

    /** Forgets when a peer was first seen with a status (for a re-created peer). */
    void forget(String namespace, String name) {
        seen.remove(namespace + "/" + name);
    }

    Map<String, Seen> all() {
        return seen;
    }

    @Override
    public void close() {
        informer.close();
    }
}
