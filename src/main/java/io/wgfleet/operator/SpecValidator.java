package io.wgfleet.operator;

import io.wgfleet.api.v1alpha1.DiagnosisSettings;
import io.wgfleet.api.v1alpha1.WireGuardPeerSpec;
import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a WireGuardPeer spec field by field. The CRD schema rejects most of this at
 * admission on a real cluster, but objects stored before a schema change, servers
 * without validation, and rules a schema cannot express (CIDR syntax, probe address
 * inside allowedIPs) still need a precise answer on the resource.
 */
public final class SpecValidator {

    /** One wrong field: where, what value, and why. */
    public record Problem(String field, String value, String why) {
        @Override
        public String toString() {
            return value == null ? field + ": " + why : field + " '" + value + "': " + why;
        }
    }

    static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final Pattern INTERFACE_NAME = Pattern.compile(WireGuardPeerSpec.INTERFACE_NAME_PATTERN);
    private static final Pattern DURATION = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$");

    private SpecValidator() {
    }

    public static List<Problem> validate(WireGuardPeerSpec spec) {
        List<Problem> problems = new ArrayList<>();
        if (spec == null) {
            problems.add(new Problem("spec", null, "is missing"));
            return problems;
        }
        String ifName = spec.getInterfaceName();
        if (ifName == null || ifName.isEmpty()) {
            problems.add(new Problem("spec.interfaceName", null, "is required"));
        } else if (!INTERFACE_NAME.matcher(ifName).matches()) {
            problems.add(new Problem("spec.interfaceName", ifName,
                    "must be 1-15 characters of letters, digits and _.=+- (a Linux interface name)"));
        }

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

        validateKey("spec.publicKey", spec.getPublicKey(), problems);

        if (spec.getEndpoint() != null && !spec.getEndpoint().isEmpty()) {
            try {
                Endpoint.parse(spec.getEndpoint());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("spec.endpoint", spec.getEndpoint(), e.getMessage()));
            }
        }

        List<IpPrefix> prefixes = new ArrayList<>();
        List<String> allowed = spec.getAllowedIPs();
        if (allowed != null) {
            for (int i = 0; i < allowed.size(); i++) {
                String cidr = allowed.get(i);
                try {
                    prefixes.add(parseCidr(cidr));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem("spec.allowedIPs[" + i + "]", cidr, e.getMessage()));
                }
            }
        }

        Integer keepalive = spec.getPersistentKeepalive();
        if (keepalive != null && (keepalive < 0 || keepalive > 65535)) {
            problems.add(new Problem("spec.persistentKeepalive", keepalive.toString(), "must be between 0 and 65535 seconds"));
        }

        if (spec.getPresharedKeySecretRef() != null
                && (spec.getPresharedKeySecretRef().getName() == null || spec.getPresharedKeySecretRef().getName().isEmpty())) {
            problems.add(new Problem("spec.presharedKeySecretRef.name", null, "is required when presharedKeySecretRef is set"));
        }
        if (spec.getRemotePeerRef() != null
                && (spec.getRemotePeerRef().getName() == null || spec.getRemotePeerRef().getName().isEmpty())) {
            problems.add(new Problem("spec.remotePeerRef.name", null, "is required when remotePeerRef is set"));
        }

        String probe = spec.getProbeAddress();
        if (probe != null && !probe.isEmpty()) {
            try {
                IpAddress a = IpAddress.parse(probe);
                if (problems.stream().noneMatch(p -> p.field().startsWith("spec.allowedIPs"))
                        && prefixes.stream().noneMatch(p -> p.contains(a))) {
                    problems.add(new Problem("spec.probeAddress", probe,
                            "is not inside spec.allowedIPs, so WireGuard would not send it to this peer"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("spec.probeAddress", probe, e.getMessage()));
            }
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
        return problems;
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

    /** A CIDR with an explicit prefix length, as AllowedIPs are written. */
    static IpPrefix parseCidr(String cidr) {
        if (cidr == null || cidr.indexOf('/') < 0) {
            throw new IllegalArgumentException("is not a CIDR prefix (address/length, e.g. 10.0.0.0/24 or fd00::/64)");
        }
        return IpPrefix.parse(cidr);
    }

    /**
     * The value is never echoed: a private key pasted into the wrong field must not end
     * up in a condition message or an Event.
     */
    private static void validateKey(String field, String key, List<Problem> problems) {
        if (key == null || key.isEmpty()) {
            problems.add(new Problem(field, null, "is required"));
            return;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(field, null, "is not base64 (" + key.length() + " characters)"));
            return;
        }
        if (raw.length != 32 || key.length() != 44) {
            problems.add(new Problem(field, null, "must be a 32-byte key in base64 (44 characters ending in '='), got "
                    + raw.length + " bytes in " + key.length() + " characters"));
        }
    }
}
