package io.wgfleet.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.wgfleet.api.v1alpha1.WireGuardPeer;
import io.wgfleet.api.v1alpha1.WireGuardPeerStatus;
import io.wgfleet.operator.NodeTargets;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.cache.ClusterCache;
import io.wgfleet.operator.report.PeerDiagnoser;
import io.wgfleet.operator.round.PlannedRound;
import io.wgfleet.operator.round.RoundCoordinator;
import io.wgfleet.operator.publish.StatusPublisher;
import io.wgfleet.operator.status.PeerVerdict;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    /** While a round runs, look again this often even without events (a lost event must not leave it pending). */
    static final Duration ROUND_POLL = Duration.ofSeconds(15);

    private final Clock clock;
    private final ClusterCache cache;
    private final Prechecks prechecks;
    private final RoundCoordinator rounds;
    private final PeerDiagnoser diagnoser;
    private final StatusPublisher publisher;

    @Inject
    public WireGuardPeerReconciler(Clock clock, ClusterCache cache, Prechecks prechecks, RoundCoordinator rounds,
                                   PeerDiagnoser diagnoser, StatusPublisher publisher) {
        this.clock = clock;
        this.cache = cache;
        this.prechecks = prechecks;
        this.rounds = rounds;
        this.diagnoser = diagnoser;
        this.publisher = publisher;
    }

    @Override
    public List<EventSource<?, WireGuardPeer>> prepareEventSources(EventSourceContext<WireGuardPeer> context) {
        return cache.eventSources(context, rounds::waitingNodes);
    }

    @Override
    public UpdateControl<WireGuardPeer> reconcile(WireGuardPeer peer, Context<WireGuardPeer> context) {
        Instant now = clock.instant();
        WireGuardPeerStatus previous = publisher.previous(peer);
        List<Node> allNodes = cache.nodes();

        Prechecks.Placement placement = prechecks.check(peer, previous, allNodes);
        Diagnosed diagnosed = placement.stop() == null ? diagnose(peer, previous, placement.targetNodes(), allNodes, now) : null;
        PeerVerdict verdict = diagnosed == null ? placement.stop() : diagnosed.outcome().verdict();

        WireGuardPeerStatus next = StatusComposer.compose(peer, verdict, placement.targetNodes(), previous,
                diagnosed == null ? null : diagnosed.outcome(), diagnosed == null ? null : diagnosed.round(), now);
        boolean changed = publisher.publish(peer, previous, next, verdict.reason(),
                () -> context.getPrimaryCache().list().toList(), now);

        UpdateControl<WireGuardPeer> control;
        if (changed) {
            peer.setStatus(next);
            control = UpdateControl.patchStatus(peer);
        } else {
            control = UpdateControl.noUpdate();
        }
        Duration again = diagnosed == null ? null : nextLook(diagnosed, now);
        return again == null ? control : control.rescheduleAfter(again);
    }

    private record Diagnosed(PlannedRound round, Duration interval, PeerDiagnoser.Outcome outcome) {
    }

    /** Plans the round, asks for its Jobs, and diagnoses from whatever the nodes have reported for it. */
    private Diagnosed diagnose(WireGuardPeer peer, WireGuardPeerStatus previous, List<String> targetNodes, List<Node> allNodes,
                               Instant now) {
        Duration interval = SpecValidator.interval(peer.getSpec());
        Optional<WireGuardPeer> remote = cache.remotePeer(peer);
        List<String> remoteNodes = remote.map(r -> NodeTargets.resolve(r.getSpec(), allNodes)).orElse(List.of());
        List<String> roundNodes = new ArrayList<>(targetNodes);
        remoteNodes.stream().limit(1).forEach(roundNodes::add);

        PlannedRound round = rounds.begin(peer, previous, roundNodes, interval, now);
        PeerDiagnoser.Outcome outcome = diagnoser.diagnose(peer, targetNodes, remote.orElse(null), remoteNodes, round,
                n -> cache.report(n).orElse(null), n -> rounds.status(n, round.requestedAt()), now, rounds.staleAfter(interval));
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
