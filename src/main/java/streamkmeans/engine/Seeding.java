package streamkmeans.engine;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Initial centroids: uniform random points, K-Means++ (D² sampling) or greedy K-Means++ as in
 * scikit-learn's {@code _kmeans_plusplus}.
 *
 * <p>Squared distances are computed in float on the packed points and summed in double per chunk,
 * chunks combined in order, so the centres depend only on the points, {@code k}, the method and
 * the random generator's state, never on the thread count or on SIMD being available. When every
 * point already coincides with a chosen centre (potential 0), the next centre is drawn uniformly.
 */
public final class Seeding {
    private static final int LANES = PackedPoints.LANES;

    private Seeding() {
    }

    /**
     * Chooses {@code k} initial centroids among the points.
     *
     * <ul>
     *   <li>{@link Init#RANDOM}: {@code k} distinct points, uniformly. O(k·d) (O(k) draws).</li>
     *   <li>{@link Init#KMEANS_PLUS_PLUS}: first centre uniform, each next one drawn with
     *       probability proportional to its squared distance to the nearest chosen centre.
     *       O(n·k·d).</li>
     *   <li>{@link Init#GREEDY_KMEANS_PLUS_PLUS}: first centre uniform; at each step
     *       {@code candidates} points are drawn that way and the one giving the lowest potential
     *       (sum of squared distances to the nearest centre) is kept. O(n·k·d·candidates).</li>
     * </ul>
     *
     * @param points     the packed points
     * @param k          number of centres, in [1, n]
     * @param init       the method
     * @param candidates D² draws per greedy step; 0 or less means {@code 2 + floor(ln k)} as in
     *                   scikit-learn; ignored by the other methods
     * @param rng        the random source, advanced by the draws
     * @param workers    threads for the distance passes
     * @return {@code k·d} centroid coordinates, row-major, packed units
     * @throws IllegalArgumentException when {@code k} is not in [1, n]
     */
    public static float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng,
                               Workers workers) {
        return seed(points, k, init, candidates, rng, workers, AssignKernels.best());
    }

    /** {@link #seed} with the given kernels (tests compare vector and scalar runs). */
    static float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng,
                        Workers workers, AssignKernels kernels) {
        int n = points.size();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        return switch (init) {
            case RANDOM -> copy(points, distinctIndices(n, k, rng));
            case KMEANS_PLUS_PLUS -> new PlusPlus(points, workers, kernels).run(k, 1, rng);
            case GREEDY_KMEANS_PLUS_PLUS -> new PlusPlus(points, workers, kernels)
                    .run(k, candidates > 0 ? candidates : 2 + (int) Math.log(k), rng);
        };
    }

    /** Robert Floyd's sampling of {@code k} distinct indices in [0, n); O(k) draws and memory. */
    private static int[] distinctIndices(int n, int k, SplittableRandom rng) {
        Set<Integer> seen = new HashSet<>();
        int[] chosen = new int[k];
        int m = 0;
        for (int top = n - k; top < n; top++) {
            int pick = rng.nextInt(top + 1);
            if (!seen.add(pick)) {
                pick = top;
                seen.add(top);
            }
            chosen[m++] = pick;
        }
        return chosen;
    }

    private static float[] copy(PackedPoints points, int[] indices) {
        int d = points.dimension();
        float[] out = new float[indices.length * d];
        for (int j = 0; j < indices.length; j++) {
            points.copyPoint(indices[j], out, j * d);
        }
        return out;
    }

    /** One K-Means++ run: the per-point distance to the nearest chosen centre and its chunk sums. */
    private static final class PlusPlus {
        private final PackedPoints points;
        private final Workers workers;
        private final AssignKernels kernels;
        private final float[] panel;
        private final int n;
        private final int d;
        private final Chunks chunks;
        /** Squared distance to the nearest chosen centre; 0 in padding lanes. */
        private final float[] closest;
        /** Sum of {@code closest} per chunk. */
        private final double[] chunkPotential;

        PlusPlus(PackedPoints points, Workers workers, AssignKernels kernels) {
            this.points = points;
            this.workers = workers;
            this.kernels = kernels;
            this.panel = points.panel();
            this.n = points.size();
            this.d = points.dimension();
            this.chunks = Chunks.of(points.blocks());
            this.closest = new float[points.blocks() * LANES];
            this.chunkPotential = new double[chunks.count()];
            Arrays.fill(closest, 0, n, Float.POSITIVE_INFINITY);
        }

        float[] run(int k, int trials, SplittableRandom rng) {
            float[] centres = new float[k * d];
            int first = rng.nextInt(n);
            points.copyPoint(first, centres, 0);
            double potential = lower(centres, 0);
            int[] ids = new int[trials];
            double[][] partial = new double[chunks.count()][trials];
            for (int c = 1; c < k; c++) {
                for (int l = 0; l < trials; l++) {
                    ids[l] = potential > 0 ? sample(rng.nextDouble() * potential) : rng.nextInt(n);
                }
                int best = 0;
                if (trials > 1) {
                    float[][] rows = new float[trials][d];
                    for (int l = 0; l < trials; l++) {
                        points.copyPoint(ids[l], rows[l], 0);
                    }
                    workers.forEach(chunks.count(), ch -> kernels.potentialsWith(panel, d, chunks.start(ch),
                            chunks.end(ch), rows, closest, partial[ch]));
                    double bestPotential = Double.POSITIVE_INFINITY;
                    for (int l = 0; l < trials; l++) {
                        double p = 0;
                        for (double[] chunk : partial) {
                            p += chunk[l];
                        }
                        if (p < bestPotential) {
                            bestPotential = p;
                            best = l;
                        }
                    }
                }
                points.copyPoint(ids[best], centres, c * d);
                potential = lower(centres, c * d);
            }
            return centres;
        }

        /** Lowers {@code closest} with the centre at {@code centres[offset..]}; returns the potential. */
        private double lower(float[] centres, int offset) {
            float[] centre = Arrays.copyOfRange(centres, offset, offset + d);
            workers.forEach(chunks.count(), c -> chunkPotential[c] =
                    kernels.lowerClosest(panel, d, chunks.start(c), chunks.end(c), centre, closest));
            return sumInOrder(chunkPotential);
        }

        /**
         * The first point whose running sum of {@code closest} exceeds {@code target} (a D² draw);
         * such a point has a positive distance, so it is not a chosen centre already.
         */
        private int sample(double target) {
            double before = 0;
            int c = 0;
            while (c < chunks.count() - 1 && before + chunkPotential[c] <= target) {
                before += chunkPotential[c];
                c++;
            }
            int from = chunks.start(c) * LANES;
            int to = Math.min(n, chunks.end(c) * LANES);
            double running = before;
            int lastPositive = -1;
            for (int i = from; i < to; i++) {
                if (closest[i] > 0) {
                    running += closest[i];
                    lastPositive = i;
                    if (running > target) {
                        return i;
                    }
                }
            }
            // Rounding can leave the chunk's own running sum short of its total: take its last point.
            return lastPositive >= 0 ? lastPositive : lastPositiveBefore(from);
        }

        private int lastPositiveBefore(int end) {
            for (int i = end - 1; i >= 0; i--) {
                if (closest[i] > 0) {
                    return i;
                }
            }
            throw new IllegalStateException("positive potential but no point with a positive distance");
        }

        private static double sumInOrder(double[] values) {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            return sum;
        }
    }
}
