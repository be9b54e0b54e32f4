package streamkmeans.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one compact JSON object into a growable byte buffer that is reused from record to
 * record, with the bytes Jackson's UTF-8 generator writes for the same calls (what {@link Json}
 * uses): strings escaped as Jackson does ({@code \"}, {@code \\}, {@code \b \t \n \f \r}; other
 * control characters and each UTF-16 surrogate as a backslash-u escape with four upper-case hex
 * digits; the rest raw UTF-8), integers in plain decimal, finite floats as {@link FloatText}: the
 * layout of {@link Float#toString(float)} with the shortest digits that read back as the float, which
 * Java 17's Float.toString (and so Jackson) gives for most floats but not all (one more digit, or
 * a different last digit, for about one float in ten; same value read back). For the hot per-point
 * outputs, where a Jackson generator per record costs more than the writing itself. O(bytes
 * written) per field, no allocation but the result's copy.
 *
 * <p>Use: {@link #begin()}, then fields in order, then {@link #end()}. Not thread-safe: one per
 * thread ({@link #local()}).
 */
final class CompactJsonWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    /** ASCII written as is: 0x20..0x7F but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[0x80];
    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];
    private static final long[] POW10 = new long[19];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = 10 * POW10[i - 1];
        }
    }

    private static final ThreadLocal<CompactJsonWriter> LOCAL = ThreadLocal.withInitial(CompactJsonWriter::new);

    private byte[] buf = new byte[256];
    private int len;
    private boolean first;

    /** This thread's writer. */
    static CompactJsonWriter local() {
        return LOCAL.get();
    }

    /**
     * A field name as the bytes written before its value: {@code "name":}. Names are constants of
     * the callers, plain ASCII without characters to escape.
     */
    static byte[] name(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                throw new IllegalArgumentException("field name needs escaping: " + name);
            }
        }
        return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Starts a new object, discarding what was written before. */
    CompactJsonWriter begin() {
        len = 0;
        first = true;
        put((byte) '{');
        return this;
    }

    /** Ends the object and returns its bytes (a copy; the writer is free for the next object). */
    byte[] end() {
        put((byte) '}');
        return Arrays.copyOf(buf, len);
    }

    /** A string field, {@code null} when {@code value} is. */
    CompactJsonWriter field(byte[] name, String value) {
        fieldName(name);
        if (value == null) {
            put(NULL);
        } else {
            string(value);
        }
        return this;
    }

    /** A number field. */
    CompactJsonWriter field(byte[] name, long value) {
        fieldName(name);
        number(value);
        return this;
    }

    /** A number field, {@code null} when {@code value} is. */
    CompactJsonWriter field(byte[] name, Long value) {
        return value == null ? nullField(name) : field(name, value.longValue());
    }

    /**
     * A float field as {@link FloatText} writes it, {@code null} when {@code value} is; NaN and the
     * infinities (which callers refuse before) as Float.toString's {@code NaN}, {@code Infinity}.
     */
    CompactJsonWriter field(byte[] name, Float value) {
        if (value == null) {
            return nullField(name);
        }
        fieldName(name);
        float v = value;
        if (Float.isFinite(v)) {
            ensure(FloatText.MAX_LENGTH);
            len = FloatText.write(v, buf, len);
        } else {
            put(Float.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        return this;
    }

    private CompactJsonWriter nullField(byte[] name) {
        fieldName(name);
        put(NULL);
        return this;
    }

    private void fieldName(byte[] name) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        put(name);
    }

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            put(MIN_LONG);
            return;
        }
        ensure(20);
        byte[] b = buf;
        int n = len;
        if (v < 0) {
            b[n++] = '-';
            v = -v;
        }
        int end = n + digitCount(v);
        int i = end;
        // Two digits per division; epoch milliseconds have 13.
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - 100 * q);
            b[--i] = DIGIT_ONES[r];
            b[--i] = DIGIT_TENS[r];
            v = q;
        }
        if (v >= 10) {
            b[--i] = DIGIT_ONES[(int) v];
            b[--i] = DIGIT_TENS[(int) v];
        } else {
            b[--i] = (byte) ('0' + v);
        }
        len = end;
    }

    /** Decimal digits of v &gt;= 0. */
    private static int digitCount(long v) {
        int n = 1;
        while (n < POW10.length && v >= POW10[n]) {
            n++;
        }
        return n;
    }

    private void string(String s) {
        int chars = s.length();
        // Worst case per char: a six-byte escape; one capacity check for the whole string.
        ensure(2 + 6 * chars);
        byte[] b = buf;
        int n = len;
        b[n++] = '"';
        int i = 0;
        // Fast loop: printable ASCII that needs no escape, the usual keys and ids.
        for (; i < chars; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || !PLAIN[c]) {
                break;
            }
            b[n++] = (byte) c;
        }
        for (; i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (PLAIN[c]) {
                    b[n++] = (byte) c;
                } else {
                    n = escapeAscii(b, n, c);
                }
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                n = unicodeEscape(b, n, c);
            } else {
                b[n++] = (byte) (0xE0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[n++] = '"';
        len = n;
    }

    private static int escapeAscii(byte[] b, int n, char c) {
        char named = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (named == 0) {
            return unicodeEscape(b, n, c);
        }
        b[n++] = '\\';
        b[n++] = (byte) named;
        return n;
    }

    private static int unicodeEscape(byte[] b, int n, char c) {
        b[n++] = '\\';
        b[n++] = 'u';
        b[n++] = HEX[(c >> 12) & 0xF];
        b[n++] = HEX[(c >> 8) & 0xF];
        b[n++] = HEX[(c >> 4) & 0xF];
        b[n++] = HEX[c & 0xF];
        return n;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, len + more));
        }
    }
}
