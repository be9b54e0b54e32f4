package streamkmeans.engine;

/**
 * A window's points prepared for the numeric kernels: centred on the feature means, scaled by a
 * power of two, and laid out in panels of {@link #LANES} points.
 *
 * <p>Layout: point {@code i} lives in block {@code b = i / LANES}, lane {@code l = i % LANES}, and
 * its feature {@code t} is {@code panel[(b·d + t)·LANES + l]}. A SIMD register of {@code LANES}
 * floats therefore holds one feature of eight consecutive points, so distance kernels need no
 * horizontal reductions. Lanes past {@code n} in the last block are zero padding: kernels must
 * ignore them (their labels are never read and they are never summed).
 *
 * <p>Why centre and scale: the assignment kernels use {@code ||c||² − 2·x·c}, whose float32
 * cancellation error grows with the distance from the origin; centring removes that. Scaling by
 * {@code 2^-e} (exact in binary floating point) brings the largest coordinate into [1, 2), so
 * squared distances of coordinates as large as 1e30 (whose squares overflow float32) or as small
 * as 1e-30 stay representable. Every quantity computed on packed points is in "packed units":
 * lengths are the original lengths times {@link #scale()}, squared lengths times {@code scale²}.
 *
 * <p>Cost: one pass to compute the means and one to copy, O(n·d); memory {@code 4·ceil(n/8)·8·d}
 * bytes.
 */
public final class PackedPoints {
    /** Points per block; equals the float lanes of a 256-bit SIMD register. */
    public static final int LANES = 8;

    private final int n;
    private final int d;
    private final int blocks;
    private final float[] panel;
    private final double[] mean;
    private final double scale;
    private final double meanVariance;

    private PackedPoints(int n, int d, float[] panel, double[] mean, double scale, double meanVariance) {
        this.n = n;
        this.d = d;
        this.blocks = (n + LANES - 1) / LANES;
        this.panel = panel;
        this.mean = mean;
        this.scale = scale;
        this.meanVariance = meanVariance;
    }

    /**
     * Centres, scales and packs {@code points}. Means and variances are accumulated in double in
     * a fixed order.
     *
     * @throws IllegalArgumentException when the block is empty
     */
    public static PackedPoints pack(PointBlock points) {
        int n = points.size();
        int d = points.dimension();
        if (n == 0) {
            throw new IllegalArgumentException("cannot pack an empty point block");
        }
        float[] x = points.data();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            int row = i * d;
            for (int t = 0; t < d; t++) {
                mean[t] += x[row + t];
            }
        }
        for (int t = 0; t < d; t++) {
            mean[t] /= n;
        }
        double maxAbs = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            int row = i * d;
            for (int t = 0; t < d; t++) {
                double v = x[row + t] - mean[t];
                sumSq += v * v;
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        double scale = scaleFor(maxAbs);
        int blocks = (n + LANES - 1) / LANES;
        float[] panel = new float[blocks * d * LANES];
        for (int i = 0; i < n; i++) {
            int row = i * d;
            int base = (i / LANES) * d * LANES + (i % LANES);
            for (int t = 0; t < d; t++) {
                panel[base + t * LANES] = (float) ((x[row + t] - mean[t]) * scale);
            }
        }
        double meanVariance = sumSq / ((double) n * d) * scale * scale;
        return new PackedPoints(n, d, panel, mean, scale, meanVariance);
    }

    /** The power of two that maps the largest absolute deviation into [1, 2); 1 when it is 0. */
    static double scaleFor(double maxAbs) {
        if (maxAbs == 0 || !Double.isFinite(maxAbs)) {
            return 1.0;
        }
        return Math.scalb(1.0, -Math.getExponent(maxAbs));
    }

    /** Number of points. */
    public int size() {
        return n;
    }

    /** Number of features. */
    public int dimension() {
        return d;
    }

    /** Number of blocks of {@link #LANES} points, {@code ceil(n / LANES)}. */
    public int blocks() {
        return blocks;
    }

    /** The panel array (not a copy); see the class comment for the layout. */
    public float[] panel() {
        return panel;
    }

    /** Index in {@link #panel()} of feature {@code t} of point {@code i}. */
    public int index(int i, int t) {
        return ((i / LANES) * d + t) * LANES + (i % LANES);
    }

    /** Feature {@code t} of point {@code i}, in packed units. */
    public float get(int i, int t) {
        return panel[index(i, t)];
    }

    /** Copies point {@code i} (packed units) into {@code dst[off .. off + d)}. */
    public void copyPoint(int i, float[] dst, int off) {
        int base = (i / LANES) * d * LANES + (i % LANES);
        for (int t = 0; t < d; t++) {
            dst[off + t] = panel[base + t * LANES];
        }
    }

    /** The multiplier from original to packed units (a power of two). */
    public double scale() {
        return scale;
    }

    /** Feature means, original units (subtracted before scaling). */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * Mean over features of the per-feature variance, in packed squared units. This is the scale
     * that relative tolerances refer to, as in scikit-learn.
     */
    public double meanVariance() {
        return meanVariance;
    }

    /** Squared distance in packed units times this gives original squared units. */
    public double toOriginalSquared(double packedSquared) {
        return packedSquared / (scale * scale);
    }

    /** {@code k} centroids in original units (row-major) mapped to packed units. */
    public float[] toPacked(float[] centroids, int k) {
        float[] out = new float[k * d];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                out[j * d + t] = (float) ((centroids[j * d + t] - mean[t]) * scale);
            }
        }
        return out;
    }

    /** {@code k} centroids in packed units (row-major) mapped back to original units. */
    public float[] toOriginal(float[] packedCentroids, int k) {
        float[] out = new float[k * d];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                out[j * d + t] = (float) (packedCentroids[j * d + t] / scale + mean[t]);
            }
        }
        return out;
    }
}
