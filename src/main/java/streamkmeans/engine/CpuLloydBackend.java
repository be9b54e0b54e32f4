package streamkmeans.engine;

import java.util.Arrays;

/**
 * Lloyd on the CPU: SIMD assignment kernels (scalar when the Vector API is absent), cluster sums
 * per chunk in double, both spread over {@link Workers}. Follows scikit-learn's {@code lloyd}
 * algorithm exactly as described on {@link LloydBackend}; results do not depend on the thread
 * count, nor on whether the vector or the scalar kernels run.
 *
 * <p>Cost per iteration: O(n·k·d) flops for the assignment plus O(n·d) for the update; memory
 * O(n + chunks·k·d) besides the points.
 */
public final class CpuLloydBackend implements LloydBackend {
    private static final int LANES = PackedPoints.LANES;
    /** Point data handled between assignment and accumulation, to keep it in cache (bytes). */
    private static final int STEP_BYTES = 64 * 1024;

    private final Workers workers;
    private final AssignKernels kernels;

    /** A backend on {@code workers}, with SIMD kernels when {@link Simd#vectorAvailable()}. */
    public CpuLloydBackend(Workers workers) {
        this(workers, AssignKernels.best());
    }

    private CpuLloydBackend(Workers workers, AssignKernels kernels) {
        this.workers = workers;
        this.kernels = kernels;
    }

    /** A backend that always runs the portable scalar kernels (for tests and benchmarks). */
    public static CpuLloydBackend scalar(Workers workers) {
        return new CpuLloydBackend(workers, AssignKernels.scalar());
    }

    /** {@code "cpu"}. */
    @Override
    public String name() {
        return "cpu";
    }

    /** Whether this backend runs the SIMD kernels. */
    public boolean vectorized() {
        return kernels.vectorized();
    }

    /**
     * Runs Lloyd from {@code initialCentroids} as specified by {@link LloydBackend}. O(n·k·d) per
     * iteration.
     *
     * @throws IllegalArgumentException when {@code k} is not in [1, n] or the centroid array is
     *                                  not {@code k·d} long
     */
    @Override
    public LloydResult run(PackedPoints points, float[] initialCentroids, int k, LloydSettings settings) {
        check(points, initialCentroids, k);
        return new Run(points, k).execute(initialCentroids, settings);
    }

    /**
     * Labels each point with its nearest centroid (ties to the lowest index) and returns the
     * inertia, accumulated in double in packed squared units. O(n·k·d).
     */
    @Override
    public double assign(PackedPoints points, float[] centroids, int k, int[] labels) {
        check(points, centroids, k);
        if (labels.length != points.size()) {
            throw new IllegalArgumentException("labels has length " + labels.length + ", expected " + points.size());
        }
        int n = points.size();
        int d = points.dimension();
        float[] panel = points.panel();
        CentroidPanel prepared = new CentroidPanel(k, d);
        prepared.load(centroids);
        int[] padded = new int[points.blocks() * LANES];
        Chunks chunks = Chunks.of(points.blocks());
        double[] partial = new double[chunks.count()];
        workers.forEach(chunks.count(), c -> {
            kernels.assign(panel, chunks.start(c), chunks.end(c), prepared, padded);
            partial[c] = inertia(panel, n, d, chunks.start(c), chunks.end(c), centroids, padded);
        });
        System.arraycopy(padded, 0, labels, 0, n);
        return sumInOrder(partial);
    }

    private static void check(PackedPoints points, float[] centroids, int k) {
        if (k < 1 || k > points.size()) {
            throw new IllegalArgumentException("k must be in [1, " + points.size() + "], got " + k);
        }
        if (centroids.length != k * points.dimension()) {
            throw new IllegalArgumentException("expected " + k + "·" + points.dimension()
                    + " centroid coordinates, got " + centroids.length);
        }
    }

    /** Sum over the points of blocks [from, to) of the squared distance to their centroid, double. */
    private static double inertia(float[] panel, int n, int d, int from, int to, float[] centroids, int[] labels) {
        double sum = 0;
        for (int b = from; b < to; b++) {
            int lanes = Math.min(LANES, n - b * LANES);
            for (int lane = 0; lane < lanes; lane++) {
                sum += squaredDistance(panel, d, b * d * LANES + lane, centroids, labels[b * LANES + lane] * d);
            }
        }
        return sum;
    }

    private static double squaredDistance(float[] panel, int d, int base, float[] centroids, int row) {
        double sum = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) panel[base + t * LANES] - centroids[row + t];
            sum += diff * diff;
        }
        return sum;
    }

    private static double sumInOrder(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum;
    }

    /** The state of one {@link #run}: buffers sized once, reused by every iteration. */
    private final class Run {
        private final PackedPoints points;
        private final float[] panel;
        private final int n;
        private final int d;
        private final int k;
        private final Chunks chunks;
        private final int step;
        private final CentroidPanel prepared;
        private final double[][] sums;
        private final int[][] counts;
        private final int[] changed;
        private final double[] totals;
        private final long[] sizes;
        private int[] labels;
        private int[] previous;

        Run(PackedPoints points, int k) {
            this.points = points;
            this.panel = points.panel();
            this.n = points.size();
            this.d = points.dimension();
            this.k = k;
            this.chunks = Chunks.of(points.blocks());
            this.step = Math.max(1, STEP_BYTES / (d * LANES * Float.BYTES));
            this.prepared = new CentroidPanel(k, d);
            this.sums = new double[chunks.count()][k * d];
            this.counts = new int[chunks.count()][k];
            this.changed = new int[chunks.count()];
            this.totals = new double[k * d];
            this.sizes = new long[k];
            this.labels = new int[points.blocks() * LANES];
            this.previous = new int[points.blocks() * LANES];
        }

        LloydResult execute(float[] initialCentroids, LloydSettings settings) {
            float[] centres = initialCentroids.clone();
            float[] next = new float[k * d];
            Arrays.fill(previous, -1);
            boolean strict = false;
            boolean converged = false;
            int repairs = 0;
            int iterations = 0;
            while (iterations < settings.maxIterations()) {
                iterations++;
                prepared.load(centres);
                workers.forEach(chunks.count(), this::assignAndAccumulate);
                reduce();
                repairs += relocateEmpty(centres);
                double shift = 0;
                for (int j = 0; j < k; j++) {
                    for (int t = 0; t < d; t++) {
                        int i = j * d + t;
                        // sizes[j] is 0 only if repair found no donor, impossible for k <= n.
                        next[i] = sizes[j] > 0 ? (float) (totals[i] / sizes[j]) : centres[i];
                        double diff = (double) next[i] - centres[i];
                        shift += diff * diff;
                    }
                }
                float[] swap = centres;
                centres = next;
                next = swap;
                if (changedTotal() == 0) {
                    strict = true;
                    converged = true;
                    break;
                }
                if (shift <= settings.shiftTolerance()) {
                    converged = true;
                    break;
                }
                int[] swapLabels = previous;
                previous = labels;
                labels = swapLabels;
            }
            float[] finalCentres = centres;
            if (!strict) {
                // The labels belong to the previous centroids: one more assignment matches them up.
                prepared.load(finalCentres);
                workers.forEach(chunks.count(),
                        c -> kernels.assign(panel, chunks.start(c), chunks.end(c), prepared, labels));
            }
            double[] partial = new double[chunks.count()];
            workers.forEach(chunks.count(), c -> partial[c] =
                    inertia(panel, n, d, chunks.start(c), chunks.end(c), finalCentres, labels));
            int[] sizesOut = new int[k];
            int[] labelsOut = Arrays.copyOf(labels, n);
            for (int label : labelsOut) {
                sizesOut[label]++;
            }
            return new LloydResult(finalCentres, labelsOut, sizesOut, sumInOrder(partial), iterations,
                    converged, repairs);
        }

        /**
         * Assigns chunk {@code c} and brings its cluster sums and counts up to date. The first pass
         * adds every point; later passes only move the points whose label changed, from the old
         * cluster's sums to the new one's, which after the first few iterations is a small share
         * of the points. Both go in point order, so the sums do not depend on the thread count.
         */
        private void assignAndAccumulate(int c) {
            double[] sum = sums[c];
            int[] count = counts[c];
            int moved = 0;
            int end = chunks.end(c);
            for (int from = chunks.start(c); from < end; from += step) {
                int to = Math.min(end, from + step);
                kernels.assign(panel, from, to, prepared, labels);
                for (int b = from; b < to; b++) {
                    int lanes = Math.min(LANES, n - b * LANES);
                    int blockBase = b * d * LANES;
                    for (int lane = 0; lane < lanes; lane++) {
                        int i = b * LANES + lane;
                        int label = labels[i];
                        int old = previous[i];
                        if (label == old) {
                            continue;
                        }
                        moved++;
                        count[label]++;
                        int row = label * d;
                        int base = blockBase + lane;
                        if (old < 0) {
                            for (int t = 0; t < d; t++) {
                                sum[row + t] += panel[base + t * LANES];
                            }
                        } else {
                            count[old]--;
                            int oldRow = old * d;
                            for (int t = 0; t < d; t++) {
                                float x = panel[base + t * LANES];
                                sum[row + t] += x;
                                sum[oldRow + t] -= x;
                            }
                        }
                    }
                }
            }
            changed[c] = moved;
        }

        /** Adds the chunk partials in chunk order into {@code totals} and {@code sizes}. */
        private void reduce() {
            Arrays.fill(totals, 0);
            Arrays.fill(sizes, 0);
            for (int c = 0; c < chunks.count(); c++) {
                double[] sum = sums[c];
                int[] count = counts[c];
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += sum[i];
                }
                for (int j = 0; j < k; j++) {
                    sizes[j] += count[j];
                }
            }
        }

        private int changedTotal() {
            int total = 0;
            for (int v : changed) {
                total += v;
            }
            return total;
        }

        /**
         * scikit-learn's {@code _relocate_empty_clusters_dense}: each empty cluster, in index order,
         * takes the point farthest from the centroid it was assigned to (ties to the lowest point
         * index), which leaves its old cluster's sum. Labels are not changed. Unlike scikit-learn, a
         * point is never taken from a cluster it is the last member of, so no repair empties
         * another cluster. Returns the number of clusters repaired. O(n·d + empty·n).
         */
        private int relocateEmpty(float[] oldCentres) {
            int empty = 0;
            for (int j = 0; j < k; j++) {
                if (sizes[j] == 0) {
                    empty++;
                }
            }
            if (empty == 0) {
                return 0;
            }
            double[] distance = new double[n];
            workers.forEach(chunks.count(), c -> {
                for (int b = chunks.start(c); b < chunks.end(c); b++) {
                    int lanes = Math.min(LANES, n - b * LANES);
                    for (int lane = 0; lane < lanes; lane++) {
                        int i = b * LANES + lane;
                        distance[i] = squaredDistance(panel, d, b * d * LANES + lane, oldCentres, labels[i] * d);
                    }
                }
            });
            int repaired = 0;
            for (int j = 0; j < k; j++) {
                if (sizes[j] != 0) {
                    continue;
                }
                int far = -1;
                for (int i = 0; i < n; i++) {
                    if (distance[i] >= 0 && sizes[labels[i]] > 1 && (far < 0 || distance[i] > distance[far])) {
                        far = i;
                    }
                }
                if (far < 0) {
                    break;
                }
                distance[far] = -1;
                int donor = labels[far];
                int base = points.index(far, 0);
                for (int t = 0; t < d; t++) {
                    float x = panel[base + t * LANES];
                    totals[donor * d + t] -= x;
                    totals[j * d + t] = x;
                }
                sizes[donor]--;
                sizes[j] = 1;
                repaired++;
            }
            return repaired;
        }
    }
}
