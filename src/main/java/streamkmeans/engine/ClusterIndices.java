package streamkmeans.engine;

/**
 * Two internal cluster-validity indices of a labelling, defined exactly as scikit-learn's
 * {@code davies_bouldin_score} and {@code calinski_harabasz_score}. Both use the mean of each
 * non-empty cluster's points (not externally supplied centroids) and count only non-empty clusters
 * (K below). Both are invariant to translation and uniform scaling, so packed units give the value
 * of the original data.
 *
 * <ul>
 *   <li>Davies–Bouldin (lower is better): with {@code s_i} the mean Euclidean distance of cluster
 *       i's points to its mean and {@code d_ij} the distance between the means of i and j,
 *       {@code DB = mean_i max_{j≠i} (s_i + s_j) / d_ij}. A pair of clusters with equal means
 *       ({@code d_ij = 0}) contributes 0, and DB is 0 when every {@code s_i} is 0 or every
 *       {@code d_ij} is 0. (scikit-learn tests "is 0" with {@code np.allclose}, an absolute 1e-8
 *       that depends on the data's units; here it is exact zero, which keeps the index
 *       scale-invariant.)</li>
 *   <li>Calinski–Harabasz (higher is better): with B the between-cluster dispersion
 *       {@code Σ_i n_i·||mean_i − mean||²} and W the within-cluster dispersion
 *       {@code Σ ||x − mean_label(x)||²}, {@code CH = B·(n − K) / (W·(K − 1))}, and 1 when W = 0.</li>
 * </ul>
 * Where scikit-learn raises (K &lt; 2 or K &gt; n − 1) both indices are 0 and {@code defined} is
 * false. Never NaN. Sums are in double; the packed points are float32, which bounds the relative
 * accuracy to about 1e-7.
 *
 * @param daviesBouldin     Davies–Bouldin index, unitless, ≥ 0
 * @param calinskiHarabasz  Calinski–Harabasz index (variance ratio), unitless, ≥ 0
 * @param clusters          number of non-empty clusters K
 * @param defined           false when K &lt; 2 or K &gt; n − 1; both indices are then 0
 */
public record ClusterIndices(double daviesBouldin, double calinskiHarabasz, int clusters, boolean defined) {
    private static final int LANES = PackedPoints.LANES;

    /**
     * Both indices of {@code labels} (values in [0, k)) over {@code points}. Two passes over the
     * points: O(n·d + K²·d) time, O(chunks·k·d) memory; sums in double, reduced in chunk order, so
     * the result does not depend on the thread count.
     *
     * @throws IllegalArgumentException when the labels do not match the points or lie outside [0, k)
     */
    public static ClusterIndices compute(PackedPoints points, int[] labels, int k, Workers workers) {
        int n = points.size();
        int d = points.dimension();
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("expected " + n + " labels, got " + labels.length);
        }
        float[] panel = points.panel();
        Chunks chunks = Chunks.of(points.blocks());
        int[][] chunkCounts = new int[chunks.count()][];
        double[][] chunkSums = new double[chunks.count()][];
        workers.forEach(chunks.count(), c -> {
            int[] counts = new int[k];
            double[] sums = new double[k * d];
            for (int i = chunks.start(c) * LANES, end = Math.min(n, chunks.end(c) * LANES); i < end; i++) {
                int label = labels[i];
                if (label < 0 || label >= k) {
                    throw new IllegalArgumentException("label " + label + " of point " + i + " is outside [0, " + k + ")");
                }
                counts[label]++;
                int base = (i / LANES) * d * LANES + i % LANES;
                for (int t = 0; t < d; t++) {
                    sums[label * d + t] += panel[base + t * LANES];
                }
            }
            chunkCounts[c] = counts;
            chunkSums[c] = sums;
        });
        int[] counts = new int[k];
        double[] means = new double[k * d];
        for (int c = 0; c < chunks.count(); c++) {
            for (int j = 0; j < k; j++) {
                counts[j] += chunkCounts[c][j];
            }
            for (int v = 0; v < k * d; v++) {
                means[v] += chunkSums[c][v];
            }
        }
        double[] mean = new double[d];
        int nonEmpty = 0;
        for (int j = 0; j < k; j++) {
            if (counts[j] == 0) {
                continue;
            }
            nonEmpty++;
            for (int t = 0; t < d; t++) {
                mean[t] += means[j * d + t];
                means[j * d + t] /= counts[j];
            }
        }
        if (nonEmpty < 2 || nonEmpty > n - 1) {
            return new ClusterIndices(0, 0, nonEmpty, false);
        }
        for (int t = 0; t < d; t++) {
            mean[t] /= n;
        }

        // Second pass: squared (W) and plain (s_i) distances of the points to their cluster means.
        double[][] chunkSquared = new double[chunks.count()][];
        double[][] chunkDistances = new double[chunks.count()][];
        workers.forEach(chunks.count(), c -> {
            double[] squared = new double[k];
            double[] distances = new double[k];
            for (int i = chunks.start(c) * LANES, end = Math.min(n, chunks.end(c) * LANES); i < end; i++) {
                int label = labels[i];
                int base = (i / LANES) * d * LANES + i % LANES;
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = panel[base + t * LANES] - means[label * d + t];
                    sq += diff * diff;
                }
                squared[label] += sq;
                distances[label] += Math.sqrt(sq);
            }
            chunkSquared[c] = squared;
            chunkDistances[c] = distances;
        });
        double within = 0;
        double[] spread = new double[k];
        for (int c = 0; c < chunks.count(); c++) {
            for (int j = 0; j < k; j++) {
                within += chunkSquared[c][j];
                spread[j] += chunkDistances[c][j];
            }
        }
        double between = 0;
        for (int j = 0; j < k; j++) {
            if (counts[j] > 0) {
                spread[j] /= counts[j];
                between += counts[j] * squaredDistance(means, j, mean, d);
            }
        }
        double ch = within == 0 ? 1.0 : between * (n - nonEmpty) / (within * (nonEmpty - 1.0));
        return new ClusterIndices(daviesBouldin(means, counts, spread, d), ch, nonEmpty, true);
    }

    private static double daviesBouldin(double[] means, int[] counts, double[] spread, int d) {
        int k = counts.length;
        boolean anySpread = false;
        boolean anySeparation = false;
        double total = 0;
        int clusters = 0;
        for (int i = 0; i < k; i++) {
            if (counts[i] == 0) {
                continue;
            }
            clusters++;
            anySpread |= spread[i] > 0;
            double worst = 0;
            for (int j = 0; j < k; j++) {
                if (j == i || counts[j] == 0) {
                    continue;
                }
                double separation = Math.sqrt(squaredDistance(means, i, means, j, d));
                if (separation > 0) {
                    anySeparation = true;
                    worst = Math.max(worst, (spread[i] + spread[j]) / separation);
                }
            }
            total += worst;
        }
        return anySpread && anySeparation ? total / clusters : 0.0;
    }

    private static double squaredDistance(double[] rows, int i, double[] point, int d) {
        double sq = 0;
        for (int t = 0; t < d; t++) {
            double diff = rows[i * d + t] - point[t];
            sq += diff * diff;
        }
        return sq;
    }

    private static double squaredDistance(double[] a, int i, double[] b, int j, int d) {
        double sq = 0;
        for (int t = 0; t < d; t++) {
            double diff = a[i * d + t] - b[j * d + t];
            sq += diff * diff;
        }
        return sq;
    }
}
