package streamkmeans.stream;

import java.io.Serializable;

/**
 * The layout of a point record's bytes: {@link Json} (the default) or {@link Csv}.
 * Both are immutable and serializable, so a Flink operator can carry them.
 */
public sealed interface PointFormat extends Serializable permits PointFormat.Json, PointFormat.Csv {

    /** The JSON object format: {@code {"key":"k","id":"e-1","ts":1764370000000,"features":[0.1,2]}}. */
    static PointFormat json() {
        return new Json();
    }

    /** CSV {@code key,ts,f1,...,fd} with a comma separator and any number of features. */
    static PointFormat csv() {
        return new Csv(',', true, true, 0);
    }

    /**
     * One JSON object per record. {@code features} is required; {@code key}, {@code id} and
     * {@code ts} are optional, and other fields are ignored.
     */
    record Json() implements PointFormat {
    }

    /**
     * One delimited row per record: the key column (when {@code hasKey}), the timestamp column
     * (when {@code hasTimestamp}, epoch milliseconds) and then the features. There is no quoting:
     * the separator cannot occur inside a key. An empty key column means the default key, an
     * empty timestamp column means the Kafka record timestamp. Spaces and tabs around a column
     * are ignored, as is one trailing line break.
     *
     * @param separator the column separator: a printable ASCII character that cannot occur in a
     *     number (not a digit, sign, point, letter, space or quote), or a tab
     * @param hasKey whether the first column is the model key
     * @param hasTimestamp whether a timestamp column follows the key (or comes first without key)
     * @param dimension the exact number of feature columns, or 0 to accept any number from 1
     */
    record Csv(char separator, boolean hasKey, boolean hasTimestamp, int dimension) implements PointFormat {

        /** Checks the separator and the dimension. */
        public Csv {
            boolean allowed = separator == '\t'
                || (separator > ' ' && separator < 0x7f && !Character.isLetterOrDigit(separator)
                    && "+-.\"'".indexOf(separator) < 0);
            if (!allowed) {
                throw new IllegalArgumentException("unusable CSV separator: '" + separator + "'");
            }
            if (dimension < 0) {
                throw new IllegalArgumentException("dimension must be 0 (any) or positive, got " + dimension);
            }
        }

        /** Columns before the features: 0, 1 or 2. */
        public int leadingColumns() {
            return (hasKey ? 1 : 0) + (hasTimestamp ? 1 : 0);
        }
    }
}
