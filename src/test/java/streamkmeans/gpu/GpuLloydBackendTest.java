package streamkmeans.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.Init;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Seeding;
import streamkmeans.engine.Silhouette;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Workers;

/**
 * The GPU backend against the CPU backend, on a device (skipped without one; the engine's
 * LloydBackendConformanceTest also runs it against the reference there). Beyond the shared
 * contract: bit-identical repeated runs, every assignment kernel (narrow, medium and wide tiles,
 * shared and global cluster sums), windows of different sizes through one buffer pool, K-Means++
 * seeding giving the CPU's centres, and the exact silhouette.
 */
class GpuLloydBackendTest {
    private static GpuLloydBackend gpu;
    private static Workers workers;

    @BeforeAll
    static void open() {
        GpuProbe.Verdict verdict = GpuProbe.verdict(GpuSettings.fromSystemProperties().device());
        assumeTrue(verdict.usable(), () -> "no usable GPU: " + verdict.detail());
        gpu = GpuLloydBackend.open(verdict.device().ordinal());
        workers = Workers.create(2);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
            workers.close();
        }
    }

    @Test
    void matchesTheCpuForEveryTileShape() {
        // k = 5 and 16: narrow tiles; 40 and 64: medium; 100 and 300: wide; d·k over 6144 needs global sums.
        int[][] shapes = {{30_001, 4, 5}, {20_000, 8, 16}, {20_000, 12, 40}, {9_000, 33, 64}, {12_000, 20, 100},
                {6_000, 24, 300}, {3_000, 130, 70}};
        for (int[] shape : shapes) {
            PackedPoints points = PackedPoints.pack(Blobs.stationary(shape[1], shape[2], shape[0]).sample(shape[0]).points());
            float[] init = Seeding.seed(points, shape[2], Init.RANDOM, 0, new SplittableRandom(5), workers);
            LloydSettings settings = LloydSettings.relative(points, 60, 1e-4);
            LloydResult expected = new CpuLloydBackend(workers).run(points, init, shape[2], settings);
            LloydResult actual = gpu.run(points, init, shape[2], settings);
            String what = shape[0] + "×" + shape[1] + ", k=" + shape[2];
            assertEquals(expected.iterations(), actual.iterations(), what);
            assertEquals(expected.converged(), actual.converged(), what);
            assertEquals(expected.emptyRepairs(), actual.emptyRepairs(), what);
            assertEquals(expected.inertia(), actual.inertia(), 1e-6 * expected.inertia(), what);
            assertEquals(points.size(), actual.labels().length);
            for (int i = 0; i < points.size(); i++) {
                assertNearTieOrEqual(points, actual.centroids(), i, expected.labels()[i], actual.labels()[i], what);
            }
        }
    }

    /** Labels may differ only where both centroids are (nearly) equally close to the point. */
    private static void assertNearTieOrEqual(PackedPoints points, float[] centroids, int i, int expected, int actual,
            String what) {
        if (expected != actual) {
            double de = distance(points, i, centroids, expected);
            double da = distance(points, i, centroids, actual);
            assertTrue(Math.abs(de - da) <= 1e-5 * (de + da) + 1e-12,
                    what + ", point " + i + ": label " + actual + " at " + da + ", CPU " + expected + " at " + de);
        }
    }

    private static double distance(PackedPoints points, int i, float[] centroids, int j) {
        int d = points.dimension();
        double sum = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) points.get(i, t) - centroids[j * d + t];
            sum += diff * diff;
        }
        return sum;
    }

    @Test
    void repeatedRunsGiveTheSameBits() {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(16, 32, 3).sample(50_000).points());
        float[] init = Seeding.seed(points, 32, Init.RANDOM, 0, new SplittableRandom(9), workers);
        LloydSettings settings = LloydSettings.relative(points, 40, 1e-4);
        LloydResult first = gpu.run(points, init, 32, settings);
        // Another window in between, so the buffers and the resident panel change.
        PackedPoints other = PackedPoints.pack(Blobs.stationary(16, 32, 4).sample(70_000).points());
        gpu.run(other, Seeding.seed(other, 32, Init.RANDOM, 0, new SplittableRandom(9), workers), 32, settings);
        LloydResult second = gpu.run(points, init, 32, settings);
        assertArrayEquals(first.centroids(), second.centroids());
        assertArrayEquals(first.labels(), second.labels());
        assertEquals(first.inertia(), second.inertia());
        assertEquals(first.iterations(), second.iterations());
    }

    @Test
    void assignsMoreCentroidsThanPoints() {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(3, 4, 6).sample(10).points());
        float[] centroids = new float[20 * 3];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < centroids.length; i++) {
            centroids[i] = (float) random.nextDouble(-2, 2);
        }
        int[] expected = new int[10];
        int[] actual = new int[10];
        double cpuInertia = new CpuLloydBackend(workers).assign(points, centroids, 20, expected);
        double gpuInertia = gpu.assign(points, centroids, 20, actual);
        assertArrayEquals(expected, actual);
        assertEquals(cpuInertia, gpuInertia, 1e-12 * cpuInertia);
        assertThrows(IllegalArgumentException.class, () -> gpu.run(points, centroids, 20, new LloydSettings(5, 0)));
    }

    @Test
    void seedingChoosesTheCpusCentres() {
        PackedPoints identical = PackedPoints.pack(PointBlock.of(new float[300], 3));
        PackedPoints[] windows = {PackedPoints.pack(Blobs.stationary(5, 9, 2).sample(12_345).points()),
                PackedPoints.pack(Blobs.stationary(2, 40, 3).sample(400).points()), identical};
        for (PackedPoints points : windows) {
            int k = Math.min(points.size(), 40);
            for (Init init : Init.values()) {
                SplittableRandom onCpu = new SplittableRandom(11);
                SplittableRandom onGpu = new SplittableRandom(11);
                float[] expected = Seeding.seed(points, k, init, 0, onCpu, workers);
                float[] actual = gpu.seed(points, k, init, 0, onGpu);
                assertArrayEquals(expected, actual, init + ", n=" + points.size());
                assertEquals(onCpu.nextLong(), onGpu.nextLong(), "the generators advanced alike");
            }
        }
    }

    @Test
    void exactSilhouetteMatchesTheCpu() {
        for (int[] shape : new int[][] {{5_003, 6, 7}, {2_000, 40, 3}, {777, 2, 12}}) {
            Blobs.Sample sample = Blobs.stationary(shape[1], shape[2], shape[0]).sample(shape[0]);
            PackedPoints points = PackedPoints.pack(sample.points());
            int[] labels = sample.labels();
            SilhouetteResult expected = Silhouette.exact(points, labels, shape[2], workers);
            SilhouetteResult actual = gpu.exactSilhouette(points, labels, shape[2]);
            assertTrue(actual.defined());
            assertEquals("exact", actual.method());
            assertEquals(expected.value(), actual.value(), 1e-6, "shape " + shape[0]);
        }
        PackedPoints one = PackedPoints.pack(Blobs.stationary(2, 1, 1).sample(50).points());
        assertFalse(gpu.exactSilhouette(one, new int[50], 3).defined());
    }
}
