package io.wgfleet.agent.parse;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The one definition of a preshared-key fingerprint: {@code "psk:"} followed by the first
 * 16 hex digits (64 bits) of SHA-256 over the key's 32 decoded bytes.
 *
 * <p>Two ends compare fingerprints to tell whether their preshared keys are equal without
 * either key leaving the node. 64 bits make an accidental match of two different keys
 * negligible, and a fingerprint of a random 256-bit key reveals nothing usable about it.
 * The operator computes the same value from the Secret it references.
 */
public final class KeyFingerprint {

    public static final String PREFIX = "psk:";

    private KeyFingerprint() {
    }

    /**
     * @param base64Key the key as wg prints it
     * @throws IllegalArgumentException when it is not 32 bytes of base64; the message never quotes it
     */
    public static String of(String base64Key) {
        return of(base64Key, 0, base64Key.length());
    }

    /**
     * Fingerprints the key found at {@code text[start, end)} without ever making a String of it:
     * the parser hands over its input buffer, and the decoded bytes are zeroed after hashing.
     */
    public static String of(CharSequence text, int start, int end) {
        byte[] ascii = new byte[end - start];
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            ascii[i - start] = c < 128 ? (byte) c : (byte) '?';
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(ascii);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("preshared key is not valid base64");
        } finally {
            java.util.Arrays.fill(ascii, (byte) 0);
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("preshared key decodes to " + raw.length + " bytes, expected 32");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return PREFIX + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }
}
