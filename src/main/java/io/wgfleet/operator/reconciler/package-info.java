/** The WireGuardPeer reconciler, top-down: prechecks, round, diagnosis, status; and the verdicts of the prechecks. */
package io.wgfleet.operator.reconciler;
