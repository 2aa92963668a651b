package io.wgfleet.operator.cache;

import io.wgfleet.diagnosis.net.Endpoint;
import io.wgfleet.diagnosis.net.IpAddress;

/** Addresses in one canonical text form, so a Node's, a report's and an endpoint's compare equal. */
public final class Addresses {

    private Addresses() {
    }

    /** An address, or an address with a prefix length, as canonical text; null when it is not one. */
    public static String canonical(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        int slash = text.indexOf('/');
        try {
            return IpAddress.parse((slash < 0 ? text : text.substring(0, slash)).trim()).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The endpoint's address when its host is an IP literal; null for a DNS name or a malformed endpoint. */
    public static String ofEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return null;
        }
        try {
            IpAddress a = Endpoint.parse(endpoint).address();
            return a == null ? null : a.toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
