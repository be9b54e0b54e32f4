package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FloatTextTest {
    private static String text(float v) {
        byte[] b = new byte[FloatText.MAX_LENGTH];
        int n = FloatText.write(v, b, 0);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** Counts of how Java 17's Float.toString compares, for the report of a run. */
    private static final class Tally {
        final AtomicLong checked = new AtomicLong();
        final AtomicLong shorterThanJava = new AtomicLong();
        final AtomicLong otherDigitThanJava = new AtomicLong();
    }

    /**
     * The checks that need no exact arithmetic unless Java 17 disagrees: reads back as v bit for
     * bit; never longer than Float.toString; where as long, the same text, or (Java 17's rounding
     * slip) the same layout with digits closer to v.
     */
    private static void checkAgainstJava(float v, Tally tally) {
        String ours = text(v);
        int bits = Float.floatToRawIntBits(v);
        if (Float.floatToRawIntBits(Float.parseFloat(ours)) != bits) {
            throw new AssertionError(ours + " does not read back as " + Float.toString(v));
        }
        String java = Float.toString(v);
        tally.checked.incrementAndGet();
        if (ours.equals(java)) {
            return;
        }
        if (ours.length() > java.length()) {
            throw new AssertionError(ours + " is longer than Float.toString's " + java);
        }
        if (ours.length() < java.length()) {
            tally.shorterThanJava.incrementAndGet();
            return;
        }
        tally.otherDigitThanJava.incrementAndGet();
        if (ours.indexOf('E') != java.indexOf('E') || ours.indexOf('.') != java.indexOf('.')) {
            throw new AssertionError(ours + " is laid out unlike Float.toString's " + java);
        }
        BigDecimal exact = new BigDecimal(v);
        int closer = exact.subtract(new BigDecimal(ours)).abs().compareTo(exact.subtract(new BigDecimal(java)).abs());
        if (closer > 0 || closer == 0 && lastDigit(ours) % 2 != 0) {
            throw new AssertionError(ours + " is not closer to " + exact + " than Float.toString's " + java);
        }
    }

    private static int lastDigit(String text) {
        String digits = new BigDecimal(text).stripTrailingZeros().unscaledValue().abs().toString();
        return digits.charAt(digits.length() - 1) - '0';
    }

    /**
     * With exact arithmetic: no decimal with fewer digits reads back as v (two digits allowed
     * where one would do), and of the decimals with as many digits (at least two) ours is the
     * closest to v's exact value, the even one on a tie.
     */
    private static void checkShortestAndClosest(float v) {
        if (v == 0) {
            assertEquals(Float.toString(v), text(v));
            return;
        }
        BigDecimal ours = new BigDecimal(text(v)).abs();
        BigDecimal exact = new BigDecimal(v).abs();
        int n = ours.stripTrailingZeros().precision();
        if (n > 2) {
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal shorter = exact.round(new MathContext(n - 1, mode));
                assertFalse(Float.parseFloat(shorter.toString()) == exact.floatValue(),
                        shorter + " reads back as " + v + " but has fewer digits than " + ours);
            }
        }
        int digits = Math.max(n, 2);
        BigDecimal below = exact.round(new MathContext(digits, RoundingMode.FLOOR));
        BigDecimal above = exact.round(new MathContext(digits, RoundingMode.CEILING));
        assertTrue(ours.compareTo(below) == 0 || ours.compareTo(above) == 0,
                ours + " is not next to " + exact + " at " + digits + " digits");
        BigDecimal other = ours.compareTo(below) == 0 ? above : below;
        if (other.compareTo(ours) != 0 && Float.parseFloat(other.toString()) == exact.floatValue()) {
            int cmp = exact.subtract(ours).abs().compareTo(exact.subtract(other).abs());
            assertTrue(cmp < 0 || cmp == 0 && lastDigit(ours.toString()) % 2 == 0,
                    other + " is closer to " + exact + " than " + ours);
        }
    }

    /** Powers of two, floats next to powers of ten, the extremes, the layout's thresholds. */
    private static float[] specials() {
        List<Float> list = new ArrayList<>();
        for (int bq = 1; bq < 255; bq++) {
            list.add(Float.intBitsToFloat(bq << 23));
        }
        for (int bit = 0; bit < 23; bit++) {
            list.add(Float.intBitsToFloat(1 << bit)); // subnormal powers of two
        }
        for (int e = -45; e <= 38; e++) {
            float p = Float.parseFloat("1e" + e);
            float up = p;
            float down = p;
            for (int i = 0; i < 4; i++) {
                list.add(up);
                list.add(down);
                up = Math.nextUp(up);
                down = Math.nextDown(down);
            }
            for (int d = 2; d <= 9; d++) {
                float v = Float.parseFloat(d + "e" + e);
                if (Float.isFinite(v)) {
                    list.add(v);
                }
            }
        }
        for (float f : new float[] {Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL),
            Math.nextUp(Float.MIN_NORMAL), 0f, 1f, 0.1f, 0.8123f, 123.456f, 1234567.9f, 9999999f, 1e7f, 16777216f,
            8388608.5f, 0.001f, Math.nextDown(0.001f), 2e-44f, 1.0E23f, 3.4e38f, 5.2265445E25f}) {
            list.add(f);
        }
        float[] out = new float[2 * list.size()];
        for (int i = 0; i < list.size(); i++) {
            out[2 * i] = list.get(i);
            out[2 * i + 1] = -list.get(i);
        }
        return out;
    }

    @Test
    void theFamiliarFormsAreFloatToStrings() {
        assertEquals("0.0", text(0f));
        assertEquals("-0.0", text(-0f));
        assertEquals("1.0", text(1f));
        assertEquals("0.8123", text(0.8123f));
        assertEquals("123.456", text(123.456f));
        assertEquals("-100.0", text(-100f));
        assertEquals("9999999.0", text(9999999f));
        assertEquals("1.0E7", text(1e7f));
        assertEquals("1.6777216E7", text(16777216f));
        assertEquals("0.001", text(0.001f));
        assertEquals("9.999999E-4", text(Math.nextDown(0.001f)));
        assertEquals("1.0E-4", text(1e-4f));
        assertEquals("1.4E-45", text(Float.MIN_VALUE), "two digits where one would do");
        assertEquals("3.4028235E38", text(Float.MAX_VALUE));
        assertEquals("-2.5E-5", text(-2.5e-5f));
        // Java 17 writes 1.17549435E-38; the shortest has 8 digits.
        assertEquals("1.1754944E-38", text(Float.MIN_NORMAL));
        // Java 17 writes ...445E25, one further from the exact 52265445695384307207012352.
        assertEquals("5.2265446E25", text(5.2265445E25f));
    }

    @Test
    void writesAtTheOffsetAndNothingElse() {
        byte[] b = new byte[40];
        Arrays.fill(b, (byte) '#');
        int end = FloatText.write(-1.17549435E-38f, b, 7);
        assertEquals(7 + "-1.1754944E-38".length(), end);
        assertEquals("#".repeat(7) + "-1.1754944E-38" + "#".repeat(40 - 7 - 14), new String(b, StandardCharsets.US_ASCII));
        assertThrows(IllegalArgumentException.class, () -> FloatText.write(Float.NaN, b, 0));
        assertThrows(IllegalArgumentException.class, () -> FloatText.write(Float.NEGATIVE_INFINITY, b, 0));
    }

    @Test
    void specialFloatsAreShortestClosestAndReadBack() {
        Tally tally = new Tally();
        for (float v : specials()) {
            checkAgainstJava(v, tally);
            checkShortestAndClosest(v);
        }
        assertTrue(tally.checked.get() > 1500, "checked " + tally.checked);
    }

    @Test
    void subnormalsAreShortestClosestAndReadBack() {
        Tally tally = new Tally();
        SplittableRandom random = new SplittableRandom(7);
        for (int t = 1; t < (1 << 23); t = t < 2000 ? t + 1 : t + 1 + random.nextInt(64)) {
            float v = Float.intBitsToFloat(t);
            checkAgainstJava(v, tally);
            checkShortestAndClosest(v);
        }
        assertTrue(tally.checked.get() > 100_000, "checked " + tally.checked);
    }

    @Test
    void millionsOfRandomFloatsReadBackAndAreNeverLongerThanJavas() {
        Tally tally = new Tally();
        int n = 4_000_000;
        IntStream.range(0, 2).parallel().forEach(part -> {
            SplittableRandom random = new SplittableRandom(1000 + part);
            for (int i = 0; i < n / 2; i++) {
                float v = Float.intBitsToFloat(random.nextInt(0x7F80_0000) | (i & 1) << 31); // finite
                checkAgainstJava(v, tally);
            }
        });
        assertEquals(n, tally.checked.get());
        // Java 17 is longer for about one float in ten and slips a last digit for a few in 10^4.
        assertTrue(tally.shorterThanJava.get() > n / 20, "shorter " + tally.shorterThanJava);
        assertTrue(tally.otherDigitThanJava.get() < n / 1000, "other digit " + tally.otherDigitThanJava);
        System.out.printf("FloatText vs Java 17 over %d random floats: %d shorter, %d same length other digit%n",
                n, tally.shorterThanJava.get(), tally.otherDigitThanJava.get());
    }

    @Test
    void randomFloatsAreShortestAndClosest() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            checkShortestAndClosest(Float.intBitsToFloat(random.nextInt(0x7F80_0000)));
            checkShortestAndClosest(20 * (float) random.nextDouble()); // the label distances' range
        }
    }

    /**
     * All 2^32 bit patterns (exact checks on one in 4096); about 3 CPU-hours (2.4 µs a float, mostly
     * Float.toString and Float.parseFloat), so on all cores. Run with -Dstreamkmeans.big=true.
     */
    @Test
    void everyFloatReadsBackAndIsNeverLongerThanJavas() {
        assumeTrue(Boolean.getBoolean("streamkmeans.big"), "set -Dstreamkmeans.big=true");
        Tally tally = new Tally();
        IntStream.range(0, 1 << 12).parallel().forEach(hi -> {
            for (int lo = 0; lo < 1 << 20; lo++) {
                float v = Float.intBitsToFloat(hi << 20 | lo);
                if (Float.isFinite(v)) {
                    checkAgainstJava(v, tally);
                    if ((lo & 0xFFF) == 0) {
                        checkShortestAndClosest(v);
                    }
                }
            }
        });
        assertEquals((1L << 32) - (1L << 24), tally.checked.get(), "all but the 2^24 NaNs and infinities");
        System.out.printf("FloatText vs Java 17 over all %d finite floats: %d shorter, %d same length other digit%n",
                tally.checked.get(), tally.shorterThanJava.get(), tally.otherDigitThanJava.get());
    }
}
