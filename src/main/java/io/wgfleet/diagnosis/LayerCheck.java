package io.wgfleet.diagnosis;

/**
 * One layer of the field guide (docs/reasons.md): looks at the tunnel and records every
 * fault it proves. A check that depends on an earlier layer asks {@code found} for it.
 */
interface LayerCheck {
    void check(Tunnel t, Findings found);
}
