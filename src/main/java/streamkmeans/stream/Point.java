package streamkmeans.stream;

import java.util.Arrays;
import java.util.Objects;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One input point: its model key, optional id, optional event time, float32 features, and the
 * Kafka record it came from (so that a point rejected later by the job can still be traced to
 * its record).
 *
 * <p>Immutable by contract, not by copy: the point owns its features array and hands it out from
 * {@link #features()} without copying, for speed. Nobody may modify it.
 *
 * <p>In Flink it travels with {@link PointSerializer}, found through the {@code @TypeInfo}
 * annotation.
 */
@TypeInfo(StreamTypes.PointInfoFactory.class)
public final class Point implements ParseResult {

    /** Marks a point without its own timestamp: its event time is the Kafka record's timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** The model key of a point that names none. */
    public static final String DEFAULT_KEY = "default";

    /** Partition and offset of a point that did not come from Kafka. */
    public static final int NO_PARTITION = -1;

    /** Offset of a point that did not come from Kafka. */
    public static final long NO_OFFSET = -1L;

    private final String key;
    private final String id;
    private final long ts;
    private final float[] features;
    private final String topic;
    private final int partition;
    private final long offset;

    /**
     * A point read from Kafka.
     *
     * @param key the model key, not null
     * @param id the point's id, echoed in its label, or null
     * @param ts event time in epoch milliseconds, or {@link #NO_TIMESTAMP}
     * @param features the feature values, at least one; the point takes ownership of the array
     * @param topic the topic of the source record, or null when not from Kafka
     * @param partition the partition of the source record, or {@link #NO_PARTITION}
     * @param offset the offset of the source record, or {@link #NO_OFFSET}
     */
    public Point(String key, String id, long ts, float[] features, String topic, int partition, long offset) {
        this.key = Objects.requireNonNull(key, "key");
        this.features = Objects.requireNonNull(features, "features");
        if (features.length == 0) {
            throw new IllegalArgumentException("a point needs at least one feature");
        }
        this.id = id;
        this.ts = ts;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** A point that did not come from Kafka (tests, files, the generator). */
    public Point(String key, String id, long ts, float[] features) {
        this(key, id, ts, features, null, NO_PARTITION, NO_OFFSET);
    }

    /** The model key: points of one key are clustered together. */
    public String key() {
        return key;
    }

    /** The id given in the record, or null. */
    public String id() {
        return id;
    }

    /** The event time from the record in epoch milliseconds, or {@link #NO_TIMESTAMP}. */
    public long ts() {
        return ts;
    }

    /** Whether the record carried its own timestamp. */
    public boolean hasTimestamp() {
        return ts != NO_TIMESTAMP;
    }

    /**
     * The event time in epoch milliseconds: the record's own timestamp when it has one, else
     * {@code recordTimestamp} (the Kafka record timestamp).
     */
    public long eventTime(long recordTimestamp) {
        return ts != NO_TIMESTAMP ? ts : recordTimestamp;
    }

    /** The features (shared, do not modify). */
    public float[] features() {
        return features;
    }

    /** The number of features. */
    public int dims() {
        return features.length;
    }

    /** The source topic, or null when not from Kafka. */
    public String topic() {
        return topic;
    }

    /** The source partition, or {@link #NO_PARTITION}. */
    public int partition() {
        return partition;
    }

    /** The source offset, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }

    /** Equal when every field, origin included, is equal (features compared bit for bit). O(d). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Point p)) {
            return false;
        }
        return ts == p.ts && partition == p.partition && offset == p.offset && key.equals(p.key)
            && Objects.equals(id, p.id) && Objects.equals(topic, p.topic) && Arrays.equals(features, p.features);
    }

    /** Hash of key, id, timestamp and features. O(d). */
    @Override
    public int hashCode() {
        return 31 * Objects.hash(key, id, ts) + Arrays.hashCode(features);
    }

    /** For logs and test failures; lists at most 8 features. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Point{key=").append(key);
        if (id != null) {
            sb.append(", id=").append(id);
        }
        if (hasTimestamp()) {
            sb.append(", ts=").append(ts);
        }
        sb.append(", features[").append(features.length).append("]=[");
        for (int i = 0; i < Math.min(8, features.length); i++) {
            sb.append(i == 0 ? "" : ", ").append(features[i]);
        }
        sb.append(features.length > 8 ? ", ...]" : "]");
        if (topic != null) {
            sb.append(", from=").append(topic).append('-').append(partition).append('@').append(offset);
        }
        return sb.append('}').toString();
    }
}
