package io.wgfleet.diagnosis;

import java.util.regex.Pattern;

/** Public-key helpers. Only public keys pass through here, and messages show 8 characters at most. */
final class Keys {
    /** 32 bytes in base64: 43 characters and one '=', the last character carrying only 4 bits. */
    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$");

    private Keys() {
    }

    static boolean valid(String key) {
        return key != null && key.length() == 44 && KEY.matcher(key).matches();
    }

    /** The first 8 characters and an ellipsis: enough to recognise a public key, never the whole key. */
    static String prefix(String key) {
        if (key == null || key.isEmpty()) {
            return "(none)";
        }
        return key.length() <= 8 ? key : key.substring(0, 8) + "…";
    }
}
