package streamkmeans.stream;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The clusterer's per-key gauges, for dashboards that follow one model key: each holds the value
 * of the key's last fitted window, as its {@link WindowSummary} reports it.
 *
 * <p>Gauges, in a metric group {@code key} (a {@code key} label in Prometheus):
 * {@code inertiaPerPoint} and {@code rollingInertia} (squared data units), {@code silhouette} and
 * {@code rollingSilhouette} (in [-1, 1]), {@code maxDrift} and {@code meanDrift} (centroid shift
 * since the previous window, data units), {@code labelChurn} (share of the window's points, in
 * [0, 1]), {@code windowPoints}, and {@code clusterSize} in a further group {@code cluster} (a
 * {@code cluster} label, 0 to k−1). A value the window does not have is NaN: drift and churn of a
 * key's first model, an undefined silhouette, a rolling silhouette before the first defined one.
 *
 * <p>The number of series stays bounded whatever the number of keys: only the first
 * {@code limit} keys that a subtask fits get a group of their own; every later key reports into the
 * one group {@code key="_other"}, whose gauges hold the last window fitted among those keys. A
 * subtask thus registers at most {@code (limit + 1)·(8 + k)} gauges. Which keys get a group
 * depends on the order in which the subtask first fits them, so it may change after a restart.
 *
 * <p>Updated on the task thread, read by the metric reporters' threads. Cost: O(k) per window.
 */
final class KeyMetrics {
    /** The {@code key} label of the keys that have no group of their own. */
    static final String OTHER = "_other";

    private final MetricGroup parent;
    private final int limit;
    private final int k;
    private final Map<String, Gauges> own = new HashMap<>();
    private Gauges other;

    /**
     * Per-key gauges under {@code parent} for at most {@code limit} keys of their own (plus
     * {@code _other}), with {@code k} cluster sizes each.
     */
    KeyMetrics(MetricGroup parent, int limit, int k) {
        this.parent = parent;
        this.limit = limit;
        this.k = k;
    }

    /** Reports a fitted window under its key's group, registering the group on first use. O(k). */
    void update(WindowSummary summary) {
        gaugesOf(summary.key()).set(summary);
    }

    /**
     * Forgets an expired key's values: its own group, if it has one, reads as before its first
     * window (NaN, sizes 0) until the key is fitted again. The group stays registered (Flink
     * cannot unregister one), so the series stay bounded by {@code limit}. O(k).
     */
    void expire(String key) {
        Gauges gauges = own.get(key);
        if (gauges != null) {
            gauges.clear();
        }
    }

    private Gauges gaugesOf(String key) {
        Gauges gauges = own.get(key);
        if (gauges != null) {
            return gauges;
        }
        // A real key named "_other" would collide with the shared group: it joins it.
        if (own.size() < limit && !OTHER.equals(key)) {
            gauges = new Gauges(parent.addGroup("key", key), k);
            own.put(key, gauges);
            return gauges;
        }
        if (other == null) {
            other = new Gauges(parent.addGroup("key", OTHER), k);
        }
        return other;
    }

    /** The gauges of one group; fields are volatile because reporters read them from other threads. */
    private static final class Gauges {
        private volatile double inertiaPerPoint = Double.NaN;
        private volatile double rollingInertia = Double.NaN;
        private volatile double silhouette = Double.NaN;
        private volatile double rollingSilhouette = Double.NaN;
        private volatile double maxDrift = Double.NaN;
        private volatile double meanDrift = Double.NaN;
        private volatile double labelChurn = Double.NaN;
        private volatile int windowPoints;
        private volatile int[] clusterSizes;

        Gauges(MetricGroup group, int k) {
            group.gauge("inertiaPerPoint", (Gauge<Double>) () -> inertiaPerPoint);
            group.gauge("rollingInertia", (Gauge<Double>) () -> rollingInertia);
            group.gauge("silhouette", (Gauge<Double>) () -> silhouette);
            group.gauge("rollingSilhouette", (Gauge<Double>) () -> rollingSilhouette);
            group.gauge("maxDrift", (Gauge<Double>) () -> maxDrift);
            group.gauge("meanDrift", (Gauge<Double>) () -> meanDrift);
            group.gauge("labelChurn", (Gauge<Double>) () -> labelChurn);
            group.gauge("windowPoints", (Gauge<Integer>) () -> windowPoints);
            clusterSizes = new int[k];
            for (int c = 0; c < k; c++) {
                int cluster = c;
                group.addGroup("cluster", String.valueOf(c))
                        .gauge("clusterSize", (Gauge<Integer>) () -> size(cluster));
            }
        }

        void set(WindowSummary s) {
            inertiaPerPoint = orNaN(s.meanSqDistance());
            rollingInertia = orNaN(s.rollingInertia());
            silhouette = orNaN(s.silhouette());
            rollingSilhouette = orNaN(s.rollingSilhouette());
            maxDrift = s.drift() == null ? Double.NaN : s.drift().max();
            meanDrift = s.drift() == null ? Double.NaN : s.drift().mean();
            labelChurn = orNaN(s.labelChurn());
            windowPoints = s.points();
            clusterSizes = s.clusterSizes() == null ? new int[0] : s.clusterSizes().clone();
        }

        void clear() {
            inertiaPerPoint = Double.NaN;
            rollingInertia = Double.NaN;
            silhouette = Double.NaN;
            rollingSilhouette = Double.NaN;
            maxDrift = Double.NaN;
            meanDrift = Double.NaN;
            labelChurn = Double.NaN;
            windowPoints = 0;
            clusterSizes = new int[0];
        }

        private int size(int cluster) {
            int[] sizes = clusterSizes;
            return cluster < sizes.length ? sizes[cluster] : 0;
        }

        private static double orNaN(Double v) {
            return v == null ? Double.NaN : v;
        }
    }
}
