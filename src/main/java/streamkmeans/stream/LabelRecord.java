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

    /** {@link #toJson()} as UTF-8 bytes, for a Kafka record value. O(1). */
    public byte[] toJsonBytes() {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeStringField("id", id);
            g.writeNumberField("ts", ts);
            Json.field(g, "window_start", windowStart);
            Json.field(g, "window_end", windowEnd);
            g.writeNumberField("cluster", cluster);
            Json.field(g, "distance", distance);
            g.writeNumberField("model_version", modelVersion);
            g.writeEndObject();
        });
    }
}
