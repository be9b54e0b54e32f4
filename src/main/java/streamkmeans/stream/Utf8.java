package streamkmeans.stream;

/** Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The index of the first byte of the first invalid or incomplete sequence in
     * {@code bytes[from, to)}, or -1 when the range is valid UTF-8. O(n), one pass.
     */
    static int firstInvalid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            int need;
            int lo = 0x80;
            int hi = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                need = 1;
            } else if (b >= 0xe0 && b <= 0xef) {
                need = 2;
                if (b == 0xe0) {
                    lo = 0xa0; // overlong
                } else if (b == 0xed) {
                    hi = 0x9f; // UTF-16 surrogates
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                need = 3;
                if (b == 0xf0) {
                    lo = 0x90; // overlong
                } else if (b == 0xf4) {
                    hi = 0x8f; // above U+10FFFF
                }
            } else {
                return i;
            }
            if (i + need >= to) {
                return i;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < lo || second > hi) {
                return i;
            }
            for (int j = 2; j <= need; j++) {
                if ((bytes[i + j] & 0xc0) != 0x80) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    /**
     * The length of the longest prefix of the valid UTF-8 range {@code bytes[from, to)} that has
     * at most {@code maxBytes} bytes and does not cut a multi-byte sequence. O(1): looks back at
     * most three bytes.
     */
    static int prefixLength(byte[] bytes, int from, int to, int maxBytes) {
        if (to - from <= maxBytes) {
            return to - from;
        }
        int cut = from + maxBytes;
        // Step back over continuation bytes to the start of the sequence that straddles the cut.
        int i = cut;
        while (i > from && cut - i < 3 && (bytes[i] & 0xc0) == 0x80) {
            i--;
        }
        return (bytes[i] & 0xc0) == 0x80 ? maxBytes : i - from;
    }
}
