package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Sampling;
import streamkmeans.engine.Workers;

class WindowFitterTest {

    private static WindowFitter fitter(ClustererSettings settings) {
        Workers workers = Workers.sequential();
        return new WindowFitter(settings, new KMeans(new CpuLloydBackend(workers), workers), workers);
    }

    private static ClustererSettings.Builder settings(int k) {
        return ClustererSettings.builder(k).seed(7).refine(false);
    }

    @Test
    void firstWindowIsSeededAndLaterWindowsStartWarmWithFewerIterations() {
        WindowFitter fitter = fitter(settings(6).build());
        Blobs.Source source = Blobs.stationary(3, 6, 21).source();
        WindowOutcome first = fitter.fit("a", null, source.take(3000).points(), 0, 1000);
        WindowSummary s1 = first.summary();
        assertEquals("ok", s1.status());
        assertEquals("kmeans++", s1.seeding());
        assertEquals(1, s1.modelVersion());
        assertNull(s1.drift());
        assertNull(s1.labelChurn());
        assertEquals("sampled:1000", s1.silhouetteMethod(), "3000 points exceed the exact limit of 2000");
        assertEquals(s1.meanSqDistance(), s1.rollingInertia());

        ModelState state = first.state();
        int warmIterations = 0;
        for (int w = 1; w <= 3; w++) {
            WindowOutcome next = fitter.fit("a", state, source.take(3000).points(), w * 1000L, (w + 1) * 1000L);
            WindowSummary s = next.summary();
            assertEquals("warm", s.seeding());
            assertEquals(w + 1, s.modelVersion());
            assertEquals(w + 1, next.state().windowsSeen());
            // Stationary data: the model barely moves and few labels change.
            assertTrue(s.drift().max() < 0.35, "drift " + s.drift().max());
            assertTrue(s.labelChurn() < 0.02, "churn " + s.labelChurn());
            warmIterations = Math.max(warmIterations, s.iterations());
            state = next.state();
        }
        assertTrue(warmIterations < s1.iterations(),
                "warm fits took up to " + warmIterations + " iterations, the first " + s1.iterations());
    }

    @Test
    void clusterIdsStayWithTheirBlobsAndDriftMatchesTheTrueMovement() {
        int k = 4;
        double perWindow = 1.5;
        int windowPoints = 2000;
        int windows = 6;
        Blobs blobs = Blobs.withDrift(2, k, perWindow / windowPoints, 25);
        for (int w = 0; w <= windows; w++) {
            assertTrue(minSeparation(blobs.centresAt((long) w * windowPoints), k, 2) > 6,
                    "precondition: the blobs stay apart");
        }
        WindowFitter fitter = fitter(settings(k).build());
        Blobs.Source source = blobs.source();
        ModelState state = null;
        int[] idOfBlob = null;
        for (int w = 0; w < windows; w++) {
            Blobs.Sample sample = source.take(windowPoints);
            WindowOutcome out = fitter.fit("a", state, sample.points(), w, w + 1);
            int[] ids = idOfBlob(out.state().centroids(), sample, k);
            if (idOfBlob == null) {
                idOfBlob = ids;
                assertEquals(k, Arrays.stream(ids).distinct().count(), "one centroid per blob");
            } else {
                assertArrayEquals(idOfBlob, ids, "cluster ids follow their blobs in window " + w);
                assertEquals("warm", out.summary().seeding());
                for (double shift : out.summary().drift().perCluster()) {
                    assertEquals(perWindow, shift, 0.15);
                }
                assertEquals(perWindow, out.summary().drift().mean(), 0.08);
            }
            // Every point's cluster is the id of its true blob.
            int[] clusters = out.clusters();
            for (int i = 0; i < sample.size(); i++) {
                assertEquals(idOfBlob[sample.labels()[i]], clusters[i]);
            }
            state = out.state();
        }
    }

    @Test
    void aJumpOfTheDataTriggersAReseedWhoseIdsAreMatchedToThePreviousCentroids() {
        int k = 4;
        WindowFitter fitter = fitter(settings(k).build());
        float[] oldCentres = {-5, 0, 5, 0, 15, 0, 105, 0};
        ModelState state = null;
        for (int w = 0; w < 3; w++) {
            state = fitter.fit("a", state, blobs(oldCentres, 500, w), w, w + 1).state();
        }
        float[] previous = state.centroids();
        // Three centroids now share two blobs and one sits between two: a local optimum for Lloyd.
        float[] newCentres = {0, 0, 10, 0, 100, 0, 110, 0};
        PointBlock jumped = blobs(newCentres, 500, 3);
        WindowOutcome out = fitter.fit("a", state, jumped, 3, 4);
        WindowSummary s = out.summary();
        assertEquals("reseed", s.seeding());
        assertTrue(s.meanSqDistance() < 2.5, "the fresh fit finds the new blobs: " + s.meanSqDistance());
        float[] current = out.state().centroids();
        assertEquals(bestMatchCost(previous, current, k, 2), matchCost(previous, current, k, 2), 1e-9,
                "ids of the reseeded centroids minimise the total squared distance to the previous ones");
        int[] ids = nearestIds(current, newCentres, k);
        assertEquals(k, Arrays.stream(ids).distinct().count(), "one centroid per new blob");
        for (int i = 0; i < jumped.size(); i++) {
            assertEquals(ids[i % k], out.clusters()[i], "point " + i);
        }
        assertEquals(1.0, s.labelChurn() + share(out.clusters(), nearestIds(previous, jumped)), 1e-12);

        WindowOutcome after = fitter.fit("a", out.state(), blobs(newCentres, 500, 4), 4, 5);
        assertEquals("warm", after.summary().seeding());
        assertArrayEquals(ids, nearestIds(after.state().centroids(), newCentres, k), "ids hold after the reseed");
    }

    @Test
    void aWindowWithFewerPointsThanKIsNotFitted() {
        WindowFitter fitter = fitter(settings(5).build());
        PointBlock three = PointBlock.of(new float[] {0, 0, 1, 1, 2, 2}, 2);
        WindowOutcome none = fitter.fit("a", null, three, 10, 20);
        assertEquals("too_few_points", none.summary().status());
        assertFalse(none.labelled());
        assertArrayEquals(new int[] {-1, -1, -1}, none.clusters());
        assertNull(none.distances());
        assertFalse(none.state().hasModel());
        assertEquals(1, none.state().windowsSeen());
        assertEquals(0, none.summary().modelVersion());
        assertNull(none.summary().seeding());
        assertNull(none.summary().inertia());
        assertNull(none.summary().centroids());

        WindowOutcome model = fitter.fit("a", none.state(), Blobs.stationary(2, 5, 3).sample(500).points(), 20, 30);
        assertEquals(1, model.summary().modelVersion());
        WindowOutcome skipped = fitter.fit("a", model.state(), three, 30, 40);
        assertEquals("too_few_points", skipped.summary().status());
        assertEquals(1, skipped.summary().modelVersion());
        assertEquals(3, skipped.state().windowsSeen());
        assertArrayEquals(model.state().centroids(), skipped.state().centroids());
        assertEquals(model.state().rollingInertiaPerPoint(), skipped.state().rollingInertiaPerPoint());
        for (int i = 0; i < 3; i++) {
            float[] x = three.point(i);
            int c = model.state().nearest(x);
            assertEquals(c, skipped.clusters()[i]);
            assertEquals(model.state().distance(x, c), skipped.distances()[i]);
        }
        assertEquals(3, Arrays.stream(skipped.summary().clusterSizes()).sum());
    }

    @Test
    void identicalPointsFitWithZeroInertiaAndNoNaN() {
        float[] data = new float[2 * 200];
        for (int i = 0; i < 200; i++) {
            data[2 * i] = 1.5f;
            data[2 * i + 1] = -2f;
        }
        WindowFitter fitter = fitter(settings(3).build());
        WindowOutcome first = fitter.fit("same", null, PointBlock.of(data, 2), 0, 1);
        WindowOutcome second = fitter.fit("same", first.state(), PointBlock.of(data, 2), 1, 2);
        for (WindowOutcome out : new WindowOutcome[] {first, second}) {
            WindowSummary s = out.summary();
            assertEquals("ok", s.status());
            assertEquals(0.0, s.inertia());
            assertEquals(0.0, s.meanSqDistance());
            assertNull(s.silhouette(), "all points share one place: silhouette undefined");
            assertNull(s.rollingSilhouette());
            for (float distance : out.distances()) {
                assertEquals(0f, distance);
            }
            String json = s.toJson();
            assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        }
        assertEquals(0.0, second.summary().drift().max());
        assertEquals(0.0, second.summary().labelChurn());
    }

    @Test
    void oneClusterIsTheMean() {
        WindowFitter fitter = fitter(settings(1).build());
        PointBlock points = PointBlock.of(new float[] {0, 0, 2, 0, 0, 4, 2, 4}, 2);
        WindowOutcome out = fitter.fit("one", null, points, 0, 1);
        assertArrayEquals(new float[] {1, 2}, out.state().centroids());
        assertEquals(4 * 5.0, out.summary().inertia(), 1e-12);
        assertArrayEquals(new int[] {4}, out.summary().clusterSizes());
        assertNull(out.summary().silhouette());
        PointBlock moved = PointBlock.of(new float[] {3, 4, 5, 4, 3, 8, 5, 8}, 2);
        WindowOutcome next = fitter.fit("one", out.state(), moved, 1, 2);
        assertArrayEquals(new float[] {4, 6}, next.state().centroids());
        assertEquals(5.0, next.summary().drift().max(), 1e-12);
        assertEquals(0.0, next.summary().labelChurn());
    }

    @Test
    void windowsAboveTheFitLimitFitOnASampleAndLabelEveryPoint() {
        int k = 5;
        WindowFitter fitter = fitter(settings(k).maxFitPoints(400).build());
        Blobs.Sample sample = Blobs.stationary(3, k, 9).sample(3000);
        WindowOutcome out = fitter.fit("big", null, sample.points(), 0, 1);
        WindowSummary s = out.summary();
        assertEquals(3000, s.points());
        assertEquals(3000, out.clusters().length);
        assertEquals("exact", s.silhouetteMethod(), "the silhouette runs on the 400 fitted points");
        ModelState state = out.state();
        double inertia = 0;
        int[] sizes = new int[k];
        for (int i = 0; i < 3000; i++) {
            float[] x = sample.points().point(i);
            int c = state.nearest(x);
            assertEquals(c, out.clusters()[i], "point " + i + " has its nearest centroid");
            assertEquals(state.distance(x, c), out.distances()[i], 1e-5f);
            inertia += (double) out.distances()[i] * out.distances()[i];
            sizes[c]++;
        }
        assertArrayEquals(sizes, s.clusterSizes());
        assertEquals(inertia, s.inertia(), 1e-6 * inertia, "inertia runs over all points");
        assertEquals(s.inertia() / 3000, s.meanSqDistance(), 1e-12);
        // Fitted on a uniform sample, the centroids still sit on the true centres.
        int[] ids = idOfBlob(state.centroids(), sample, k);
        float[] truth = sample.trueCentres();
        float[] centroids = state.centroids();
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < 3; t++) {
                assertEquals(truth[j * 3 + t], centroids[ids[j] * 3 + t], 0.3);
            }
        }
        WindowOutcome again = fitter(settings(k).maxFitPoints(400).build()).fit("big", null, sample.points(), 0, 1);
        assertArrayEquals(state.centroids(), again.state().centroids(), "the sample is drawn from the seed");
    }

    @Test
    void rollingAveragesFollowTheExponentialWeights() {
        ClustererSettings settings = settings(3).halfLifeWindows(5).build();
        double alpha = 1 - Math.pow(2, -1.0 / 5);
        assertEquals(alpha, settings.rollingAlpha());
        WindowFitter fitter = fitter(settings);
        Blobs.Source source = Blobs.stationary(2, 3, 4).source();
        ModelState state = null;
        Double rollingInertia = null;
        Double rollingSilhouette = null;
        for (int w = 0; w < 4; w++) {
            WindowOutcome out = fitter.fit("r", state, source.take(300 + 100 * w).points(), w, w + 1);
            WindowSummary s = out.summary();
            double x = s.meanSqDistance();
            double sil = s.silhouette();
            rollingInertia = rollingInertia == null ? x : alpha * x + (1 - alpha) * rollingInertia;
            rollingSilhouette = rollingSilhouette == null ? sil : alpha * sil + (1 - alpha) * rollingSilhouette;
            assertEquals(rollingInertia, s.rollingInertia());
            assertEquals(rollingSilhouette, s.rollingSilhouette());
            assertEquals(OptionalDouble.of(rollingInertia), out.state().rollingInertiaPerPoint());
            state = out.state();
        }
    }

    @Test
    void aPointOfAnotherDimensionIsRefused() {
        WindowFitter fitter = fitter(settings(2).build());
        ModelState state = ModelState.initial(3, 2);
        assertThrows(IllegalArgumentException.class,
                () -> fitter.fit("a", state, PointBlock.of(new float[] {1, 2, 3, 4}, 2), 0, 1));
    }

    @Test
    void aChangedKStartsTheModelAfresh() {
        Blobs.Sample sample = Blobs.stationary(2, 3, 8).sample(600);
        ModelState three = fitter(settings(3).build()).fit("a", null, sample.points(), 0, 1).state();
        WindowOutcome four = fitter(settings(4).build()).fit("a", three, sample.points(), 1, 2);
        assertEquals("kmeans++", four.summary().seeding());
        assertEquals(4, four.state().k());
        assertEquals(1, four.state().modelVersion());
        assertNotNull(four.summary().silhouette());
    }

    @Test
    void windowSeedsDifferPerWindowAndSamplesAreSortedAndDistinct() {
        assertTrue(WindowFitter.windowSeed(7, 0) != WindowFitter.windowSeed(7, 1));
        assertEquals(WindowFitter.windowSeed(7, 3), WindowFitter.windowSeed(7, 3));
        int[] picked = Sampling.uniformIndices(1000, 100, 42);
        assertEquals(100, picked.length);
        for (int i = 1; i < picked.length; i++) {
            assertTrue(picked[i] > picked[i - 1]);
        }
        assertArrayEquals(picked, Sampling.uniformIndices(1000, 100, 42));
    }

    /** {@code perBlob} Gaussian points (std 1) around each centre, dealt round-robin: point i is in blob i mod k. */
    private static PointBlock blobs(float[] centres, int perBlob, long seed) {
        int k = centres.length / 2;
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[2 * k * perBlob];
        for (int i = 0; i < k * perBlob; i++) {
            int b = i % k;
            data[2 * i] = (float) (centres[2 * b] + random.nextGaussian());
            data[2 * i + 1] = (float) (centres[2 * b + 1] + random.nextGaussian());
        }
        return PointBlock.of(data, 2);
    }

    /** For each 2-d centre, the index of the nearest of the {@code k} centroids. */
    private static int[] nearestIds(float[] centroids, float[] centres, int k) {
        int[] ids = new int[centres.length / 2];
        for (int b = 0; b < ids.length; b++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dx = centres[2 * b] - centroids[2 * j];
                double dy = centres[2 * b + 1] - centroids[2 * j + 1];
                if (dx * dx + dy * dy < best) {
                    best = dx * dx + dy * dy;
                    ids[b] = j;
                }
            }
        }
        return ids;
    }

    private static int[] nearestIds(float[] centroids, PointBlock points) {
        return nearestIds(centroids, points.data(), centroids.length / 2);
    }

    /** Share of positions where the two labellings agree. */
    private static double share(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }

    /** For each true blob, the id of the centroid nearest to its true centre (at the sample's start). */
    private static int[] idOfBlob(float[] centroids, Blobs.Sample sample, int k) {
        int d = sample.points().dimension();
        float[] truth = sample.trueCentres();
        int[] ids = new int[k];
        for (int b = 0; b < k; b++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = truth[b * d + t] - centroids[j * d + t];
                    sq += diff * diff;
                }
                if (sq < best) {
                    best = sq;
                    ids[b] = j;
                }
            }
        }
        return ids;
    }

    private static double minSeparation(float[] centres, int k, int d) {
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = centres[a * d + t] - centres[b * d + t];
                    sq += diff * diff;
                }
                min = Math.min(min, Math.sqrt(sq));
            }
        }
        return min;
    }

    private static double matchCost(float[] previous, float[] current, int k, int d) {
        int[] identity = new int[k];
        Arrays.setAll(identity, i -> i);
        return cost(previous, current, identity, d);
    }

    /** The smallest total squared distance over all ways to give the current centroids the previous ids. */
    private static double bestMatchCost(float[] previous, float[] current, int k, int d) {
        int[] perm = new int[k];
        Arrays.setAll(perm, i -> i);
        return best(previous, current, perm, 0, d);
    }

    private static double best(float[] previous, float[] current, int[] perm, int from, int d) {
        if (from == perm.length) {
            return cost(previous, current, perm, d);
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = from; i < perm.length; i++) {
            swap(perm, from, i);
            min = Math.min(min, best(previous, current, perm, from + 1, d));
            swap(perm, from, i);
        }
        return min;
    }

    private static double cost(float[] previous, float[] current, int[] perm, int d) {
        double sum = 0;
        for (int j = 0; j < perm.length; j++) {
            for (int t = 0; t < d; t++) {
                double diff = (double) current[j * d + t] - previous[perm[j] * d + t];
                sum += diff * diff;
            }
        }
        return sum;
    }

    private static void swap(int[] a, int i, int j) {
        int tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }
}
