/** Diagnostic Jobs as Kubernetes objects: building them, reading their state, creating them. Knows nothing of rounds. */
package io.wgfleet.operator.jobs;
