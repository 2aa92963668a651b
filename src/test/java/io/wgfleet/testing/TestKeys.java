package io.wgfleet.testing;

import java.security.SecureRandom;
import java.util.Base64;

/** Throw-away keys generated for each test run; no key in a test is anyone's real key. */
public final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    /** 32 random bytes in base64: shaped like a WireGuard public key. */
    public static String key() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
