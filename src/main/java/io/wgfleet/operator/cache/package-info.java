/** The informers the reconciler watches besides its peers, which of their events reconcile which peers, and the reads over their caches. */
package io.wgfleet.operator.cache;
