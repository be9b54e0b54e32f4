package streamkmeans.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link PointParser} for JSON: reads the common well-formed point record
 * straight from its bytes, without Jackson, without a separate UTF-8 pass and without a String
 * for any field name. It reads only records whose meaning is plain, and answers null for
 * anything else, so that the full parser decides every unusual or bad record: the point it
 * returns is always exactly the one the full parser would return.
 *
 * <p>It accepts one object, surrounded and spaced by JSON whitespace (space, tab, CR, LF), with
 * the fields {@code key}, {@code id}, {@code ts} and {@code features}, each at most once and
 * spelled without escapes (any other field: null):
 * <ul>
 * <li>{@code key}: a string of 1 to {@code maxKeyLength} printable ASCII characters (0x20 to 0x7E)
 *     with no escape, or null;</li>
 * <li>{@code id}: such a string of 0 to {@code maxIdLength} characters, or an integer
 *     {@code -?(0|[1-9][0-9]*)} of at most {@code maxIdLength} characters (its text is the id),
 *     or null;</li>
 * <li>{@code ts}: an integer {@code 0|[1-9][0-9]*} of at most 18 digits, at most
 *     {@code maxTimestamp}, or null;</li>
 * <li>{@code features}: an array of 1 to {@code maxFeatures} JSON numbers, each one whose
 *     float32 value the method below finds exactly.</li>
 * </ul>
 * Such a record is all ASCII, hence valid UTF-8.
 *
 * <p>Numbers: the significant digits (at most 19) go into a long m and the decimal exponent
 * into e. When m &lt; 2<sup>53</sup> and |e| &le; 22, both m and 10<sup>|e|</sup> are exact
 * doubles, so one multiplication or division gives the correctly rounded double d of the
 * decimal (Clinger's fast path). Every midpoint between two normal floats is a double, and
 * rounding is monotone, so casting d to float rounds the decimal correctly unless d is itself
 * such a midpoint: the low 29 bits of its significand are then exactly 1 followed by 28 zeros,
 * and the scanner gives up. It also gives up on values outside the normal float range (those
 * rounding to a subnormal, zero or infinity). Zero is ±0 with its sign.
 *
 * <p>Cost: O(record bytes), one pass. Allocates only the point, its features array (exact
 * length, copied from a reused scratch array) and its id; the key's String is reused while
 * consecutive records carry the same key bytes (so its cached hash is too).
 *
 * <p>Not thread-safe: it reuses scratch state, like the parser that owns it.
 */
final class JsonPointScanner {

    private static final int KEY = 1;
    private static final int ID = 2;
    private static final int TS = 4;
    private static final int FEATURES = 8;

    /** 10^0 to 10^22: the powers of ten that are exact doubles. */
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    /** At most 19 decimal digits fit an unsigned long. */
    private static final int MAX_SIGNIFICANT_DIGITS = 19;
    /** 18 digits cannot overflow a long. */
    private static final int MAX_TIMESTAMP_DIGITS = 18;
    /** The 29 significand bits a double has beyond a float's 24. */
    private static final long BELOW_FLOAT = (1L << 29) - 1;
    private static final long FLOAT_MIDPOINT = 1L << 28;
    /** Exponent digits beyond this are still read but no longer added up (the number gives up anyway). */
    private static final int EXPONENT_CAP = 100_000;

    private final ParserLimits limits;
    private float[] scratch = new float[16];
    private byte[] lastKeyBytes = new byte[16];
    private int lastKeyLength = -1;
    private String lastKey;
    /** Where the token read last ends (exclusive); set by the readers below. */
    private int end;

    /**
     * A scanner for records within {@code limits} (record size checked by the caller).
     *
     * @param limits the parser's limits: features, key and id lengths, latest timestamp
     */
    JsonPointScanner(ParserLimits limits) {
        this.limits = limits;
    }

    /**
     * The point in a plain well-formed record, or null when the record is anything else (then the
     * full parser must read it). O(v.length).
     *
     * @param v the record bytes, not empty
     * @param topic the Kafka topic, kept in the point
     * @param partition the Kafka partition
     * @param offset the Kafka offset
     * @return the point, exactly as the full parser would read it, or null
     */
    Point scan(byte[] v, String topic, int partition, long offset) {
        final int n = v.length;
        int i = skipSpace(v, 0, n);
        if (i == n || v[i] != '{') {
            return null;
        }
        int keyStart = -1;
        int keyLength = 0;
        int idStart = -1;
        int idLength = 0;
        long ts = Point.NO_TIMESTAMP;
        int count = 0;
        int seen = 0;
        i = skipSpace(v, i + 1, n);
        while (true) {
            // An empty object lands here too: it has no features, which the full parser reports.
            if (i == n || v[i] != '"') {
                return null;
            }
            int field = fieldName(v, i + 1, n);
            if (field == 0 || (seen & field) != 0) {
                return null;
            }
            seen |= field;
            i = skipSpace(v, end, n);
            if (i == n || v[i] != ':') {
                return null;
            }
            i = skipSpace(v, i + 1, n);
            if (i == n) {
                return null;
            }
            byte c = v[i];
            if (c == 'n' && field != FEATURES) {
                // null counts as absent; "features": null is a rejection.
                if (!isNull(v, i, n)) {
                    return null;
                }
                i += 4;
            } else if (field == KEY) {
                int close = c == '"' ? plainString(v, i + 1, n) : -1;
                keyLength = close - i - 1;
                if (close < 0 || keyLength < 1 || keyLength > limits.maxKeyLength()) {
                    return null;
                }
                keyStart = i + 1;
                i = close + 1;
            } else if (field == ID) {
                if (c == '"') {
                    int close = plainString(v, i + 1, n);
                    if (close < 0) {
                        return null;
                    }
                    idStart = i + 1;
                    idLength = close - idStart;
                    i = close + 1;
                } else {
                    if (!integer(v, i, n)) {
                        return null;
                    }
                    idStart = i;
                    idLength = end - i;
                    i = end;
                }
                if (idLength > limits.maxIdLength()) {
                    return null;
                }
            } else if (field == TS) {
                ts = timestamp(v, i, n);
                if (ts < 0) {
                    return null;
                }
                i = end;
            } else {
                count = features(v, i, n);
                if (count <= 0) {
                    return null;
                }
                i = end;
            }
            i = skipSpace(v, i, n);
            if (i == n) {
                return null;
            }
            if (v[i] == ',') {
                i = skipSpace(v, i + 1, n);
            } else if (v[i] == '}') {
                break;
            } else {
                return null;
            }
        }
        if (count == 0 || skipSpace(v, i + 1, n) != n) {
            return null;
        }
        String key = keyStart < 0 ? Point.DEFAULT_KEY : key(v, keyStart, keyLength);
        String id = idStart < 0 ? null : new String(v, idStart, idLength, StandardCharsets.ISO_8859_1);
        return new Point(key, id, ts, Arrays.copyOf(scratch, count), topic, partition, offset);
    }

    private static int skipSpace(byte[] v, int i, int n) {
        while (i < n) {
            byte b = v[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Which known field the name starting at i (after its quote) is, or 0; end: after its closing quote. */
    private int fieldName(byte[] v, int i, int n) {
        if (i >= n) {
            return 0;
        }
        int field;
        String rest;
        switch (v[i]) {
            case 'k' -> {
                field = KEY;
                rest = "ey\"";
            }
            case 'i' -> {
                field = ID;
                rest = "d\"";
            }
            case 't' -> {
                field = TS;
                rest = "s\"";
            }
            case 'f' -> {
                field = FEATURES;
                rest = "eatures\"";
            }
            default -> {
                return 0;
            }
        }
        i++;
        if (n - i < rest.length()) {
            return 0;
        }
        for (int j = 0; j < rest.length(); j++) {
            if (v[i + j] != rest.charAt(j)) {
                return 0;
            }
        }
        end = i + rest.length();
        return field;
    }

    private static boolean isNull(byte[] v, int i, int n) {
        return n - i >= 4 && v[i + 1] == 'u' && v[i + 2] == 'l' && v[i + 3] == 'l';
    }

    /**
     * The index of the closing quote of a string starting at i (after its opening quote) that
     * holds only printable ASCII other than a backslash, or -1.
     */
    private static int plainString(byte[] v, int i, int n) {
        for (; i < n; i++) {
            byte b = v[i];
            if (b == '"') {
                return i;
            }
            // Non-ASCII bytes are negative.
            if (b < 0x20 || b == 0x7f || b == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /** Whether an integer {@code -?(0|[1-9][0-9]*)} starts at i; end: after it. */
    private boolean integer(byte[] v, int i, int n) {
        if (i < n && v[i] == '-') {
            i++;
        }
        int start = i;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            i++;
        }
        end = i;
        return i > start && (v[start] != '0' || i == start + 1);
    }

    /** A timestamp {@code 0|[1-9][0-9]*} of at most 18 digits and within the limit at i, or -1; end: after it. */
    private long timestamp(byte[] v, int i, int n) {
        int start = i;
        long t = 0;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            if (i - start == MAX_TIMESTAMP_DIGITS) {
                return -1;
            }
            t = 10 * t + (v[i] - '0');
            i++;
        }
        end = i;
        if (i == start || (v[start] == '0' && i > start + 1) || t > limits.maxTimestamp()) {
            return -1;
        }
        return t;
    }

    /** Reads the features array at i into the scratch array; its length, or 0 to give up; end: after it. */
    private int features(byte[] v, int i, int n) {
        if (v[i] != '[') {
            return 0;
        }
        i = skipSpace(v, i + 1, n);
        int count = 0;
        while (true) {
            if (count == limits.maxFeatures()) {
                return 0; // another number follows, or a closing bracket is missing: the full parser says which
            }
            float f = number(v, i, n);
            if (Float.isNaN(f)) {
                return 0;
            }
            if (count == scratch.length) {
                scratch = Arrays.copyOf(scratch, Math.min(2 * count, limits.maxFeatures()));
            }
            scratch[count++] = f;
            i = skipSpace(v, end, n);
            if (i == n) {
                return 0;
            }
            if (v[i] == ']') {
                end = i + 1;
                return count;
            }
            if (v[i] != ',') {
                return 0;
            }
            i = skipSpace(v, i + 1, n);
        }
    }

    /**
     * The correctly rounded float32 of the JSON number
     * {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} at i, or NaN when there is none or its
     * value is not found exactly by the method in the class comment; end: after it.
     */
    private float number(byte[] v, int i, int n) {
        boolean negative = i < n && v[i] == '-';
        if (negative) {
            i++;
        }
        if (i == n) {
            return Float.NaN;
        }
        // Digits are added up before they are counted: past 19 significant digits m may have
        // wrapped, but the number is then given up anyway.
        long m = 0;
        int exponent = 0;
        int intStart = i;
        byte b;
        while (i < n && (b = v[i]) >= '0' && b <= '9') {
            m = 10 * m + (b - '0');
            i++;
        }
        int digits = i - intStart;
        if (digits == 0 || (v[intStart] == '0' && digits > 1)) {
            return Float.NaN; // no digit, or a leading zero
        }
        if (m == 0) {
            digits = 0; // "0" has no significant digit
        }
        if (i < n && v[i] == '.') {
            int fractionStart = ++i;
            if (m == 0) {
                while (i < n && v[i] == '0') { // leading zeros of the fraction are not significant
                    i++;
                }
            }
            int significantStart = i;
            while (i < n && (b = v[i]) >= '0' && b <= '9') {
                m = 10 * m + (b - '0');
                i++;
            }
            if (i == fractionStart) {
                return Float.NaN;
            }
            digits += i - significantStart;
            exponent = fractionStart - i;
        }
        if (digits > MAX_SIGNIFICANT_DIGITS) {
            return Float.NaN;
        }
        if (i < n && (v[i] == 'e' || v[i] == 'E')) {
            i++;
            boolean negativeExponent = i < n && v[i] == '-';
            if (i < n && (v[i] == '-' || v[i] == '+')) {
                i++;
            }
            int start = i;
            int e = 0;
            while (i < n && (b = v[i]) >= '0' && b <= '9') {
                if (e < EXPONENT_CAP) {
                    e = 10 * e + (b - '0');
                }
                i++;
            }
            if (i == start) {
                return Float.NaN;
            }
            exponent += negativeExponent ? -e : e;
        }
        end = i;
        if (m == 0) {
            return negative ? -0.0f : 0.0f;
        }
        // m >>> 53 also catches 19-digit mantissas that wrapped past Long.MAX_VALUE.
        if ((m >>> 53) != 0 || exponent < -22 || exponent > 22) {
            return Float.NaN;
        }
        double d = exponent >= 0 ? m * POWERS_OF_TEN[exponent] : m / POWERS_OF_TEN[-exponent];
        if (d < Float.MIN_NORMAL || d > Float.MAX_VALUE
            || (Double.doubleToRawLongBits(d) & BELOW_FLOAT) == FLOAT_MIDPOINT) {
            return Float.NaN;
        }
        float f = (float) d;
        return negative ? -f : f;
    }

    /** The key's String: the previous record's when the bytes are the same. */
    private String key(byte[] v, int start, int length) {
        if (length == lastKeyLength && Arrays.equals(v, start, start + length, lastKeyBytes, 0, length)) {
            return lastKey;
        }
        if (length > lastKeyBytes.length) {
            lastKeyBytes = new byte[Math.max(length, 2 * lastKeyBytes.length)];
        }
        System.arraycopy(v, start, lastKeyBytes, 0, length);
        lastKeyLength = length;
        lastKey = new String(v, start, length, StandardCharsets.ISO_8859_1);
        return lastKey;
    }
}
