package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CpuLloydBackendTest {

    @Test
    void vectorAndScalarKernelsGiveIdenticalResults() {
        assertTrue(Simd.awaitVectorReady(), "the build runs tests with the Vector API module");
        int[][] shapes = {{10_007, 8, 16}, {3_001, 1, 3}, {2_005, 5, 9}, {1_500, 33, 7}, {640, 512, 4}, {9, 2, 9}};
        try (Workers workers = Workers.create(2)) {
            for (int[] shape : shapes) {
                PackedPoints points = PackedPoints.pack(Blobs.stationary(shape[1], shape[2], 21).sample(shape[0]).points());
                float[] init = Seeding.seed(points, shape[2], Init.RANDOM, 0, new SplittableRandom(6), workers);
                LloydSettings settings = LloydSettings.relative(points, 30, 1e-6);
                LloydResult vector = new CpuLloydBackend(workers).run(points, init, shape[2], settings);
                LloydResult scalar = CpuLloydBackend.scalar(workers).run(points, init, shape[2], settings);
                assertArrayEquals(scalar.centroids(), vector.centroids());
                assertArrayEquals(scalar.labels(), vector.labels());
                assertArrayEquals(scalar.clusterSizes(), vector.clusterSizes());
                assertEquals(scalar.inertia(), vector.inertia());
                assertEquals(scalar.iterations(), vector.iterations());
                assertEquals(scalar.emptyRepairs(), vector.emptyRepairs());
            }
        }
    }

    @Test
    void skippingBlocksByBoundsChangesNothing() {
        // Shapes where bounds are kept (k·d >= 512, n >= 64·k), from random and from K-Means++ starts.
        int[][] shapes = {{30_001, 32, 16}, {8_000, 32, 40}, {4_003, 64, 9}, {2_000, 128, 12}};
        try (Workers workers = Workers.create(2)) {
            for (int[] shape : shapes) {
                for (Init start : new Init[] {Init.RANDOM, Init.KMEANS_PLUS_PLUS}) {
                    assertSameWithAndWithoutBounds(workers, shape, start);
                }
            }
        }
    }

    private static void assertSameWithAndWithoutBounds(Workers workers, int[] shape, Init start) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(shape[1], shape[2], 31).sample(shape[0]).points());
        float[] init = Seeding.seed(points, shape[2], start, 0, new SplittableRandom(2), workers);
        LloydSettings settings = new LloydSettings(60, 0);
        LloydResult bounded = new CpuLloydBackend(workers).run(points, init, shape[2], settings);
        LloydResult full = CpuLloydBackend.withoutBounds(workers).run(points, init, shape[2], settings);
        String where = Arrays.toString(shape) + " from " + start;
        assertArrayEquals(full.labels(), bounded.labels(), where);
        assertArrayEquals(full.centroids(), bounded.centroids(), where);
        assertEquals(full.inertia(), bounded.inertia(), where);
        assertEquals(full.iterations(), bounded.iterations(), where);
        assertEquals(full.emptyRepairs(), bounded.emptyRepairs(), where);
    }

    @Test
    void usesTheVectorKernelsWhenTheVectorApiIsThere() {
        assertEquals(Simd.vectorAvailable(), new CpuLloydBackend(Workers.sequential()).vectorized());
        assertFalse(CpuLloydBackend.scalar(Workers.sequential()).vectorized());
        assertEquals("cpu", new CpuLloydBackend(Workers.sequential()).name());
    }

    @Test
    void rejectsMoreClustersThanPointsAndMisshapenCentroids() {
        PackedPoints points = PackedPoints.pack(PointBlock.of(new float[] {0, 1, 2, 3, 4, 5}, 2));
        CpuLloydBackend backend = new CpuLloydBackend(Workers.sequential());
        LloydSettings settings = new LloydSettings(10, 0);
        assertThrows(IllegalArgumentException.class, () -> backend.run(points, new float[8], 4, settings));
        assertThrows(IllegalArgumentException.class, () -> backend.run(points, new float[5], 2, settings));
        assertThrows(IllegalArgumentException.class, () -> backend.assign(points, new float[4], 2, new int[2]));
    }

    @Test
    void reportsInertiaInPackedUnits() {
        float[] data = {0, 0, 0, 2, 10, 0, 10, 2};
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 2));
        float[] centres = points.toPacked(new float[] {0, 1, 10, 1}, 2);
        int[] labels = new int[4];
        double inertia = new CpuLloydBackend(Workers.sequential()).assign(points, centres, 2, labels);
        assertArrayEquals(new int[] {0, 0, 1, 1}, labels);
        assertEquals(4.0, points.toOriginalSquared(inertia), 1e-9);
    }

    @Test
    void buffersKeptFromEarlierRunsChangeNothing() {
        // Larger, smaller (stale data past the prefix in use), bounded and unbounded problems in
        // turn on one backend, against a fresh backend for each.
        int[][] shapes = {{30_001, 32, 16}, {2_005, 5, 9}, {9, 2, 9}, {40_000, 8, 16}, {4_003, 64, 9}};
        try (Workers workers = Workers.create(2); CpuLloydBackend reused = new CpuLloydBackend(workers)) {
            for (int round = 0; round < 2; round++) {
                for (int[] shape : shapes) {
                    PackedPoints points = PackedPoints.pack(Blobs.stationary(shape[1], shape[2], 41).sample(shape[0]).points());
                    float[] init = Seeding.seed(points, shape[2], Init.RANDOM, 0, new SplittableRandom(round), workers);
                    LloydSettings settings = new LloydSettings(25, 0);
                    LloydResult fresh = new CpuLloydBackend(workers).run(points, init, shape[2], settings);
                    LloydResult again = reused.run(points, init, shape[2], settings);
                    String where = Arrays.toString(shape) + " round " + round;
                    assertSameResult(fresh, again, where);
                    int[] freshLabels = new int[points.size()];
                    int[] againLabels = new int[points.size()];
                    assertEquals(new CpuLloydBackend(workers).assign(points, init, shape[2], freshLabels),
                            reused.assign(points, init, shape[2], againLabels), where);
                    assertArrayEquals(freshLabels, againLabels, where);
                }
            }
        }
    }

    @Test
    void runsOnSeveralThreadsAtOnceShareOneBackendSafely() throws Exception {
        PackedPoints big = PackedPoints.pack(Blobs.stationary(8, 16, 51).sample(50_000).points());
        PackedPoints small = PackedPoints.pack(Blobs.stationary(3, 5, 52).sample(7_001).points());
        float[] bigInit = Seeding.seed(big, 16, Init.RANDOM, 0, new SplittableRandom(1), Workers.sequential());
        float[] smallInit = Seeding.seed(small, 5, Init.RANDOM, 0, new SplittableRandom(2), Workers.sequential());
        LloydSettings settings = new LloydSettings(20, 0);
        LloydResult bigAlone = new CpuLloydBackend(Workers.sequential()).run(big, bigInit, 16, settings);
        LloydResult smallAlone = new CpuLloydBackend(Workers.sequential()).run(small, smallInit, 5, settings);
        CpuLloydBackend shared = new CpuLloydBackend(Workers.sequential());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<LloydResult>> bigRuns = new ArrayList<>();
            List<Future<LloydResult>> smallRuns = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                bigRuns.add(pool.submit(() -> shared.run(big, bigInit, 16, settings)));
                smallRuns.add(pool.submit(() -> shared.run(small, smallInit, 5, settings)));
            }
            for (int i = 0; i < 6; i++) {
                assertSameResult(bigAlone, bigRuns.get(i).get(), "big run " + i);
                assertSameResult(smallAlone, smallRuns.get(i).get(), "small run " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSameResult(LloydResult expected, LloydResult actual, String where) {
        assertArrayEquals(expected.centroids(), actual.centroids(), where);
        assertArrayEquals(expected.labels(), actual.labels(), where);
        assertArrayEquals(expected.clusterSizes(), actual.clusterSizes(), where);
        assertEquals(expected.inertia(), actual.inertia(), where);
        assertEquals(expected.iterations(), actual.iterations(), where);
        assertEquals(expected.emptyRepairs(), actual.emptyRepairs(), where);
    }
}
