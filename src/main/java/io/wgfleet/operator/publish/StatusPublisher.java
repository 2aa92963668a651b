package io.wgfleet.operator.publish;

import io.wgfleet.api.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.operator.round.RoundPlanner;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.status.StatusComparison;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What follows a decided status: it is remembered (the primary cache may not show our own
 * patch yet), the peer's metrics are updated, and its transitions become Events. Tells the
 * reconciler whether the status must be written at all.
 */
@Singleton
public class StatusPublisher {

    /** Deleted peers are forgotten by a sweep over the whole cache, so at most this often. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

    private final PeerEventRecorder events;
    private final PeerMetrics metrics;
    /** The last status decided per peer uid. */
    private final Map<String, WireGuardPeerStatus> decided = new ConcurrentHashMap<>();
    private volatile Instant lastSweep;

    @Inject
    public StatusPublisher(PeerEventRecorder events, PeerMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    /** The status this reconcile builds on: our own last decision when the cache has not caught up with it yet. */
    public WireGuardPeerStatus previous(WireGuardPeer peer) {
        return newer(peer.getStatus(), decided.get(peer.getMetadata().getUid()));
    }

    /**
     * Publishes the decided status {@code next}: remembers it, updates the metrics, records
     * the Events of its transitions from {@code previous}.
     *
     * @param reason    the root cause's reason, for the root-cause metric
     * @param allPeers  the peers that exist, read only now and then, to forget the deleted ones
     * @return whether {@code next} differs from the stored status, so must be written
     */
    public boolean publish(WireGuardPeer peer, WireGuardPeerStatus previous, WireGuardPeerStatus next, String reason,
                           Supplier<Collection<WireGuardPeer>> allPeers, Instant now) {
        decided.put(peer.getMetadata().getUid(), next);
        metrics.update(peer, peer.getSpec() == null ? "" : peer.getSpec().getInterfaceName(),
                ConditionMerger.find(next.getConditions(), ConditionType.READY).getStatus(), reason, next.getNodes());
        forgetDeletedPeers(allPeers, now);
        if (!StatusComparison.same(previous, next)) {
            recordTransitions(peer, previous == null ? List.of() : previous.getConditions(), next.getConditions());
        }
        return !StatusComparison.same(peer.getStatus(), next);
    }

    /** Drops the metric series and remembered statuses of deleted peers, at most every {@link #SWEEP_EVERY}. */
    private void forgetDeletedPeers(Supplier<Collection<WireGuardPeer>> allPeers, Instant now) {
        Instant last = lastSweep;
        if (last != null && now.isBefore(last.plus(SWEEP_EVERY))) {
            return;
        }
        lastSweep = now;
        Set<String> ids = new HashSet<>();
        Set<String> uids = new HashSet<>();
        allPeers.get().forEach(p -> {
            ids.add(PeerRefs.id(p));
            uids.add(p.getMetadata().getUid());
        });
        metrics.retainOnly(ids);
        decided.keySet().retainAll(uids);
    }

    static WireGuardPeerStatus newer(WireGuardPeerStatus cached, WireGuardPeerStatus mine) {
        if (mine == null) {
            return cached;
        }
        if (cached == null) {
            return mine;
        }
        long cg = cached.getObservedGeneration() == null ? 0 : cached.getObservedGeneration();
        long mg = mine.getObservedGeneration() == null ? 0 : mine.getObservedGeneration();
        if (mg != cg) {
            return mg > cg ? mine : cached;
        }
        Instant ct = cached.getDiagnosisRound() == null ? null : Timestamps.parse(cached.getDiagnosisRound().getRequestedAt());
        Instant mt = mine.getDiagnosisRound() == null ? null : Timestamps.parse(mine.getDiagnosisRound().getRequestedAt());
        // same generation: ours unless the cache holds a later round (another writer)
        return mt != null && (ct == null || !mt.isBefore(ct)) ? mine : cached;
    }

    /**
     * Events: every transition of Ready (its status or its reason, the root cause), and
     * the other conditions turning into a failure or recovering from one. Reconciling is
     * kstatus bookkeeping that flips every round, so it records none.
     */
    private void recordTransitions(WireGuardPeer peer, List<Condition> before, List<Condition> after) {
        for (ConditionType type : ConditionType.values()) {
            if (type == ConditionType.RECONCILING) {
                continue;
            }
            Condition was = ConditionMerger.find(before, type);
            Condition now = ConditionMerger.find(after, type);
            if (now == null) {
                continue;
            }
            boolean statusChanged = was == null || !Objects.equals(was.getStatus(), now.getStatus());
            boolean worth;
            if (type == ConditionType.READY) {
                worth = statusChanged || !Objects.equals(was.getReason(), now.getReason());
            } else {
                // the other conditions speak up for a failure and for the recovery from one;
                // Unknown -> True on a first diagnosis is already told by Ready
                worth = was != null && statusChanged && (type.isFailure(now.getStatus()) || type.isFailure(was.getStatus()));
            }
            if (!worth) {
                continue;
            }
            String note = type.type() + "=" + now.getStatus() + ": " + now.getMessage();
            if (type.isFailure(now.getStatus())) {
                events.warning(peer, now.getReason(), note);
            } else {
                events.normal(peer, now.getReason(), note);
            }
        }
    }
}
