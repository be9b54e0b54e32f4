package streamkmeans.stream;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The label of one input point, written to the labels topic as {@link #toJson()}:
 * <pre>{"key":"sensor-7","id":"e-1041","ts":1764370000000,"window_start":1764369990000,
 * "window_end":1764370000000,"cluster":3,"distance":0.8123,"model_version":12}</pre>
 *
 * <p>Which window and model: with labels per window, the first window of the point that was fitted
 * (or closed with too few points) and that window's model. With online labels, the model current
 * when the point arrived ({@code model_version} 0 and {@code cluster} −1 before the key's first
 * model) and the first time window the point belongs to; a count window's bounds are not known
 * on arrival and are then null.
 *
 * @param key          model key
 * @param id           the point's id, or null when it had none
 * @param ts           the point's event time, epoch ms
 * @param windowStart  start of the window (see above), epoch ms, or null
 * @param windowEnd    end of the window, epoch ms (exclusive for time windows), or null
 * @param cluster      cluster id, or −1 when the key has no model yet
 * @param distance     Euclidean distance to the cluster's centroid, data units; null when cluster is −1
 * @param modelVersion version of the model that gave the label (0 for none)
 */
public record LabelRecord(
        String key,
        String id,
        long ts,
        Long windowStart,
        Long windowEnd,
        int cluster,
        Float distance,
        long modelVersion) {
    private static final byte[] KEY = CompactJsonWriter.name("key");
    private static final byte[] ID = CompactJsonWriter.name("id");
    private static final byte[] TS = CompactJsonWriter.name("ts");
    private static final byte[] WINDOW_START = CompactJsonWriter.name("window_start");
    private static final byte[] WINDOW_END = CompactJsonWriter.name("window_end");
    private static final byte[] CLUSTER = CompactJsonWriter.name("cluster");
    private static final byte[] DISTANCE = CompactJsonWriter.name("distance");
    private static final byte[] MODEL_VERSION = CompactJsonWriter.name("model_version");

    /** Checks that a cluster has a finite distance and that "no cluster" has none. */
    public LabelRecord {
        Objects.requireNonNull(key, "key");
        if (cluster < -1) {
            throw new IllegalArgumentException("cluster must be >= -1, got " + cluster);
        }
        if ((cluster == -1) != (distance == null)) {
            throw new IllegalArgumentException("a distance is given exactly when the point has a cluster");
        }
        if (distance != null && !(distance >= 0 && Float.isFinite(distance))) {
            throw new IllegalArgumentException("distance must be finite and >= 0, got " + distance);
        }
    }

    /** The JSON object described in the class comment, one line. O(1). */
    public String toJson() {
        return new String(toJsonBytes(), StandardCharsets.UTF_8);
    }

    /**
     * {@link #toJson()} as UTF-8 bytes, for a Kafka record value: written by this thread's
     * {@link CompactJsonWriter} (one allocation, the result) rather than a Jackson generator per
     * label, with the same bytes but for the distance's digits: the shortest that read back as the
     * float ({@link FloatText}), where Jackson on Java 17 writes a digit more for about one float in
     * ten. O(1).
     */
    public byte[] toJsonBytes() {
        return CompactJsonWriter.local().begin()
                .field(KEY, key)
                .field(ID, id)
                .field(TS, ts)
                .field(WINDOW_START, windowStart)
                .field(WINDOW_END, windowEnd)
                .field(CLUSTER, cluster)
                .field(DISTANCE, distance)
                .field(MODEL_VERSION, modelVersion)
                .end();
    }
}
