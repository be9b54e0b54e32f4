package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
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
}
