package io.wgfleet.diagnosis;

import java.util.List;
import java.util.Set;

/**
 * A fault one check proved, with what the verdict needs from it.
 *
 * @param falsifies the conditions it makes False when it is the first of its kind
 * @param advisory  true when it is worth saying but causes nothing (a finding, never the root)
 */
record Fault(Reason reason, String message, List<String> evidence, List<String> remediation,
             Set<TunnelCondition> falsifies, boolean advisory) {
}
