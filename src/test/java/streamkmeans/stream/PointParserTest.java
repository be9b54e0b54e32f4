package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PointParserTest {

    private static final PointParser JSON = PointParser.json();
    private static final PointParser CSV = new PointParser(PointFormat.csv(), ParserLimits.DEFAULTS);

    // ------------------------------------------------------------------ the bad-input corpus

    @TestFactory
    Stream<DynamicTest> everyCorpusCaseGetsExactlyItsReason() {
        return BadInputCorpus.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            PointParser parser = c.csv() ? CSV : JSON;
            ParseResult result = parser.parse(c.value(), "points", 3, 42L);
            if (c.jobStage()) {
                // Rejected by the job, not the parser: a valid point of key default at event time 1000.
                Point p = assertInstanceOf(Point.class, result, c.name());
                assertEquals("default", p.key());
                assertEquals(1000L, p.ts());
                return;
            }
            Rejection r = assertInstanceOf(Rejection.class, result, c.name());
            assertEquals(c.reason(), r.reason(), r.message());
            assertFalse(r.message().isBlank());
            assertFalse(r.message().contains("\n"), "one line: " + r.message());
            assertTrue(r.message().length() < 300, "short: " + r.message());
        }));
    }

    @Test
    void corpusCoversEveryReasonButFitFailuresWithAtLeast25Cases() {
        List<BadInputCorpus.Case> cases = BadInputCorpus.cases();
        assertTrue(cases.size() >= 25, "corpus has " + cases.size() + " cases");
        Set<DeadLetterReason> covered = cases.stream().map(BadInputCorpus.Case::reason)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(DeadLetterReason.class)));
        assertEquals(EnumSet.complementOf(EnumSet.of(DeadLetterReason.FIT_FAILED)), covered,
            "fit_failed comes from a backend failure, not from input (FitFailureTest)");
        for (BadInputCorpus.Case c : cases) {
            assertEquals(c.jobStage(), c.reason() == DeadLetterReason.DIMENSION_MISMATCH
                || c.reason() == DeadLetterReason.LATE, c.name());
        }
    }

    @Test
    void theManifestListsEveryFileAndEachCaseIsNamedAfterItsReasonAndFormat() throws IOException {
        Path root = BadInputCorpus.root();
        Set<String> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/'))
                .filter(f -> !f.equals("README.md") && !f.equals("manifest.json"))
                .collect(Collectors.toSet());
        }
        Set<String> listed = new java.util.HashSet<>();
        for (BadInputCorpus.Case c : BadInputCorpus.cases()) {
            assertTrue(listed.add(c.name()), "listed twice: " + c.name());
            assertTrue(c.name().startsWith(c.reason().code() + "/"), c.name() + " is not in its reason's folder");
            assertTrue(c.name().endsWith("." + c.format()), c.name() + " is not named after its format");
            assertTrue(c.format().equals("json") || c.format().equals("csv"), c.name());
            assertEquals(!c.generated(), files.contains(c.name()), c.name() + ": a file exactly when not generated");
        }
        files.removeAll(listed);
        assertEquals(Set.of(), files, "files the manifest does not list");
    }

    // ------------------------------------------------------------------ valid JSON

    @Test
    void readsAFullRecord() {
        Point p = point(JSON, "{\"key\":\"sensor-7\",\"id\":\"e-1041\",\"ts\":1764370000000,\"features\":[0.12,3.4,-1.0]}");
        assertEquals("sensor-7", p.key());
        assertEquals("e-1041", p.id());
        assertEquals(1764370000000L, p.ts());
        assertTrue(p.hasTimestamp());
        assertArrayEquals(new float[] {0.12f, 3.4f, -1.0f}, p.features());
    }

    @Test
    void keyIdAndTimestampAreOptional() {
        Point p = point(JSON, "{\"features\":[1]}");
        assertEquals(Point.DEFAULT_KEY, p.key());
        assertNull(p.id());
        assertEquals(Point.NO_TIMESTAMP, p.ts());
        assertFalse(p.hasTimestamp());
        assertEquals(99L, p.eventTime(99L));
        assertArrayEquals(new float[] {1f}, p.features());
    }

    @Test
    void anEscapedSurrogatePairIsOneCharacterOfAKeyOrId() {
        Point p = point(JSON, "{\"key\":\"k\\ud83d\\ude00\",\"id\":\"\\ud83d\\ude00\",\"features\":[1]}");
        assertEquals("k\ud83d\ude00", p.key());
        assertEquals("\ud83d\ude00", p.id());
    }

    @Test
    void nullKeyIdAndTimestampCountAsAbsent() {
        Point p = point(JSON, "{\"key\":null,\"id\":null,\"ts\":null,\"features\":[2]}");
        assertEquals(Point.DEFAULT_KEY, p.key());
        assertNull(p.id());
        assertFalse(p.hasTimestamp());
    }

    @Test
    void readsIntegerAndExponentNumbers() {
        Point p = point(JSON, "{\"features\":[1,-2,0,-0.0,3e2,1.5E-3,2.5e+1,123456789,3.4028235e38,1e-50]}");
        assertArrayEquals(new float[] {1f, -2f, 0f, -0.0f, 300f, 0.0015f, 25f, 123456789f, Float.MAX_VALUE, 0f},
            p.features());
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(p.features()[3]), "sign of zero kept");
    }

    @Test
    void roundsEveryNumberExactlyAsFloatParseFloat() {
        Random random = new Random(7);
        StringBuilder json = new StringBuilder("{\"features\":[");
        String[] texts = new String[2000];
        for (int i = 0; i < texts.length; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextGaussian();
                case 1 -> random.nextDouble() * 1e6;
                case 2 -> Math.scalb(random.nextDouble(), random.nextInt(200) - 100);
                default -> Float.intBitsToFloat(random.nextInt() & 0x7f7fffff);
            };
            // Full double precision: the float32 rounding is not trivial for these.
            texts[i] = (i % 2 == 0 ? "" : "-") + Double.toString(d).replace("E", "e");
            json.append(i == 0 ? "" : ",").append(texts[i]);
        }
        float[] got = point(JSON, json.append("]}").toString()).features();
        for (int i = 0; i < texts.length; i++) {
            assertEquals(Float.floatToIntBits(Float.parseFloat(texts[i])), Float.floatToIntBits(got[i]), texts[i]);
        }
    }

    @Test
    void acceptsNonAsciiKeys() {
        assertEquals("caf\u00e9-\u03a9-\ud83d\ude00", point(JSON, "{\"key\":\"caf\u00e9-\u03a9-\ud83d\ude00\",\"features\":[1]}").key());
        assertEquals("caf\u00e9", point(CSV, "caf\u00e9,1,2").key());
    }

    @Test
    void acceptsIntegerIdsAsText() {
        assertEquals("1041", point(JSON, "{\"id\":1041,\"features\":[1]}").id());
    }

    @Test
    void ignoresUnknownFieldsInAnyOrderAndWhitespace() {
        Point p = point(JSON, " \n{ \"features\" : [ 1 , 2 ] ,\"meta\":{\"a\":[1,{\"b\":null}],\"c\":\"x\"},"
            + "\"NaN\":NaN, \"key\":\"k\", \"extra\":[[[]]] }\r\n");
        assertEquals("k", p.key());
        assertArrayEquals(new float[] {1f, 2f}, p.features());
    }

    @Test
    void keepsTheKafkaOrigin() {
        Point p = (Point) JSON.parse(bytes("{\"features\":[1]}"), "points", 5, 1234L);
        assertEquals("points", p.topic());
        assertEquals(5, p.partition());
        assertEquals(1234L, p.offset());
        Point q = point(JSON, "{\"features\":[1]}");
        assertNull(q.topic());
        assertEquals(Point.NO_PARTITION, q.partition());
        assertEquals(Point.NO_OFFSET, q.offset());
    }

    @Test
    void stateDoesNotLeakFromOneRecordToTheNext() {
        PointParser parser = PointParser.json();
        float[] many = new float[1000];
        StringBuilder sb = new StringBuilder("{\"key\":\"big\",\"id\":\"x\",\"ts\":5,\"features\":[");
        for (int i = 0; i < many.length; i++) {
            many[i] = i;
            sb.append(i == 0 ? "" : ",").append(i);
        }
        Point big = point(parser, sb.append("]}").toString());
        assertInstanceOf(Rejection.class, parser.parse(bytes("{\"key\":\"bad\",\"features\":[1,\"x\"]}")));
        Point small = point(parser, "{\"features\":[7]}");
        assertArrayEquals(many, big.features(), "earlier point unchanged by later parses");
        assertEquals(Point.DEFAULT_KEY, small.key());
        assertNull(small.id());
        assertFalse(small.hasTimestamp());
        assertArrayEquals(new float[] {7f}, small.features());
    }

    // ------------------------------------------------------------------ limits, at and past the edge

    @Test
    void recordSizeLimitIsInclusive() {
        ParserLimits limits = new ParserLimits(40, 4096, 32, 256, 256, ParserLimits.END_OF_YEAR_9999);
        PointParser parser = new PointParser(PointFormat.json(), limits);
        String exact = "{\"features\":[1],\"pad\":\"" + "x".repeat(40 - 25) + "\"}";
        assertEquals(40, exact.length());
        point(parser, exact);
        assertRejected(parser, exact.replace("\"x", "\"xx"), DeadLetterReason.RECORD_TOO_LARGE, "41 bytes");
    }

    @Test
    void featureCountLimitIsInclusive() {
        assertEquals(4096, point(JSON, features(4096)).dims());
        assertRejected(JSON, features(4097), DeadLetterReason.TOO_MANY_FEATURES, "4096");
    }

    @Test
    void keyLengthLimitIsInclusive() {
        assertEquals(256, point(JSON, "{\"key\":\"" + "k".repeat(256) + "\",\"features\":[1]}").key().length());
        assertRejected(JSON, "{\"key\":\"" + "k".repeat(257) + "\",\"features\":[1]}",
            DeadLetterReason.KEY_TOO_LONG, "257");
    }

    @Test
    void nestingLimitCountsTheObjectAsOneLevel() {
        ParserLimits limits = new ParserLimits(1 << 20, 4096, 4, 256, 256, ParserLimits.END_OF_YEAR_9999);
        PointParser parser = new PointParser(PointFormat.json(), limits);
        point(parser, "{\"features\":[1],\"x\":[[[1]]]}");
        assertRejected(parser, "{\"features\":[1],\"x\":[[[[1]]]]}", DeadLetterReason.TOO_DEEP, "4 levels");
        assertThrows(IllegalArgumentException.class,
            () -> new ParserLimits(1 << 20, 4096, 1, 256, 256, ParserLimits.END_OF_YEAR_9999));
    }

    @Test
    void timestampRangeIsInclusive() {
        assertEquals(0L, point(JSON, "{\"ts\":0,\"features\":[1]}").ts());
        assertEquals(ParserLimits.END_OF_YEAR_9999,
            point(JSON, "{\"ts\":" + ParserLimits.END_OF_YEAR_9999 + ",\"features\":[1]}").ts());
        assertRejected(JSON, "{\"ts\":" + (ParserLimits.END_OF_YEAR_9999 + 1) + ",\"features\":[1]}",
            DeadLetterReason.INVALID_TIMESTAMP, "beyond");
        ParserLimits year2100 = new ParserLimits(1 << 20, 4096, 32, 256, 256, 4_102_444_800_000L);
        assertRejected(new PointParser(PointFormat.json(), year2100), "{\"ts\":4102444800001,\"features\":[1]}",
            DeadLetterReason.INVALID_TIMESTAMP, "4102444800000");
    }

    // ------------------------------------------------------------------ rejection messages

    @Test
    void messagesNameTheOffendingPlace() {
        assertRejected(JSON, "{\"features\":[1,2,\"3\"]}", DeadLetterReason.NON_NUMERIC_FEATURE, "feature 2 is a string (\"3\")");
        assertRejected(JSON, "{\"features\":[1,1e40]}", DeadLetterReason.NON_FINITE_FEATURE, "feature 1 is 1e40");
        assertRejected(JSON, "{\"features\":[NaN]}", DeadLetterReason.NON_FINITE_FEATURE, "feature 0 is NaN");
        assertRejected(JSON, "{\"features\":[1,[2]]}", DeadLetterReason.NON_NUMERIC_FEATURE, "feature 1 is an array");
        assertRejected(JSON, "{\"features\":[1]} x", DeadLetterReason.INVALID_JSON, "after the JSON object");
        assertRejected(JSON, "{\"a\":1,}", DeadLetterReason.INVALID_JSON, "at byte 7");
        assertRejected(JSON, "[1]", DeadLetterReason.NOT_AN_OBJECT, "got an array");
        Rejection utf8 = (Rejection) JSON.parse(new byte[] {'{', '"', (byte) 0xc3, '"', '}'});
        assertEquals(DeadLetterReason.INVALID_UTF8, utf8.reason());
        assertTrue(utf8.message().contains("byte 2 (0xc3)"), utf8.message());
    }

    @Test
    void rejectionKeepsTheKeyWhenItWasAlreadyRead() {
        Rejection r = (Rejection) JSON.parse(bytes("{\"key\":\"sensor-7\",\"features\":[NaN]}"));
        assertEquals("sensor-7", r.key());
        Rejection early = (Rejection) JSON.parse(bytes("{\"features\":[NaN],\"key\":\"sensor-7\"}"));
        assertNull(early.key());
    }

    @Test
    void nullValueIsAnEmptyRecord() {
        assertEquals(DeadLetterReason.EMPTY_RECORD, ((Rejection) JSON.parse(null)).reason());
        assertEquals(DeadLetterReason.EMPTY_RECORD, ((Rejection) CSV.parse(null)).reason());
    }

    // ------------------------------------------------------------------ CSV

    @Test
    void readsCsvWithKeyAndTimestamp() {
        Point p = point(CSV, "sensor-1,1764370000000,0.5,-1.5e2,3\r\n");
        assertEquals("sensor-1", p.key());
        assertEquals(1764370000000L, p.ts());
        assertNull(p.id());
        assertArrayEquals(new float[] {0.5f, -150f, 3f}, p.features());
    }

    @Test
    void csvEmptyKeyAndTimestampColumnsMeanDefaults() {
        Point p = point(CSV, " , ,1, 2 ");
        assertEquals(Point.DEFAULT_KEY, p.key());
        assertFalse(p.hasTimestamp());
        assertArrayEquals(new float[] {1f, 2f}, p.features());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "+1.5", ".5e1", "5.", "-0", "1E5", "3.4028235e38"})
    void csvAcceptsDecimalForms(String number) {
        Point p = point(CSV, "k,1," + number);
        assertEquals(Float.floatToIntBits(Float.parseFloat(number)), Float.floatToIntBits(p.features()[0]));
    }

    @Test
    void readsCsvWithoutKeyOrTimestamp() {
        PointParser noKey = new PointParser(new PointFormat.Csv(',', false, true, 0), ParserLimits.DEFAULTS);
        Point p = point(noKey, "1764370000000,0.5,1.5");
        assertEquals(Point.DEFAULT_KEY, p.key());
        assertEquals(1764370000000L, p.ts());
        assertArrayEquals(new float[] {0.5f, 1.5f}, p.features());

        PointParser bare = new PointParser(new PointFormat.Csv(',', false, false, 0), ParserLimits.DEFAULTS);
        Point q = point(bare, "0.5,1.5,2.5\n");
        assertFalse(q.hasTimestamp());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, q.features());

        PointParser keyOnly = new PointParser(new PointFormat.Csv(',', true, false, 0), ParserLimits.DEFAULTS);
        Point r = point(keyOnly, "a,7");
        assertEquals("a", r.key());
        assertFalse(r.hasTimestamp());
        assertArrayEquals(new float[] {7f}, r.features());
    }

    @Test
    void csvSeparatorIsConfigurable() {
        PointParser semicolon = new PointParser(new PointFormat.Csv(';', true, true, 0), ParserLimits.DEFAULTS);
        assertArrayEquals(new float[] {0.5f, 1.5f}, point(semicolon, "sensor-1;1764370000000;0.5;1.5").features());
        assertRejected(semicolon, "sensor-1,1764370000000,0.5,1.5", DeadLetterReason.CSV_COLUMN_COUNT, "separated by ';'");

        PointParser tab = new PointParser(new PointFormat.Csv('\t', true, true, 0), ParserLimits.DEFAULTS);
        assertArrayEquals(new float[] {1f, 2f}, point(tab, "k\t1\t 1\t2").features());

        assertThrows(IllegalArgumentException.class, () -> new PointFormat.Csv('.', true, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new PointFormat.Csv('e', true, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new PointFormat.Csv(' ', true, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new PointFormat.Csv(',', true, true, -1));
    }

    @Test
    void csvWithAFixedDimensionChecksTheColumnCount() {
        PointParser three = new PointParser(new PointFormat.Csv(',', true, true, 3), ParserLimits.DEFAULTS);
        assertEquals(3, point(three, "a,1,1,2,3").dims());
        assertRejected(three, "a,1,1,2", DeadLetterReason.CSV_COLUMN_COUNT, "expected 5 columns");
        assertRejected(three, "a,1,1,2,3,4", DeadLetterReason.CSV_COLUMN_COUNT, "got 6");
        assertRejected(CSV, "a,1", DeadLetterReason.CSV_COLUMN_COUNT, "expected at least 3 columns");
    }

    @Test
    void csvMessagesNameTheColumn() {
        assertRejected(CSV, "a,1,1,x,3", DeadLetterReason.CSV_BAD_NUMBER, "column 4 is not a number: \"x\"");
        assertRejected(CSV, "a,1,1,inf", DeadLetterReason.NON_FINITE_FEATURE, "column 4 is inf");
        assertRejected(CSV, "a,1.5,1", DeadLetterReason.INVALID_TIMESTAMP, "\"1.5\"");
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String features(int n) {
        StringBuilder sb = new StringBuilder("{\"features\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 10);
        }
        return sb.append("]}").toString();
    }

    private static Point point(PointParser parser, String record) {
        ParseResult r = parser.parse(bytes(record));
        if (r instanceof Rejection rejection) {
            throw new AssertionError("rejected " + rejection.reason().code() + ": " + rejection.message());
        }
        return (Point) r;
    }

    /** Rejected with the reason and a message containing {@code part}. */
    private static void assertRejected(PointParser parser, String record, DeadLetterReason reason, String part) {
        ParseResult r = parser.parse(bytes(record));
        Rejection rejection = assertInstanceOf(Rejection.class, r, record);
        assertEquals(reason, rejection.reason(), rejection.message());
        assertTrue(rejection.message().contains(part), "message '" + rejection.message() + "' lacks '" + part + "'");
    }
}
