package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Backends;

/**
 * The clusterer on streams that break naive K-Means code: identical points, fewer points than k,
 * k = 1, a point per window, extreme coordinates and a window far above {@code maxFitPoints}. Each
 * case checks the window's status, that every point is labelled exactly once, that the summary's
 * numbers are finite, and that no serialized label or summary contains NaN or Infinity.
 */
@SuppressWarnings("try") // the harness's close() may throw InterruptedException
class PathologicalStreamsTest {
    private static final WindowSpec ONE_SECOND = WindowSpec.tumbling(Duration.ofSeconds(1));

    private static ClustererSettings.Builder settings(int k) {
        return ClustererSettings.builder(k).seed(5).refine(false).backend(Backends.Choice.CPU);
    }

    /** {@code rows.length} points of key {@code key} spread over [from, from + 1000) ms, ids {@code key-i}. */
    private static List<Point> points(String key, float[][] rows, long from) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(new Point(key, key + "-" + from + "-" + i, from + (long) i * 1000 / rows.length, rows[i]));
        }
        return out;
    }

    private static float[][] constant(int n, float... x) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = x.clone();
        }
        return rows;
    }

    /** Three well-separated groups around 0, 10 and 20 (times {@code scale}) in every dimension. */
    private static float[][] groups(int n, int d, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            int g = i % 3;
            for (int t = 0; t < d; t++) {
                rows[i][t] = (float) ((10 * g + random.nextDouble()) * scale);
            }
        }
        return rows;
    }

    /**
     * Every sent point labelled exactly once, every label and summary serializes without NaN or
     * Infinity, every summary number finite.
     */
    static void assertSound(ClusteringFunctionTest.Run run, int sent) {
        List<LabelRecord> labels = run.labels();
        Map<String, Integer> seen = new HashMap<>();
        for (LabelRecord label : labels) {
            seen.merge(label.key() + "/" + label.id(), 1, Integer::sum);
            assertClean(label.toJsonBytes());
        }
        assertEquals(sent, labels.size(), "one label per point");
        assertEquals(sent, seen.size(), "no point labelled twice");
        for (WindowSummary s : run.summaries()) {
            assertClean(s.toJsonBytes());
            if (s.centroids() != null) {
                for (float[] c : s.centroids()) {
                    for (float v : c) {
                        assertTrue(Float.isFinite(v), "centroid value " + v);
                    }
                }
            }
        }
    }

    static void assertClean(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        assertFalse(text.contains("NaN"), text);
        assertFalse(text.contains("Infinity"), text);
    }

    @Test
    void identicalPointsFitOneClusterWithZeroInertia() throws Exception {
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(3).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", constant(500, 1.5f, -2f), 0));
            ClusteringFunctionTest.sendAll(run, points("a", constant(500, 1.5f, -2f), 1000));
            run.watermark(1999);

            List<WindowSummary> summaries = run.summaries();
            assertEquals(2, summaries.size());
            for (WindowSummary s : summaries) {
                assertEquals(WindowSummary.STATUS_OK, s.status());
                assertEquals(500, s.points());
                assertEquals(0.0, s.inertia());
                assertEquals(0.0, s.meanSqDistance());
                assertNull(s.silhouette(), "one non-empty cluster: the silhouette is undefined");
                assertEquals(500, java.util.Arrays.stream(s.clusterSizes()).max().getAsInt(),
                        "all points in one cluster");
            }
            assertEquals("warm", summaries.get(1).seeding());
            assertEquals(0.0, summaries.get(1).drift().max());
            for (LabelRecord label : run.labels()) {
                assertEquals(0f, label.distance());
            }
            assertSound(run, 1000);
        }
    }

    @Test
    void fewerPointsThanKAreLabelledByThePreviousModelOrNone() throws Exception {
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(3).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", groups(2, 2, 1, 1), 0));
            run.watermark(999);
            WindowSummary first = run.summaries().get(0);
            assertEquals(WindowSummary.STATUS_TOO_FEW_POINTS, first.status());
            assertEquals(0, first.modelVersion());
            assertNull(first.centroids());
            for (LabelRecord label : run.labels()) {
                assertEquals(-1, label.cluster());
                assertNull(label.distance());
            }

            ClusteringFunctionTest.sendAll(run, points("a", groups(90, 2, 1, 2), 1000));
            ClusteringFunctionTest.sendAll(run, points("a", groups(2, 2, 1, 3), 2000));
            run.watermark(2999);
            List<WindowSummary> summaries = run.summaries();
            assertEquals(List.of("too_few_points", "ok", "too_few_points"),
                    summaries.stream().map(WindowSummary::status).toList());
            WindowSummary third = summaries.get(2);
            assertEquals(1, third.modelVersion(), "labelled by the model of the second window");
            assertEquals(2, java.util.Arrays.stream(third.clusterSizes()).sum());
            assertNull(third.inertia());
            for (LabelRecord label : run.labels().subList(92, 94)) {
                assertTrue(label.cluster() >= 0);
                assertNotNull(label.distance());
            }
            assertSound(run, 94);
        }
    }

    @Test
    void kOneHasNoSilhouetteAndTheMeanAsCentroid() throws Exception {
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(1).build())) {
            float[][] rows = groups(300, 3, 1, 4);
            ClusteringFunctionTest.sendAll(run, points("a", rows, 0));
            run.watermark(999);
            WindowSummary s = run.summaries().get(0);
            assertEquals(WindowSummary.STATUS_OK, s.status());
            assertNull(s.silhouette(), "the silhouette needs two clusters");
            assertNull(s.rollingSilhouette());
            double[] mean = new double[3];
            for (float[] row : rows) {
                for (int t = 0; t < 3; t++) {
                    mean[t] += row[t] / 300.0;
                }
            }
            for (int t = 0; t < 3; t++) {
                assertEquals(mean[t], s.centroids()[0][t], 1e-4);
            }
            assertTrue(s.inertia() > 0);
            run.labels().forEach(label -> assertEquals(0, label.cluster()));
            assertSound(run, 300);
        }
    }

    @Test
    void onePointPerWindowFitsWithKOneAndIsTooFewWithMore() throws Exception {
        for (int k : new int[] {1, 2}) {
            try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(k).build())) {
                for (int w = 0; w < 5; w++) {
                    run.send(new Point("a", "p" + w, w * 1000L + 500, new float[] {w, -w}), w * 1000L + 500);
                }
                run.watermark(4999);
                List<WindowSummary> summaries = run.summaries();
                assertEquals(5, summaries.size());
                for (int w = 0; w < 5; w++) {
                    WindowSummary s = summaries.get(w);
                    assertEquals(1, s.points());
                    if (k == 1) {
                        assertEquals(WindowSummary.STATUS_OK, s.status());
                        assertEquals(0.0, s.inertia());
                        assertEquals(w + 1, s.modelVersion());
                        assertEquals(w, s.centroids()[0][0], 0.0);
                    } else {
                        assertEquals(WindowSummary.STATUS_TOO_FEW_POINTS, s.status());
                        assertEquals(0, s.modelVersion());
                    }
                }
                if (k == 1) {
                    assertEquals(Math.sqrt(2), summaries.get(4).drift().max(), 1e-6);
                }
                assertSound(run, 5);
                assertEquals(1, run.harness.numKeyedStateEntries(), "only the model is kept between windows");
            }
        }
    }

    @Test
    void coordinatesAround1e30AreClusteredWithoutOverflow() throws Exception {
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(3).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", groups(300, 2, 1e29, 6), 0));
            ClusteringFunctionTest.sendAll(run, points("a", constant(100, 1e30f, -1e30f), 1000));
            run.watermark(1999);
            List<WindowSummary> summaries = run.summaries();
            assertEquals(2, summaries.size());
            WindowSummary spread = summaries.get(0);
            assertEquals(WindowSummary.STATUS_OK, spread.status());
            assertEquals(new int[] {100, 100, 100}.length, spread.clusterSizes().length);
            assertEquals(100, java.util.Arrays.stream(spread.clusterSizes()).min().getAsInt(),
                    "the three groups are found");
            assertNotNull(spread.silhouette());
            assertTrue(spread.silhouette() > 0.9, "separated groups: " + spread.silhouette());
            assertTrue(Double.isFinite(spread.inertia()));
            assertTrue(Double.isFinite(summaries.get(1).inertia()));
            assertSound(run, 400);
        }
    }

    @Test
    void mixedTinyAndHugeCoordinatesStayFinite() throws Exception {
        float[][] rows = new float[200][];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < rows.length; i++) {
            float tiny = (float) (1e-30 * (1 + random.nextDouble()));
            float huge = (float) (1e30 * (1 + random.nextDouble()));
            rows[i] = i % 2 == 0 ? new float[] {tiny, huge} : new float[] {huge, -tiny};
        }
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(2).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", rows, 0));
            run.watermark(999);
            WindowSummary s = run.summaries().get(0);
            assertEquals(WindowSummary.STATUS_OK, s.status());
            assertEquals(List.of(100, 100), java.util.Arrays.stream(s.clusterSizes()).boxed().sorted().toList());
            assertTrue(Double.isFinite(s.inertia()));
            assertSound(run, 200);
        }
    }

    @Test
    void aWindowAboveMaxFitPointsFitsASampleAndLabelsEveryPoint() throws Exception {
        int n = 200_000;
        ClustererSettings sampled = settings(3).maxFitPoints(20_000).build();
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, sampled)) {
            ClusteringFunctionTest.sendAll(run, points("a", groups(n, 4, 1, 8), 0));
            run.watermark(999);
            WindowSummary s = run.summaries().get(0);
            assertEquals(WindowSummary.STATUS_OK, s.status());
            assertEquals(n, s.points(), "the summary counts every point, not the sample");
            assertEquals(n, java.util.Arrays.stream(s.clusterSizes()).sum());
            assertEquals(n / 3, java.util.Arrays.stream(s.clusterSizes()).min().getAsInt(), 1);
            assertTrue(s.silhouetteMethod().startsWith("sampled:"), s.silhouetteMethod());
            assertSound(run, n);
        }
    }

    /** Distances beyond the float range saturate at the largest float instead of failing the job. */
    @Test
    void coordinatesNearTheFloatLimitStayFinite() throws Exception {
        float big = 3e38f;
        float[][] rows = new float[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % 2 == 0 ? new float[] {big, big} : new float[] {-big, -big};
        }
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(1).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", rows, 0));
            run.watermark(999);
            WindowSummary s = run.summaries().get(0);
            assertEquals(WindowSummary.STATUS_OK, s.status());
            assertEquals(0f, s.centroids()[0][0], "the mean of +big and -big");
            assertEquals(200 * 2.0 * big * big, s.inertia(), 1e-9 * s.inertia(), "inertia in double");
            for (LabelRecord label : run.labels()) {
                assertEquals(Float.MAX_VALUE, label.distance(), "sqrt(2)·3e38 saturates at the largest float");
            }
            assertSound(run, 200);
        }
        // The largest floats themselves, identical and mixed with the smallest, with k = 2.
        float[][] limits = new float[100][];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = i < 50 ? new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}
                    : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE};
        }
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings(2).build())) {
            ClusteringFunctionTest.sendAll(run, points("a", constant(100, Float.MAX_VALUE, -Float.MAX_VALUE), 0));
            ClusteringFunctionTest.sendAll(run, points("a", limits, 1000));
            run.watermark(1999);
            assertEquals(List.of("ok", "ok"), run.summaries().stream().map(WindowSummary::status).toList());
            assertEquals(0.0, run.summaries().get(0).inertia());
            double inertia = run.summaries().get(1).inertia();
            assertTrue(inertia < 1e-80, "two clusters of identical points (up to the denormals' rounding): " + inertia);
            assertSound(run, 200);
        }
    }
}
