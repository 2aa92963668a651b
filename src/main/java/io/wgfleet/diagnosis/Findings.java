package io.wgfleet.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What the checks of one evaluation proved so far, in check order. It is the only state the
 * checks share: a check that depends on an earlier layer asks here, by reason.
 */
final class Findings {
    private final List<Fault> faults = new ArrayList<>();

    void add(Reason reason, String message, List<String> evidence, List<String> remediation,
             Set<TunnelCondition> falsifies) {
        faults.add(new Fault(reason, message, evidence, remediation, falsifies, false));
    }

    void add(Fault fault) {
        faults.add(fault);
    }

    /** True when a fault (or advisory) with this reason was recorded. */
    boolean has(Reason reason) {
        for (Fault f : faults) {
            if (f.reason() == reason) {
                return true;
            }
        }
        return false;
    }

    /** True when a non-advisory fault declared before {@code reason} was proven, spec problems aside. */
    boolean hasCauseBefore(Reason reason) {
        for (Fault f : faults) {
            if (!f.advisory() && f.reason().ordinal() < reason.ordinal() && f.reason().layer() != Reason.Layer.SPEC) {
                return true;
            }
        }
        return false;
    }

    /** The root cause: the non-advisory fault declared first in {@link Reason}; null when none. */
    Fault root() {
        return firstMatching(null);
    }

    /** The first non-advisory fault in layer order that makes this condition False; null when none. */
    Fault firstFalsifying(TunnelCondition condition) {
        return firstMatching(condition);
    }

    private Fault firstMatching(TunnelCondition condition) {
        Fault best = null;
        for (Fault f : faults) {
            if (!f.advisory() && (condition == null || f.falsifies().contains(condition))
                    && (best == null || f.reason().ordinal() < best.reason().ordinal())) {
                best = f;
            }
        }
        return best;
    }

    /** Every fault but the root, in layer order (equal reasons keep check order). */
    List<Finding> besides(Fault root) {
        List<Fault> rest = new ArrayList<>();
        for (Fault f : faults) {
            if (f != root) {
                rest.add(f);
            }
        }
        rest.sort(Comparator.comparingInt(f -> f.reason().ordinal())); // stable
        List<Finding> out = new ArrayList<>(rest.size());
        for (Fault f : rest) {
            out.add(new Finding(f.reason(), f.message()));
        }
        return out;
    }
}
