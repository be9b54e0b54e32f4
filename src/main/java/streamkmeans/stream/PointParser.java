package streamkmeans.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * Turns the value bytes of one Kafka record into a {@link Point} or a {@link Rejection} with the
 * precise {@link DeadLetterReason}. Never throws on content: every malformed, hostile or
 * oversized input becomes a rejection.
 *
 * <p>A plain well-formed JSON point (printable ASCII key and id without escapes, known fields
 * only, numbers whose float32 value is found exactly with double arithmetic) is read by
 * {@link JsonPointScanner} in one pass over the bytes, with no UTF-8 pass and no Jackson; it
 * gives up on anything else, which then takes the full path below, so both paths give the same
 * result for every record.
 *
 * <p>JSON is read with Jackson's streaming parser, field by field, without building a tree; the
 * features go into a reused scratch array and are copied once into the point's own array, and
 * numbers are converted straight from the parser's character buffer (correctly rounded to
 * float32). Apart from the point, its strings and features, the only allocation per record is
 * Jackson's parser object. CSV is scanned byte by byte without regular expressions or
 * per-column strings. Cost: O(record bytes) for both.
 *
 * <p>Checks, in order: the record's size ({@code record_too_large}), emptiness, UTF-8 validity,
 * then the format. Within a JSON object the fields are checked in the order they appear, and the
 * first problem found is the one reported. A {@code null} key, id or ts counts as absent;
 * {@code "features": null} counts as missing. Unknown fields are skipped (but still count towards
 * the nesting limit).
 *
 * <p>Not thread-safe: it reuses scratch buffers. Use one parser per thread (per Flink subtask).
 */
public final class PointParser {

    private static final int MESSAGE_SNIPPET = 40;
    /** The words JSON (with non-numeric numbers allowed) may contain outside strings. */
    private static final String[] LITERALS = {"true", "false", "null", "NaN", "Infinity", "-Infinity", "+Infinity",
        "-INF", "+INF"};

    private final PointFormat format;
    private final ParserLimits limits;
    private final JsonFactory jsonFactory;
    /** The fast path for plain JSON records; null for CSV or when switched off. */
    private final JsonPointScanner scanner;
    private long fastPathPoints;

    // Scratch state of the record being parsed; reset at the start of every JSON parse.
    private float[] scratch = new float[64];
    private char[] numberChars = new char[64];
    private String key;
    private String id;
    private long ts;
    private float[] features;

    /**
     * A parser for one record format and set of limits.
     *
     * @param format JSON or CSV layout
     * @param limits size and range limits
     */
    public PointParser(PointFormat format, ParserLimits limits) {
        this(format, limits, true);
    }

    /**
     * A parser that reads plain JSON records with {@link JsonPointScanner} when
     * {@code fastPath}, and every record with the full parser otherwise (for tests comparing the
     * two).
     */
    PointParser(PointFormat format, ParserLimits limits, boolean fastPath) {
        this.format = Objects.requireNonNull(format, "format");
        this.limits = Objects.requireNonNull(limits, "limits");
        // The other read constraints are raised to the record size, so that the nesting depth is
        // the only one a record within maxRecordBytes can break.
        StreamReadConstraints constraints = StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth())
            .maxNumberLength(limits.maxRecordBytes())
            .maxStringLength(limits.maxRecordBytes())
            .maxNameLength(limits.maxRecordBytes())
            .build();
        this.jsonFactory = JsonFactory.builder()
            // NaN and Infinity are read as numbers so they can be rejected as non_finite_feature.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            // Unknown field names come from untrusted input: do not intern them.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(constraints)
            .build();
        this.scanner = fastPath && format instanceof PointFormat.Json ? new JsonPointScanner(limits) : null;
    }

    /** A JSON parser with the default limits. */
    public static PointParser json() {
        return new PointParser(PointFormat.json(), ParserLimits.DEFAULTS);
    }

    /** The format this parser reads. */
    public PointFormat format() {
        return format;
    }

    /** The limits this parser enforces. */
    public ParserLimits limits() {
        return limits;
    }

    /**
     * Parses a record that did not come from Kafka.
     *
     * @param value the record bytes; null counts as empty
     * @return a point without origin, or a rejection
     */
    public ParseResult parse(byte[] value) {
        return parse(value, null, Point.NO_PARTITION, Point.NO_OFFSET);
    }

    /**
     * Parses the value of a Kafka record. O(value.length).
     *
     * @param value the record value; null (a tombstone) counts as empty
     * @param topic the record's topic, kept in the point
     * @param partition the record's partition
     * @param offset the record's offset
     * @return a point, or a rejection saying why the record is not one
     */
    public ParseResult parse(byte[] value, String topic, int partition, long offset) {
        if (value == null || value.length == 0) {
            return new Rejection(DeadLetterReason.EMPTY_RECORD, "record is empty", null);
        }
        if (value.length > limits.maxRecordBytes()) {
            return new Rejection(DeadLetterReason.RECORD_TOO_LARGE, "record has " + value.length
                + " bytes, more than the limit of " + limits.maxRecordBytes(), null);
        }
        if (scanner != null) {
            Point p = scanner.scan(value, topic, partition, offset);
            if (p != null) {
                fastPathPoints++;
                return p;
            }
        }
        int bad = Utf8.firstInvalid(value, 0, value.length);
        if (bad >= 0) {
            return new Rejection(DeadLetterReason.INVALID_UTF8, String.format(
                "invalid UTF-8 at byte %d (0x%02x)", bad, value[bad] & 0xff), null);
        }
        if (format instanceof PointFormat.Csv csv) {
            return parseCsv(value, csv, topic, partition, offset);
        }
        return parseJson(value, topic, partition, offset);
    }

    /** How many points the fast path has read (the rest of the records took the full path). */
    long fastPathPoints() {
        return fastPathPoints;
    }

    // ---------------------------------------------------------------- JSON

    private ParseResult parseJson(byte[] value, String topic, int partition, long offset) {
        key = null;
        id = null;
        ts = Point.NO_TIMESTAMP;
        features = null;
        try (JsonParser p = jsonFactory.createParser(value)) {
            Rejection r = readObject(p);
            if (r != null) {
                return r;
            }
            try {
                if (p.nextToken() != null) {
                    return new Rejection(DeadLetterReason.INVALID_JSON,
                        "unexpected content after the JSON object at byte " + tokenStart(p), key);
                }
            } catch (JsonProcessingException e) {
                return new Rejection(DeadLetterReason.INVALID_JSON,
                    "unexpected content after the JSON object: " + jacksonMessage(e), key);
            }
        } catch (StreamConstraintsException e) {
            // The only constraint a record within maxRecordBytes can break: see the constructor.
            return new Rejection(DeadLetterReason.TOO_DEEP,
                "JSON nested deeper than " + limits.maxDepth() + " levels", key);
        } catch (JsonProcessingException e) {
            boolean atEnd = e instanceof JsonEOFException || stopsShort(value);
            return new Rejection(atEnd ? DeadLetterReason.TRUNCATED : DeadLetterReason.INVALID_JSON,
                (atEnd ? "JSON ends early: " : "invalid JSON: ") + jacksonMessage(e), key);
        } catch (IOException | RuntimeException e) {
            // Byte-array input performs no I/O; this is Jackson refusing the input some other way
            // (for example its symbol table guarding against hash flooding).
            return new Rejection(DeadLetterReason.INVALID_JSON, "invalid JSON: " + e.getMessage(), key);
        }
        return new Point(key == null ? Point.DEFAULT_KEY : key, id, ts, features, topic, partition, offset);
    }

    /** Reads the top-level object into the scratch fields; returns a rejection or null. */
    private Rejection readObject(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return new Rejection(DeadLetterReason.EMPTY_RECORD, "record holds only whitespace", null);
        }
        if (t != JsonToken.START_OBJECT) {
            return new Rejection(DeadLetterReason.NOT_AN_OBJECT,
                "a point must be a JSON object, got " + describe(t), null);
        }
        int seen = 0;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int bit = switch (name) {
                case "key" -> 1;
                case "id" -> 2;
                case "ts" -> 4;
                case "features" -> 8;
                default -> 0;
            };
            t = p.nextToken();
            if (bit == 0) {
                p.skipChildren();
                continue;
            }
            if ((seen & bit) != 0) {
                return new Rejection(DeadLetterReason.DUPLICATE_FIELD,
                    "field \"" + name + "\" appears more than once", key);
            }
            seen |= bit;
            Rejection r = switch (bit) {
                case 1 -> readKey(p, t);
                case 2 -> readId(p, t);
                case 4 -> readTimestamp(p, t);
                default -> readFeatures(p, t);
            };
            if (r != null) {
                return r;
            }
        }
        if (features == null) {
            return new Rejection(DeadLetterReason.MISSING_FEATURES,
                (seen & 8) != 0 ? "\"features\" is null" : "no \"features\" field", key);
        }
        return null;
    }

    private Rejection readKey(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            return new Rejection(DeadLetterReason.INVALID_KEY, "\"key\" must be a string, got " + describe(t), null);
        }
        int length = p.getTextLength();
        if (length > limits.maxKeyLength()) {
            return new Rejection(DeadLetterReason.KEY_TOO_LONG, "\"key\" has " + length
                + " characters, more than the limit of " + limits.maxKeyLength(), null);
        }
        Rejection r = checkKeyChars(p.getTextCharacters(), p.getTextOffset(), length);
        if (r == null) {
            key = p.getText();
        }
        return r;
    }

    private static Rejection checkKeyChars(char[] chars, int from, int length) {
        if (length == 0) {
            return new Rejection(DeadLetterReason.INVALID_KEY, "\"key\" is empty", null);
        }
        for (int i = from; i < from + length; i++) {
            if (chars[i] < 0x20 || chars[i] == 0x7f) {
                return new Rejection(DeadLetterReason.INVALID_KEY, String.format(
                    "\"key\" holds control character U+%04X at index %d", (int) chars[i], i - from), null);
            }
        }
        int lone = unpairedSurrogate(chars, from, length);
        if (lone >= 0) {
            return new Rejection(DeadLetterReason.INVALID_KEY, String.format(
                "\"key\" holds an unpaired surrogate U+%04X at index %d", (int) chars[from + lone], lone), null);
        }
        return null;
    }

    /**
     * Index (from {@code from}) of the first surrogate that is not half of a pair, or -1. Valid
     * UTF-8 cannot hold one, but a JSON escape such as {@code \ud800} can, and such a string is
     * not text: it cannot be written as UTF-8 (the Kafka record key) and would be a key or id that
     * no consumer can read back.
     */
    private static int unpairedSurrogate(char[] chars, int from, int length) {
        int end = from + length;
        for (int i = from; i < end; i++) {
            if (Character.isHighSurrogate(chars[i]) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(chars[i])) {
                return i - from;
            }
        }
        return -1;
    }

    private Rejection readId(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
            return new Rejection(DeadLetterReason.INVALID_ID,
                "\"id\" must be a string or an integer, got " + describe(t), key);
        }
        int length = p.getTextLength();
        if (length > limits.maxIdLength()) {
            return new Rejection(DeadLetterReason.INVALID_ID, "\"id\" has " + length
                + " characters, more than the limit of " + limits.maxIdLength(), key);
        }
        int lone = unpairedSurrogate(p.getTextCharacters(), p.getTextOffset(), length);
        if (lone >= 0) {
            return new Rejection(DeadLetterReason.INVALID_ID, String.format(
                "\"id\" holds an unpaired surrogate U+%04X at index %d", (int) p.getTextCharacters()[p.getTextOffset()
                    + lone], lone), key);
        }
        id = p.getText();
        return null;
    }

    private Rejection readTimestamp(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            String got = t == JsonToken.VALUE_NUMBER_FLOAT ? "the non-integer " + snippet(p) : describe(t);
            return new Rejection(DeadLetterReason.INVALID_TIMESTAMP,
                "\"ts\" must be epoch milliseconds as an integer, got " + got, key);
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return new Rejection(DeadLetterReason.INVALID_TIMESTAMP, "\"ts\" " + snippet(p)
                + " is beyond the limit of " + limits.maxTimestamp(), key);
        }
        long v = p.getLongValue();
        if (v < 0) {
            return new Rejection(DeadLetterReason.INVALID_TIMESTAMP, "\"ts\" " + v + " is negative", key);
        }
        if (v > limits.maxTimestamp()) {
            return new Rejection(DeadLetterReason.INVALID_TIMESTAMP, "\"ts\" " + v
                + " is beyond the limit of " + limits.maxTimestamp(), key);
        }
        ts = v;
        return null;
    }

    private Rejection readFeatures(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null; // reported as missing once the object is read
        }
        if (t != JsonToken.START_ARRAY) {
            return new Rejection(DeadLetterReason.NON_NUMERIC_FEATURE,
                "\"features\" must be an array of numbers, got " + describe(t), key);
        }
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                String got = t == JsonToken.VALUE_STRING ? "a string (" + snippet(p) + ")" : describe(t);
                return new Rejection(DeadLetterReason.NON_NUMERIC_FEATURE,
                    "feature " + n + " is " + got + "; features must be JSON numbers", key);
            }
            if (n == limits.maxFeatures()) {
                return new Rejection(DeadLetterReason.TOO_MANY_FEATURES,
                    "more than " + limits.maxFeatures() + " features", key);
            }
            // isNaN() is true for the NaN and Infinity literals, which the fast parser may not read.
            float f = p.isNaN() ? Float.NaN
                : NumberInput.parseFloat(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
            if (!Float.isFinite(f)) {
                return new Rejection(DeadLetterReason.NON_FINITE_FEATURE,
                    "feature " + n + " is " + snippet(p) + ", not a finite float32 number", key);
            }
            if (n == scratch.length) {
                scratch = Arrays.copyOf(scratch, Math.min(2 * n, limits.maxFeatures()));
            }
            scratch[n++] = f;
        }
        if (n == 0) {
            return new Rejection(DeadLetterReason.EMPTY_FEATURES, "\"features\" is empty", key);
        }
        features = Arrays.copyOf(scratch, n);
        return null;
    }

    /**
     * Whether the input is the beginning of a longer JSON text, that is, a reader runs out of
     * input before it finds an error. Run only for records that failed, to tell a cut-off record
     * from a malformed one: Jackson's blocking parser reports a record cut inside a number or
     * literal ("1." or "tru") or after a comma as a plain syntax error. The non-blocking parser
     * answers NOT_AVAILABLE instead. O(record bytes).
     */
    private boolean stopsShort(byte[] value) {
        try (JsonParser p = jsonFactory.createNonBlockingByteArrayParser()) {
            ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(value, 0, value.length);
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.NOT_AVAILABLE) {
                if (t == null) {
                    return false;
                }
            }
            // The non-blocking parser also waits for the end of any word, known literal or not.
            return !endsInUnknownWord(value);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the input ends in letters that do not begin a JSON literal or an exponent. */
    private static boolean endsInUnknownWord(byte[] v) {
        int end = v.length;
        int s = end;
        while (s > 0 && ((v[s - 1] | 0x20) >= 'a' && (v[s - 1] | 0x20) <= 'z')) {
            s--;
        }
        if (s == end) {
            return false;
        }
        boolean afterNumber = s > 0 && ((v[s - 1] >= '0' && v[s - 1] <= '9') || v[s - 1] == '.');
        if (afterNumber && end - s == 1 && (v[s] | 0x20) == 'e') {
            return false;
        }
        int signed = s > 0 && (v[s - 1] == '-' || v[s - 1] == '+') ? s - 1 : s;
        for (String literal : LITERALS) {
            if (startsLiteral(v, s, end, literal) || startsLiteral(v, signed, end, literal)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsLiteral(byte[] v, int from, int end, String literal) {
        if (end - from > literal.length()) {
            return false;
        }
        for (int i = from; i < end; i++) {
            if (v[i] != literal.charAt(i - from)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static String snippet(JsonParser p) throws IOException {
        String text = p.getText();
        String cut = text.length() <= MESSAGE_SNIPPET ? text : text.substring(0, MESSAGE_SNIPPET) + "...";
        return p.currentToken() == JsonToken.VALUE_STRING ? '"' + oneLine(cut) + '"' : cut;
    }

    /** Control characters escaped, so that a message stays on one line. */
    private static String oneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20) {
                StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                for (int j = i; j < s.length(); j++) {
                    char c = s.charAt(j);
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
                return sb.toString();
            }
        }
        return s;
    }

    private static long tokenStart(JsonParser p) {
        return p.currentTokenLocation().getByteOffset();
    }

    private static String jacksonMessage(JsonProcessingException e) {
        // The first line, without the source-location aside.
        String msg = String.valueOf(e.getOriginalMessage());
        int cut = msg.indexOf('\n');
        if (cut >= 0) {
            msg = msg.substring(0, cut);
        }
        cut = msg.indexOf(" (start marker at");
        if (cut >= 0) {
            msg = msg.substring(0, cut);
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getByteOffset() < 0 ? msg : msg + " (at byte " + at.getByteOffset() + ")";
    }

    // ---------------------------------------------------------------- CSV

    private ParseResult parseCsv(byte[] v, PointFormat.Csv csv, String topic, int partition, long offset) {
        int end = v.length;
        if (end > 0 && v[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && v[end - 1] == '\r') {
            end--;
        }
        byte sep = (byte) csv.separator();
        int columns = 1;
        boolean blank = true;
        for (int i = 0; i < end; i++) {
            byte b = v[i];
            if (b == sep) {
                columns++;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                blank = false;
            }
        }
        if (blank) {
            return new Rejection(DeadLetterReason.EMPTY_RECORD, "record holds only whitespace", null);
        }
        int lead = csv.leadingColumns();
        int dims = columns - lead;
        if (csv.dimension() > 0 ? dims != csv.dimension() : dims < 1) {
            int want = lead + Math.max(1, csv.dimension());
            return new Rejection(DeadLetterReason.CSV_COLUMN_COUNT, "expected " + (csv.dimension() > 0 ? "" : "at least ")
                + want + " columns separated by '" + csv.separator() + "' (" + describeLayout(csv) + "), got " + columns, null);
        }
        if (dims > limits.maxFeatures()) {
            return new Rejection(DeadLetterReason.TOO_MANY_FEATURES,
                dims + " features, more than the limit of " + limits.maxFeatures(), null);
        }
        int start = 0;
        String k = Point.DEFAULT_KEY;
        if (csv.hasKey()) {
            int stop = columnEnd(v, start, end, sep);
            int s = trimStart(v, start, stop, sep);
            int e = trimEnd(v, s, stop, sep);
            if (e > s) {
                k = new String(v, s, e - s, StandardCharsets.UTF_8);
                if (k.length() > limits.maxKeyLength()) {
                    return new Rejection(DeadLetterReason.KEY_TOO_LONG, "key has " + k.length()
                        + " characters, more than the limit of " + limits.maxKeyLength(), null);
                }
                // Control characters are ASCII, and in UTF-8 an ASCII byte is always that character.
                for (int i = s; i < e; i++) {
                    if (v[i] >= 0 && v[i] < 0x20 || v[i] == 0x7f) {
                        return new Rejection(DeadLetterReason.INVALID_KEY, String.format(
                            "key holds control character U+%04X", (int) v[i]), null);
                    }
                }
            }
            start = stop + 1;
        }
        long t = Point.NO_TIMESTAMP;
        if (csv.hasTimestamp()) {
            int stop = columnEnd(v, start, end, sep);
            int s = trimStart(v, start, stop, sep);
            int e = trimEnd(v, s, stop, sep);
            if (e > s) {
                t = csvTimestamp(v, s, e);
                if (t < 0) {
                    return new Rejection(DeadLetterReason.INVALID_TIMESTAMP, "timestamp column \""
                        + text(v, s, e) + "\" is not an integer from 0 to " + limits.maxTimestamp(), k);
                }
            }
            start = stop + 1;
        }
        float[] f = new float[dims];
        for (int j = 0; j < dims; j++) {
            int stop = columnEnd(v, start, end, sep);
            int s = trimStart(v, start, stop, sep);
            int e = trimEnd(v, s, stop, sep);
            int column = lead + j + 1;
            if (isNonFiniteWord(v, s, e)) {
                return new Rejection(DeadLetterReason.NON_FINITE_FEATURE,
                    "column " + column + " is " + text(v, s, e) + ", not a finite float32 number", k);
            }
            if (!isDecimal(v, s, e)) {
                return new Rejection(DeadLetterReason.CSV_BAD_NUMBER,
                    "column " + column + " is not a number: \"" + text(v, s, e) + "\"", k);
            }
            float x = parseAsciiFloat(v, s, e);
            if (!Float.isFinite(x)) {
                return new Rejection(DeadLetterReason.NON_FINITE_FEATURE,
                    "column " + column + " is " + text(v, s, e) + ", outside the float32 range", k);
            }
            f[j] = x;
            start = stop + 1;
        }
        return new Point(k, null, t, f, topic, partition, offset);
    }

    private static String describeLayout(PointFormat.Csv csv) {
        String head = csv.hasKey() ? (csv.hasTimestamp() ? "key, ts, " : "key, ") : (csv.hasTimestamp() ? "ts, " : "");
        return head + (csv.dimension() > 0 ? csv.dimension() + " features" : "features");
    }

    private static int columnEnd(byte[] v, int from, int end, byte sep) {
        int i = from;
        while (i < end && v[i] != sep) {
            i++;
        }
        return i;
    }

    private static boolean isPadding(byte b, byte sep) {
        return (b == ' ' || b == '\t') && b != sep;
    }

    private static int trimStart(byte[] v, int from, int to, byte sep) {
        while (from < to && isPadding(v[from], sep)) {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] v, int from, int to, byte sep) {
        while (to > from && isPadding(v[to - 1], sep)) {
            to--;
        }
        return to;
    }

    /** Digits only, within the limits; -1 otherwise. */
    private long csvTimestamp(byte[] v, int s, int e) {
        if (e - s > 19) {
            return -1;
        }
        long t = 0;
        for (int i = s; i < e; i++) {
            int d = v[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            t = t * 10 + d; // 19 digits cannot overflow a long past the check below
            if (t < 0) {
                return -1;
            }
        }
        return t <= limits.maxTimestamp() ? t : -1;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}: what a CSV feature may be. */
    private static boolean isDecimal(byte[] v, int s, int e) {
        int i = s;
        if (i < e && (v[i] == '+' || v[i] == '-')) {
            i++;
        }
        int digits = 0;
        while (i < e && v[i] >= '0' && v[i] <= '9') {
            i++;
            digits++;
        }
        if (i < e && v[i] == '.') {
            i++;
            while (i < e && v[i] >= '0' && v[i] <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < e && (v[i] == 'e' || v[i] == 'E')) {
            i++;
            if (i < e && (v[i] == '+' || v[i] == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < e && v[i] >= '0' && v[i] <= '9') {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == e;
    }

    /** NaN, Inf or Infinity in any case, with an optional sign. */
    private static boolean isNonFiniteWord(byte[] v, int s, int e) {
        if (s < e && (v[s] == '+' || v[s] == '-')) {
            s++;
        }
        return equalsIgnoreCase(v, s, e, "nan") || equalsIgnoreCase(v, s, e, "inf")
            || equalsIgnoreCase(v, s, e, "infinity");
    }

    private static boolean equalsIgnoreCase(byte[] v, int s, int e, String lower) {
        if (e - s != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if ((v[s + i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Correctly rounded float32 of an ASCII decimal already checked by {@link #isDecimal}. */
    private float parseAsciiFloat(byte[] v, int s, int e) {
        int n = e - s;
        if (n > numberChars.length) {
            numberChars = new char[Math.max(n, 2 * numberChars.length)];
        }
        for (int i = 0; i < n; i++) {
            numberChars[i] = (char) v[s + i];
        }
        return NumberInput.parseFloat(numberChars, 0, n, true);
    }

    private static String text(byte[] v, int s, int e) {
        int n = Utf8.prefixLength(v, s, e, MESSAGE_SNIPPET);
        return oneLine(new String(v, s, n, StandardCharsets.UTF_8)) + (n < e - s ? "..." : "");
    }
}
