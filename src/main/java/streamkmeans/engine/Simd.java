package streamkmeans.engine;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the engine's SIMD kernels can run in this JVM, and whether they are ready to.
 *
 * <p>The vector kernels use the incubating {@code jdk.incubator.vector} module, which a JVM only
 * has when started with {@code --add-modules jdk.incubator.vector}. Classes that import it are
 * loaded only after {@link #vectorAvailable()} said yes; otherwise the engine runs scalar kernels
 * that give bit-identical results (same {@code Math.fma} sequence, same summation order).
 *
 * <p>Why "ready": until the JIT has compiled them, Vector API kernels run interpreted with a
 * boxed object per vector operation, several times slower than the scalar kernels (a one-off fit
 * of 5000 points took 1.5 s instead of 0.4 s). So the first use starts a background thread that
 * exercises the vector kernels on small synthetic data until their call time settles, and the
 * engine runs the scalar kernels until then. Because both give the same bits, the switch changes
 * no result.
 */
public final class Simd {
    /** Float lanes the vector kernels need: one {@link PackedPoints} block per register. */
    static final int REQUIRED_LANES = PackedPoints.LANES;

    private static final boolean VECTOR = detect();
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    private static volatile boolean warm;

    private Simd() {
    }

    /**
     * True when the Vector API module is present and the CPU has float registers of at least
     * {@link PackedPoints#LANES} lanes (AVX2 or better). Computed once per JVM; O(1).
     */
    public static boolean vectorAvailable() {
        return VECTOR;
    }

    /**
     * True once the vector kernels are available and compiled. The first call starts the warm-up
     * in a daemon thread and returns false; O(1).
     */
    public static boolean vectorReady() {
        if (warm || !VECTOR) {
            return warm;
        }
        if (WARMING.compareAndSet(false, true)) {
            Thread t = new Thread(Simd::warmUp, "streamkmeans-simd-warmup");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
        return false;
    }

    /** Blocks until the vector kernels are ready (tests, benchmarks); false when unavailable. */
    public static boolean awaitVectorReady() {
        if (!VECTOR) {
            return false;
        }
        while (!vectorReady()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Runs each vector kernel on 256 synthetic points until 200 calls in a row cost no more than
     * 1.5× the fastest call seen (the compiled speed), at most 20 s.
     */
    private static void warmUp() {
        try {
            int n = 256;
            int d = 4;
            int k = 8;
            SplittableRandom rng = new SplittableRandom(42);
            float[] data = new float[n * d];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rng.nextGaussian();
            }
            PackedPoints points = PackedPoints.pack(PointBlock.of(data, d));
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % k;
            }
            float[] centroids = Arrays.copyOf(points.panel(), k * d);
            AssignKernels kernels = VectorAssignKernels.instance();
            CentroidPanel panel = new CentroidPanel(k, d);
            panel.load(centroids);
            int blocks = points.blocks();
            int[] out = new int[blocks * PackedPoints.LANES];
            float[] best = new float[blocks * PackedPoints.LANES];
            float[] closest = new float[blocks * PackedPoints.LANES];
            double[] potentials = new double[2];
            float[][] candidates = {Arrays.copyOf(centroids, d), Arrays.copyOfRange(centroids, d, 2 * d)};
            long deadline = System.nanoTime() + 20_000_000_000L;
            long fastest = Long.MAX_VALUE;
            int settled = 0;
            for (int call = 0; settled < 200 && System.nanoTime() < deadline; call++) {
                long t0 = System.nanoTime();
                kernels.assign(points.panel(), 0, blocks, panel, out, best);
                Arrays.fill(closest, 0, n, Float.POSITIVE_INFINITY);
                kernels.lowerClosest(points.panel(), d, 0, blocks, candidates[0], closest);
                kernels.potentialsWith(points.panel(), d, 0, blocks, candidates, closest, potentials);
                Silhouette.exact(points, labels, k, Workers.sequential(), true);
                long took = System.nanoTime() - t0;
                fastest = Math.min(fastest, took);
                settled = call > 100 && took <= fastest * 3 / 2 ? settled + 1 : 0;
            }
        } finally {
            warm = true;
        }
    }

    private static boolean detect() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorAssignKernels.preferredFloatLanes() >= REQUIRED_LANES;
        } catch (LinkageError e) {
            // The module is listed but unusable (e.g. a stripped runtime): run scalar.
            return false;
        }
    }
}
