/** The operator's foundations, shared by every part of it: configuration, spec validation, node placement, peer names, the clock, leader election. Depends on no other operator package. */
package io.wgfleet.operator;
