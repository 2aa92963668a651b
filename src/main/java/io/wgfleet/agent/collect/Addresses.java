package io.wgfleet.agent.collect;

import io.wgfleet.diagnosis.net.IpAddress;
import io.wgfleet.diagnosis.net.IpPrefix;

/** Address arithmetic the collectors share. */
final class Addresses {

    private Addresses() {
    }

    /**
     * The address that stands for a prefix in a route lookup or a provoking ping: the first host
     * (network + 1) of a subnet, the address itself for /32, /128, /31 and /127. Null for a
     * default route (/0): no single address stands for "everything".
     */
    static String firstHost(IpPrefix p) {
        int max = p.ipv6() ? 128 : 32;
        if (p.length() == 0) {
            return null;
        }
        if (p.length() >= max - 1) {
            return p.network().toString();
        }
        long lo = p.lo() + 1;
        long hi = p.hi() + (lo == 0 ? 1 : 0);
        return new IpAddress(p.ipv6(), hi, p.ipv6() ? lo : lo & 0xFFFF_FFFFL).toString();
    }

    /** The address part of an endpoint as wg prints it (1.2.3.4:51820 or [2001:db8::1]:51820). */
    static String endpointAddress(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        if (endpoint.startsWith("[")) {
            return endpoint.substring(1, endpoint.indexOf(']'));
        }
        int colon = endpoint.lastIndexOf(':');
        return colon < 0 ? endpoint : endpoint.substring(0, colon);
    }
}
