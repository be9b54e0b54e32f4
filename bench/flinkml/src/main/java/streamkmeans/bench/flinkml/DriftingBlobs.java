package streamkmeans.bench.flinkml;

import java.util.SplittableRandom;

/**
 * The drifting Gaussian blobs of the streamkmeans benchmarks, point for point: a copy of the
 * generator logic of {@code streamkmeans.engine.Blobs} (this project does not link the main one).
 * k true centres uniform in [-10, 10]^d, then one random unit direction per centre, from one
 * {@link SplittableRandom}; points from its {@code split()}: labels dealt in rounds of k (a fresh
 * Fisher–Yates permutation each round), features {@code (float) (centre + N(0, 1))} where centre j
 * at point index t is {@code c_j + t · drift · u_j}. Same seed, same points as the main project's
 * {@code stream-bench} with one key. Not thread-safe.
 */
final class DriftingBlobs {
    private static final double BOX = 10.0;

    private final int d;
    private final int k;
    private final double driftPerPoint;
    private final double[] centres;
    private final double[] directions;
    private final SplittableRandom random;
    private final int[] round;
    private int roundPosition;
    private long position;

    DriftingBlobs(int d, int k, double driftPerPoint, long seed) {
        this.d = d;
        this.k = k;
        this.driftPerPoint = driftPerPoint;
        this.centres = new double[k * d];
        this.directions = new double[k * d];
        SplittableRandom model = new SplittableRandom(seed);
        for (int i = 0; i < k * d; i++) {
            centres[i] = model.nextDouble(-BOX, BOX);
        }
        for (int j = 0; j < k; j++) {
            double norm;
            do {
                norm = 0;
                for (int t = 0; t < d; t++) {
                    double g = model.nextGaussian();
                    directions[j * d + t] = g;
                    norm += g * g;
                }
            } while (norm == 0);
            double inv = 1 / Math.sqrt(norm);
            for (int t = 0; t < d; t++) {
                directions[j * d + t] *= inv;
            }
        }
        this.random = new SplittableRandom(seed).split();
        this.round = new int[k];
        this.roundPosition = k;
    }

    /** Feature t of true centre j at point index {@code index}. */
    double centre(int j, int t, long index) {
        return centres[j * d + t] + index * driftPerPoint * directions[j * d + t];
    }

    /** Index of the next point. */
    long position() {
        return position;
    }

    /** Writes the next point into {@code out[0, d)} and returns its true cluster. O(d). */
    int next(float[] out) {
        if (roundPosition == k) {
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
        int j = round[roundPosition++];
        long index = position++;
        for (int t = 0; t < d; t++) {
            out[t] = (float) (centre(j, t, index) + random.nextGaussian());
        }
        return j;
    }
}
