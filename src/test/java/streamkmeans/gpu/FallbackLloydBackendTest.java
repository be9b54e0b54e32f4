package streamkmeans.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.Init;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Refinement;
import streamkmeans.engine.Seeding;
import streamkmeans.engine.Silhouette;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Workers;

/**
 * Routing and the fallback rule of {@link FallbackLloydBackend}, with a stand-in for the GPU: a CPU
 * backend named "gpu" into which CUDA failures are injected. Results must always be the CPU's,
 * fallbacks counted once per window, each cause logged once, and the GPU retried by the rule.
 */
class FallbackLloydBackendTest {
    private static final int K = 6;
    private static final LloydSettings SETTINGS = new LloydSettings(50, 0);
    private static final GpuSettings ALWAYS_GPU = new GpuSettings(0, 0, false);

    private final List<FakeGpu> opened = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> logged = new HashSet<>();
    /** Kinds of the failures the next GPU calls throw, in order; "" for a call that succeeds. */
    private final List<String> script = new ArrayList<>();

    /** A CPU backend posing as the GPU, failing as scripted. */
    private final class FakeGpu implements LloydBackend {
        private final LloydBackend cpu = CpuLloydBackend.scalar(Workers.sequential());
        int calls;
        boolean closed;

        @Override
        public String name() {
            return "gpu";
        }

        @Override
        public LloydResult run(PackedPoints points, float[] init, int k, LloydSettings settings) {
            failIfScripted();
            return cpu.run(points, init, k, settings);
        }

        @Override
        public double assign(PackedPoints points, float[] centroids, int k, int[] labels) {
            failIfScripted();
            return cpu.assign(points, centroids, k, labels);
        }

        @Override
        public float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng,
                Workers workers) {
            failIfScripted();
            return LloydBackend.super.seed(points, k, init, candidates, rng, workers);
        }

        @Override
        public SilhouetteResult exactSilhouette(PackedPoints points, int[] labels, int k, Workers workers) {
            failIfScripted();
            return LloydBackend.super.exactSilhouette(points, labels, k, workers);
        }

        private void failIfScripted() {
            calls++;
            String kind = script.isEmpty() ? "" : script.remove(0);
            if (!kind.isEmpty()) {
                throw new GpuException(kind, "cuLaunchKernel failed: " + kind);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private FallbackLloydBackend backend(GpuSettings settings) {
        return new FallbackLloydBackend(CpuLloydBackend.scalar(Workers.sequential()), () -> {
            FakeGpu gpu = new FakeGpu();
            opened.add(gpu);
            return gpu;
        }, settings, warnings::add, logged);
    }

    private static PackedPoints window(long seed) {
        return PackedPoints.pack(Blobs.stationary(3, K, seed).sample(2_000).points());
    }

    private static float[] init(PackedPoints points) {
        return Seeding.seed(points, K, Init.RANDOM, 0, new SplittableRandom(1), Workers.sequential());
    }

    private static LloydResult onCpu(PackedPoints points, float[] init) {
        return CpuLloydBackend.scalar(Workers.sequential()).run(points, init, K, SETTINGS);
    }

    @Test
    void windowsRunOnTheGpuWhileItWorks() {
        PackedPoints points = window(1);
        float[] init = init(points);
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            LloydResult result = backend.run(points, init, K, SETTINGS);
            assertEquals("gpu", backend.name());
            assertArrayEquals(onCpu(points, init).labels(), result.labels());
            int[] labels = new int[points.size()];
            backend.assign(points, result.centroids(), K, labels);
            assertArrayEquals(result.labels(), labels);
            assertEquals(0, backend.fallbacks());
            assertEquals(1, opened.size());
            assertEquals(2, opened.get(0).calls);
        }
        assertTrue(opened.get(0).closed);
    }

    @Test
    void windowsBelowTheCrossoverStayOnTheCpuAndAreNoFallback() {
        PackedPoints points = window(2);
        long work = (long) points.size() * K * points.dimension();
        try (FallbackLloydBackend backend = backend(new GpuSettings(0, work + 1, false))) {
            LloydResult result = backend.run(points, init(points), K, SETTINGS);
            assertEquals("cpu", backend.name());
            assertEquals(onCpu(points, init(points)).inertia(), result.inertia());
            assertEquals(0, backend.fallbacks());
            assertTrue(opened.isEmpty(), "the GPU is not even opened");
        }
    }

    @Test
    void aFailureFitsTheWindowOnTheCpuCountsItOnceAndLogsTheCause() {
        PackedPoints points = window(3);
        float[] init = init(points);
        script.add("CUDA_ERROR_OUT_OF_MEMORY");
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            LloydResult result = backend.run(points, init, K, SETTINGS);
            LloydResult expected = onCpu(points, init);
            assertEquals("cpu", backend.name());
            assertArrayEquals(expected.labels(), result.labels());
            assertArrayEquals(expected.centroids(), result.centroids());
            assertEquals(expected.iterations(), result.iterations());
            assertEquals(1, backend.fallbacks());
            assertTrue(opened.get(0).closed, "the failed context is destroyed");
            assertEquals(1, warnings.size());
            assertEquals("GPU backend failed (cuLaunchKernel failed: CUDA_ERROR_OUT_OF_MEMORY): this window is"
                    + " fitted on the CPU, and so is the next one before the GPU is tried again; further failures"
                    + " of this kind are counted in gpuFallbacks, not logged", warnings.get(0));
            // The rest of the window (another restart, a relabelling) stays on the CPU, counted once.
            backend.run(points, init, K, SETTINGS);
            backend.assign(points, result.centroids(), K, new int[points.size()]);
            assertEquals("cpu", backend.name());
            assertEquals(1, backend.fallbacks());
            assertEquals(1, opened.size());
        }
    }

    @Test
    void theGpuIsRetriedAfterACooldownThatDoublesWithEachFailure() {
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            // Failure 1: its window and the next one on the CPU, then a retry (which fails again).
            script.add("CUDA_ERROR_LAUNCH_FAILED");
            assertEquals("cpu", fit(backend, 10));
            assertEquals("cpu", fit(backend, 11));
            script.add("CUDA_ERROR_LAUNCH_FAILED");
            assertEquals("cpu", fit(backend, 12));
            assertEquals(3, backend.fallbacks());
            assertEquals(2, opened.size(), "a fresh context for the retry");
            // Failure 2: two windows wait; the retry then succeeds and resets the cooldown.
            assertEquals("cpu", fit(backend, 13));
            assertEquals("cpu", fit(backend, 14));
            assertEquals("gpu", fit(backend, 15));
            assertEquals(5, backend.fallbacks());
            assertEquals(3, opened.size());
            script.add("CUDA_ERROR_ILLEGAL_ADDRESS");
            assertEquals("cpu", fit(backend, 16));
            assertEquals("cpu", fit(backend, 17));
            assertEquals("gpu", fit(backend, 18));
            assertEquals(7, backend.fallbacks());
            // One warning per cause.
            assertEquals(2, warnings.size());
            assertTrue(warnings.get(0).contains("CUDA_ERROR_LAUNCH_FAILED"));
            assertTrue(warnings.get(1).contains("CUDA_ERROR_ILLEGAL_ADDRESS"));
        }
    }

    @Test
    void theCooldownIsCapped() {
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            long window = 100;
            int expectedWait = 1;
            for (int failure = 0; failure < 9; failure++) {
                script.add("CUDA_ERROR_UNKNOWN");
                assertEquals("cpu", fit(backend, window++));
                for (int w = 0; w < expectedWait; w++) {
                    assertEquals("cpu", fit(backend, window++));
                }
                expectedWait = Math.min(2 * expectedWait, FallbackLloydBackend.MAX_COOLDOWN);
            }
            assertEquals(FallbackLloydBackend.MAX_COOLDOWN, expectedWait);
            assertEquals("gpu", fit(backend, window));
            assertEquals(1, warnings.size());
        }
    }

    @Test
    void strictModeThrowsTheFailure() {
        PackedPoints points = window(4);
        script.add("CUDA_ERROR_OUT_OF_MEMORY");
        try (FallbackLloydBackend backend = backend(new GpuSettings(0, 0, true))) {
            GpuException e = assertThrows(GpuException.class, () -> backend.run(points, init(points), K, SETTINGS));
            assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.kind());
            assertEquals(0, backend.fallbacks());
            assertTrue(warnings.isEmpty());
        }
    }

    @Test
    void invalidArgumentsAreNoGpuFailure() {
        PackedPoints points = window(5);
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.run(points, new float[1], K, SETTINGS));
            assertEquals("expected 6·3 centroid coordinates, got 1", e.getMessage());
            assertEquals(0, backend.fallbacks());
            assertSame(opened.get(0), opened.get(opened.size() - 1));
            assertFalse(opened.get(0).closed);
        }
    }

    @Test
    void seedingAndTheExactSilhouetteRunOnTheGpuAndFallBackLikeLloyd() {
        PackedPoints points = window(6);
        float[] expectedCentres = Seeding.seed(points, K, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(7),
                Workers.sequential());
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            assertArrayEquals(expectedCentres, backend.seed(points, K, Init.GREEDY_KMEANS_PLUS_PLUS, 0,
                    new SplittableRandom(7), Workers.sequential()));
            assertEquals("gpu", backend.name());
            LloydResult fit = backend.run(points, expectedCentres, K, SETTINGS);
            SilhouetteResult expected = Silhouette.exact(points, fit.labels(), K, Workers.sequential());
            assertEquals(expected.value(), backend.exactSilhouette(points, fit.labels(), K, Workers.sequential()).value());
            assertEquals(3, opened.get(0).calls);

            // A failing seeding step: the next window's centres come from the CPU, counted once.
            PackedPoints next = window(7);
            script.add("CUDA_ERROR_OUT_OF_MEMORY");
            float[] centres = backend.seed(next, K, Init.KMEANS_PLUS_PLUS, 0, new SplittableRandom(8),
                    Workers.sequential());
            assertEquals("cpu", backend.name());
            assertArrayEquals(Seeding.seed(next, K, Init.KMEANS_PLUS_PLUS, 0, new SplittableRandom(8),
                    Workers.sequential()), centres);
            assertEquals(1, backend.fallbacks());
            assertEquals(1, warnings.size());
        }
    }

    @Test
    void theSilhouetteMeetsTheCrossoverAsNSquaredWork() {
        PackedPoints points = window(8);
        long lloydWork = (long) points.size() * K * points.dimension();
        try (FallbackLloydBackend backend = backend(new GpuSettings(0, lloydWork + 1, false))) {
            LloydResult fit = backend.run(points, init(points), K, SETTINGS);
            assertEquals("cpu", backend.name());
            backend.exactSilhouette(points, fit.labels(), K, Workers.sequential());
            assertEquals("gpu", backend.name(), "n·n·d exceeds the crossover that n·k·d stays under");
        }
    }

    @Test
    void kMeansSeedsThroughTheBackend() {
        PointBlock points = Blobs.stationary(3, K, 9).sample(2_000).points();
        KMeansConfig config = KMeansConfig.builder(K).nInit(2).seed(3).refinement(Refinement.NONE).build();
        try (FallbackLloydBackend backend = backend(ALWAYS_GPU)) {
            KMeansResult viaGpu = new KMeans(backend, Workers.sequential()).fit(points, config);
            assertEquals(4, opened.get(0).calls, "two seedings and two Lloyd runs on the GPU");
            KMeansResult onCpu = new KMeans(CpuLloydBackend.scalar(Workers.sequential()), Workers.sequential())
                    .fit(points, config);
            assertArrayEquals(onCpu.centroids(), viaGpu.centroids());
        }
    }

    /** One window's fit; returns the backend that completed it. */
    private static String fit(FallbackLloydBackend backend, long seed) {
        PackedPoints points = window(seed);
        backend.run(points, init(points), K, SETTINGS);
        return backend.name();
    }
}
