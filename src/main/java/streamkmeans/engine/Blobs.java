package streamkmeans.engine;

import java.util.SplittableRandom;

/**
 * Synthetic Gaussian blobs with known ground truth, optionally drifting: the data shape of the
 * benchmarks (cases W1–W5) and of the streaming demo.
 *
 * <p>The model: {@code k} true centres drawn uniformly in {@code [-10, 10]^d}; each point is its
 * cluster's centre plus independent Gaussian noise of standard deviation {@link #STD} per feature.
 * Clusters take equal shares: labels are dealt in rounds of {@code k}, each round a fresh random
 * permutation of the clusters, so any prefix of {@code n} points holds {@code floor(n/k)} or
 * {@code ceil(n/k)} points of every cluster and the stream never runs one cluster at a time.
 * In the drifting variant, centre {@code j} at point index {@code t} is
 * {@code c_j + t · drift · u_j}, with {@code u_j} a random unit direction of its own: with the
 * reference rate ({@link #REFERENCE_DRIFT_PER_POINT}, 0.01 per 1000 points) every centre has moved
 * 10 units after 1 000 000 points.
 *
 * <p>Everything is a function of the seed: the centres and directions come from one
 * {@link SplittableRandom} stream, the points of every {@link Source} from an independent one, so
 * two sources of the same model produce the same points (on a given JDK; Gaussians come from
 * {@link SplittableRandom#nextGaussian()}). The stationary and the drifting model of one seed
 * share their centres and noise and differ only by the drift.
 *
 * <p>Instances are immutable and thread-safe; {@link Source} is not.
 */
public final class Blobs {
    /** Half-width of the box the true centres are drawn in: {@code [-BOX, BOX]^d}. */
    public static final double BOX = 10.0;
    /** Standard deviation of every feature around its centre. */
    public static final double STD = 1.0;
    /** The reference drift: 0.01 units per 1000 points, i.e. 10 units per million points. */
    public static final double REFERENCE_DRIFT_PER_POINT = 0.01 / 1000;

    private final int d;
    private final int k;
    private final double driftPerPoint;
    private final long seed;
    private final double[] centres;
    private final double[] directions;

    private Blobs(int d, int k, double driftPerPoint, long seed) {
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + d);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (!(driftPerPoint >= 0) || Double.isInfinite(driftPerPoint)) {
            throw new IllegalArgumentException("drift must be a finite number >= 0, got " + driftPerPoint);
        }
        this.d = d;
        this.k = k;
        this.driftPerPoint = driftPerPoint;
        this.seed = seed;
        this.centres = new double[k * d];
        this.directions = new double[k * d];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < k * d; i++) {
            centres[i] = random.nextDouble(-BOX, BOX);
        }
        // Directions are drawn even without drift so that both variants of a seed share centres.
        for (int j = 0; j < k; j++) {
            double norm;
            do {
                norm = 0;
                for (int t = 0; t < d; t++) {
                    double g = random.nextGaussian();
                    directions[j * d + t] = g;
                    norm += g * g;
                }
            } while (norm == 0);
            double inv = 1 / Math.sqrt(norm);
            for (int t = 0; t < d; t++) {
                directions[j * d + t] *= inv;
            }
        }
    }

    /** Blobs whose centres stay put. O(k·d). */
    public static Blobs stationary(int d, int k, long seed) {
        return new Blobs(d, k, 0, seed);
    }

    /** Blobs drifting at the reference rate, {@link #REFERENCE_DRIFT_PER_POINT}. O(k·d). */
    public static Blobs drifting(int d, int k, long seed) {
        return new Blobs(d, k, REFERENCE_DRIFT_PER_POINT, seed);
    }

    /** Blobs whose centres move {@code driftPerPoint} units per point (0 for none). O(k·d). */
    public static Blobs withDrift(int d, int k, double driftPerPoint, long seed) {
        return new Blobs(d, k, driftPerPoint, seed);
    }

    /** Features per point. */
    public int dimension() {
        return d;
    }

    /** Number of true clusters. */
    public int clusters() {
        return k;
    }

    /** Distance every centre moves per point, in feature units (0 when stationary). */
    public double driftPerPoint() {
        return driftPerPoint;
    }

    /** The unit direction cluster {@code j} drifts along ({@code d} values, a copy). */
    public double[] direction(int j) {
        double[] u = new double[d];
        System.arraycopy(directions, j * d, u, 0, d);
        return u;
    }

    /** Feature {@code t} of the true centre of cluster {@code j} at point index {@code index}. */
    public double centre(int j, int t, long index) {
        return centres[j * d + t] + index * driftPerPoint * directions[j * d + t];
    }

    /** All true centres at point index {@code index}, {@code k·d} floats, row-major. O(k·d). */
    public float[] centresAt(long index) {
        float[] out = new float[k * d];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                out[j * d + t] = (float) centre(j, t, index);
            }
        }
        return out;
    }

    /** A new stream of points from index 0; every source of this model yields the same points. */
    public Source source() {
        return new Source();
    }

    /** The first {@code n} points of this model, {@code source().take(n)}. O(n·d). */
    public Sample sample(int n) {
        return source().take(n);
    }

    /**
     * An endless, deterministic stream of points of a {@link Blobs} model. Not thread-safe.
     */
    public final class Source {
        private final SplittableRandom random;
        private final int[] round;
        private int roundPosition;
        private long position;

        private Source() {
            // split() gives a generator independent of the one the centres came from.
            this.random = new SplittableRandom(seed).split();
            this.round = new int[k];
            this.roundPosition = k;
        }

        /** Index of the next point (points emitted so far). */
        public long position() {
            return position;
        }

        /**
         * Writes the next point's {@code d} features into {@code out[offset .. offset + d)} and
         * returns its true cluster. O(d).
         */
        public int next(float[] out, int offset) {
            int j = nextLabel();
            long index = position++;
            for (int t = 0; t < d; t++) {
                out[offset + t] = (float) (centre(j, t, index) + STD * random.nextGaussian());
            }
            return j;
        }

        /** The next {@code n} points with their labels. O(n·d). */
        public Sample take(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("n must be >= 0, got " + n);
            }
            long first = position;
            float[] data = new float[Math.multiplyExact(n, d)];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = next(data, i * d);
            }
            return new Sample(Blobs.this, first, PointBlock.of(data, d), labels);
        }

        private int nextLabel() {
            if (roundPosition == k) {
                // Fisher–Yates: each round deals every cluster once, in random order.
                for (int j = 0; j < k; j++) {
                    round[j] = j;
                }
                for (int j = k - 1; j > 0; j--) {
                    int r = random.nextInt(j + 1);
                    int tmp = round[j];
                    round[j] = round[r];
                    round[r] = tmp;
                }
                roundPosition = 0;
            }
            return round[roundPosition++];
        }
    }

    /**
     * Consecutive points of a {@link Blobs} model with their ground truth.
     *
     * @param model      the model the points came from
     * @param firstIndex stream index of the first point (its "time", which fixes the centres)
     * @param points     the points, row-major float32
     * @param labels     the true cluster of each point
     */
    public record Sample(Blobs model, long firstIndex, PointBlock points, int[] labels) {

        /** Number of points. */
        public int size() {
            return labels.length;
        }

        /** The true centres at the first point's time, {@code k·d} floats, row-major. O(k·d). */
        public float[] trueCentres() {
            return model.centresAt(firstIndex);
        }

        /** The true centres at the last point's time (equal to {@link #trueCentres()} without drift). */
        public float[] finalCentres() {
            return model.centresAt(firstIndex + Math.max(0, size() - 1));
        }

        /** The true centre of point {@code i} at that point's time, {@code d} values. O(d). */
        public double[] centreOf(int i) {
            int d = model.dimension();
            double[] c = new double[d];
            for (int t = 0; t < d; t++) {
                c[t] = model.centre(labels[i], t, firstIndex + i);
            }
            return c;
        }

        /**
         * The oracle SSE: sum over points of the squared distance to their true centre at their own
         * time, in squared feature units, accumulated in double. Its expectation is
         * {@code n·d·STD²}. O(n·d).
         */
        public double oracleSse() {
            int d = model.dimension();
            float[] x = points.data();
            double sum = 0;
            for (int i = 0; i < labels.length; i++) {
                long index = firstIndex + i;
                for (int t = 0; t < d; t++) {
                    double diff = x[i * d + t] - model.centre(labels[i], t, index);
                    sum += diff * diff;
                }
            }
            return sum;
        }
    }
}
