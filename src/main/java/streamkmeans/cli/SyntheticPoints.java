package streamkmeans.cli;

import java.nio.charset.StandardCharsets;
import streamkmeans.engine.Blobs;

/**
 * The demo's data: JSON point records (the input contract of the job) drawn from drifting
 * Gaussian blobs, one independent {@link Blobs} model per model key, keys taken in turn.
 * Deterministic for a seed. Not thread-safe.
 *
 * <p>Record: {@code {"key":"sensor-0","id":"p-17","ts":1764370000000,"features":[0.12,3.4]}};
 * timestamps advance by {@code 1000 / rate} ms per point from {@code startMillis}, so event time
 * follows the intended rate even when the producer runs faster or slower.
 */
public final class SyntheticPoints {
    private final Blobs.Source[] sources;
    private final String[] keys;
    private final float[] features;
    private final long startMillis;
    private final double millisPerPoint;
    private long produced;

    /**
     * @param keys          number of model keys ({@code sensor-0 ...}), each with its own model
     * @param dims          features per point
     * @param k             true clusters per key
     * @param driftPer1000  centre movement per 1000 points of a key, in feature units
     * @param rate          intended points per second (for timestamps), all keys together
     * @param startMillis   timestamp of the first point
     * @param seed          random seed
     */
    public SyntheticPoints(int keys, int dims, int k, double driftPer1000, double rate, long startMillis, long seed) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be at least 1, got " + keys);
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, got " + rate);
        }
        this.sources = new Blobs.Source[keys];
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            sources[i] = Blobs.withDrift(dims, k, driftPer1000 / 1000, seed + i).source();
            this.keys[i] = keys == 1 ? "default" : "sensor-" + i;
        }
        this.features = new float[dims];
        this.startMillis = startMillis;
        this.millisPerPoint = 1000.0 / rate;
    }

    /** Points produced so far. */
    public long produced() {
        return produced;
    }

    /** The model key the next record will have. */
    public String nextKey() {
        return keys[(int) (produced % keys.length)];
    }

    /** The next record's JSON bytes. O(d). */
    public byte[] next() {
        int key = (int) (produced % keys.length);
        sources[key].next(features, 0);
        long ts = startMillis + (long) (produced * millisPerPoint);
        StringBuilder sb = new StringBuilder(32 + features.length * 12);
        sb.append("{\"key\":\"").append(keys[key]).append("\",\"id\":\"p-").append(produced)
                .append("\",\"ts\":").append(ts).append(",\"features\":[");
        for (int t = 0; t < features.length; t++) {
            if (t > 0) {
                sb.append(',');
            }
            sb.append(features[t]);
        }
        sb.append("]}");
        produced++;
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
