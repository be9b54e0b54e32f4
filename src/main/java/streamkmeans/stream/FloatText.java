package streamkmeans.stream;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Writes a finite float32 as the shortest decimal that reads back as the same float, in
 * {@link Float#toString(float)}'s layout, as ASCII bytes into a caller's array: no allocation, O(1)
 * (at most {@link #MAX_LENGTH} bytes; about 50 ns for a label distance, half of Java 17's
 * Float.toString).
 *
 * <p>The digits are those of JDK 19+'s {@code Float.toString} (Raffaello Giulietti's Schubfach
 * algorithm, written here from the paper "The Schubfach way to render doubles", 2021): among the
 * decimals that round to the float, the ones with the fewest digits (at least two digits for the
 * few subnormals where one would do), and of those the closest to the float's exact value, the even
 * one on a tie. Java 17's {@code Float.toString} sometimes gives a digit more (JDK-4511638); both
 * read back as the same float.
 *
 * <p>Layout, as {@code Float.toString}: {@code 123.45}, {@code 1.0}, {@code 0.001} for
 * 10<sup>-3</sup> &le; |v| &lt; 10<sup>7</sup>, else {@code 1.2345E10}, {@code 1.0E-4}; a minus sign
 * for negative values, {@code -0.0} included.
 */
final class FloatText {
    /** The most bytes {@link #write} writes: {@code -1.2345678E-38}, 15. */
    static final int MAX_LENGTH = 15;

    private static final int SIGNIFICAND_BITS = 23;
    private static final int C_MIN = 1 << SIGNIFICAND_BITS;
    private static final int Q_MIN = -149;
    /** Below this subnormal significand, ten times it is used, to get the two closest digits. */
    private static final int C_TINY = 8;

    // Per binary exponent q - Q_MIN (q = -149..104): the decimal exponent k of the scaling, the
    // 63-bit overestimate g of 10^-k (as g * 2^-62 * 2^floor(log2 10^-k)) and the shift h that
    // aligns c * 2^q * 10^-k with the 64-bit product; the IRR_ tables for the irregular spacing
    // at a power of two (the float below is closer than the one above).
    private static final int EXPONENTS = 104 - Q_MIN + 1;
    private static final int[] K = new int[EXPONENTS];
    private static final int[] H = new int[EXPONENTS];
    private static final long[] G = new long[EXPONENTS];
    private static final int[] IRR_K = new int[EXPONENTS];
    private static final int[] IRR_H = new int[EXPONENTS];
    private static final long[] IRR_G = new long[EXPONENTS];

    /** "00" to "99", the two digits of each pair. */
    private static final byte[] PAIRS = new byte[200];
    private static final int[] POW10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        // Exact arithmetic once at class load, instead of transcribed constant tables.
        for (int i = 0; i < EXPONENTS; i++) {
            int q = Q_MIN + i;
            BigDecimal pow2 = q >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(q))
                    : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-q)));
            K[i] = floorLog10(pow2);
            IRR_K[i] = floorLog10(pow2.multiply(new BigDecimal("0.75")));
            G[i] = scaledPow10(-K[i]);
            IRR_G[i] = scaledPow10(-IRR_K[i]);
            H[i] = q + floorLog2Pow10(-K[i]) + 33;
            IRR_H[i] = q + floorLog2Pow10(-IRR_K[i]) + 33;
        }
    }

    private FloatText() {
    }

    /** floor(log10(x)) for x &gt; 0, exactly. */
    private static int floorLog10(BigDecimal x) {
        return x.precision() - x.scale() - 1;
    }

    /** floor(log2(10^e)), exactly. */
    private static int floorLog2Pow10(int e) {
        // 10^-n lies strictly between two powers of two for n > 0.
        return e >= 0 ? BigInteger.TEN.pow(e).bitLength() - 1 : -BigInteger.TEN.pow(-e).bitLength();
    }

    /** floor(10^e * 2^(62 - floor(log2 10^e))) + 1: in (2^62, 2^63]. */
    private static long scaledPow10(int e) {
        int shift = 62 - floorLog2Pow10(e);
        BigInteger g;
        if (e >= 0) {
            BigInteger p = BigInteger.TEN.pow(e);
            g = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
        } else {
            g = BigInteger.ONE.shiftLeft(shift).divide(BigInteger.TEN.pow(-e));
        }
        long r = g.longValueExact() + 1;
        if (r <= 0) {
            throw new AssertionError("10^" + e + " does not fit 63 bits"); // not so for |e| <= 45
        }
        return r;
    }

    /**
     * Writes {@code v} at {@code b[off]} and returns the offset after it; {@code b} must have
     * {@link #MAX_LENGTH} bytes free there. O(1), no allocation.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which have no decimal
     */
    static int write(float v, byte[] b, int off) {
        int bits = Float.floatToRawIntBits(v);
        int t = bits & (C_MIN - 1);
        int bq = (bits >>> SIGNIFICAND_BITS) & 0xFF;
        if (bq == 0xFF) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        if (bits < 0) {
            b[off++] = '-';
        }
        if (bq != 0) {
            int q = bq - 150;
            int c = C_MIN | t;
            if (q < 0 && q > -24 && (c & ((1 << -q) - 1)) == 0) {
                // An integer below 2^24: its own digits are the shortest (the interval around it
                // is at most one wide).
                return layout(c >> -q, 0, b, off);
            }
            return shortest(q, c, 0, b, off);
        }
        if (t == 0) {
            b[off] = '0';
            b[off + 1] = '.';
            b[off + 2] = '0';
            return off + 3;
        }
        // Subnormal: too few significant bits for two digits, then work on 10 * v, a narrower but
        // still valid interval, and divide by ten in the exponent.
        return t < C_TINY ? shortest(Q_MIN, 10 * t, -1, b, off) : shortest(Q_MIN, t, 0, b, off);
    }

    /**
     * The Schubfach step for v = c * 2^q: picks the digits among the integers next to
     * v * 10^-k, whose rounding interval (scaled by 10^-k) is between 1 and 10 wide, and lays
     * them out with exponent k + dk.
     */
    private static int shortest(int q, int c, int dk, byte[] b, int off) {
        int i = q - Q_MIN;
        // The interval is closed when c is even: the parser rounds a tie to even.
        int open = c & 1;
        long cb = (long) c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        int h;
        long g;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = K[i];
            h = H[i];
            g = G[i];
        } else {
            // At a power of two the float below is half as far as the one above.
            cbl = cb - 1;
            k = IRR_K[i];
            h = IRR_H[i];
            g = IRR_G[i];
        }
        // 4 * (v, its interval's ends) * 10^-k, rounded to odd: the floor, with the lowest bit
        // set when the exact value is not an integer, which keeps every comparison below exact.
        int vb = roundToOdd(g, cb << h);
        int vbl = roundToOdd(g, cbl << h);
        int vbr = roundToOdd(g, cbr << h);
        int s = vb >> 2;
        if (s >= 100) {
            // One digit fewer: at most one multiple of ten fits in the interval.
            int sp10 = 10 * (s / 10);
            int tp10 = sp10 + 10;
            boolean lowerIn = vbl + open <= sp10 << 2;
            boolean upperIn = (tp10 << 2) + open <= vbr;
            if (lowerIn != upperIn) {
                return layout(lowerIn ? sp10 : tp10, k + dk, b, off);
            }
        }
        int u = s + 1;
        boolean lowerIn = vbl + open <= s << 2;
        boolean upperIn = (u << 2) + open <= vbr;
        if (lowerIn != upperIn) {
            return layout(lowerIn ? s : u, k + dk, b, off);
        }
        // Both fit: the closer, the even one on a tie.
        int cmp = vb - ((s + u) << 1);
        return layout(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : u, k + dk, b, off);
    }

    /** floor(g * cp / 2^95) with its lowest bit set when the remainder is not zero. */
    private static int roundToOdd(long g, long cp) {
        long x = Math.multiplyHigh(g, cp);
        int sticky = (x & 0x7FFF_FFFFL) != 0 ? 1 : 0;
        return (int) (x >>> 31) | sticky;
    }

    /** Writes f * 10^e (f &gt; 0) in Float.toString's layout. */
    private static int layout(int f, int e, byte[] b, int off) {
        // Trailing zeros go into the exponent.
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        int len = digitCount(f);
        int exp = len + e - 1; // decimal exponent of the first digit
        if (exp >= -3 && exp < 7) {
            if (exp >= 0) {
                int intLen = exp + 1;
                if (len <= intLen) {
                    writeDigits(f, b, off, len);
                    off += len;
                    for (int j = len; j < intLen; j++) {
                        b[off++] = '0';
                    }
                    b[off] = '.';
                    b[off + 1] = '0';
                    return off + 2;
                }
                // Digits on both sides of the point: write them one place right, move the
                // integer part (at most 7 digits) back over the point's place.
                writeDigits(f, b, off + 1, len);
                for (int j = off; j < off + intLen; j++) {
                    b[j] = b[j + 1];
                }
                b[off + intLen] = '.';
                return off + len + 1;
            }
            b[off++] = '0';
            b[off++] = '.';
            for (int j = -1; j > exp; j--) {
                b[off++] = '0';
            }
            writeDigits(f, b, off, len);
            return off + len;
        }
        // d.ddd, then E and the exponent.
        writeDigits(f, b, off + 1, len);
        b[off] = b[off + 1];
        b[off + 1] = '.';
        if (len == 1) {
            b[off + 2] = '0';
            off += 3;
        } else {
            off += len + 1;
        }
        b[off++] = 'E';
        if (exp < 0) {
            b[off++] = '-';
            exp = -exp;
        }
        if (exp >= 10) {
            b[off++] = (byte) ('0' + exp / 10);
            exp %= 10;
        }
        b[off++] = (byte) ('0' + exp);
        return off;
    }

    /** Decimal digits of f &gt; 0. */
    private static int digitCount(int f) {
        // floor(log10 2^bits) from the bit length, then one comparison.
        int n = (32 - Integer.numberOfLeadingZeros(f)) * 1233 >>> 12;
        return f < POW10[n] ? n : n + 1;
    }

    /** Writes f as exactly len decimal digits (leading zeros if needed) at b[off..off+len). */
    private static void writeDigits(int f, byte[] b, int off, int len) {
        int j = off + len;
        while (j - off >= 2) {
            int quot = f / 100;
            int pair = 2 * (f - 100 * quot);
            b[--j] = PAIRS[pair + 1];
            b[--j] = PAIRS[pair];
            f = quot;
        }
        if (j > off) {
            b[--j] = (byte) ('0' + f);
        }
    }
}
