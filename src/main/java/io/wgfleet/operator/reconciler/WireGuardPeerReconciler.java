package io.wgfleet.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.api.v1alpha1.DiagnosisRound;
import io.wgfleet.diagnosis.Reason;
import io.wgfleet.operator.status.ConditionMerger;
import io.wgfleet.operator.status.ConditionType;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.cache.ClusterCache;
import io.wgfleet.operator.report.PeerDiagnoser;
import io.wgfleet.operator.report.RemoteEnd;
import io.wgfleet.operator.round.PlannedRound;
import io.wgfleet.operator.round.RoundCoordinator;
import io.wgfleet.operator.publish.StatusPublisher;
import io.wgfleet.operator.publish.StatusWriter;
import io.wgfleet.operator.status.PeerVerdict;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a WireGuardPeer into standard conditions: prechecks (spec, fleet conflicts,
 * placement), then a diagnosis round (one Job per node per round), then the engine's
 * verdict from the node reports, then the status, its metrics and Events. Writes status
 * only when it differs and never touches the spec.
 */
// Not generation-aware: the wgfleet.io/diagnose annotation changes no generation but must
// start a round. The periodic resync also catches cases no event maps back (a peer that
// moved to another interface leaves its old neighbours' conflicts to be re-evaluated).
@ControllerConfiguration(name = WireGuardPeerReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class WireGuardPeerReconciler implements Reconciler<WireGuardPeer> {

    public static final String NAME = "wireguardpeer";
    /**
     * While a round runs, look again this often even without events (a lost event must not
     * leave it pending). Each look costs a reconcile per waiting peer, so not more often; and
     * below the round queue's 60 s, after which a batch nobody asked for again is dropped.
     */
    static final Duration ROUND_POLL = Duration.ofSeconds(45);

    private final Clock clock;
    private final ClusterCache cache;
    private final Prechecks prechecks;
    private final RoundCoordinator rounds;
    private final RemoteEnds remoteEnds;
    private final PeerDiagnoser diagnoser;
    private final StatusPublisher publisher;
    private final StatusWriter writer;

    @Inject
    public WireGuardPeerReconciler(Clock clock, ClusterCache cache, Prechecks prechecks, RoundCoordinator rounds,
                                   RemoteEnds remoteEnds, PeerDiagnoser diagnoser, StatusPublisher publisher,
                                   StatusWriter writer) {
        this.clock = clock;
        this.cache = cache;
        this.prechecks = prechecks;
        this.rounds = rounds;
        this.remoteEnds = remoteEnds;
        this.diagnoser = diagnoser;
        this.publisher = publisher;
        this.writer = writer;
    }

    @Override
    public List<EventSource<?, WireGuardPeer>> prepareEventSources(EventSourceContext<WireGuardPeer> context) {
        return cache.eventSources(context, publisher::forget);
    }

    @Override
    public UpdateControl<WireGuardPeer> reconcile(WireGuardPeer peer, Context<WireGuardPeer> context) {
        Instant now = clock.instant();
        WireGuardPeerStatus previous = publisher.previous(peer);

        Prechecks.Placement placement = prechecks.check(peer, previous);
        Diagnosed diagnosed = placement.stop() == null ? diagnose(peer, previous, placement.targetNodes(), now) : null;
        PeerVerdict verdict = diagnosed == null ? placement.stop() : diagnosed.outcome().verdict();

        WireGuardPeerStatus next = StatusComposer.compose(peer, verdict, placement.targetNodes(), previous,
                diagnosed == null ? null : diagnosed.outcome(), diagnosed == null ? null : diagnosed.round(), now);
        boolean changed = publisher.publish(peer, next, verdict.reason(), diagnosed != null && interim(previous, next, diagnosed), now);

        if (changed) {
            try {
                // written whole, not as JOSDK's difference from the cached peer (see StatusWriter)
                writer.write(peer, next);
                publisher.written(peer, next);
            } catch (RuntimeException e) {
                // JOSDK retries the reconcile, which must write again
                publisher.notWritten(peer, next);
                throw e;
            }
        }
        UpdateControl<WireGuardPeer> control = UpdateControl.noUpdate();
        Duration again = diagnosed == null ? null : nextLook(diagnosed, now);
        return again == null ? control : control.rescheduleAfter(again);
    }

    private record Diagnosed(PlannedRound round, Duration interval, PeerDiagnoser.Outcome outcome) {
    }

    /**
     * Whether the status is a state inside a round that is not written, as long as Ready stays
     * as it was: anything while a round runs once its start is stored (or decided), and the
     * whole of a re-check (interval, on-demand) of a verdict that stands meanwhile. The
     * verdict at the round's end is written.
     */
    static boolean interim(WireGuardPeerStatus stored, WireGuardPeerStatus next, Diagnosed diagnosed) {
        // a verdict that changed (also inside a round, when its old evidence went stale) is written
        Condition was = stored == null ? null : ConditionMerger.find(stored.getConditions(), ConditionType.READY);
        Condition now = ConditionMerger.find(next.getConditions(), ConditionType.READY);
        if (was == null || now == null || !java.util.Objects.equals(was.getStatus(), now.getStatus())
                || !java.util.Objects.equals(was.getReason(), now.getReason())) {
            return false;
        }
        PlannedRound round = diagnosed.round();
        DiagnosisRound storedRound = stored.getDiagnosisRound();
        boolean sameRound = storedRound != null && round.requestedAt().toString().equals(storedRound.getRequestedAt());
        if (diagnosed.outcome().roundInProgress() == null) {
            return false;
        }
        return sameRound || round.acceptsEarlierEvidence();
    }

    /**
     * Plans the round, asks for its Jobs, and diagnoses from whatever the nodes have reported
     * for it. The remote end's node joins the round when the remote end is in the fleet.
     */
    private Diagnosed diagnose(WireGuardPeer peer, WireGuardPeerStatus previous, List<String> targetNodes, Instant now) {
        Duration interval = SpecValidator.interval(peer.getSpec());
        RemoteEnd remote = remoteEnds.of(peer, targetNodes);
        List<String> roundNodes = new ArrayList<>(targetNodes);
        if (remote.inFleet() && !roundNodes.contains(remote.node())) {
            roundNodes.add(remote.node());
        }

        PlannedRound round = rounds.begin(peer, previous, roundNodes, interval, now);
        PeerDiagnoser.Outcome outcome = diagnoser.diagnose(peer, targetNodes, remote, round,
                n -> cache.report(n).orElse(null), n -> rounds.status(n, round.requestedAt()), cache::nodesWithPeer, now,
                rounds.staleAfter(interval));
        return new Diagnosed(round, interval, outcome);
    }

    private static Duration nextLook(Diagnosed diagnosed, Instant now) {
        if (diagnosed.outcome().roundInProgress() != null) {
            return ROUND_POLL;
        }
        Duration untilNext = Duration.between(now, diagnosed.round().requestedAt().plus(diagnosed.interval()));
        return untilNext.isNegative() || untilNext.isZero() ? Duration.ofSeconds(1) : untilNext;
    }
}
