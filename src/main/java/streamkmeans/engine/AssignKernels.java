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

    /** The vector kernels when {@link Simd#vectorAvailable()}, the scalar ones otherwise. */
    static AssignKernels best() {
        return Simd.vectorAvailable() ? VectorAssignKernels.instance() : SCALAR;
    }

    /** The portable scalar kernels. */
    static AssignKernels scalar() {
        return SCALAR;
    }

    /** Whether these kernels use SIMD instructions. */
    abstract boolean vectorized();

    /**
     * Writes the index of the nearest centroid (lowest index on ties) of every point of blocks
     * {@code [from, to)} into {@code labels[b·LANES + lane]}, padding lanes included.
     * O((to − from)·LANES·k·d).
     */
    abstract void assign(float[] panel, int from, int to, CentroidPanel centroids, int[] labels);

    /**
     * Lowers {@code closest[i]} to the squared distance (packed units, float) from point {@code i}
     * to {@code centre} for every point of blocks {@code [from, to)}, and returns the sum of the new
     * {@code closest} values over those points in point order, in double. Padding lanes must hold
     * 0 so they add nothing. O((to − from)·LANES·d).
     */
    abstract double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest);

    /**
     * The value {@link #lowerClosest} would return, without changing {@code closest}: the
     * K-Means++ potential if {@code centre} were added. O((to − from)·LANES·d).
     */
    abstract double potentialWith(float[] panel, int d, int from, int to, float[] centre, float[] closest);

    /** Squared distance of one point (panel offset {@code base}, lane stride) to {@code centre}. */
    static float distance(float[] panel, int d, int base, float[] centre) {
        float acc = 0f;
        for (int t = 0; t < d; t++) {
            float diff = panel[base + t * LANES] - centre[t];
            acc = Math.fma(diff, diff, acc);
        }
        return acc;
    }

    /** Scalar kernels: one point at a time, the reference the vector kernels must match. */
    private static final class Scalar extends AssignKernels {
        @Override
        boolean vectorized() {
            return false;
        }

        /**
         * Eight lanes side by side in the innermost loop, the shape in which C2 can emit packed
         * FMAs on its own; each lane still sees exactly the scalar FMA chain.
         */
        @Override
        void assign(float[] panel, int from, int to, CentroidPanel centroids, int[] labels) {
            int d = centroids.dimension();
            int k = centroids.k();
            float[] scaled = centroids.scaled();
            float[] norms = centroids.norms();
            float[] acc = new float[LANES];
            float[] best = new float[LANES];
            int[] index = new int[LANES];
            for (int b = from; b < to; b++) {
                int base = b * d * LANES;
                Arrays.fill(best, Float.POSITIVE_INFINITY);
                Arrays.fill(index, 0);
                for (int j = 0; j < k; j++) {
                    int c = (j / CentroidPanel.GROUP) * d * CentroidPanel.GROUP + j % CentroidPanel.GROUP;
                    Arrays.fill(acc, norms[j]);
                    for (int t = 0; t < d; t++) {
                        float coordinate = scaled[c + t * CentroidPanel.GROUP];
                        int x = base + t * LANES;
                        for (int lane = 0; lane < LANES; lane++) {
                            acc[lane] = Math.fma(panel[x + lane], coordinate, acc[lane]);
                        }
                    }
                    for (int lane = 0; lane < LANES; lane++) {
                        if (acc[lane] < best[lane]) {
                            best[lane] = acc[lane];
                            index[lane] = j;
                        }
                    }
                }
                System.arraycopy(index, 0, labels, b * LANES, LANES);
            }
        }

        @Override
        double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
            double sum = 0;
            for (int b = from; b < to; b++) {
                for (int lane = 0; lane < LANES; lane++) {
                    int i = b * LANES + lane;
                    float v = Math.min(closest[i], distance(panel, d, b * d * LANES + lane, centre));
                    closest[i] = v;
                    sum += v;
                }
            }
            return sum;
        }

        @Override
        double potentialWith(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
            double sum = 0;
            for (int b = from; b < to; b++) {
                for (int lane = 0; lane < LANES; lane++) {
                    int i = b * LANES + lane;
                    sum += Math.min(closest[i], distance(panel, d, b * d * LANES + lane, centre));
                }
            }
            return sum;
        }
    }
}
