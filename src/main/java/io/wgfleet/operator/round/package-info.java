/** Diagnosis rounds: which round a peer needs, the queue of rounds waiting for Jobs, each node's round state, and the coordinator that ties them to the Job launcher. */
package io.wgfleet.operator.round;
