package streamkmeans.engine;

/**
 * Streaming z-score standardisation: running per-feature mean and variance by Welford's algorithm
 * in double, updated point by point or block by block, and mergeable with Chan et al.'s parallel
 * formula, so one instance can follow a whole stream while another covers a single window.
 *
 * <p>The variance is the population variance (divisor n), as scikit-learn's {@code StandardScaler}.
 * A feature with zero variance (constant, or only one point seen) gets scale 1, so it is only
 * centred and never divided by zero. {@link #transform} maps {@code x} to
 * {@code (x − mean) / scale}; {@link #inverseCentroids} maps centroids found on transformed data back
 * to the original units.
 *
 * <p>Mutable and not thread-safe: give each thread its own instance and {@link #merge} them.
 * Memory O(d).
 */
public final class Standardizer {
    private final int d;
    private long count;
    private final double[] mean;
    private final double[] m2;

    /** An empty standardizer for points of {@code d} features. */
    public Standardizer(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + d);
        }
        this.d = d;
        this.mean = new double[d];
        this.m2 = new double[d];
    }

    /** A standardizer fitted to {@code points} (one window). O(n·d). */
    public static Standardizer of(PointBlock points) {
        Standardizer s = new Standardizer(points.dimension());
        s.update(points);
        return s;
    }

    /** Features per point. */
    public int dimension() {
        return d;
    }

    /** Points seen so far. */
    public long count() {
        return count;
    }

    /** Adds one point of {@code d} features (Welford's update). O(d). */
    public void update(float[] point) {
        if (point.length != d) {
            throw new IllegalArgumentException("expected " + d + " features, got " + point.length);
        }
        add(point, 0);
    }

    /** Adds every point of {@code points}, in order. O(n·d). */
    public void update(PointBlock points) {
        checkDimension(points);
        float[] x = points.data();
        for (int i = 0; i < points.size(); i++) {
            add(x, i * d);
        }
    }

    /**
     * Adds everything {@code other} has seen (Chan, Golub and LeVeque's pairwise update); the result
     * equals sequential updates up to rounding. {@code other} is unchanged. O(d).
     */
    public void merge(Standardizer other) {
        if (other.d != d) {
            throw new IllegalArgumentException("cannot merge dimension " + other.d + " into dimension " + d);
        }
        if (other.count == 0) {
            return;
        }
        long total = count + other.count;
        double weight = (double) other.count / total;
        double cross = (double) count * other.count / total;
        for (int t = 0; t < d; t++) {
            double delta = other.mean[t] - mean[t];
            mean[t] += delta * weight;
            m2[t] += other.m2[t] + delta * delta * cross;
        }
        count = total;
    }

    /** Per-feature means, original units (zeros before any point). */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-feature population variances, squared original units (zeros before two points). */
    public double[] variance() {
        double[] v = new double[d];
        if (count > 0) {
            for (int t = 0; t < d; t++) {
                v[t] = m2[t] / count;
            }
        }
        return v;
    }

    /** Per-feature divisors used by {@link #transform}: the standard deviation, or 1 where it is 0. */
    public double[] scale() {
        double[] v = variance();
        double[] s = new double[d];
        for (int t = 0; t < d; t++) {
            s[t] = v[t] > 0 ? Math.sqrt(v[t]) : 1.0;
        }
        return s;
    }

    /**
     * {@code (x − mean) / scale} for every point, into a new block (float32, computed in double).
     * O(n·d).
     *
     * @throws IllegalStateException when no point has been seen
     */
    public PointBlock transform(PointBlock points) {
        checkDimension(points);
        requireData();
        double[] scale = scale();
        float[] x = points.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += d) {
            for (int t = 0; t < d; t++) {
                out[i + t] = (float) ((x[i + t] - mean[t]) / scale[t]);
            }
        }
        return PointBlock.of(out, d);
    }

    /**
     * Maps {@code k} centroids (row-major, standardised units) back to original units:
     * {@code c·scale + mean}, into a new array. O(k·d).
     *
     * @throws IllegalStateException when no point has been seen
     */
    public float[] inverseCentroids(float[] centroids, int k) {
        if (centroids.length != k * d) {
            throw new IllegalArgumentException("expected " + k + "·" + d + " centroid values, got " + centroids.length);
        }
        requireData();
        double[] scale = scale();
        float[] out = new float[k * d];
        for (int j = 0; j < k * d; j += d) {
            for (int t = 0; t < d; t++) {
                out[j + t] = (float) (centroids[j + t] * scale[t] + mean[t]);
            }
        }
        return out;
    }

    /** An independent copy of this state. O(d). */
    public Standardizer copy() {
        Standardizer c = new Standardizer(d);
        c.merge(this);
        return c;
    }

    private void add(float[] x, int offset) {
        count++;
        for (int t = 0; t < d; t++) {
            double v = x[offset + t];
            double delta = v - mean[t];
            mean[t] += delta / count;
            m2[t] += delta * (v - mean[t]);
        }
    }

    private void checkDimension(PointBlock points) {
        if (points.dimension() != d) {
            throw new IllegalArgumentException("expected " + d + " features, got " + points.dimension());
        }
    }

    private void requireData() {
        if (count == 0) {
            throw new IllegalStateException("the standardizer has seen no points");
        }
    }
}
