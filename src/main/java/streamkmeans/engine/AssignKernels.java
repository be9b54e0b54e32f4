package streamkmeans.engine;

import java.util.Arrays;

/**
 * The distance kernels of Lloyd and seeding over {@link PackedPoints} panels, with a portable
 * scalar implementation ({@link #scalar()}) and a SIMD one (see {@link VectorAssignKernels}).
 *
 * <p>Both implementations perform the same float operations in the same order per point
 * ({@code Math.fma} chains over features, ascending), so they return bit-identical results; the
 * vector one merely computes eight points (one panel block) per instruction. Ranges are in blocks
 * of {@link PackedPoints#LANES} points; per-point arrays are padded to {@code blocks·LANES}.
 */
abstract class AssignKernels {
    private static final int LANES = PackedPoints.LANES;
    private static final AssignKernels SCALAR = new Scalar();
    private static final AssignKernels WHEN_READY = new WhenReady();

    /**
     * The vector kernels when {@link Simd#vectorAvailable()} (run as scalar until
     * {@link Simd#vectorReady()}), the scalar ones otherwise.
     */
    static AssignKernels best() {
        return Simd.vectorAvailable() ? WHEN_READY : SCALAR;
    }

    /** The portable scalar kernels. */
    static AssignKernels scalar() {
        return SCALAR;
    }

    /** Whether these kernels use SIMD instructions. */
    abstract boolean vectorized();

    /**
     * For every point of the listed blocks (padding lanes included) writes the index of the
     * nearest centroid (lowest index on ties) to {@code labels} and its score
     * {@code ||c||² − 2·x·c} (the squared distance minus {@code ||x||²}, float) to {@code best},
     * both indexed {@code b·LANES + lane}. O(count·LANES·k·d).
     */
    abstract void assign(float[] panel, int[] blocks, int count, CentroidPanel centroids, int[] labels,
                         float[] best);

    /** {@link #assign(float[], int[], int, CentroidPanel, int[], float[])} on blocks {@code [from, to)}. */
    final void assign(float[] panel, int from, int to, CentroidPanel centroids, int[] labels, float[] best) {
        int[] blocks = new int[to - from];
        for (int b = from; b < to; b++) {
            blocks[b - from] = b;
        }
        assign(panel, blocks, blocks.length, centroids, labels, best);
    }

    /**
     * Lowers {@code closest[i]} to the squared distance (packed units, float) from point {@code i}
     * to {@code centre} for every point of blocks {@code [from, to)}, and returns the sum of the new
     * {@code closest} values over those points in point order, in double. Padding lanes must hold
     * 0 so they add nothing. O((to − from)·LANES·d).
     */
    abstract double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest);

    /**
     * For each candidate {@code l}, the value {@link #lowerClosest} would return for
     * {@code candidates[l]}, without changing {@code closest}: the K-Means++ potential if that
     * candidate were added, into {@code potentials[l]}. One pass over the points serves all
     * candidates. O((to − from)·LANES·d·candidates).
     */
    abstract void potentialsWith(float[] panel, int d, int from, int to, float[][] candidates, float[] closest,
                                 double[] potentials);

    /**
     * The vector kernels once the JIT has compiled them, the scalar ones before: both give the
     * same bits, so callers see no difference but speed.
     */
    private static final class WhenReady extends AssignKernels {
        private static AssignKernels now() {
            return Simd.vectorReady() ? VectorAssignKernels.instance() : SCALAR;
        }

        @Override
        boolean vectorized() {
            return true;
        }

        @Override
        void assign(float[] panel, int[] blocks, int count, CentroidPanel centroids, int[] labels, float[] best) {
            now().assign(panel, blocks, count, centroids, labels, best);
        }

        @Override
        double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
            return now().lowerClosest(panel, d, from, to, centre, closest);
        }

        @Override
        void potentialsWith(float[] panel, int d, int from, int to, float[][] candidates, float[] closest,
                            double[] potentials) {
            now().potentialsWith(panel, d, from, to, candidates, closest, potentials);
        }
    }

    /** Scalar kernels: one block of eight points at a time, the reference the vector kernels must match. */
    private static final class Scalar extends AssignKernels {
        @Override
        boolean vectorized() {
            return false;
        }

        /**
         * The eight lanes of a block are scored together in eight local accumulators: independent
         * FMA chains that keep the scalar pipeline busy, each still exactly the per-point chain.
         */
        @Override
        void assign(float[] panel, int[] blocks, int count, CentroidPanel centroids, int[] labels, float[] best) {
            int d = centroids.dimension();
            int k = centroids.k();
            float[] scaled = centroids.scaled();
            float[] norms = centroids.norms();
            float[] score = new float[LANES];
            for (int listed = 0; listed < count; listed++) {
                int b = blocks[listed];
                int out = b * LANES;
                Arrays.fill(best, out, out + LANES, Float.POSITIVE_INFINITY);
                Arrays.fill(labels, out, out + LANES, 0);
                for (int j = 0; j < k; j++) {
                    int c = (j / CentroidPanel.GROUP) * d * CentroidPanel.GROUP + j % CentroidPanel.GROUP;
                    scoreBlock(panel, b * d * LANES, d, scaled, c, norms[j], score);
                    for (int lane = 0; lane < LANES; lane++) {
                        int i = out + lane;
                        if (score[lane] < best[i]) {
                            best[i] = score[lane];
                            labels[i] = j;
                        }
                    }
                }
            }
        }

        /** {@code ||c||² − 2·x·c} for the block's eight points; {@code c} strides by the group size. */
        private static void scoreBlock(float[] panel, int base, int d, float[] scaled, int c, float norm, float[] out) {
            float a0 = norm;
            float a1 = norm;
            float a2 = norm;
            float a3 = norm;
            float a4 = norm;
            float a5 = norm;
            float a6 = norm;
            float a7 = norm;
            for (int t = 0; t < d; t++) {
                float v = scaled[c + t * CentroidPanel.GROUP];
                int x = base + t * LANES;
                a0 = Math.fma(panel[x], v, a0);
                a1 = Math.fma(panel[x + 1], v, a1);
                a2 = Math.fma(panel[x + 2], v, a2);
                a3 = Math.fma(panel[x + 3], v, a3);
                a4 = Math.fma(panel[x + 4], v, a4);
                a5 = Math.fma(panel[x + 5], v, a5);
                a6 = Math.fma(panel[x + 6], v, a6);
                a7 = Math.fma(panel[x + 7], v, a7);
            }
            out[0] = a0;
            out[1] = a1;
            out[2] = a2;
            out[3] = a3;
            out[4] = a4;
            out[5] = a5;
            out[6] = a6;
            out[7] = a7;
        }

        /** {@code Σ (x − c)²} (an FMA chain over features) for the block's eight points. */
        private static void distanceBlock(float[] panel, int base, int d, float[] centre, float[] out) {
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            float a4 = 0f;
            float a5 = 0f;
            float a6 = 0f;
            float a7 = 0f;
            for (int t = 0; t < d; t++) {
                float c = centre[t];
                int x = base + t * LANES;
                float e0 = panel[x] - c;
                float e1 = panel[x + 1] - c;
                float e2 = panel[x + 2] - c;
                float e3 = panel[x + 3] - c;
                float e4 = panel[x + 4] - c;
                float e5 = panel[x + 5] - c;
                float e6 = panel[x + 6] - c;
                float e7 = panel[x + 7] - c;
                a0 = Math.fma(e0, e0, a0);
                a1 = Math.fma(e1, e1, a1);
                a2 = Math.fma(e2, e2, a2);
                a3 = Math.fma(e3, e3, a3);
                a4 = Math.fma(e4, e4, a4);
                a5 = Math.fma(e5, e5, a5);
                a6 = Math.fma(e6, e6, a6);
                a7 = Math.fma(e7, e7, a7);
            }
            out[0] = a0;
            out[1] = a1;
            out[2] = a2;
            out[3] = a3;
            out[4] = a4;
            out[5] = a5;
            out[6] = a6;
            out[7] = a7;
        }

        @Override
        double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
            float[] dist = new float[LANES];
            double sum = 0;
            for (int b = from; b < to; b++) {
                distanceBlock(panel, b * d * LANES, d, centre, dist);
                for (int lane = 0; lane < LANES; lane++) {
                    int i = b * LANES + lane;
                    float v = Math.min(closest[i], dist[lane]);
                    closest[i] = v;
                    sum += v;
                }
            }
            return sum;
        }

        @Override
        void potentialsWith(float[] panel, int d, int from, int to, float[][] candidates, float[] closest,
                            double[] potentials) {
            float[] dist = new float[LANES];
            for (int l = 0; l < candidates.length; l++) {
                double sum = 0;
                for (int b = from; b < to; b++) {
                    distanceBlock(panel, b * d * LANES, d, candidates[l], dist);
                    for (int lane = 0; lane < LANES; lane++) {
                        sum += Math.min(closest[b * LANES + lane], dist[lane]);
                    }
                }
                potentials[l] = sum;
            }
        }
    }
}
