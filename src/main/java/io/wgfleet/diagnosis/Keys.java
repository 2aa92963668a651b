package io.wgfleet.diagnosis;

import java.util.Base64;

/**
 * The one place that says what a WireGuard public key looks like and how it is shown.
 * Only public keys pass through here; messages, metrics and logs show a prefix, never
 * the whole key.
 */
public final class Keys {
    /** How many leading characters identify a key in messages, metric labels and logs. */
    public static final int PREFIX_LENGTH = 8;

    private Keys() {
    }

    /** True for a 32-byte key in base64 (44 characters ending in '='). */
    public static boolean valid(String key) {
        return problem(key) == null;
    }

    /**
     * Why the text is not a public key, or null when it is one. The value is never echoed:
     * a private key pasted into the wrong field must not end up in a message.
     */
    public static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "is required";
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            return "is not base64 (" + key.length() + " characters)";
        }
        if (raw.length != 32 || key.length() != 44) {
            return "must be a 32-byte key in base64 (44 characters ending in '='), got "
                    + raw.length + " bytes in " + key.length() + " characters";
        }
        return null;
    }

    /** The first 8 characters and an ellipsis: enough to recognise a public key, never the whole key. */
    public static String prefix(String key) {
        if (key == null || key.isEmpty()) {
            return "(none)";
        }
        return key.length() <= PREFIX_LENGTH ? key : key.substring(0, PREFIX_LENGTH) + "…";
    }
}
