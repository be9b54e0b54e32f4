package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Per-key gauges: the values of each key's last window, and the bound on the keys with a group. */
class KeyMetricsTest {

    /** Records every gauge under a path of its groups, e.g. {@code key=a/cluster=1/clusterSize}. */
    private static final class Capture extends UnregisteredMetricsGroup {
        private final Map<String, Gauge<?>> gauges;
        private final String path;

        Capture(Map<String, Gauge<?>> gauges, String path) {
            this.gauges = gauges;
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Capture(gauges, path + key + "=" + value + "/");
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            assertFalse(gauges.containsKey(path + name), "registered twice: " + path + name);
            gauges.put(path + name, gauge);
            return gauge;
        }
    }

    private final Map<String, Gauge<?>> gauges = new TreeMap<>();
    private final KeyMetrics metrics = new KeyMetrics(new Capture(gauges, ""), 1, 2);

    private double value(String path) {
        Gauge<?> gauge = gauges.get(path);
        assertTrue(gauge != null, "no gauge " + path + " in " + gauges.keySet());
        return ((Number) gauge.getValue()).doubleValue();
    }

    private static WindowSummary summary(String key, int[] sizes, Double silhouette, WindowSummary.Drift drift,
            Double churn) {
        int points = sizes[0] + sizes[1];
        return new WindowSummary(key, 0, 1000, WindowSummary.STATUS_OK, points, 2, 2, "cpu", "warm", 3, true,
                2.0 * points, 2.0, 2.5, silhouette, "exact", 0.6, new float[][] {{0, 0}, {1, 1}}, sizes, drift,
                churn, 1.5, 2);
    }

    @Test
    void aKeysGaugesHoldItsLastWindowAndNaNWhereTheWindowHasNoValue() {
        metrics.update(summary("a", new int[] {3, 5}, null, null, null));
        assertEquals(2.0, value("key=a/inertiaPerPoint"));
        assertEquals(2.5, value("key=a/rollingInertia"));
        assertEquals(0.6, value("key=a/rollingSilhouette"));
        assertEquals(8, value("key=a/windowPoints"));
        assertEquals(3, value("key=a/cluster=0/clusterSize"));
        assertEquals(5, value("key=a/cluster=1/clusterSize"));
        assertTrue(Double.isNaN(value("key=a/silhouette")));
        assertTrue(Double.isNaN(value("key=a/maxDrift")));
        assertTrue(Double.isNaN(value("key=a/meanDrift")));
        assertTrue(Double.isNaN(value("key=a/labelChurn")));

        metrics.update(summary("a", new int[] {6, 1}, 0.7, new WindowSummary.Drift(new double[] {0.1, 0.3}, 0.3, 0.2),
                0.25));
        assertEquals(0.7, value("key=a/silhouette"));
        assertEquals(0.3, value("key=a/maxDrift"));
        assertEquals(0.2, value("key=a/meanDrift"));
        assertEquals(0.25, value("key=a/labelChurn"));
        assertEquals(7, value("key=a/windowPoints"));
        assertEquals(1, value("key=a/cluster=1/clusterSize"));
    }

    @Test
    void keysBeyondTheLimitShareTheOtherGroupWhichHoldsTheLastOfThem() {
        metrics.update(summary("a", new int[] {1, 1}, 0.5, null, null));
        metrics.update(summary("b", new int[] {2, 2}, 0.5, null, null));
        metrics.update(summary("c", new int[] {4, 3}, 0.5, null, null));
        // A key that happens to be called "_other" cannot get a group of the same name: it joins it.
        metrics.update(summary(KeyMetrics.OTHER, new int[] {9, 9}, 0.5, null, null));
        metrics.update(summary("a", new int[] {5, 5}, 0.5, null, null));

        assertEquals(2 * 10, gauges.size(), "groups a and _other, 8 gauges and 2 cluster sizes each");
        assertEquals(10, value("key=a/windowPoints"));
        assertEquals(18, value("key=_other/windowPoints"));
        assertFalse(gauges.keySet().stream().anyMatch(p -> p.startsWith("key=b/") || p.startsWith("key=c/")));
    }

    @Test
    void anExpiredKeysGroupReadsAsBeforeItsFirstWindowAndIsReusedWhenItReturns() {
        metrics.update(summary("a", new int[] {3, 5}, 0.5, null, null));
        metrics.expire("a");
        metrics.expire("not-registered");
        assertTrue(Double.isNaN(value("key=a/inertiaPerPoint")));
        assertTrue(Double.isNaN(value("key=a/rollingInertia")));
        assertTrue(Double.isNaN(value("key=a/silhouette")));
        assertEquals(0, value("key=a/windowPoints"));
        assertEquals(0, value("key=a/cluster=1/clusterSize"));
        metrics.update(summary("a", new int[] {2, 2}, 0.5, null, null));
        assertEquals(4, value("key=a/windowPoints"), "the same group, registered once");
    }

    @Test
    void theLimitIsAClustererSettingOfTenKeysByDefault() {
        assertEquals(10, ClustererSettings.builder(4).build().keyMetrics());
        assertEquals(0, ClustererSettings.builder(4).keyMetrics(0).build().toBuilder().build().keyMetrics());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClustererSettings.builder(4).keyMetrics(-1).build());
        assertTrue(e.getMessage().contains("key metrics"), e.getMessage());
    }

    @Test
    void aLimitOfZeroReportsEveryKeyAsOther() {
        Map<String, Gauge<?>> only = new TreeMap<>();
        KeyMetrics none = new KeyMetrics(new Capture(only, ""), 0, 2);
        none.update(summary("a", new int[] {1, 2}, 0.5, null, null));
        assertTrue(only.keySet().stream().allMatch(p -> p.startsWith("key=_other/")), only.keySet().toString());
        assertEquals(3, ((Number) only.get("key=_other/windowPoints").getValue()).doubleValue());
    }
}
