package streamkmeans.engine;

import java.util.Arrays;

/**
 * The silhouette coefficient of a labelling (Rousseeuw 1987) with Euclidean distances, as
 * scikit-learn's {@code silhouette_score}: for point i with a(i) the mean distance to the other
 * points of its cluster and b(i) the smallest mean distance to the points of another non-empty
 * cluster, {@code s(i) = (b − a) / max(a, b)}; the score is the mean of s over the points.
 *
 * <p>Conventions (scikit-learn's): a point alone in its cluster has s = 0, and so does a point with
 * a = b = 0 (all distances zero). The silhouette is undefined with fewer than two non-empty
 * clusters or when every point is alone in its cluster; the result then says so
 * ({@link SilhouetteResult#defined()} false, value 0) instead of carrying NaN.
 *
 * <p>Inputs are packed points and labels in [0, k). The silhouette is invariant to translation and
 * uniform scaling, so packed units give the value of the original data. Every method is
 * deterministic and independent of the thread count: per-point terms are summed in double in fixed
 * chunks, and the chunk sums are added in chunk order.
 */
public final class Silhouette {
    /** Points per work item of the exact silhouette; fixed so that sums do not depend on threads. */
    static final int POINTS_PER_CHUNK = 64;

    private static final int LANES = PackedPoints.LANES;

    private Silhouette() {
    }

    /**
     * The exact silhouette of all n points. Cost O(n²·d) time, split over {@code workers} in fixed
     * chunks of points, and O(n·d + k) memory (a cluster-ordered copy of the points; no n×n
     * matrix). Distances are float32, summed in float over at most 32 blocks of 8 points and then
     * in double; the result agrees with a double-precision computation to 1e-6. Uses 8-lane Vector
     * API kernels when {@link Simd#vectorReady()}, else scalar ones that give the same bits.
     *
     * @throws IllegalArgumentException when labels do not match the points or lie outside [0, k)
     */
    public static SilhouetteResult exact(PackedPoints points, int[] labels, int k, Workers workers) {
        return exact(points, labels, k, workers, Simd.vectorReady());
    }

    /** {@link #exact(PackedPoints, int[], int, Workers)} on the vector or the scalar kernels. */
    static SilhouetteResult exact(PackedPoints points, int[] labels, int k, Workers workers, boolean vector) {
        checkLabels(points, labels, k);
        int n = points.size();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return ofMembers(points, labels, k, all, "exact", workers, vector);
    }

    /**
     * The exact silhouette of a uniform sample of {@code sampleSize} points drawn without replacement
     * (a and b both computed within the sample, as scikit-learn's
     * {@code silhouette_score(sample_size=...)}). The same seed draws the same sample. Method
     * {@code "sampled:N"}; when {@code sampleSize >= n} this is {@link #exact}, reported as such.
     * Cost O(m²·d + n) time for m = sampleSize, O(n + m·d) memory.
     *
     * @throws IllegalArgumentException when {@code sampleSize < 2} or the labels are invalid
     */
    public static SilhouetteResult sampled(PackedPoints points, int[] labels, int k, int sampleSize, long seed,
            Workers workers) {
        if (sampleSize < 2) {
            throw new IllegalArgumentException("silhouette sample size must be at least 2, got " + sampleSize);
        }
        if (sampleSize >= points.size()) {
            return exact(points, labels, k, workers);
        }
        checkLabels(points, labels, k);
        int[] members = sample(points.size(), sampleSize, seed);
        return ofMembers(points, labels, k, members, "sampled:" + sampleSize, workers, Simd.vectorReady());
    }

    /**
     * The simplified silhouette: a(i) is the distance from point i to its own centroid and b(i) the
     * distance to the nearest other centroid, {@code s = (b − a) / max(a, b)}, with the same
     * conventions as the exact one (s = 0 in a singleton cluster). {@code centroids} are k·d floats in
     * packed units; moving and scaling points and centroids together leaves the value unchanged, so
     * it is that of the original data. Cost O(n·k·d) time, O(k) memory; distances in double.
     *
     * @throws IllegalArgumentException when labels or centroids do not match the points
     */
    public static SilhouetteResult simplified(PackedPoints points, int[] labels, int k, float[] centroids,
            Workers workers) {
        checkLabels(points, labels, k);
        int n = points.size();
        int d = points.dimension();
        if (centroids.length != k * d) {
            throw new IllegalArgumentException(
                    "expected " + k + "·" + d + " centroid values, got " + centroids.length);
        }
        int[] sizes = new int[k];
        for (int label : labels) {
            sizes[label]++;
        }
        if (!defined(sizes, n)) {
            return SilhouetteResult.undefined("simplified", n);
        }
        Chunks chunks = Chunks.of(points.blocks());
        double[] partial = new double[chunks.count()];
        float[] panel = points.panel();
        workers.forEach(chunks.count(), c -> {
            int first = chunks.start(c) * LANES;
            int end = Math.min(n, chunks.end(c) * LANES);
            double sum = 0;
            for (int i = first; i < end; i++) {
                int own = labels[i];
                if (sizes[own] < 2) {
                    continue;
                }
                int base = (i / LANES) * d * LANES + (i % LANES);
                double a = 0;
                double b = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double sq = 0;
                    for (int t = 0; t < d; t++) {
                        double diff = (double) panel[base + t * LANES] - centroids[j * d + t];
                        sq += diff * diff;
                    }
                    if (j == own) {
                        a = Math.sqrt(sq);
                    } else {
                        b = Math.min(b, Math.sqrt(sq));
                    }
                }
                sum += score(a, b);
            }
            partial[c] = sum;
        });
        return new SilhouetteResult(inOrder(partial) / n, "simplified", n, true);
    }

    /**
     * The exact silhouette when {@code n <= exactLimit}; otherwise the sampled one when
     * {@code sampleSize > 0}, else the simplified one (which needs {@code centroids}, k·d floats in
     * packed units). Cost that of the method chosen.
     */
    public static SilhouetteResult auto(PackedPoints points, int[] labels, int k, float[] centroids, int exactLimit,
            int sampleSize, long seed, Workers workers) {
        return auto(points, labels, k, centroids, exactLimit, sampleSize, seed, workers, null);
    }

    /**
     * {@link #auto(PackedPoints, int[], int, float[], int, int, long, Workers)} with the exact
     * silhouette computed by {@code backend} ({@link LloydBackend#exactSilhouette}: on its device
     * for an accelerator), or on the CPU when {@code backend} is null.
     */
    public static SilhouetteResult auto(PackedPoints points, int[] labels, int k, float[] centroids, int exactLimit,
            int sampleSize, long seed, Workers workers, LloydBackend backend) {
        if (exactLimit < 0) {
            throw new IllegalArgumentException("exactLimit must be >= 0, got " + exactLimit);
        }
        if (points.size() <= exactLimit) {
            return backend == null ? exact(points, labels, k, workers) : backend.exactSilhouette(points, labels, k, workers);
        }
        if (sampleSize > 0) {
            return sampled(points, labels, k, sampleSize, seed, workers);
        }
        return simplified(points, labels, k, centroids, workers);
    }

    /** The sample of {@link #sampled}: {@link Sampling#uniformIndices}. */
    static int[] sample(int n, int m, long seed) {
        return Sampling.uniformIndices(n, m, seed);
    }

    /**
     * The exact silhouette of the points {@code members} (indices into {@code points}, each once),
     * with the vector kernel or the scalar one (bit-identical results).
     */
    static SilhouetteResult ofMembers(PackedPoints points, int[] labels, int k, int[] members, String method,
            Workers workers, boolean vector) {
        int m = members.length;
        int d = points.dimension();
        int[] sizes = new int[k];
        for (int i : members) {
            sizes[labels[i]]++;
        }
        if (!defined(sizes, m)) {
            return SilhouetteResult.undefined(method, m);
        }
        Segments segments = Segments.of(points, labels, sizes, members);
        float[] panel = segments.panel();
        int[] count = segments.count();
        int[] firstBlock = segments.firstBlock();
        int[] firstPosition = segments.firstPosition();
        int[] clusterAt = segments.clusterAt();
        int clusters = count.length;
        int chunks = (m + POINTS_PER_CHUNK - 1) / POINTS_PER_CHUNK;
        double[] partial = new double[chunks];
        workers.forEach(chunks, c -> {
            int first = c * POINTS_PER_CHUNK;
            int size = Math.min(m, first + POINTS_PER_CHUNK) - first;
            float[] queries = new float[size * d];
            for (int q = 0; q < size; q++) {
                int own = clusterAt[first + q];
                int p = first + q - firstPosition[own];
                int base = (firstBlock[own] + p / LANES) * d * LANES + p % LANES;
                for (int t = 0; t < d; t++) {
                    queries[q * d + t] = panel[base + t * LANES];
                }
            }
            double[] sums = new double[size * clusters];
            if (vector) {
                VectorSilhouetteKernels.clusterDistanceSums(panel, d, firstBlock, count, queries, size, sums);
            } else {
                SilhouetteKernels.clusterDistanceSums(panel, d, firstBlock, count, queries, size, sums);
            }
            double sum = 0;
            for (int q = 0; q < size; q++) {
                int own = clusterAt[first + q];
                if (count[own] < 2) {
                    continue;
                }
                double a = sums[q * clusters + own] / (count[own] - 1);
                double b = Double.POSITIVE_INFINITY;
                for (int j = 0; j < clusters; j++) {
                    if (j != own) {
                        b = Math.min(b, sums[q * clusters + j] / count[j]);
                    }
                }
                sum += score(a, b);
            }
            partial[c] = sum;
        });
        return new SilhouetteResult(inOrder(partial) / m, method, m, true);
    }

    /**
     * The points of a silhouette computation re-packed in cluster order: non-empty cluster j (of
     * {@code count.length}) holds {@code count[j]} points from block {@code firstBlock[j]} of
     * {@code panel}, each cluster starting on a fresh block with zero padding after it; its points
     * are positions {@code firstPosition[j] ..} of the cluster order, and {@code clusterAt[p]} is the
     * cluster of position p.
     */
    private record Segments(float[] panel, int[] count, int[] firstBlock, int[] firstPosition, int[] clusterAt) {

        static Segments of(PackedPoints points, int[] labels, int[] sizes, int[] members) {
            int k = sizes.length;
            int d = points.dimension();
            int[] compact = new int[k];
            int clusters = 0;
            for (int c = 0; c < k; c++) {
                compact[c] = sizes[c] > 0 ? clusters++ : -1;
            }
            int[] count = new int[clusters];
            int[] firstBlock = new int[clusters];
            int[] firstPosition = new int[clusters];
            int blocks = 0;
            int position = 0;
            for (int c = 0; c < k; c++) {
                int j = compact[c];
                if (j >= 0) {
                    count[j] = sizes[c];
                    firstBlock[j] = blocks;
                    firstPosition[j] = position;
                    blocks += (sizes[c] + LANES - 1) / LANES;
                    position += sizes[c];
                }
            }
            float[] source = points.panel();
            float[] panel = new float[blocks * d * LANES];
            int[] filled = new int[clusters];
            int[] clusterAt = new int[members.length];
            for (int i : members) {
                int j = compact[labels[i]];
                int p = filled[j]++;
                clusterAt[firstPosition[j] + p] = j;
                int to = (firstBlock[j] + p / LANES) * d * LANES + p % LANES;
                int from = (i / LANES) * d * LANES + i % LANES;
                for (int t = 0; t < d; t++) {
                    panel[to + t * LANES] = source[from + t * LANES];
                }
            }
            return new Segments(panel, count, firstBlock, firstPosition, clusterAt);
        }
    }

    private static double score(double a, double b) {
        double max = Math.max(a, b);
        return max > 0 ? (b - a) / max : 0;
    }

    /** Defined (as scikit-learn requires) for 2 ≤ non-empty clusters ≤ points − 1. */
    private static boolean defined(int[] sizes, int points) {
        int nonEmpty = 0;
        for (int s : sizes) {
            nonEmpty += s > 0 ? 1 : 0;
        }
        return nonEmpty >= 2 && nonEmpty <= points - 1;
    }

    private static double inOrder(double[] partial) {
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    private static void checkLabels(PackedPoints points, int[] labels, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (labels.length != points.size()) {
            throw new IllegalArgumentException(
                    "expected " + points.size() + " labels, got " + labels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of point " + i + " is outside [0, " + k + ")");
            }
        }
    }
}
