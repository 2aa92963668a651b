package io.wgfleet.operator.publish;

import io.wgfleet.api.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.diagnosis.Reason;
import io.wgfleet.operator.PeerRefs;
import io.wgfleet.operator.round.RoundPlanner;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.status.StatusComparison;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What follows a decided status: it is remembered until the cache shows it (the primary
 * cache may not show our own patch yet, and a re-check's progress is never written), the
 * peer's metrics are updated, and real transitions of Ready become Events. Tells the
 * reconciler whether the status must be written at all.
 *
 * <p>Writes per peer and round: a round someone waits for (the first diagnosis, a spec
 * change) writes its start (Ready Unknown, DiagnosticPending) and its verdict; a re-check
 * of a standing verdict (interval, on-demand) writes once, at its end; what changes inside
 * a round (a node reported, a Job started) is not written; a quiet fleet writes nothing.
 */
@Singleton
public class StatusPublisher {

    private final PeerEventRecorder events;
    private final PeerMetrics metrics;
    /** The last status decided per peer uid, until the cache holds it. */
    private final Map<String, WireGuardPeerStatus> decided = new ConcurrentHashMap<>();
    /** The last status written per peer uid, until the cache shows it, and when. */
    private final Map<String, Remembered> written = new ConcurrentHashMap<>();
    /** A write the cache does not show after this long is taken as lost and made again. */
    static final java.time.Duration REWRITE_AFTER = java.time.Duration.ofSeconds(30);

    private record Remembered(WireGuardPeerStatus status, Instant at) {
    }

    /** The last verdict (Ready status and reason, "" for none) an Event told, per peer uid. */
    private final Map<String, String> toldVerdict = new ConcurrentHashMap<>();

    @Inject
    public StatusPublisher(PeerEventRecorder events, PeerMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    /** The status this reconcile builds on: our own last decision when the cache has not caught up with it yet. */
    public WireGuardPeerStatus previous(WireGuardPeer peer) {
        String uid = peer.getMetadata().getUid();
        WireGuardPeerStatus mine = decided.get(uid);
        if (mine != null && StatusComparison.same(peer.getStatus(), mine)) {
            // the cache caught up: nothing left to remember
            decided.remove(uid, mine);
            return peer.getStatus();
        }
        return newer(peer.getStatus(), mine);
    }

    /**
     * Publishes the decided status {@code next}: remembers it and updates the metrics. The
     * Event of a Ready transition is recorded once the server holds it ({@link #written}, or
     * the cache showing it), never for a write that failed.
     *
     * @param reason  the root cause's reason, for the root-cause metric
     * @param interim a state inside a round that is not to be written (see the class comment)
     * @return whether {@code next} must be written
     */
    public boolean publish(WireGuardPeer peer, WireGuardPeerStatus next, String reason, boolean interim, Instant now) {
        String uid = peer.getMetadata().getUid();
        Remembered mine = written.get(uid);
        // written a moment ago and the cache has not caught up: not again (a failed write is retried after a while)
        boolean justWritten = mine != null && StatusComparison.same(mine.status(), next)
                && now.isBefore(mine.at().plus(REWRITE_AFTER));
        boolean write = !interim && !justWritten && !StatusComparison.same(peer.getStatus(), next);
        if (write) {
            written.put(uid, new Remembered(next, now));
        } else if (mine != null && StatusComparison.same(peer.getStatus(), mine.status())) {
            written.remove(uid);
        }
        if (interim && peer.getStatus() != null) {
            // only the round is remembered: the stored status stands, and at fleet size a full
            // copy per peer for the length of a round would double the statuses in memory. The
            // stored status is our own last one while the cache lags it: the cache's older one
            // would give the round's verdict conditions whose lastTransitionTime moves.
            decided.put(uid, withRound(newer(peer.getStatus(), decided.get(uid)), next.getDiagnosisRound()));
        } else if (write || interim || justWritten) {
            // just written: the cache may still show an older status, and a reconcile built on
            // that would merge the verdict afresh and move every lastTransitionTime
            decided.put(uid, next);
        } else {
            decided.remove(uid);
        }
        metrics.update(peer, peer.getSpec() == null ? "" : peer.getSpec().getInterfaceName(),
                ConditionMerger.find(next.getConditions(), ConditionType.READY).getStatus(), reason, next.getNodes());
        // on first sight (also after a restart) the stored verdict counts as told
        toldVerdict.computeIfAbsent(uid, k -> verdictOf(peer.getStatus()));
        if (!write && !interim && !written.containsKey(uid)) {
            // nothing of ours is on its way, so the cache is what the server holds: it may be our
            // own write that was applied although its answer was an error
            tellVerdict(peer, peer.getStatus());
        }
        return write;
    }

    /** The write of {@code status} that {@link #publish} asked for succeeded: a Ready transition it stores becomes an Event. */
    public void written(WireGuardPeer peer, WireGuardPeerStatus status) {
        tellVerdict(peer, status);
    }

    /**
     * The write of {@code status} that {@link #publish} asked for failed: it is not remembered
     * as written, so the retry of the reconcile writes it again instead of waiting
     * {@link #REWRITE_AFTER} (and for a reconcile after that, which may be a whole interval away).
     */
    public void notWritten(WireGuardPeer peer, WireGuardPeerStatus status) {
        Remembered mine = written.get(peer.getMetadata().getUid());
        if (mine != null && mine.status() == status) {
            written.remove(peer.getMetadata().getUid(), mine);
        }
    }

    /** The stored status with another round, sharing everything else with it. */
    static WireGuardPeerStatus withRound(WireGuardPeerStatus stored, DiagnosisRound round) {
        WireGuardPeerStatus s = new WireGuardPeerStatus();
        s.setObservedGeneration(stored.getObservedGeneration());
        s.setConditions(stored.getConditions());
        s.setTargetNodes(stored.getTargetNodes());
        s.setLatestHandshakeTime(stored.getLatestHandshakeTime());
        s.setNodes(stored.getNodes());
        s.setRootCause(stored.getRootCause());
        s.setLastDiagnosisTime(stored.getLastDiagnosisTime());
        s.setDiagnosisRound(round);
        return s;
    }

    /** Forgets a deleted peer: its metric series, its remembered status and verdict. */
    public void forget(WireGuardPeer peer) {
        metrics.remove(PeerRefs.id(peer));
        decided.remove(peer.getMetadata().getUid());
        written.remove(peer.getMetadata().getUid());
        toldVerdict.remove(peer.getMetadata().getUid());
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
     * One Event per real transition of Ready: a stored verdict (status and reason, the root
     * cause) that differs from the last one told. DiagnosticPending is no verdict: the first
     * one and those inside a round record nothing, and a round that ends where it began
     * records nothing either. Repeats of one transition are counted on one Event by the recorder.
     */
    private void tellVerdict(WireGuardPeer peer, WireGuardPeerStatus stored) {
        String verdict = verdictOf(stored);
        if (verdict.isEmpty()) {
            return;
        }
        String told = toldVerdict.put(peer.getMetadata().getUid(), verdict);
        if (verdict.equals(told)) {
            return;
        }
        Condition ready = ConditionMerger.find(stored.getConditions(), ConditionType.READY);
        String note = ConditionType.READY.type() + "=" + ready.getStatus() + ": " + ready.getMessage();
        if (ConditionType.READY.isFailure(ready.getStatus())) {
            events.warning(peer, ready.getReason(), note);
        } else {
            events.normal(peer, ready.getReason(), note);
        }
    }

    /** Ready's status and reason, or "" while there is none or it is pending. */
    private static String verdictOf(WireGuardPeerStatus status) {
        Condition ready = status == null ? null : ConditionMerger.find(status.getConditions(), ConditionType.READY);
        return ready == null || PENDING.equals(ready.getReason()) ? "" : ready.getStatus() + "/" + ready.getReason();
    }

    private static final String PENDING = Reason.DiagnosticPending.name();
}
