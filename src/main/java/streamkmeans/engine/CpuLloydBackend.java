package streamkmeans.engine;

import java.util.Arrays;

/**
 * Lloyd on the CPU: SIMD assignment kernels (scalar when the Vector API is absent), cluster sums
 * per chunk in double, both spread over {@link Workers}. Follows scikit-learn's {@code lloyd}
 * algorithm exactly as described on {@link LloydBackend}; results do not depend on the thread
 * count, nor on whether the vector or the scalar kernels run.
 *
 * <p>Two things make an iteration cheaper than a full pass without changing its result. Cluster
 * sums are updated incrementally: only points whose label changed move between sums. And, as in
 * Elkan's and Hamerly's algorithms, every point keeps an upper bound on the distance to its
 * centroid, moved up by how far that centroid moved; a block of eight points whose bounds are all
 * below half the distance from their centroid to the nearest other centroid is not re-scored (by
 * the triangle inequality their labels cannot change). The bounds carry a margin larger than the
 * float error of the kernels, so a skipped point keeps the label a full pass would give it. Near
 * convergence most blocks of well-separated clusters are skipped.
 *
 * <p>Cost per iteration: O(n·k·d) flops at most for the assignment (much less once the bounds
 * hold), O(n + k²·d) for the bounds and O(changed·d) for the sums; memory O(n + chunks·k·d)
 * besides the points.
 */
public final class CpuLloydBackend implements LloydBackend {
    private static final int LANES = PackedPoints.LANES;
    /** Point data handled between assignment and accumulation, to keep it in cache (bytes). */
    private static final int STEP_BYTES = 64 * 1024;
    /** Cluster-sum entries reduced per task. */
    private static final int REDUCE_SLICE = 8 * 1024;

    /**
     * Relative margin of the distance bounds per feature: the float score of one centroid is off by
     * at most {@code (d + 1)·2^-24·(||x|| + ||c||)²}; the bounds allow sixteen times that.
     */
    private static final double MARGIN_PER_FEATURE = 0x1p-20;
    /**
     * Bounds are kept only with at least this many points per cluster, where the O(k²·d)
     * centroid-to-centroid distances of each pass cost little next to the O(n·k·d) it saves.
     */
    private static final int BOUNDS_MIN_POINTS_PER_CLUSTER = 64;
    /**
     * Bounds are kept only when scoring a point costs at least this many multiply-adds (k·d):
     * below it the bookkeeping (a norm, a square root, a few loads per point) costs as much as
     * the scoring it would save.
     */
    private static final int BOUNDS_MIN_WORK = 512;

    private final Workers workers;
    private final AssignKernels kernels;
    private final boolean pruning;

    /** A backend on {@code workers}, with SIMD kernels when {@link Simd#vectorAvailable()}. */
    public CpuLloydBackend(Workers workers) {
        this(workers, AssignKernels.best(), true);
    }

    private CpuLloydBackend(Workers workers, AssignKernels kernels, boolean pruning) {
        this.workers = workers;
        this.kernels = kernels;
        this.pruning = pruning;
    }

    /** A backend that always runs the portable scalar kernels (for tests and benchmarks). */
    public static CpuLloydBackend scalar(Workers workers) {
        return new CpuLloydBackend(workers, AssignKernels.scalar(), true);
    }

    /** A backend that re-scores every point in every pass (tests check the bounds change nothing). */
    static CpuLloydBackend withoutBounds(Workers workers) {
        return new CpuLloydBackend(workers, AssignKernels.best(), false);
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
        // Unlike a fit, labelling needs no more points than centroids.
        checkCentroids(points, centroids, k);
        if (labels.length != points.size()) {
            throw new IllegalArgumentException("labels has length " + labels.length + ", expected " + points.size());
        }
        int n = points.size();
        int d = points.dimension();
        float[] panel = points.panel();
        CentroidPanel prepared = new CentroidPanel(k, d);
        prepared.load(centroids);
        int[] padded = new int[points.blocks() * LANES];
        float[] best = new float[padded.length];
        Chunks chunks = Chunks.of(points.blocks());
        double[] partial = new double[chunks.count()];
        workers.forEach(chunks.count(), c -> {
            kernels.assign(panel, chunks.start(c), chunks.end(c), prepared, padded, best);
            partial[c] = inertia(panel, n, d, chunks.start(c), chunks.end(c), centroids, padded);
        });
        System.arraycopy(padded, 0, labels, 0, n);
        return sumInOrder(partial);
    }

    private static void check(PackedPoints points, float[] centroids, int k) {
        if (k > points.size()) {
            throw new IllegalArgumentException("k must be in [1, " + points.size() + "], got " + k);
        }
        checkCentroids(points, centroids, k);
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

    /**
     * The state of one {@link #run}: buffers sized once, reused by every iteration. The chunk sums
     * and counts always describe the points of the chunk under {@code previous} labels (all −1
     * before the first pass, when they are zero). Per-point arrays are padded to whole blocks.
     */
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
        private final float[] best;
        /** Squared norm of each point, for turning kernel scores into distances. */
        private final double[] norms;
        /** Norm of each point, for the margins. */
        private final double[] lengths;
        /** Upper bound on each point's distance to its centroid (packed units). */
        private final double[] upper;
        /** How far each centroid moved in the last update. */
        private final double[] move;
        /** Half the distance from each centroid to the nearest other one. */
        private final double[] half;
        /** Whether bounds are kept at all: computing {@link #half} costs O(k²·d) per pass. */
        private final boolean bounded;
        private double centroidNormMax;
        private boolean boundsHold;
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
            int padded = points.blocks() * LANES;
            this.best = new float[padded];
            this.norms = new double[padded];
            this.lengths = new double[padded];
            this.upper = new double[padded];
            this.move = new double[k];
            this.half = new double[k];
            this.bounded = pruning && k * d >= BOUNDS_MIN_WORK && (long) k * BOUNDS_MIN_POINTS_PER_CLUSTER <= n;
            this.labels = new int[padded];
            this.previous = new int[padded];
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
                load(centres);
                workers.forEach(chunks.count(), this::assignAndAccumulate);
                reduce();
                repairs += relocateEmpty(centres);
                double shift = 0;
                for (int j = 0; j < k; j++) {
                    double moved = 0;
                    for (int t = 0; t < d; t++) {
                        int i = j * d + t;
                        // sizes[j] is 0 only if repair found no donor, impossible for k <= n.
                        next[i] = sizes[j] > 0 ? (float) (totals[i] / sizes[j]) : centres[i];
                        double diff = (double) next[i] - centres[i];
                        moved += diff * diff;
                    }
                    shift += moved;
                    move[j] = Math.sqrt(moved);
                }
                boundsHold = bounded;
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
                load(finalCentres);
                workers.forEach(chunks.count(), c -> kernels.assign(panel, chunks.start(c), chunks.end(c),
                        prepared, labels, best));
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
         * Prepares the kernels' centroid panel, the largest centroid norm the margins need and,
         * when bounds are kept, each centroid's half distance to its nearest neighbour.
         */
        private void load(float[] centres) {
            prepared.load(centres);
            double max = 0;
            for (int j = 0; j < k; j++) {
                double norm = 0;
                for (int t = 0; t < d; t++) {
                    norm += (double) centres[j * d + t] * centres[j * d + t];
                }
                max = Math.max(max, norm);
            }
            centroidNormMax = Math.sqrt(max);
            if (bounded) {
                workers.forEach(k, a -> {
                    double nearest = Double.POSITIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        if (j != a) {
                            double sum = 0;
                            for (int t = 0; t < d; t++) {
                                double diff = (double) centres[a * d + t] - centres[j * d + t];
                                sum += diff * diff;
                            }
                            nearest = Math.min(nearest, sum);
                        }
                    }
                    half[a] = 0.5 * Math.sqrt(nearest);
                });
            }
        }

        /**
         * Assigns chunk {@code c} and brings its cluster sums and counts up to date. Blocks whose
         * bounds still separate keep their labels; the others are re-scored and get fresh bounds.
         * The first pass adds every point to the sums; later passes only move the points whose
         * label changed from the old cluster's sums to the new one's. Both go in point order, so
         * the sums do not depend on the thread count.
         */
        private void assignAndAccumulate(int c) {
            double[] sum = sums[c];
            int[] count = counts[c];
            int[] scored = new int[step];
            int moved = 0;
            int end = chunks.end(c);
            for (int from = chunks.start(c); from < end; from += step) {
                int to = Math.min(end, from + step);
                int listed = 0;
                for (int b = from; b < to; b++) {
                    if (boundsHold && separated(b)) {
                        System.arraycopy(previous, b * LANES, labels, b * LANES, LANES);
                    } else {
                        scored[listed++] = b;
                    }
                }
                kernels.assign(panel, scored, listed, prepared, labels, best);
                for (int s = 0; s < listed; s++) {
                    int b = scored[s];
                    if (bounded) {
                        if (previous[b * LANES] < 0) {
                            // First pass: each norm is computed once, while the block is in cache.
                            computeNorms(b);
                        }
                        resetBounds(b);
                    }
                    moved += accumulate(b, sum, count);
                }
            }
            changed[c] = moved;
        }

        /**
         * Moves block {@code b}'s upper bounds by their centroids' last moves and says whether
         * every point is still closer to its centroid than half the distance from that centroid
         * to any other, which (triangle inequality) leaves its label unchanged.
         */
        private boolean separated(int b) {
            int lanes = Math.min(LANES, n - b * LANES);
            for (int lane = 0; lane < lanes; lane++) {
                int i = b * LANES + lane;
                int label = previous[i];
                double up = upper[i] + move[label];
                upper[i] = up;
                if (!(up < half[label])) {
                    return false;
                }
            }
            return true;
        }

        private void computeNorms(int b) {
            int base = b * d * LANES;
            for (int lane = 0; lane < LANES; lane++) {
                double norm = 0;
                for (int t = 0; t < d; t++) {
                    double x = panel[base + t * LANES + lane];
                    norm += x * x;
                }
                norms[b * LANES + lane] = norm;
                lengths[b * LANES + lane] = Math.sqrt(norm);
            }
        }

        /** The bound from the kernel's score: score + ||x||² is the squared distance, up to the margin. */
        private void resetBounds(int b) {
            for (int lane = 0; lane < LANES; lane++) {
                int i = b * LANES + lane;
                double reach = lengths[i] + centroidNormMax;
                double margin = MARGIN_PER_FEATURE * (d + 8) * reach * reach;
                upper[i] = Math.sqrt(Math.max(0, norms[i] + best[i] + margin));
            }
        }

        /** Moves block {@code b}'s relabelled points between the chunk's sums; returns how many moved. */
        private int accumulate(int b, double[] sum, int[] count) {
            int moved = 0;
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
            return moved;
        }

        /**
         * Adds the chunk partials in chunk order into {@code totals} and {@code sizes}; slices of
         * the {@code k·d} sums are reduced on different threads, each still in chunk order.
         */
        private void reduce() {
            int length = totals.length;
            int slices = (length + REDUCE_SLICE - 1) / REDUCE_SLICE;
            workers.forEach(slices, s -> {
                int from = s * REDUCE_SLICE;
                int to = Math.min(length, from + REDUCE_SLICE);
                Arrays.fill(totals, from, to, 0);
                for (double[] sum : sums) {
                    for (int i = from; i < to; i++) {
                        totals[i] += sum[i];
                    }
                }
            });
            Arrays.fill(sizes, 0);
            for (int[] count : counts) {
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
