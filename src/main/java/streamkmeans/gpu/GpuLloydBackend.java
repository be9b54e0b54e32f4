package streamkmeans.gpu;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import jcuda.driver.CUdeviceptr;
import streamkmeans.engine.Init;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.Seeding;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Workers;

/**
 * Lloyd on a CUDA device, with the semantics of {@link LloydBackend} (those of the CPU backend).
 * The whole fit runs on the device and the host only steers: the window is uploaded once (through
 * pinned memory); each iteration is four kernels (fused distance-and-argmin, cluster sums, new
 * centroids with their shift, the shift's sum) and one read of three scalars (labels changed,
 * clusters left empty, total shift); labels and centroids come back once at the end.
 *
 * <p>Labels: the assignment kernel computes the CPU's float score {@code ||c||² − 2·x·c} with the
 * same fused multiply-adds in the same order, so from the same centroids both backends give the same
 * labels. Sums: each coordinate is added as a 64-bit fixed-point integer with {@code 62 − bits(n)}
 * fraction bits (packed coordinates are at most 2 in magnitude, so no sum can overflow); integer
 * addition does not depend on order, so the result is deterministic whatever the thread
 * scheduling, and at least as precise as the CPU's double sums (2^-41 absolute for a million
 * points). The mean is then computed in double and rounded to float as on the CPU. Empty clusters
 * are repaired on the device with the CPU's rule, the host choosing the order. Inertia is
 * accumulated in double per point and reduced in a fixed order.
 *
 * <p>Device buffers are pooled per context and grow only; a window already on the device (the same
 * {@link PackedPoints} again, as in restarts) is not uploaded twice. Cost per iteration: O(n·k·d)
 * on the device, O(1) transfers; memory on the device about {@code 4·n·d + 8·n + 12·k·d} bytes.
 * Not thread-safe. Every CUDA failure is thrown as {@link GpuException}; after one the backend
 * should be closed (a kernel fault leaves its context unusable).
 */
public final class GpuLloydBackend implements LloydBackend {
    private static final int LANES = PackedPoints.LANES;
    private static final int THREADS = 256;
    /** Centroid columns are padded to this (a multiple of every assignment kernel's tile). */
    private static final int K_ALIGN = 128;
    /** Static shared memory every device has without opting in, bytes. */
    private static final int SHARED_LIMIT = 48 * 1024;
    /** Scalars read back each iteration, by byte offset in one small buffer. */
    private static final int CHANGED = 0;
    private static final int EMPTY = 4;
    private static final int SHIFT = 8;
    private static final int INERTIA = 16;
    private static final int FARTHEST = 24;
    private static final int SCALAR_BYTES = 32;
    /** The scalars an iteration reads: changed, empty and shift. */
    private static final int ITERATION_BYTES = 16;

    private final GpuContext gpu;
    /** The panel last uploaded to the {@code points} buffer, to skip re-uploading it (weakly held). */
    private WeakReference<float[]> resident = new WeakReference<>(null);

    private GpuLloydBackend(GpuContext gpu) {
        this.gpu = gpu;
    }

    /**
     * A backend with a context of its own on device {@code ordinal}.
     *
     * @throws GpuException when the context cannot be created or the kernels not loaded
     */
    public static GpuLloydBackend open(int ordinal) {
        return new GpuLloydBackend(GpuContext.open(ordinal));
    }

    /** The device this backend runs on. */
    public DeviceInfo device() {
        return gpu.device();
    }

    /** {@code "gpu"}. */
    @Override
    public String name() {
        return "gpu";
    }

    /**
     * Runs Lloyd from {@code initialCentroids} on the device, as specified by {@link LloydBackend}.
     * O(n·k·d) per iteration on the device.
     *
     * @throws IllegalArgumentException when {@code k} is not in [1, n] or the centroid array is not
     *                                  {@code k·d} long
     * @throws GpuException             when a CUDA call fails
     */
    @Override
    public LloydResult run(PackedPoints points, float[] initialCentroids, int k, LloydSettings settings) {
        if (k > points.size()) {
            throw new IllegalArgumentException("k must be in [1, " + points.size() + "], got " + k);
        }
        checkCentroids(points, initialCentroids, k);
        gpu.enter();
        try {
            return new Window(points, k).fit(initialCentroids, settings);
        } finally {
            gpu.exit();
        }
    }

    /**
     * Labels each point with its nearest centroid (ties to the lowest index) on the device and
     * returns the inertia, accumulated in double in packed squared units. O(n·k·d).
     *
     * @throws GpuException when a CUDA call fails
     */
    @Override
    public double assign(PackedPoints points, float[] centroids, int k, int[] labels) {
        checkCentroids(points, centroids, k);
        if (labels.length != points.size()) {
            throw new IllegalArgumentException("labels has length " + labels.length + ", expected " + points.size());
        }
        gpu.enter();
        try {
            Window window = new Window(points, k);
            window.load(centroids);
            window.assign(window.labels[0], window.labels[1], false);
            double inertia = window.inertia(window.labels[0], window.centres[0]);
            gpu.download(window.labels[0], (long) points.size() * Integer.BYTES).asIntBuffer().get(labels);
            return inertia;
        } finally {
            gpu.exit();
        }
    }

    /**
     * Initial centroids exactly as {@link Seeding#seed} chooses them (the same centres from the same
     * generator state, which is advanced alike), with the K-Means++ D² weights computed on the
     * device; {@link Init#RANDOM} draws on the host. O(n·k·d·candidates) on the device.
     *
     * @throws IllegalArgumentException when {@code k} is not in [1, n]
     * @throws GpuException             when a CUDA call fails
     */
    public float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng) {
        if (k < 1 || k > points.size()) {
            throw new IllegalArgumentException("k must be in [1, " + points.size() + "], got " + k);
        }
        gpu.enter();
        try {
            return GpuSeeding.seed(gpu, points, resident(points), k, init, candidates, rng);
        } finally {
            gpu.exit();
        }
    }

    /**
     * The exact silhouette of all points under {@code labels}, computed on the device with the
     * conventions of {@link streamkmeans.engine.Silhouette#exact}; agrees with it to about 1e-6.
     * O(n²·d) on the device, O(n·d + n·k) device memory (in slabs when that is large).
     *
     * @throws IllegalArgumentException when labels do not match the points or lie outside [0, k)
     * @throws GpuException             when a CUDA call fails
     */
    public SilhouetteResult exactSilhouette(PackedPoints points, int[] labels, int k) {
        gpu.enter();
        try {
            return GpuSilhouette.exact(gpu, points, labels, k);
        } finally {
            gpu.exit();
        }
    }

    /** {@link #seed(PackedPoints, int, Init, int, SplittableRandom)}; {@code workers} are not needed. */
    @Override
    public float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng, Workers workers) {
        return seed(points, k, init, candidates, rng);
    }

    /** {@link #exactSilhouette(PackedPoints, int[], int)}; {@code workers} are not needed. */
    @Override
    public SilhouetteResult exactSilhouette(PackedPoints points, int[] labels, int k, Workers workers) {
        return exactSilhouette(points, labels, k);
    }

    /** The context, for the check kit's own probes. */
    GpuContext context() {
        return gpu;
    }

    /** Destroys the context and with it every device buffer. */
    @Override
    public void close() {
        gpu.close();
    }

    /** The window's panel on the device, uploaded unless it is already there. */
    private CUdeviceptr resident(PackedPoints points) {
        float[] panel = points.panel();
        CUdeviceptr buffer = gpu.buffer("points", (long) panel.length * Float.BYTES);
        if (panel != resident.get()) {
            resident = new WeakReference<>(null);
            gpu.upload(buffer, panel, 0, panel.length);
            resident = new WeakReference<>(panel);
        }
        return buffer;
    }

    private static void checkCentroids(PackedPoints points, float[] centroids, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (centroids.length != k * points.dimension()) {
            throw new IllegalArgumentException("expected " + k + "·" + points.dimension()
                    + " centroid coordinates, got " + centroids.length);
        }
    }

    /** The assignment kernels: points and centroids per tile; the best fit for k is chosen. */
    private enum AssignKernel {
        NARROW("assign_narrow", 256, 16),
        MEDIUM("assign_medium", 128, 64),
        WIDE("assign_wide", 128, 128);

        final String function;
        final int points;
        final int centroids;

        AssignKernel(String function, int points, int centroids) {
            this.function = function;
            this.points = points;
            this.centroids = centroids;
        }

        /** The widest tile that pads k no more than a narrower one would. */
        static AssignKernel forK(int k) {
            if (k <= NARROW.centroids) {
                return NARROW;
            }
            return roundUp(k, WIDE.centroids) <= roundUp(k, MEDIUM.centroids) ? WIDE : MEDIUM;
        }
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static long blocksOf(long items, long perBlock) {
        return (items + perBlock - 1) / perBlock;
    }

    /** One window on the device: its geometry and the buffers of a fit or an assignment. */
    private final class Window {
        final int n;
        final int d;
        final int k;
        final int kpad;
        final AssignKernel kernel;
        final CUdeviceptr x;
        final CUdeviceptr[] labels;
        final CUdeviceptr[] centres;
        final CUdeviceptr transposed;
        final CUdeviceptr norms;
        final CUdeviceptr scalars;
        /** 2^f and 2^-f for the fixed-point sums, f = 62 − bits(n). */
        final double toFixed;
        final double fromFixed;

        Window(PackedPoints points, int k) {
            this.n = points.size();
            this.d = points.dimension();
            this.k = k;
            this.kpad = (int) roundUp(k, K_ALIGN);
            this.kernel = AssignKernel.forK(k);
            this.x = resident(points);
            long labelBytes = (long) n * Integer.BYTES;
            long centreBytes = (long) k * d * Float.BYTES;
            this.labels = new CUdeviceptr[] {gpu.buffer("labels.0", labelBytes), gpu.buffer("labels.1", labelBytes)};
            this.centres = new CUdeviceptr[] {gpu.buffer("centroids.0", centreBytes),
                    gpu.buffer("centroids.1", centreBytes)};
            this.transposed = gpu.buffer("centroids.transposed", (long) d * kpad * Float.BYTES);
            this.norms = gpu.buffer("centroids.norms", (long) kpad * Float.BYTES);
            this.scalars = gpu.buffer("scalars", SCALAR_BYTES);
            int fraction = 62 - (64 - Long.numberOfLeadingZeros(n));
            this.toFixed = Math.scalb(1.0, fraction);
            this.fromFixed = Math.scalb(1.0, -fraction);
        }

        LloydResult fit(float[] initialCentroids, LloydSettings settings) {
            CUdeviceptr sums = gpu.buffer("sums", (long) k * d * Long.BYTES);
            CUdeviceptr counts = gpu.buffer("counts", (long) k * Integer.BYTES);
            CUdeviceptr shifts = gpu.buffer("shifts", (long) k * Double.BYTES);
            load(initialCentroids);
            int current = 0;
            int slot = 0;
            boolean hasPrevious = false;
            boolean strict = false;
            boolean converged = false;
            int repairs = 0;
            int iterations = 0;
            while (iterations < settings.maxIterations()) {
                iterations++;
                gpu.zero(scalars, SCALAR_BYTES);
                assign(labels[slot], labels[1 - slot], hasPrevious);
                gpu.zero(sums, (long) k * d * Long.BYTES);
                gpu.zero(counts, (long) k * Integer.BYTES);
                accumulate(labels[slot], sums, counts);
                update(sums, counts, shifts, current);
                ByteBuffer read = gpu.download(scalars, ITERATION_BYTES);
                int changed = read.getInt(CHANGED);
                int empty = read.getInt(EMPTY);
                double shift = read.getDouble(SHIFT);
                if (empty > 0) {
                    repairs += repair(labels[slot], centres[current], sums, counts);
                    update(sums, counts, shifts, current);
                    shift = gpu.download(scalars, ITERATION_BYTES).getDouble(SHIFT);
                }
                current = 1 - current;
                if (changed == 0) {
                    strict = true;
                    converged = true;
                    break;
                }
                if (shift <= settings.shiftTolerance()) {
                    converged = true;
                    break;
                }
                slot = 1 - slot;
                hasPrevious = true;
            }
            if (!strict) {
                // The labels belong to the previous centroids: one more assignment matches them up.
                assign(labels[slot], labels[1 - slot], false);
            }
            double inertia = inertia(labels[slot], centres[current]);
            int[] labelsOut = new int[n];
            gpu.download(labels[slot], (long) n * Integer.BYTES).asIntBuffer().get(labelsOut);
            float[] centroidsOut = new float[k * d];
            gpu.download(centres[current], (long) k * d * Float.BYTES).asFloatBuffer().get(centroidsOut);
            int[] sizes = new int[k];
            for (int label : labelsOut) {
                sizes[label]++;
            }
            return new LloydResult(centroidsOut, labelsOut, sizes, inertia, iterations, converged, repairs);
        }

        /** Uploads k·d centroids into {@code centres[0]} and writes their assignment form. */
        void load(float[] centroids) {
            gpu.upload(centres[0], centroids, 0, k * d);
            gpu.zero(transposed, (long) d * kpad * Float.BYTES);
            gpu.fill32(norms, Float.floatToRawIntBits(Float.POSITIVE_INFINITY), kpad);
            gpu.launch("prepare_centroids", blocksOf(k, THREADS), THREADS, 0, centres[0], k, d, transposed, norms,
                    kpad);
        }

        /** Labels into {@code out} from the loaded centroids; counts changes against {@code previous}. */
        void assign(CUdeviceptr out, CUdeviceptr previous, boolean hasPrevious) {
            gpu.launch(kernel.function, blocksOf(n, kernel.points), THREADS, 0, x, n, d, transposed, norms, kpad, k,
                    out, previous, hasPrevious ? 1 : 0, scalars.withByteOffset(CHANGED));
        }

        /**
         * Cluster sums and counts, with per-block shared-memory accumulators when they fit in 48 KiB;
         * a persistent grid of a few blocks per multiprocessor either way.
         */
        private void accumulate(CUdeviceptr labelsIn, CUdeviceptr sums, CUdeviceptr counts) {
            long sharedBytes = (long) k * d * Long.BYTES + (long) k * Integer.BYTES;
            boolean shared = sharedBytes <= SHARED_LIMIT;
            long wanted = blocksOf(blocksOf(n, LANES), THREADS / 32);
            long grid = Math.max(1, Math.min(wanted, (long) gpu.device().multiprocessors() * (shared ? 4 : 8)));
            gpu.launch("accumulate", grid, THREADS, shared ? (int) sharedBytes : 0, x, n, d, labelsIn, k, sums, counts,
                    toFixed, shared ? 1 : 0);
        }

        /** New centroids into {@code centres[1 − current]}, their assignment form, and the total shift. */
        private void update(CUdeviceptr sums, CUdeviceptr counts, CUdeviceptr shifts, int current) {
            gpu.zero(scalars.withByteOffset(EMPTY), Integer.BYTES);
            gpu.launch("finalize", blocksOf(k, THREADS), THREADS, 0, sums, counts, k, d, fromFixed, centres[current],
                    centres[1 - current], transposed, norms, kpad, shifts, scalars.withByteOffset(EMPTY));
            gpu.launch("reduce_sum", 1, THREADS, 0, shifts, k, scalars.withByteOffset(SHIFT));
        }

        /**
         * The CPU's empty-cluster repair: each empty cluster in index order takes the point farthest
         * from its (old) centroid among those not yet taken whose cluster keeps another member.
         * O(n·d + empty·n) on the device, one scalar read per empty cluster.
         */
        private int repair(CUdeviceptr labelsIn, CUdeviceptr oldCentres, CUdeviceptr sums, CUdeviceptr counts) {
            int[] sizes = new int[k];
            gpu.download(counts, (long) k * Integer.BYTES).asIntBuffer().get(sizes);
            long pointBlocks = blocksOf(n, THREADS);
            CUdeviceptr distances = gpu.buffer("repair.distances", (long) n * Double.BYTES);
            CUdeviceptr bestDistance = gpu.buffer("repair.best.distance", pointBlocks * Double.BYTES);
            CUdeviceptr bestIndex = gpu.buffer("repair.best.index", pointBlocks * Long.BYTES);
            gpu.launch("point_distances", pointBlocks, THREADS, 0, x, n, d, labelsIn, oldCentres, distances);
            int repaired = 0;
            for (int j = 0; j < k; j++) {
                if (sizes[j] != 0) {
                    continue;
                }
                gpu.launch("farthest_partials", pointBlocks, THREADS, 0, distances, n, labelsIn, counts, bestDistance,
                        bestIndex);
                gpu.launch("farthest_final", 1, THREADS, 0, bestDistance, bestIndex, (int) pointBlocks,
                        scalars.withByteOffset(FARTHEST));
                long far = gpu.download(scalars.withByteOffset(FARTHEST), Long.BYTES).getLong(0);
                if (far < 0) {
                    break;
                }
                gpu.launch("take_point", 1, 128, 0, x, d, far, j, labelsIn, distances, sums, counts, toFixed);
                repaired++;
            }
            return repaired;
        }

        /** Sum over the points of the squared distance to their centroid, double, fixed order. */
        double inertia(CUdeviceptr labelsIn, CUdeviceptr centroids) {
            long pointBlocks = blocksOf(n, THREADS);
            CUdeviceptr partials = gpu.buffer("partials", pointBlocks * Double.BYTES);
            gpu.launch("inertia_partials", pointBlocks, THREADS, 0, x, n, d, labelsIn, centroids, partials);
            gpu.launch("reduce_sum", 1, THREADS, 0, partials, (int) pointBlocks, scalars.withByteOffset(INERTIA));
            return gpu.download(scalars.withByteOffset(INERTIA), Double.BYTES).getDouble(0);
        }
    }
}
