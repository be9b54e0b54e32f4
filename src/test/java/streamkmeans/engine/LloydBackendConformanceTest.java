package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link LloydBackend}, checked for every backend against {@link ReferenceLloyd}:
 * from the same initial centroids the same labels (ties aside), the same iteration count, inertia
 * within the backend's tolerance, identical results on one and two threads, and sane answers on
 * degenerate inputs.
 */
class LloydBackendConformanceTest {

    /** A backend under test: its factory and the inertia tolerance it promises. */
    record Backend(String name, Function<Workers, LloydBackend> factory, double inertiaTolerance) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every backend available; a new backend is one more line here. */
    static Stream<Backend> backends() {
        return Stream.concat(Stream.of(
                new Backend("cpu-vector", CpuLloydBackend::new, 1e-6),
                new Backend("cpu-scalar", CpuLloydBackend::scalar, 1e-6)),
                // Accelerators (the GPU) where one is usable; surefire makes them take every window, strictly.
                ServiceLoader.load(AcceleratorProvider.class).stream().map(ServiceLoader.Provider::get)
                        .filter(p -> p.unavailableReason().isEmpty()).map(p -> new Backend(p.name(),
                                w -> p.open(w, OptionalInt.empty()), 1e-6)));
    }

    private static Workers two;

    @BeforeAll
    static void startWorkers() {
        // The vector kernels replace the scalar ones once compiled: test them, not the stand-ins.
        Simd.awaitVectorReady();
        two = Workers.create(2);
    }

    @AfterAll
    static void stopWorkers() {
        two.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matchesTheReferenceOnBlobsOfManyShapes(Backend backend) {
        int[][] shapes = {{20_003, 8, 16}, {6_001, 32, 24}, {5_000, 3, 5}, {3_001, 1, 4}, {1_000, 512, 8}, {777, 5, 9}};
        for (int[] shape : shapes) {
            PackedPoints points = PackedPoints.pack(Blobs.stationary(shape[1], shape[2], shape[0]).sample(shape[0]).points());
            float[] init = Seeding.seed(points, shape[2], Init.RANDOM, 0, new SplittableRandom(3), two);
            LloydSettings settings = LloydSettings.relative(points, 100, 1e-4);
            assertMatchesReference(backend, points, init, shape[2], settings, Arrays.toString(shape));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stopsAtTheIterationCapAndRelabelsWithTheFinalCentroids(Backend backend) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(4, 12, 5).sample(8_000).points());
        float[] init = Seeding.seed(points, 12, Init.RANDOM, 0, new SplittableRandom(1), two);
        LloydResult result = assertMatchesReference(backend, points, init, 12, new LloydSettings(2, 0), "capped");
        assertEquals(2, result.iterations());
        assertFalse(result.converged());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void givesTheSameResultOnOneAndTwoThreads(Backend backend) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(16, 20, 9).sample(40_001).points());
        float[] init = Seeding.seed(points, 20, Init.RANDOM, 0, new SplittableRandom(4), two);
        LloydSettings settings = LloydSettings.relative(points, 50, 1e-4);
        LloydResult one;
        try (LloydBackend b = backend.factory().apply(Workers.sequential())) {
            one = b.run(points, init, 20, settings);
        }
        LloydResult both;
        try (LloydBackend b = backend.factory().apply(two)) {
            both = b.run(points, init, 20, settings);
        }
        assertArrayEquals(one.centroids(), both.centroids());
        assertArrayEquals(one.labels(), both.labels());
        assertEquals(one.inertia(), both.inertia());
        assertEquals(one.iterations(), both.iterations());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void assignLabelsLikeTheReferenceAndReturnsTheInertia(Backend backend) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(8, 10, 2).sample(9_999).points());
        float[] centroids = Seeding.seed(points, 10, Init.KMEANS_PLUS_PLUS, 0, new SplittableRandom(8), two);
        int[] labels = new int[points.size()];
        double inertia;
        try (LloydBackend b = backend.factory().apply(two)) {
            inertia = b.assign(points, centroids, 10, labels);
        }
        double[] x = ReferenceLloyd.rows(points);
        double[] c = ReferenceLloyd.widen(centroids);
        double expected = 0;
        for (int i = 0; i < points.size(); i++) {
            int r = ReferenceLloyd.nearest(x, i, c, 10, 8);
            assertNearTieOrEqual(x, c, 8, i, r, labels[i]);
            expected += ReferenceLloyd.distance(x, i, c, labels[i], 8);
        }
        assertEquals(expected, inertia, expected * 1e-12);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void allPointsIdenticalGiveFiniteCentroidsAndZeroInertia(Backend backend) {
        float[] data = new float[50 * 3];
        for (int i = 0; i < 50; i++) {
            data[i * 3] = 1.5f;
            data[i * 3 + 1] = -2f;
            data[i * 3 + 2] = 7f;
        }
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 3));
        float[] init = Seeding.seed(points, 4, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(0), two);
        LloydResult result = assertMatchesReference(backend, points, init, 4, new LloydSettings(100, 0), "identical");
        assertEquals(0.0, result.inertia());
        assertTrue(result.converged());
        for (float v : result.centroids()) {
            assertEquals(0f, v, 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void asManyClustersAsPointsPutsEveryPointInItsOwnCluster(Backend backend) {
        float[] data = {0, 0, 1, 0, 0, 1, 5, 5, -3, 2, 8, -1, 2, 2};
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 2));
        float[] init = new float[14];
        for (int j = 0; j < 7; j++) {
            points.copyPoint(6 - j, init, j * 2);
        }
        LloydResult result = assertMatchesReference(backend, points, init, 7, new LloydSettings(100, 0), "n == k");
        assertArrayEquals(new int[] {6, 5, 4, 3, 2, 1, 0}, result.labels());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1}, result.clusterSizes());
        assertEquals(0.0, result.inertia());
        // No centroid moves in the first pass, so the shift rule (0 <= 0) stops it there.
        assertEquals(1, result.iterations());
        assertTrue(result.converged());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void oneClusterConvergesToTheMean(Backend backend) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(6, 3, 4).sample(5_001).points());
        float[] init = Seeding.seed(points, 1, Init.RANDOM, 0, new SplittableRandom(2), two);
        LloydResult result = assertMatchesReference(backend, points, init, 1, new LloydSettings(100, 0), "k == 1");
        assertEquals(2, result.iterations());
        double[] x = ReferenceLloyd.rows(points);
        for (int t = 0; t < 6; t++) {
            double mean = 0;
            for (int i = 0; i < points.size(); i++) {
                mean += x[i * 6 + t];
            }
            // Packed points are centred, so the mean is 0 up to float rounding of the coordinates.
            assertEquals(mean / points.size(), result.centroids()[t], 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void duplicatedPointsMatchTheReference(Backend backend) {
        float[] base = Blobs.stationary(3, 5, 6).sample(1_000).points().data();
        float[] data = new float[base.length * 3];
        for (int copy = 0; copy < 3; copy++) {
            System.arraycopy(base, 0, data, copy * base.length, base.length);
        }
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 3));
        float[] init = Seeding.seed(points, 5, Init.RANDOM, 0, new SplittableRandom(7), two);
        assertMatchesReference(backend, points, init, 5, LloydSettings.relative(points, 100, 1e-4), "duplicates");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void emptyClustersAreRepairedWithTheFarthestPoints(Backend backend) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(2, 4, 11).sample(3_000).points());
        float[] init = new float[5 * 2];
        points.copyPoint(0, init, 0);
        points.copyPoint(1, init, 2);
        points.copyPoint(2, init, 4);
        // A centroid no point is near, and a copy of centroid 0 that loses every tie.
        init[6] = 40f;
        init[7] = 40f;
        points.copyPoint(0, init, 8);
        LloydResult result = assertMatchesReference(backend, points, init, 5,
                LloydSettings.relative(points, 100, 1e-4), "empty clusters");
        assertTrue(result.emptyRepairs() >= 2, "repairs: " + result.emptyRepairs());
        for (int size : result.clusterSizes()) {
            assertTrue(size > 0);
        }
        for (float v : result.centroids()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void hugeAndTinyCoordinatesArePackedAndClustered(Backend backend) {
        Blobs.Sample sample = Blobs.stationary(4, 6, 12).sample(4_000);
        for (float factor : new float[] {1e30f, 1e-30f}) {
            float[] data = sample.points().data().clone();
            for (int i = 0; i < data.length; i++) {
                data[i] *= factor;
            }
            PackedPoints points = PackedPoints.pack(PointBlock.of(data, 4));
            float[] init = Seeding.seed(points, 6, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(5), two);
            LloydResult result = assertMatchesReference(backend, points, init, 6,
                    LloydSettings.relative(points, 100, 1e-4), "factor " + factor);
            double original = points.toOriginalSquared(result.inertia());
            assertTrue(Double.isFinite(original) && original > 0);
            // About n·d·(std·factor)² when every blob is found: scale-free check of the result.
            double perCoordinate = original / (4_000.0 * 4) / ((double) factor * factor);
            assertTrue(perCoordinate > 0.5 && perCoordinate < 3, "per-coordinate variance " + perCoordinate);
            for (float v : points.toOriginal(result.centroids(), 6)) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    /** Runs the backend and the reference from {@code init}, asserts they agree, returns the backend's result. */
    private static LloydResult assertMatchesReference(Backend backend, PackedPoints points, float[] init, int k,
                                                      LloydSettings settings, String what) {
        float[] initCopy = init.clone();
        LloydResult result;
        try (LloydBackend b = backend.factory().apply(two)) {
            result = b.run(points, init, k, settings);
        }
        assertArrayEquals(initCopy, init, what + ": initial centroids must not change");
        int d = points.dimension();
        int n = points.size();
        double[] x = ReferenceLloyd.rows(points);
        ReferenceLloyd.Result expected = ReferenceLloyd.run(x, d, ReferenceLloyd.widen(init), k,
                settings.maxIterations(), settings.shiftTolerance());
        assertEquals(expected.iterations(), result.iterations(), what + ": iterations");
        assertEquals(expected.converged(), result.converged(), what + ": converged");
        assertEquals(expected.emptyRepairs(), result.emptyRepairs(), what + ": empty repairs");
        assertEquals(expected.inertia(), result.inertia(),
                backend.inertiaTolerance() * Math.max(expected.inertia(), Double.MIN_NORMAL), what + ": inertia");
        assertEquals(n, result.labels().length);
        double[] c = ReferenceLloyd.widen(result.centroids());
        int[] sizes = new int[k];
        for (int i = 0; i < n; i++) {
            sizes[result.labels()[i]]++;
            assertNearTieOrEqual(x, c, d, i, expected.labels()[i], result.labels()[i]);
        }
        assertArrayEquals(sizes, result.clusterSizes(), what + ": cluster sizes");
        return result;
    }

    /** Labels may differ only where both centroids are (nearly) equally close to the point. */
    private static void assertNearTieOrEqual(double[] x, double[] c, int d, int i, int expected, int actual) {
        if (expected == actual) {
            return;
        }
        double de = ReferenceLloyd.distance(x, i, c, expected, d);
        double da = ReferenceLloyd.distance(x, i, c, actual, d);
        assertTrue(Math.abs(de - da) <= 1e-5 * (de + da) + 1e-12,
                "point " + i + ": label " + actual + " at " + da + ", reference " + expected + " at " + de);
    }
}
