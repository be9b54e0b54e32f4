package streamkmeans.engine;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

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
 * <p>The per-point buffers of a run (labels, scores, bounds: 12 to 36 bytes a point) are kept by
 * the backend and reused by the next run, so a fit does not allocate and clear them every time;
 * the backend holds on to the largest ones until {@link #close()}. A run takes them for its
 * duration, so runs on several threads at once stay correct (each extra one allocates its own),
 * but only one of them reuses.
 *
 * <p>Cost per iteration: O(n·k·d) flops at most for the assignment (much less once the bounds
 * hold), O(n + k²·d) for the bounds and O(changed·d) for the sums; memory O(n + chunks·k·d)
 * besides the points. Problems of fewer than 2^19 multiply-adds per pass (n·k·d) run on the
 * calling thread alone: handing chunks to other threads would cost more than it saves.
 */
public final class CpuLloydBackend implements LloydBackend {
    private static final int LANES = PackedPoints.LANES;
    /** Point data handled between assignment and accumulation, to keep it in cache (bytes). */
    private static final int STEP_BYTES = 64 * 1024;
    /** Cluster-sum entries reduced per task. */
    private static final int REDUCE_SLICE = 8 * 1024;
    /**
     * Below this many multiply-adds per full pass (n·k·d), a pass takes tens of microseconds on one
     * thread, about what waking another thread for half of it costs.
     */
    private static final long SEQUENTIAL_WORK = 1L << 19;

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
    /** The buffers of the last finished run, for the next one; null while a run holds them. */
    private final AtomicReference<Scratch> spare = new AtomicReference<>();

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
        Scratch scratch = take();
        LloydResult result = new Run(points, k, scratch).execute(initialCentroids, settings);
        spare.set(scratch);
        return result;
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
        CentroidPanel prepared = new CentroidPanel(k, d);
        prepared.load(centroids);
        Chunks chunks = Chunks.of(points.blocks());
        Scratch scratch = take();
        scratch.reserve(points.blocks() * LANES, 0, 0, 0, false, false);
        int step = stepBlocks(d);
        double[] partial = new double[chunks.count()];
        pool(n, k, d).forEach(chunks.count(), c -> partial[c] = labelChunk(points, prepared, centroids,
                chunks.start(c), chunks.end(c), step, true, scratch.labels, scratch.best, null));
        System.arraycopy(scratch.labels, 0, labels, 0, n);
        spare.set(scratch);
        return sumInOrder(partial);
    }

    /** Drops the buffers kept for the next run. */
    @Override
    public void close() {
        spare.set(null);
    }

    /** The kept buffers, or new empty ones when none are kept (first run, or another run holds them). */
    private Scratch take() {
        Scratch scratch = spare.getAndSet(null);
        return scratch != null ? scratch : new Scratch();
    }

    /** All workers, or the calling thread alone for problems too small to share. */
    private Workers pool(int n, int k, int d) {
        return (long) n * k * d < SEQUENTIAL_WORK ? Workers.sequential() : workers;
    }

    /** Blocks handled between assignment and accumulation: {@link #STEP_BYTES} of points. */
    private static int stepBlocks(int d) {
        return Math.max(1, STEP_BYTES / (d * LANES * Float.BYTES));
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

    /**
     * Over blocks [from, to), {@code step} blocks at a time while they are in cache: labels the
     * points with their nearest centroid ({@code relabel}; otherwise keeps {@code labels}), counts
     * them per cluster into {@code sizes} (cleared first; unless null) and returns the sum of their
     * squared distances to their centroids in double, in point order.
     */
    private double labelChunk(PackedPoints points, CentroidPanel prepared, float[] centroids, int from, int to,
            int step, boolean relabel, int[] labels, float[] best, int[] sizes) {
        float[] panel = points.panel();
        int n = points.size();
        int d = points.dimension();
        int[] listed = relabel ? new int[step] : null;
        if (sizes != null) {
            Arrays.fill(sizes, 0, prepared.k(), 0);
        }
        double sum = 0;
        for (int first = from; first < to; first += step) {
            int last = Math.min(to, first + step);
            if (relabel) {
                for (int b = first; b < last; b++) {
                    listed[b - first] = b;
                }
                kernels.assign(panel, listed, last - first, prepared, labels, best);
            }
            sum = addInertia(sum, panel, n, d, first, last, centroids, labels);
            for (int i = first * LANES, end = Math.min(n, last * LANES); sizes != null && i < end; i++) {
                sizes[labels[i]]++;
            }
        }
        return sum;
    }

    /**
     * {@code sum} plus, in point order, the squared distance in double of every point of blocks
     * [from, to) to its centroid. O((to − from)·LANES·d).
     */
    private static double addInertia(double sum, float[] panel, int n, int d, int from, int to, float[] centroids,
            int[] labels) {
        int full = Math.min(to, n / LANES);
        for (int b = from; b < full; b++) {
            sum += blockDistance(panel, d, b, centroids, labels);
        }
        for (int b = Math.max(from, full); b < to; b++) {
            for (int lane = 0; lane < n - b * LANES; lane++) {
                sum += squaredDistance(panel, d, b * d * LANES + lane, centroids, labels[b * LANES + lane] * d);
            }
        }
        return sum;
    }

    /**
     * Sum of the squared distances of block {@code b}'s eight points to their centroids: one double
     * accumulator per point (features in ascending order), added in pairs. Eight independent chains
     * rather than one running sum keep the adders busy.
     */
    private static double blockDistance(float[] panel, int d, int b, float[] centroids, int[] labels) {
        int o = b * LANES;
        int r0 = labels[o] * d;
        int r1 = labels[o + 1] * d;
        int r2 = labels[o + 2] * d;
        int r3 = labels[o + 3] * d;
        int r4 = labels[o + 4] * d;
        int r5 = labels[o + 5] * d;
        int r6 = labels[o + 6] * d;
        int r7 = labels[o + 7] * d;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        for (int t = 0, x = o * d; t < d; t++, x += LANES) {
            double e0 = (double) panel[x] - centroids[r0 + t];
            double e1 = (double) panel[x + 1] - centroids[r1 + t];
            double e2 = (double) panel[x + 2] - centroids[r2 + t];
            double e3 = (double) panel[x + 3] - centroids[r3 + t];
            double e4 = (double) panel[x + 4] - centroids[r4 + t];
            double e5 = (double) panel[x + 5] - centroids[r5 + t];
            double e6 = (double) panel[x + 6] - centroids[r6 + t];
            double e7 = (double) panel[x + 7] - centroids[r7 + t];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
            s4 += e4 * e4;
            s5 += e5 * e5;
            s6 += e6 * e6;
            s7 += e7 * e7;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
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
     * Buffers of a run that outlive it, grown to the largest run seen; a run uses their prefixes.
     * Per-point arrays are padded to whole blocks; cluster sums and counts are per chunk.
     */
    private static final class Scratch {
        int[] labels = new int[0];
        int[] previous = new int[0];
        float[] best = new float[0];
        /** Squared norm of each point, for turning kernel scores into distances (bounds only). */
        double[] norms = new double[0];
        /** Norm of each point, for the margins (bounds only). */
        double[] lengths = new double[0];
        /** Upper bound on each point's distance to its centroid, packed units (bounds only). */
        double[] upper = new double[0];
        double[][] sums = new double[0][];
        int[][] counts = new int[0][];

        /**
         * Grows the buffers to {@code padded} points and {@code chunks} chunks of {@code sumLength}
         * sums and {@code k} counts; {@code previous} only for a run, the bound arrays only when
         * {@code bounded}. Contents are left as they are.
         */
        void reserve(int padded, int chunks, int sumLength, int k, boolean run, boolean bounded) {
            labels = atLeast(labels, padded);
            best = best.length >= padded ? best : new float[padded];
            if (run) {
                previous = atLeast(previous, padded);
            }
            if (bounded) {
                norms = atLeast(norms, padded);
                lengths = atLeast(lengths, padded);
                upper = atLeast(upper, padded);
            }
            if (sums.length < chunks) {
                sums = Arrays.copyOf(sums, chunks);
                counts = Arrays.copyOf(counts, chunks);
            }
            for (int c = 0; c < chunks; c++) {
                sums[c] = sums[c] != null && sums[c].length >= sumLength ? sums[c] : new double[sumLength];
                counts[c] = counts[c] != null ? atLeast(counts[c], k) : new int[k];
            }
        }

        private static int[] atLeast(int[] array, int length) {
            return array.length >= length ? array : new int[length];
        }

        private static double[] atLeast(double[] array, int length) {
            return array.length >= length ? array : new double[length];
        }
    }

    /**
     * The state of one {@link #run}, on buffers taken from a {@link Scratch}. The chunk sums and
     * counts always describe the points of the chunk under {@code previous} labels (no points
     * before the first pass, which fills them from scratch). Per-point arrays are padded to whole
     * blocks.
     */
    private final class Run {
        private final PackedPoints points;
        private final float[] panel;
        private final int n;
        private final int d;
        private final int k;
        private final Workers pool;
        private final Chunks chunks;
        private final int step;
        private final CentroidPanel prepared;
        private final Scratch scratch;
        private final double[][] sums;
        private final int[][] counts;
        private final int[] changed;
        private final double[] totals;
        private final long[] sizes;
        private final float[] best;
        private final double[] norms;
        private final double[] lengths;
        private final double[] upper;
        /** How far each centroid moved in the last update. */
        private final double[] move;
        /** Half the distance from each centroid to the nearest other one. */
        private final double[] half;
        /** Whether bounds are kept at all: computing {@link #half} costs O(k²·d) per pass. */
        private final boolean bounded;
        private double centroidNormMax;
        private boolean boundsHold;
        /** The first pass adds every point to the sums and computes the norms for the bounds. */
        private boolean first;
        private int[] labels;
        private int[] previous;

        Run(PackedPoints points, int k, Scratch scratch) {
            this.points = points;
            this.panel = points.panel();
            this.n = points.size();
            this.d = points.dimension();
            this.k = k;
            this.pool = pool(n, k, d);
            this.chunks = Chunks.of(points.blocks());
            this.step = stepBlocks(d);
            this.prepared = new CentroidPanel(k, d);
            this.bounded = pruning && k * d >= BOUNDS_MIN_WORK && (long) k * BOUNDS_MIN_POINTS_PER_CLUSTER <= n;
            scratch.reserve(points.blocks() * LANES, chunks.count(), k * d, k, true, bounded);
            this.scratch = scratch;
            this.sums = scratch.sums;
            this.counts = scratch.counts;
            this.changed = new int[chunks.count()];
            this.totals = new double[k * d];
            this.sizes = new long[k];
            this.best = scratch.best;
            this.norms = scratch.norms;
            this.lengths = scratch.lengths;
            this.upper = scratch.upper;
            this.move = new double[k];
            this.half = new double[k];
            this.labels = scratch.labels;
            this.previous = scratch.previous;
        }

        LloydResult execute(float[] initialCentroids, LloydSettings settings) {
            float[] centres = initialCentroids.clone();
            float[] next = new float[k * d];
            boolean strict = false;
            boolean converged = false;
            int repairs = 0;
            int iterations = 0;
            while (iterations < settings.maxIterations()) {
                first = iterations == 0;
                iterations++;
                load(centres);
                pool.forEach(chunks.count(), this::assignAndAccumulate);
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
            // Unless no label changed, the labels belong to the previous centroids: one more
            // assignment, fused with the inertia and the sizes, matches them up.
            boolean relabel = !strict;
            if (relabel) {
                prepared.load(centres);
            }
            float[] finalCentres = centres;
            int[] finalLabels = labels;
            double[] partial = new double[chunks.count()];
            pool.forEach(chunks.count(), c -> partial[c] = labelChunk(points, prepared, finalCentres,
                    chunks.start(c), chunks.end(c), step, relabel, finalLabels, best, counts[c]));
            int[] sizesOut = new int[k];
            for (int c = 0; c < chunks.count(); c++) {
                for (int j = 0; j < k; j++) {
                    sizesOut[j] += counts[c][j];
                }
            }
            scratch.labels = labels;
            scratch.previous = previous;
            return new LloydResult(finalCentres, Arrays.copyOf(labels, n), sizesOut, sumInOrder(partial),
                    iterations, converged, repairs);
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
                pool.forEach(k, a -> {
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
         * The first pass clears the chunk's sums and adds every point; later passes only move the
         * points whose label changed from the old cluster's sums to the new one's. Both go in
         * point order, so the sums do not depend on the thread count.
         */
        private void assignAndAccumulate(int c) {
            double[] sum = sums[c];
            int[] count = counts[c];
            if (first) {
                Arrays.fill(sum, 0, k * d, 0);
                Arrays.fill(count, 0, k, 0);
            }
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
                        if (first) {
                            // Each norm is computed once, while the block is in cache.
                            computeNorms(b);
                        }
                        resetBounds(b);
                    }
                    moved += first ? add(b, sum, count) : accumulate(b, sum, count);
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

        /**
         * Adds block {@code b}'s points to the chunk's sums (first pass); returns how many. A full
         * block goes feature by feature over its eight points, which reads the panel in order;
         * each sum still receives its points in point order.
         */
        private int add(int b, double[] sum, int[] count) {
            int o = b * LANES;
            int blockBase = o * d;
            if (n - o < LANES) {
                for (int lane = 0; lane < n - o; lane++) {
                    int label = labels[o + lane];
                    count[label]++;
                    for (int t = 0; t < d; t++) {
                        sum[label * d + t] += panel[blockBase + t * LANES + lane];
                    }
                }
                return n - o;
            }
            int r0 = labels[o] * d;
            int r1 = labels[o + 1] * d;
            int r2 = labels[o + 2] * d;
            int r3 = labels[o + 3] * d;
            int r4 = labels[o + 4] * d;
            int r5 = labels[o + 5] * d;
            int r6 = labels[o + 6] * d;
            int r7 = labels[o + 7] * d;
            for (int lane = 0; lane < LANES; lane++) {
                count[labels[o + lane]]++;
            }
            for (int t = 0, x = blockBase; t < d; t++, x += LANES) {
                sum[r0 + t] += panel[x];
                sum[r1 + t] += panel[x + 1];
                sum[r2 + t] += panel[x + 2];
                sum[r3 + t] += panel[x + 3];
                sum[r4 + t] += panel[x + 4];
                sum[r5 + t] += panel[x + 5];
                sum[r6 + t] += panel[x + 6];
                sum[r7 + t] += panel[x + 7];
            }
            return LANES;
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
                count[old]--;
                int row = label * d;
                int oldRow = old * d;
                int base = blockBase + lane;
                for (int t = 0; t < d; t++) {
                    float x = panel[base + t * LANES];
                    sum[row + t] += x;
                    sum[oldRow + t] -= x;
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
            pool.forEach(slices, s -> {
                int from = s * REDUCE_SLICE;
                int to = Math.min(length, from + REDUCE_SLICE);
                Arrays.fill(totals, from, to, 0);
                for (int c = 0; c < chunks.count(); c++) {
                    double[] sum = sums[c];
                    for (int i = from; i < to; i++) {
                        totals[i] += sum[i];
                    }
                }
            });
            Arrays.fill(sizes, 0);
            for (int c = 0; c < chunks.count(); c++) {
                for (int j = 0; j < k; j++) {
                    sizes[j] += counts[c][j];
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
            pool.forEach(chunks.count(), c -> {
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
