package io.wgfleet.diagnosis;

/** Defaults for the absent values of hand-written or partial reports. */
final class Values {
    private Values() {
    }

    static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    static String orDefault(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
