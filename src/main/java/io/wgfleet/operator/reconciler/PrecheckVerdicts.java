package io.wgfleet.operator.reconciler;

import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.Reason;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.operator.SpecValidator;
import io.wgfleet.operator.status.PeerVerdict;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The verdicts of the prechecks, reached before any node evidence is needed. */
final class PrecheckVerdicts {

    // one catalogue of reasons: the engine's
    static final String INVALID_SPEC = Reason.InvalidSpec.name();
    static final String NO_MATCHING_NODES = Reason.NoMatchingNodes.name();
    static final String DIAGNOSTIC_FAILED = Reason.DiagnosticFailed.name();
    static final String DUPLICATE_PUBLIC_KEY = Reason.DuplicatePublicKey.name();
    static final String ALLOWED_IPS_OVERLAP = Reason.AllowedIPsOverlap.name();

    private PrecheckVerdicts() {
    }

    static PeerVerdict invalidSpec(List<SpecValidation.Problem> problems) {
        List<String> evidence = problems.stream().map(SpecValidation.Problem::toString).toList();
        String message = "Invalid spec: " + String.join("; ", evidence) + ".";
        List<String> remediation = problems.stream()
                .map(p -> "Correct " + p.field() + " (" + p.why() + ") and apply the peer again.")
                .distinct()
                .toList();
        return PeerVerdict.stalled(INVALID_SPEC, message, evidence, remediation);
    }

    static PeerVerdict noMatchingNodes(WireGuardPeerSpec spec) {
        String wanted = spec.getNodeName() != null && !spec.getNodeName().isEmpty()
                ? "named '" + spec.getNodeName() + "'"
                : "with labels " + new TreeMap<>(spec.getNodeSelector()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        String message = "No node " + wanted + " exists, so no node can host interface " + spec.getInterfaceName() + ".";
        return PeerVerdict.stalled(NO_MATCHING_NODES, message,
                List.of("nodes " + wanted + ": none"),
                List.of("Check the node name or selector: kubectl get nodes --show-labels.",
                        "Label the node that runs " + spec.getInterfaceName() + ", e.g. kubectl label node NODE "
                                + selectorExample(spec.getNodeSelector()) + "."));
    }

    private static String selectorExample(Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return "KEY=VALUE";
        }
        return new TreeMap<>(selector).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** The node that hosted the peer was deleted while its round ran: say so, do not guess. */
    static PeerVerdict nodeDeleted(String detail) {
        String message = "Diagnosis failed: " + detail + ". No node hosts this peer any more.";
        return PeerVerdict.unknown(DIAGNOSTIC_FAILED, message, false, List.of(detail),
                List.of("If the node was replaced, check that the new node carries the labels of spec.nodeSelector (kubectl get nodes --show-labels).",
                        "If the interface moved to another node, update spec.nodeName or spec.nodeSelector."));
    }
}
