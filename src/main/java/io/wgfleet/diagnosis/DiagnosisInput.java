package io.wgfleet.diagnosis;

import java.time.Duration;
import java.time.Instant;

/**
 * Everything the engine needs to diagnose one peer on one node. The engine reads no clock:
 * {@code now} is the time of the verdict.
 *
 * @param peer        the declared peer
 * @param nodeName    the local node (the one hosting the peer's interface)
 * @param local       the local node's facts; null when no report exists yet
 * @param localFailure why the local diagnostic job failed or timed out; null when it did not
 * @param remote      the other end when it is in the fleet ({@code remotePeerRef}); null for a one-sided tunnel
 * @param now         the current time
 * @param staleAfter  a report collected longer ago than this is stale (DiagnosticPending)
 * @param observers   reports of further fleet nodes that hold a peer entry for the local interface's key or the
 *                    remote end's: how they see that end tells whether its NAT mapping varies by destination; may
 *                    be empty
 */
public record DiagnosisInput(
        DeclaredPeer peer,
        String nodeName,
        NodeFacts local,
        String localFailure,
        RemoteSide remote,
        Instant now,
        Duration staleAfter,
        java.util.List<NodeFacts> observers) {

    /** Used when {@code staleAfter} is null or not positive. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);

    public DiagnosisInput {
        staleAfter = staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()
                ? DEFAULT_STALE_AFTER : staleAfter;
        observers = Lists.clean(observers);
    }

    /** An input without further observers. */
    public DiagnosisInput(DeclaredPeer peer, String nodeName, NodeFacts local, String localFailure, RemoteSide remote,
                          Instant now, Duration staleAfter) {
        this(peer, nodeName, local, localFailure, remote, now, staleAfter, java.util.List.of());
    }

    /** A one-sided input: the remote end is outside the fleet. */
    public static DiagnosisInput oneSided(DeclaredPeer peer, String nodeName, NodeFacts local, Instant now,
                                          Duration staleAfter) {
        return new DiagnosisInput(peer, nodeName, local, null, null, now, staleAfter);
    }

    /** A copy with the given remote side. */
    public DiagnosisInput withRemote(RemoteSide r) {
        return new DiagnosisInput(peer, nodeName, local, localFailure, r, now, staleAfter, observers);
    }

    /** A copy with the given local failure text. */
    public DiagnosisInput withLocalFailure(String failure) {
        return new DiagnosisInput(peer, nodeName, local, failure, remote, now, staleAfter, observers);
    }

    /** A copy with the given further observers of the local node. */
    public DiagnosisInput withObservers(java.util.List<NodeFacts> facts) {
        return new DiagnosisInput(peer, nodeName, local, localFailure, remote, now, staleAfter, facts);
    }

    /**
     * The remote end of an in-fleet tunnel.
     *
     * @param peer     the remote WireGuardPeer's declaration (its publicKey should be our interface's key);
     *                 null when the reference dangles
     * @param nodeName the node hosting the remote interface; null when unknown
     * @param facts    that node's report; null when none yet
     * @param failure  why the remote node's diagnostic job failed; null when it did not
     */
    public record RemoteSide(DeclaredPeer peer, String nodeName, NodeFacts facts, String failure) {
    }
}
