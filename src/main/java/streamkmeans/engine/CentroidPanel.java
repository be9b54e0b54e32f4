package streamkmeans.engine;

import java.util.Arrays;

/**
 * Centroids laid out for the assignment kernels: each centroid's squared norm and its coordinates
 * times −2, in groups of {@link #GROUP} centroids interleaved by feature, so a kernel that scores
 * one group reads a single contiguous stream.
 *
 * <p>Layout: coordinate {@code t} of centroid {@code j} (times −2) is
 * {@code scaled[((j / GROUP)·d + t)·GROUP + j % GROUP]}. The last group is padded with centroids of
 * norm +∞ and coordinates 0, whose score stays +∞ and never wins. Scores are
 * {@code ||c||² − 2·x·c}, the squared distance minus {@code ||x||²}, which orders centroids the
 * same way; {@link PackedPoints} centres and scales the data so this form loses little precision.
 */
final class CentroidPanel {
    /** Centroids scored together by one pass over a point block's features. */
    static final int GROUP = 4;
    /**
     * Largest k: the vector kernels carry centroid indices as the bit patterns of float lanes, which
     * are finite floats (never NaN) below this.
     */
    static final int MAX_K = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    private final int k;
    private final int d;
    private final int groups;
    private final float[] scaled;
    private final float[] norms;

    /** An empty panel for {@code k} centroids of dimension {@code d}. */
    CentroidPanel(int k, int d) {
        if (k > MAX_K) {
            throw new IllegalArgumentException("k must be at most " + MAX_K + ", got " + k);
        }
        this.k = k;
        this.d = d;
        this.groups = (k + GROUP - 1) / GROUP;
        this.scaled = new float[groups * d * GROUP];
        this.norms = new float[groups * GROUP];
        Arrays.fill(norms, Float.POSITIVE_INFINITY);
    }

    /** Loads {@code k·d} row-major centroids (packed units). O(k·d). */
    void load(float[] centroids) {
        for (int j = 0; j < k; j++) {
            int row = j * d;
            int base = (j / GROUP) * d * GROUP + j % GROUP;
            double norm = 0;
            for (int t = 0; t < d; t++) {
                float c = centroids[row + t];
                norm += (double) c * c;
                // Multiplying by −2 is exact in binary floating point.
                scaled[base + t * GROUP] = -2f * c;
            }
            norms[j] = (float) norm;
        }
    }

    int k() {
        return k;
    }

    int dimension() {
        return d;
    }

    /** Number of groups, {@code ceil(k / GROUP)}. */
    int groups() {
        return groups;
    }

    /** The interleaved −2·c array (not a copy). */
    float[] scaled() {
        return scaled;
    }

    /** Squared norms, padded to {@code groups·GROUP} with +∞ (not a copy). */
    float[] norms() {
        return norms;
    }
}
