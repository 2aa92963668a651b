package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The WireGuard rules of a declared peer, field by field: the one spec validator. The
 * engine reports its problems as {@link Reason#InvalidSpec}; the operator adds the
 * Kubernetes-only fields (placement, Secret and peer references, interval) around it.
 * Fields are named as in the WireGuardPeer resource ({@code spec.allowedIPs[1]}).
 *
 * @param problems        every wrong field, in field order; empty when valid
 * @param endpoint        the parsed endpoint; null when none is declared or it is malformed
 * @param allowedIPs      the well-formed AllowedIPs prefixes
 * @param allowedIPsValid false when an AllowedIPs entry is malformed (the running set cannot be compared)
 * @param probeAddress    the parsed probe address; null when none is declared or it is malformed
 */
public record SpecValidation(List<Problem> problems, Endpoint endpoint, List<IpPrefix> allowedIPs,
                             boolean allowedIPsValid, IpAddress probeAddress) {

    /** Linux interface names: at most 15 bytes, no slash or whitespace (the CRD's pattern, checked equal by a test). */
    public static final String INTERFACE_NAME_PATTERN = "^[A-Za-z0-9_.=+-]{1,15}$";
    private static final Pattern INTERFACE_NAME = Pattern.compile(INTERFACE_NAME_PATTERN);

    /** One wrong field: where, what value (null when it must not be echoed), and why. */
    public record Problem(String field, String value, String why) {
        @Override
        public String toString() {
            return value == null ? field + ": " + why : field + " '" + value + "': " + why;
        }
    }

    public SpecValidation {
        problems = List.copyOf(problems);
        allowedIPs = List.copyOf(allowedIPs);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** Checks every WireGuard field of the declared peer; never throws. */
    public static SpecValidation of(DeclaredPeer peer) {
        List<Problem> problems = new ArrayList<>();
        String ifName = peer.interfaceName();
        if (ifName == null || ifName.isEmpty()) {
            problems.add(new Problem("spec.interfaceName", null, "is required"));
        } else if (!INTERFACE_NAME.matcher(ifName).matches()) {
            problems.add(new Problem("spec.interfaceName", ifName,
                    "must be 1-15 characters of letters, digits and _.=+- (a Linux interface name)"));
        }

        String keyProblem = Keys.problem(peer.publicKey());
        if (keyProblem != null) {
            problems.add(new Problem("spec.publicKey", null, keyProblem));
        }

        Endpoint endpoint = null;
        if (peer.endpoint() != null && !peer.endpoint().isEmpty()) {
            try {
                endpoint = Endpoint.parse(peer.endpoint());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("spec.endpoint", peer.endpoint(), e.getMessage()));
            }
        }

        List<IpPrefix> prefixes = new ArrayList<>();
        boolean allowedValid = true;
        List<String> allowed = peer.allowedIPs();
        for (int i = 0; i < allowed.size(); i++) {
            String cidr = allowed.get(i);
            try {
                prefixes.add(parseCidr(cidr));
            } catch (IllegalArgumentException e) {
                allowedValid = false;
                problems.add(new Problem("spec.allowedIPs[" + i + "]", cidr, e.getMessage()));
            }
        }

        Integer keepalive = peer.persistentKeepalive();
        if (keepalive != null && (keepalive < 0 || keepalive > 65535)) {
            problems.add(new Problem("spec.persistentKeepalive", keepalive.toString(), "must be between 0 and 65535 seconds"));
        }

        IpAddress probeAddress = null;
        String probe = peer.probeAddress();
        if (probe != null && !probe.isEmpty()) {
            try {
                probeAddress = IpAddress.parse(probe);
                IpAddress a = probeAddress;
                if (allowedValid && prefixes.stream().noneMatch(p -> p.contains(a))) {
                    problems.add(new Problem("spec.probeAddress", probe,
                            "is not inside spec.allowedIPs, so WireGuard would not send it to this peer"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("spec.probeAddress", probe, e.getMessage()));
            }
        }
        return new SpecValidation(problems, endpoint, prefixes, allowedValid, probeAddress);
    }

    /** A CIDR with an explicit prefix length, as AllowedIPs are written. */
    static IpPrefix parseCidr(String cidr) {
        if (cidr == null || cidr.indexOf('/') < 0) {
            throw new IllegalArgumentException("is not a CIDR prefix (address/length, e.g. 10.0.0.0/24 or fd00::/64)");
        }
        return IpPrefix.parse(cidr);
    }
}
