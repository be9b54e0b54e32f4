package streamkmeans.stream;

import java.io.Serializable;

/**
 * Limits that keep one hostile or broken record from costing more than a bounded amount of time
 * and memory. A record over a limit is rejected with the matching {@link DeadLetterReason}.
 *
 * @param maxRecordBytes longest record in bytes ({@code record_too_large})
 * @param maxFeatures most features in one point ({@code too_many_features})
 * @param maxDepth deepest JSON nesting, counting the point's own object as 1 and its features
 *     array as 2 ({@code too_deep}); at least 2
 * @param maxKeyLength longest model key in UTF-16 characters ({@code key_too_long})
 * @param maxIdLength longest id in UTF-16 characters ({@code invalid_id})
 * @param maxTimestamp latest accepted timestamp in epoch milliseconds ({@code invalid_timestamp})
 */
public record ParserLimits(int maxRecordBytes, int maxFeatures, int maxDepth, int maxKeyLength,
                           int maxIdLength, long maxTimestamp) implements Serializable {

    /** 9999-12-31T23:59:59.999Z in epoch milliseconds. */
    public static final long END_OF_YEAR_9999 = 253_402_300_799_999L;

    /** 1 MiB records, 4096 features, depth 32, keys and ids of 256 characters, timestamps up to year 9999. */
    public static final ParserLimits DEFAULTS =
        new ParserLimits(1 << 20, 4096, 32, 256, 256, END_OF_YEAR_9999);

    /** Checks that every limit is positive and the depth allows a features array. */
    public ParserLimits {
        if (maxRecordBytes < 1 || maxFeatures < 1 || maxKeyLength < 1 || maxIdLength < 1 || maxTimestamp < 0) {
            throw new IllegalArgumentException("parser limits must be positive: maxRecordBytes=" + maxRecordBytes
                + ", maxFeatures=" + maxFeatures + ", maxKeyLength=" + maxKeyLength + ", maxIdLength=" + maxIdLength
                + ", maxTimestamp=" + maxTimestamp);
        }
        if (maxDepth < 2) {
            throw new IllegalArgumentException("maxDepth must be at least 2 (object and features array), got " + maxDepth);
        }
    }
}
