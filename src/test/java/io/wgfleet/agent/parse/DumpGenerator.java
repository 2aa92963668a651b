package io.wgfleet.agent.parse;

import java.util.Base64;

/** Synthetic but well-formed {@code wg show all dump} text for size tests and benchmarks. */
public final class DumpGenerator {

    private DumpGenerator() {
    }

    /** A deterministic 32-byte key in base64, distinct per seed (public keys only: never a secret). */
    public static String key(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (seed >>> (i % 24)));
        }
        return Base64.getEncoder().encodeToString(b);
    }

    /** interfaces wg0.., each with the given number of peers at 10.x.y.0/32 style addresses. */
    public static String dump(int interfaces, int peersEach) {
        StringBuilder sb = new StringBuilder(interfaces * (peersEach + 1) * 150);
        int n = 0;
        for (int i = 0; i < interfaces; i++) {
            String ifn = "wg" + i;
            sb.append(ifn).append('\t').append("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").append('\t')
                    .append(key(-1 - i)).append('\t').append(51820 + i).append("\toff\n");
            for (int p = 0; p < peersEach; p++, n++) {
                sb.append(ifn).append('\t').append(key(n)).append("\t(none)\t")
                        .append("198.51.").append((n >> 8) & 0xFF).append('.').append(n & 0xFF).append(":51820\t")
                        .append("10.").append((n >> 16) & 0xFF).append('.').append((n >> 8) & 0xFF).append('.').append(n & 0xFF)
                        .append("/32\t").append(n % 3 == 0 ? 0 : 1_700_000_000L + n).append('\t')
                        .append(n * 92L).append('\t').append(n * 148L).append('\t').append(n % 2 == 0 ? "off" : "25").append('\n');
            }
        }
        return sb.toString();
    }
}
