package streamkmeans.stream;

/**
 * Why a record went to the dead-letter topic. Each reason has a stable snake_case {@link #code()}
 * that is written into the dead letter and is safe to match on in alerts and scripts; the Java
 * constant names may change, the codes do not.
 *
 * <p>Most reasons come from parsing a record's bytes ({@link PointParser}); {@link #DIMENSION_MISMATCH},
 * {@link #LATE} and {@link #FIT_FAILED} come from the job, for points that parsed but cannot enter
 * a window or be labelled.
 */
public enum DeadLetterReason {
    /** Not well-formed JSON (syntax error, trailing content after the object). */
    INVALID_JSON("invalid_json"),
    /** The input ends in the middle of a JSON value. */
    TRUNCATED("truncated"),
    /** Zero bytes or only whitespace. */
    EMPTY_RECORD("empty_record"),
    /** The JSON value is not an object: {@code null}, an array, a string, a number or a boolean. */
    NOT_AN_OBJECT("not_an_object"),
    /** No {@code features} field (or {@code "features": null}). */
    MISSING_FEATURES("missing_features"),
    /** {@code features} is an empty array. */
    EMPTY_FEATURES("empty_features"),
    /**
     * {@code features} is not an array, or one of its entries is not a JSON number: a string (even
     * one that holds a number), a boolean, {@code null}, a nested array or object.
     */
    NON_NUMERIC_FEATURE("non_numeric_feature"),
    /** A feature is NaN or infinite, or a number outside the float32 range (such as 1e40). */
    NON_FINITE_FEATURE("non_finite_feature"),
    /** More features than {@link ParserLimits#maxFeatures()}. */
    TOO_MANY_FEATURES("too_many_features"),
    /** The record is longer than {@link ParserLimits#maxRecordBytes()}. */
    RECORD_TOO_LARGE("record_too_large"),
    /** JSON nested deeper than {@link ParserLimits#maxDepth()}. */
    TOO_DEEP("too_deep"),
    /** The bytes are not valid UTF-8. */
    INVALID_UTF8("invalid_utf8"),
    /** The key is longer than {@link ParserLimits#maxKeyLength()} characters. */
    KEY_TOO_LONG("key_too_long"),
    /** The key is not a string, is empty, or holds control characters or an unpaired surrogate. */
    INVALID_KEY("invalid_key"),
    /**
     * The id is neither a string nor an integer, is longer than {@link ParserLimits#maxIdLength()},
     * or holds an unpaired surrogate.
     */
    INVALID_ID("invalid_id"),
    /** The timestamp is not an integer, is negative, or lies beyond {@link ParserLimits#maxTimestamp()}. */
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** One of the fields {@code key}, {@code id}, {@code ts}, {@code features} appears twice. */
    DUPLICATE_FIELD("duplicate_field"),
    /** A CSV row has too few columns, or not the configured number of features. */
    CSV_COLUMN_COUNT("csv_column_count"),
    /** A CSV feature column is not a number. */
    CSV_BAD_NUMBER("csv_bad_number"),
    /** The point's dimension differs from the dimension of its key's model (set by the job). */
    DIMENSION_MISMATCH("dimension_mismatch"),
    /** The point arrived after its window was closed (set by the job). */
    LATE("late"),
    /**
     * The fit of the point's window failed on the backend and on the CPU refit, and its key had no
     * model yet to label it with (set by the job; the window's summary has status
     * {@code fit_failed} and the error).
     */
    FIT_FAILED("fit_failed");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The stable machine-readable code, for example {@code non_finite_feature}. */
    public String code() {
        return code;
    }

    /**
     * The reason with the given code.
     *
     * @throws IllegalArgumentException if no reason has that code
     */
    public static DeadLetterReason fromCode(String code) {
        for (DeadLetterReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown dead-letter reason: " + code);
    }
}
