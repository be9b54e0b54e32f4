package streamkmeans.engine;

/**
 * The Centroid Index of Fränti, Rezaei and Zhao ("Centroid index: cluster level similarity
 * measure", Pattern Recognition 47(9), 2014): how many clusters two centroid sets disagree on.
 *
 * <p>{@code CI1(A→B)}: map every centroid of A to its nearest centroid of B (Euclidean, ties to the
 * lowest index) and count the centroids of B that nothing maps to ("orphans").
 * {@code CI(A, B) = max(CI1(A→B), CI1(B→A))}; 0 means the two sets find the same clusters. The sets
 * may differ in size. Centroids are row-major floats in any common units (usually the original
 * ones); distances are computed in double. Cost O(|A|·|B|·d) time, O(|A| + |B|) memory.
 */
public final class CentroidIndex {

    private CentroidIndex() {
    }

    /**
     * {@code CI(A, B)}, symmetric, for {@code a} and {@code b} holding whole centroids of {@code d}
     * features each.
     *
     * @throws IllegalArgumentException when a set is empty or its length is not a multiple of d
     */
    public static int between(float[] a, float[] b, int d) {
        return Math.max(oneWay(a, b, d), oneWay(b, a, d));
    }

    /** {@code CI1(from→to)}: centroids of {@code to} that no centroid of {@code from} has as nearest. */
    public static int oneWay(float[] from, float[] to, int d) {
        int kFrom = rows(from, d);
        int kTo = rows(to, d);
        boolean[] hit = new boolean[kTo];
        for (int i = 0; i < kFrom; i++) {
            int nearest = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < kTo; j++) {
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) from[i * d + t] - to[j * d + t];
                    sq += diff * diff;
                }
                if (sq < best) {
                    best = sq;
                    nearest = j;
                }
            }
            hit[nearest] = true;
        }
        int orphans = 0;
        for (boolean h : hit) {
            orphans += h ? 0 : 1;
        }
        return orphans;
    }

    private static int rows(float[] centroids, int d) {
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + d);
        }
        if (centroids.length == 0 || centroids.length % d != 0) {
            throw new IllegalArgumentException(
                    "a centroid set needs a positive multiple of " + d + " values, got " + centroids.length);
        }
        return centroids.length / d;
    }
}
