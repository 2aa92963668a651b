package io.wgfleet.operator;

import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.DeclaredPeer;
import io.wgfleet.diagnosis.SpecValidation;
import io.wgfleet.diagnosis.SpecValidation.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a WireGuardPeer spec field by field. The CRD schema rejects most of this at
 * admission on a real cluster, but objects stored before a schema change, servers
 * without validation, and rules a schema cannot express (CIDR syntax, probe address
 * inside allowedIPs) still need a precise answer on the resource.
 *
 * <p>The WireGuard fields are the engine's rules ({@link SpecValidation}, the one
 * validator the engine applies too); this adapter adds the Kubernetes-only fields
 * (placement, Secret and peer references, the diagnosis interval) and lists every
 * problem in the spec's field order.
 */
public final class SpecValidator {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final Pattern DURATION = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$");
    /** The order problems are listed in: the order of the spec's fields. */
    private static final List<String> FIELD_ORDER = List.of("spec.interfaceName", "spec.nodeSelector", "spec.nodeName",
            "spec.publicKey", "spec.endpoint", "spec.allowedIPs", "spec.persistentKeepalive", "spec.presharedKeySecretRef",
            "spec.remotePeerRef", "spec.probeAddress", "spec.diagnosis");

    private SpecValidator() {
    }

    public static List<Problem> validate(WireGuardPeerSpec spec) {
        List<Problem> problems = new ArrayList<>();
        if (spec == null) {
            problems.add(new Problem("spec", null, "is missing"));
            return problems;
        }
        DeclaredPeer declared = new DeclaredPeer(null, spec.getInterfaceName(), spec.getPublicKey(), spec.getEndpoint(),
                spec.getAllowedIPs(), spec.getPersistentKeepalive(), spec.getPresharedKeySecretRef() != null,
                spec.getProbeAddress());
        problems.addAll(SpecValidation.of(declared).problems());

        boolean hasSelector = spec.getNodeSelector() != null && !spec.getNodeSelector().isEmpty();
        boolean hasNodeName = spec.getNodeName() != null && !spec.getNodeName().isEmpty();
        if (hasSelector == hasNodeName) {
            problems.add(new Problem("spec.nodeSelector/spec.nodeName", null,
                    hasSelector ? "set one of them, not both" : "one of them is required"));
        }
        if (hasSelector) {
            for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
                if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
                    problems.add(new Problem("spec.nodeSelector", e.getKey(), "is not a valid label key"));
                }
                if (e.getValue() == null || !LABEL_VALUE.matcher(e.getValue()).matches()) {
                    problems.add(new Problem("spec.nodeSelector[" + e.getKey() + "]", e.getValue(),
                            "is not a valid label value"));
                }
            }
        }

        if (spec.getPresharedKeySecretRef() != null
                && (spec.getPresharedKeySecretRef().getName() == null || spec.getPresharedKeySecretRef().getName().isEmpty())) {
            problems.add(new Problem("spec.presharedKeySecretRef.name", null, "is required when presharedKeySecretRef is set"));
        }
        if (spec.getRemotePeerRef() != null
                && (spec.getRemotePeerRef().getName() == null || spec.getRemotePeerRef().getName().isEmpty())) {
            problems.add(new Problem("spec.remotePeerRef.name", null, "is required when remotePeerRef is set"));
        }

        if (spec.getDiagnosis() != null && spec.getDiagnosis().getInterval() != null) {
            String interval = spec.getDiagnosis().getInterval();
            try {
                Duration d = parseInterval(interval);
                if (d.compareTo(MIN_INTERVAL) < 0) {
                    problems.add(new Problem("spec.diagnosis.interval", interval,
                            "must be at least 30s: each round provokes handshakes and waits one REKEY_TIMEOUT"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("spec.diagnosis.interval", interval, e.getMessage()));
            }
        }
        problems.sort(Comparator.comparingInt(SpecValidator::fieldRank)); // stable: one field's problems keep their order
        return problems;
    }

    private static int fieldRank(Problem p) {
        for (int i = 0; i < FIELD_ORDER.size(); i++) {
            if (p.field().startsWith(FIELD_ORDER.get(i))) {
                return i;
            }
        }
        return FIELD_ORDER.size();
    }

    /** The effective diagnosis interval of a spec whose interval already validated. */
    public static Duration interval(WireGuardPeerSpec spec) {
        String text = spec == null || spec.getDiagnosis() == null || spec.getDiagnosis().getInterval() == null
                ? DiagnosisSettings.DEFAULT_INTERVAL
                : spec.getDiagnosis().getInterval();
        return parseInterval(text);
    }

    /** Parses 30s, 5m, 1h30m (the subset of Go durations a person writes for an interval). */
    public static Duration parseInterval(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (text == null || text.isBlank() || !m.matches()) {
            throw new IllegalArgumentException("is not a duration such as 30s, 5m or 1h");
        }
        long seconds = 0;
        if (m.group(1) != null) {
            seconds += Long.parseLong(m.group(1)) * 3600;
        }
        if (m.group(2) != null) {
            seconds += Long.parseLong(m.group(2)) * 60;
        }
        if (m.group(3) != null) {
            seconds += Long.parseLong(m.group(3));
        }
        return Duration.ofSeconds(seconds);
    }
}
