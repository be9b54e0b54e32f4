package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON fast path against the full parser: on random plain, odd and damaged records,
 * {@link PointParser} with the fast path gives exactly the result of the full path alone, and the
 * fast path reads nearly all plain records itself.
 */
class JsonPointScannerTest {

    private static final ParserLimits TIGHT = new ParserLimits(400, 8, 2, 12, 10, 4_102_444_800_000L);
    private static final String[] KEYS = {"default", "sensor-1", "sensor-2", "sensor-3", "a", "k k", "x/y:z"};

    // ------------------------------------------------------------------ differential

    @Test
    void fastPathGivesTheFullParsersResultForEveryRecord() {
        Random random = new Random(20251129);
        for (ParserLimits limits : new ParserLimits[] {ParserLimits.DEFAULTS, TIGHT}) {
            PointParser fast = new PointParser(PointFormat.json(), limits, true);
            PointParser full = new PointParser(PointFormat.json(), limits, false);
            int plain = 0;
            int plainFast = 0;
            int odd = 0;
            int oddFast = 0;
            for (int i = 0; i < 100_000; i++) {
                int kind = random.nextInt(10);
                byte[] record = kind < 4 ? utf8(plainRecord(random, limits))
                    : kind < 7 ? utf8(oddRecord(random, limits)) : damaged(random, limits);
                long before = fast.fastPathPoints();
                ParseResult expected = full.parse(record, "points", 2, 77L);
                ParseResult got = fast.parse(record, "points", 2, 77L);
                assertEquals(expected, got, () -> "record " + show(record));
                boolean tookFastPath = fast.fastPathPoints() > before;
                if (kind < 4) {
                    plain++;
                    plainFast += tookFastPath ? 1 : 0;
                } else {
                    odd++;
                    oddFast += tookFastPath ? 1 : 0;
                }
            }
            assertEquals(0, full.fastPathPoints(), "the full parser alone never takes the fast path");
            assertTrue(plainFast >= 0.99 * plain, plainFast + " of " + plain + " plain records took the fast path");
            // Some odd and damaged records are plain after all: the comparison covers the fast path's edges too.
            assertTrue(oddFast > 0.01 * odd && oddFast < 0.5 * odd, oddFast + " of " + odd + " odd or damaged records");
        }
    }

    @Test
    void typicalRecordIsReadByTheFastPath() {
        String record = "{\"key\":\"default\",\"id\":\"p-123456\",\"ts\":1764400000000,\"features\":[0.12345678,"
            + "-3.4567891,1.0E-5,12345.679,-0.0,7,2.5e+3,0]}";
        Point p = new JsonPointScanner(ParserLimits.DEFAULTS).scan(utf8(record), "points", 1, 9L);
        assertNotNull(p);
        assertEquals(new Point("default", "p-123456", 1764400000000L,
            new float[] {0.12345678f, -3.4567891f, 1.0e-5f, 12345.679f, -0.0f, 7f, 2500f, 0f}, "points", 1, 9L), p);
        Point spaced = new JsonPointScanner(ParserLimits.DEFAULTS).scan(utf8(
            " \r\n{ \"features\" :\t[ 1 , 2 ] , \"ts\" : null, \"id\" : -0, \"key\" : null }\n "), null, -1, -1L);
        assertEquals(new Point(Point.DEFAULT_KEY, "-0", Point.NO_TIMESTAMP, new float[] {1f, 2f}), spaced);
        assertEquals("", new JsonPointScanner(ParserLimits.DEFAULTS)
            .scan(utf8("{\"id\":\"\",\"features\":[1]}"), null, -1, -1L).id());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"features\":[1],\"extra\":2}", "{\"features\":[1],\"key\":\"a\",\"key\":\"b\"}", "{\"k\\u0065y\":\"a\",\"features\":[1]}",
        "{\"key\":\"a\\\"b\",\"features\":[1]}", "{\"key\":\"caf\u00e9\",\"features\":[1]}", "{\"key\":\"\",\"features\":[1]}",
        "{\"key\":\"a\u007fb\",\"features\":[1]}", "{\"key\":1,\"features\":[1]}", "{\"id\":1.5,\"features\":[1]}",
        "{\"id\":01,\"features\":[1]}", "{\"ts\":-1,\"features\":[1]}", "{\"ts\":1e3,\"features\":[1]}",
        "{\"ts\":1234567890123456789,\"features\":[1]}", "{\"ts\":253402300800000,\"features\":[1]}",
        "{\"features\":null}", "{\"features\":[]}", "{\"features\":[1,]}", "{\"features\":[01]}", "{\"features\":[1.]}",
        "{\"features\":[.5]}", "{\"features\":[+1]}", "{\"features\":[NaN]}", "{\"features\":[1e39]}", "{\"features\":[1e-40]}",
        "{\"features\":[1e23]}", "{\"features\":[12345678901234567]}", "{\"features\":[16777217]}", "{\"features\":[1,2]} x",
        "{\"features\":[1]}\f", "{}", "[1]", "{\"features\":[1]", "{\"features\":[[1]]}", "\ufeff{\"features\":[1]}"})
    void unusualRecordsAreLeftToTheFullParser(String record) {
        assertNull(new JsonPointScanner(ParserLimits.DEFAULTS).scan(utf8(record), null, -1, -1L), record);
    }

    @Test
    void limitsAreLeftToTheFullParser() {
        JsonPointScanner tight = new JsonPointScanner(TIGHT);
        assertNotNull(tight.scan(utf8("{\"key\":\"" + "k".repeat(12) + "\",\"features\":[1,2,3,4,5,6,7,8]}"), null, -1, -1L));
        assertNull(tight.scan(utf8("{\"key\":\"" + "k".repeat(13) + "\",\"features\":[1]}"), null, -1, -1L));
        assertNull(tight.scan(utf8("{\"features\":[1,2,3,4,5,6,7,8,9]}"), null, -1, -1L));
        assertNotNull(tight.scan(utf8("{\"id\":\"" + "i".repeat(10) + "\",\"features\":[1]}"), null, -1, -1L));
        assertNull(tight.scan(utf8("{\"id\":\"" + "i".repeat(11) + "\",\"features\":[1]}"), null, -1, -1L));
        assertNull(tight.scan(utf8("{\"id\":12345678901,\"features\":[1]}"), null, -1, -1L));
        assertNotNull(tight.scan(utf8("{\"ts\":4102444800000,\"features\":[1]}"), null, -1, -1L));
        assertNull(tight.scan(utf8("{\"ts\":4102444800001,\"features\":[1]}"), null, -1, -1L));
    }

    @Test
    void consecutiveRecordsWithTheSameKeyShareItsString() {
        JsonPointScanner scanner = new JsonPointScanner(ParserLimits.DEFAULTS);
        String a1 = scanner.scan(utf8("{\"key\":\"sensor-1\",\"features\":[1]}"), null, -1, -1L).key();
        String a2 = scanner.scan(utf8("{\"features\":[2],\"key\":\"sensor-1\"}"), null, -1, -1L).key();
        String b = scanner.scan(utf8("{\"key\":\"sensor-2\",\"features\":[1]}"), null, -1, -1L).key();
        String a3 = scanner.scan(utf8("{\"key\":\"sensor-1\",\"features\":[1]}"), null, -1, -1L).key();
        assertSame(a1, a2);
        assertEquals("sensor-2", b);
        assertEquals("sensor-1", a3);
        assertNotSame(a1, a3, "only the previous record's key is kept");
    }

    // ------------------------------------------------------------------ float conversion

    @Test
    void everyFloatPrintedByFloatToStringReadsBackExactly() {
        JsonPointScanner scanner = new JsonPointScanner(ParserLimits.DEFAULTS);
        Random random = new Random(11);
        int inBand = 0;
        int inBandFast = 0;
        for (int i = 0; i < 3_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            String text = Float.toString(f);
            Point p = scanner.scan(feature(text), null, -1, -1L);
            if (p != null) {
                assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(p.features()[0]), text);
            }
            // Float.toString prints at most 9 digits, so the decimal exponent stays within 22 here.
            if (Math.abs(f) >= 1e-12f && Math.abs(f) <= 1e22f) {
                inBand++;
                inBandFast += p != null ? 1 : 0;
            }
        }
        assertTrue(inBand > 500_000, inBand + " floats in the band");
        assertTrue(inBandFast >= 0.999 * inBand, inBandFast + " of " + inBand + " read by the fast path");
    }

    @Test
    void decimalsOfOneToNineDigitsMatchFloatParseFloat() {
        JsonPointScanner scanner = new JsonPointScanner(ParserLimits.DEFAULTS);
        Random random = new Random(12);
        int fast = 0;
        for (int i = 0; i < 1_000_000; i++) {
            String text = shortDecimal(random);
            Point p = scanner.scan(feature(text), null, -1, -1L);
            if (p != null) {
                fast++;
                assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(p.features()[0]), text);
            }
        }
        assertTrue(fast > 300_000, fast + " read by the fast path");
    }

    @Test
    void valuesAtAndNearFloatMidpointsMatchFloatParseFloat() {
        JsonPointScanner scanner = new JsonPointScanner(ParserLimits.DEFAULTS);
        Random random = new Random(13);
        int fast = 0;
        for (int i = 0; i < 300_000; i++) {
            String text = midpointish(random);
            Point p = scanner.scan(feature(text), null, -1, -1L);
            if (p != null) {
                fast++;
                assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(p.features()[0]), text);
            }
        }
        assertTrue(fast > 10_000, fast + " read by the fast path");
        // The double nearest this decimal is a float midpoint: a cast would round up, the decimal rounds down.
        assertEquals(2.8270043e21f, Float.parseFloat("28270044839051e8"));
        assertNull(scanner.scan(feature("28270044839051e8"), null, -1, -1L));
    }

    // ------------------------------------------------------------------ record generators

    /** A record within the fast path's grammar and the limits (but for a rare midpoint). */
    private static String plainRecord(Random r, ParserLimits limits) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(5) > 0) {
            fields.add(q("key") + ws(r) + ":" + ws(r) + (r.nextInt(20) == 0 ? "null" : q(plainKey(r, limits))));
        }
        if (r.nextInt(4) > 0) {
            String id = switch (r.nextInt(5)) {
                case 0 -> String.valueOf(r.nextInt(1_000_000));
                case 1 -> "null";
                case 2 -> q("");
                default -> q("p-" + r.nextInt(1_000_000));
            };
            fields.add(q("id") + ws(r) + ":" + ws(r) + id);
        }
        if (r.nextInt(5) > 0) {
            String ts = r.nextInt(20) == 0 ? "null" : String.valueOf((long) (r.nextDouble() * limits.maxTimestamp()));
            fields.add(q("ts") + ws(r) + ":" + ws(r) + ts);
        }
        StringBuilder features = new StringBuilder("[").append(ws(r));
        int d = 1 + r.nextInt(Math.min(limits.maxFeatures(), 12));
        for (int j = 0; j < d; j++) {
            features.append(j == 0 ? "" : "," + ws(r)).append(plainNumber(r)).append(ws(r));
        }
        fields.add(q("features") + ws(r) + ":" + ws(r) + features.append(']'));
        Collections.shuffle(fields, r);
        return ws(r) + "{" + ws(r) + String.join(ws(r) + "," + ws(r), fields) + ws(r) + "}" + ws(r);
    }

    private static String plainKey(Random r, ParserLimits limits) {
        if (r.nextBoolean()) {
            return KEYS[r.nextInt(KEYS.length)];
        }
        StringBuilder sb = new StringBuilder();
        int length = 1 + r.nextInt(limits.maxKeyLength());
        while (sb.length() < length) {
            char c = (char) (0x20 + r.nextInt(0x5f));
            if (c != '"' && c != '\\') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String plainNumber(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> String.valueOf(r.nextInt(2001) - 1000);
            case 1 -> Float.toString((float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6))).replace('E', 'e');
            default -> Float.toString((float) r.nextGaussian());
        };
    }

    /** A record that mixes plain parts with unusual or bad ones (valid JSON or nearly). */
    private static String oddRecord(Random r, ParserLimits limits) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(3) > 0) {
            fields.add(fieldName(r, "key") + ":" + ws(r) + (r.nextBoolean() ? q(plainKey(r, limits)) : oddKey(r, limits)));
        }
        if (r.nextInt(3) > 0) {
            fields.add(fieldName(r, "id") + ":" + ws(r) + oddId(r, limits));
        }
        if (r.nextInt(3) > 0) {
            fields.add(fieldName(r, "ts") + ":" + ws(r) + oddTimestamp(r, limits));
        }
        if (r.nextInt(12) > 0) {
            fields.add(fieldName(r, "features") + ":" + ws(r) + oddFeatures(r, limits));
        }
        if (r.nextInt(6) == 0) {
            fields.add(q(r.nextBoolean() ? "meta" : "feature\u00e9") + ":" + anyValue(r, 0));
        }
        if (r.nextInt(15) == 0 && !fields.isEmpty()) {
            fields.add(fields.get(r.nextInt(fields.size()))); // duplicate
        }
        Collections.shuffle(fields, r);
        String object = "{" + String.join(ws(r) + "," + ws(r), fields) + "}";
        return switch (r.nextInt(30)) {
            case 0 -> "[" + object + "]";
            case 1 -> object + ws(r) + "{}";
            case 2 -> "\ufeff" + object;
            case 3 -> object + "\u000b";
            case 4 -> "\u00a0" + object;
            case 5 -> object + ",";
            case 6 -> " \t ";
            case 7 -> "null";
            default -> ws(r) + object + ws(r);
        };
    }

    private static String fieldName(Random r, String name) {
        return switch (r.nextInt(40)) {
            case 0 -> q(name.charAt(0) + "\\u00" + Integer.toHexString(name.charAt(1)) + name.substring(2));
            case 1 -> q(name.toUpperCase());
            case 2 -> q(name + " ");
            case 3 -> name;
            default -> q(name);
        } + ws(r);
    }

    private static String oddKey(Random r, ParserLimits limits) {
        return switch (r.nextInt(14)) {
            case 0 -> q("a\\\"b");
            case 1 -> q("\\u0041bc");
            case 2 -> q("caf\u00e9");
            case 3 -> q("\ud83d\ude00");
            case 4 -> q("a\u0001b");
            case 5 -> q("a\u007fb");
            case 6 -> q("");
            case 7 -> q("k".repeat(limits.maxKeyLength()));
            case 8 -> q("k".repeat(limits.maxKeyLength() + 1));
            case 9 -> "12";
            case 10 -> "true";
            case 11 -> "{}";
            case 12 -> q("\\ud800");
            default -> "null";
        };
    }

    private static String oddId(Random r, ParserLimits limits) {
        return switch (r.nextInt(18)) {
            case 0 -> q("x\\ty");
            case 1 -> q("\u00e9t\u00e9");
            case 2 -> q("");
            case 3 -> q("i".repeat(limits.maxIdLength()));
            case 4 -> q("i".repeat(limits.maxIdLength() + 1));
            case 5 -> "-0";
            case 6 -> "0";
            case 7 -> "007";
            case 8 -> "123456789012345678901234567890";
            case 9 -> "1".repeat(limits.maxIdLength());
            case 10 -> "-" + "1".repeat(limits.maxIdLength());
            case 11 -> "1.5";
            case 12 -> "1e3";
            case 13 -> "true";
            case 14 -> "[1]";
            case 15 -> q("a\u007f");
            case 16 -> "null";
            default -> String.valueOf(r.nextLong());
        };
    }

    private static String oddTimestamp(Random r, ParserLimits limits) {
        return switch (r.nextInt(18)) {
            case 0 -> "-1";
            case 1 -> "-0";
            case 2 -> "0";
            case 3 -> "1.5";
            case 4 -> "1e3";
            case 5 -> "1764400000000.0";
            case 6 -> "1".repeat(18 + r.nextInt(8));
            case 7 -> String.valueOf(limits.maxTimestamp());
            case 8 -> String.valueOf(limits.maxTimestamp() + 1);
            case 9 -> q("1764400000000");
            case 10 -> "null";
            case 11 -> "01";
            case 12 -> "00";
            case 13 -> String.valueOf(Long.MAX_VALUE);
            case 14 -> "9223372036854775808";
            case 15 -> "999999999999999999";
            default -> String.valueOf((long) (r.nextDouble() * 2 * limits.maxTimestamp()));
        };
    }

    private static String oddFeatures(Random r, ParserLimits limits) {
        switch (r.nextInt(20)) {
            case 0:
                return "null";
            case 1:
                return "[]";
            case 2:
                return "[" + ws(r) + "]";
            case 3:
                return "[1,[2]]";
            case 4:
                return "[\"1\"]";
            case 5:
                return "{\"a\":1}";
            case 6:
                return "[1,null]";
            case 7:
                return "[1,]";
            default:
                break;
        }
        // At and past the feature limit: rarely for the default limit (4096 numbers are slow to generate).
        boolean atLimit = r.nextInt(limits.maxFeatures() > 100 ? 300 : 6) == 0;
        int d = atLimit ? limits.maxFeatures() + r.nextInt(2) : 1 + r.nextInt(Math.min(limits.maxFeatures(), 6));
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < d; j++) {
            sb.append(j == 0 ? "" : "," + ws(r)).append(r.nextInt(3) == 0 ? anyNumber(r) : plainNumber(r));
        }
        return sb.append(']').toString();
    }

    private static String anyValue(Random r, int depth) {
        return switch (depth > 3 ? r.nextInt(4) : r.nextInt(7)) {
            case 0 -> anyNumber(r);
            case 1 -> q("s\\n\u00e9");
            case 2 -> "null";
            case 3 -> "NaN";
            case 4 -> "[" + anyValue(r, depth + 1) + "," + anyValue(r, depth + 1) + "]";
            case 5 -> "{\"a\":" + anyValue(r, depth + 1) + "}";
            default -> "[[[]]]";
        };
    }

    /** A number-like token of any shape, valid JSON or not. */
    private static String anyNumber(Random r) {
        switch (r.nextInt(16)) {
            case 0:
                return Float.toString(Float.intBitsToFloat(r.nextInt()));
            case 1:
                return Double.toString(Double.longBitsToDouble(r.nextLong()));
            case 2:
            case 3:
                return randomDigits(r);
            case 4:
                return midpointish(r);
            case 5:
                return shortDecimal(r);
            case 6:
                return BigInteger.TWO.pow(53).add(BigInteger.valueOf(r.nextInt(2001) - 1000)).toString();
            case 7:
                return digits(r, 17 + r.nextInt(4), true) + (r.nextBoolean() ? "" : "e-" + r.nextInt(30));
            case 8:
                return "0." + digits(r, 17 + r.nextInt(4), false);
            default:
                String[] fixed = {"-0", "-0.0", "0e0", "0.0000", "-0e-999", "1e39", "3.4028235e38", "3.4028236e38",
                    "3.40282357e38", "3.40282346e38", "1.4e-45", "7e-46", "1.17549435e-38", "1.1754942e-38", "1e-50",
                    "01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x1", "1.5.2", "Infinity", "-Infinity", "NaN",
                    "1E400", "123456789012345678901234567890", "1e22", "1e23", "9007199254740993", "4.5e15", "1e-22",
                    "1.0E-23", "0.1e-21", "1_0", "1e0000000000000000000000001", "1.000000000000000000000", "2.5E+3",
                    "16777217", "16777217.0", "1.6777217e7", "-33554434", "8388608.5", "0.00000000000000000001"};
                return fixed[r.nextInt(fixed.length)];
        }
    }

    private static String randomDigits(Random r) {
        StringBuilder sb = new StringBuilder(r.nextBoolean() ? "-" : "");
        sb.append(digits(r, 1 + r.nextInt(r.nextBoolean() ? 9 : 25), true));
        if (r.nextBoolean()) {
            sb.append('.').append(digits(r, 1 + r.nextInt(r.nextBoolean() ? 9 : 25), false));
        }
        if (r.nextBoolean()) {
            sb.append(r.nextBoolean() ? 'e' : 'E').append(new String[] {"", "+", "-"}[r.nextInt(3)]).append(r.nextInt(61));
        }
        return sb.toString();
    }

    /** n digits; the first not 0 when {@code leading}. */
    private static String digits(Random r, int n, boolean leading) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + (i == 0 && leading ? 1 + r.nextInt(9) : r.nextInt(10))));
        }
        return sb.toString();
    }

    /** 1 to 9 digits, a decimal point maybe, an exponent from -45 to 38 maybe. */
    private static String shortDecimal(Random r) {
        String m = digits(r, 1 + r.nextInt(9), true);
        int point = r.nextInt(m.length() + 1);
        String mantissa = point == m.length() ? m : m.substring(0, point == 0 ? 1 : point) + "." + m.substring(point == 0 ? 1 : point);
        if (mantissa.endsWith(".")) {
            mantissa = mantissa.substring(0, mantissa.length() - 1);
        }
        int exponent = r.nextInt(84) - 45;
        String sign = r.nextInt(4) == 0 ? "-" : "";
        return sign + mantissa + (r.nextInt(5) == 0 ? "" : (r.nextBoolean() ? "e" : "E") + exponent);
    }

    /**
     * An exact midpoint between two adjacent normal floats with few digits, or a decimal just
     * beside one: where converting through double could round twice.
     */
    private static String midpointish(Random r) {
        if (r.nextBoolean()) {
            // The midpoint above a random normal float, rounded to 14 to 16 digits: the double
            // nearest such a decimal is sometimes the midpoint itself, though the decimal is not.
            float f = Float.intBitsToFloat(0x00800000 + r.nextInt(0x7f000000 - 0x00800000));
            BigDecimal above = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            BigDecimal near = above.round(new java.math.MathContext(14 + r.nextInt(3)));
            return near.unscaledValue() + "e" + (-near.scale());
        }
        // Odd k in [2^24, 2^25) is a midpoint of floats spaced 2; scaled by a power of two it stays one.
        BigDecimal mid = new BigDecimal((1 << 24) + 2 * r.nextInt(1 << 23) + 1);
        int shift = r.nextInt(40) - 12;
        mid = shift >= 0 ? mid.multiply(new BigDecimal(BigInteger.TWO.pow(shift)))
            : mid.divide(new BigDecimal(BigInteger.TWO.pow(-shift)));
        if (r.nextBoolean()) {
            BigDecimal nudge = BigDecimal.ONE.movePointLeft(mid.scale() + 1 + r.nextInt(8));
            mid = r.nextBoolean() ? mid.add(nudge) : mid.subtract(nudge);
        }
        return switch (r.nextInt(3)) {
            case 0 -> mid.toPlainString();
            case 1 -> mid.toString();
            default -> mid.unscaledValue() + "e" + (-mid.scale());
        };
    }

    /** A record damaged byte by byte: edits, insertions, deletions, truncation. */
    private static byte[] damaged(Random r, ParserLimits limits) {
        byte[] b = utf8(r.nextBoolean() ? plainRecord(r, limits) : oddRecord(r, limits));
        byte[] interesting = {'{', '}', '[', ']', '"', ',', ':', '\\', '-', '+', '.', 'e', 'E', '0', '1', '9', ' ', '\n',
            '\t', 'n', 'u', 0, 0x7f, (byte) 0xc3, (byte) 0x80, (byte) 0xff, (byte) 0xe2};
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            byte x = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : interesting[r.nextInt(interesting.length)];
            ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1);
            switch (r.nextInt(4)) {
                case 0 -> {
                    b[at] = x;
                    continue;
                }
                case 1 -> {
                    out.write(b, 0, at);
                    out.write(x);
                    out.write(b, at, b.length - at);
                }
                case 2 -> {
                    out.write(b, 0, at);
                    out.write(b, at + 1, b.length - at - 1);
                }
                default -> out.write(b, 0, at);
            }
            b = out.toByteArray();
        }
        return b;
    }

    private static String ws(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n";
            case 2 -> "\t";
            case 3 -> "\r\n";
            case 4 -> "  ";
            default -> "";
        };
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static byte[] feature(String number) {
        return utf8("{\"features\":[" + number + "]}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String show(byte[] record) {
        StringBuilder sb = new StringBuilder();
        for (byte b : record) {
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
        }
        return sb.toString();
    }
}
