package streamkmeans.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AssignKernels} on the Vector API: one 256-bit register holds one feature of a panel
 * block's eight points, so there are no horizontal reductions; each point's arithmetic is the same
 * {@code fma} chain as the scalar kernels, hence bit-identical results.
 *
 * <p>Load this class only after {@link Simd#vectorAvailable()} (or inside its probe): it needs the
 * {@code jdk.incubator.vector} module.
 */
final class VectorAssignKernels extends AssignKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int LANES = PackedPoints.LANES;
    private static final int GROUP = CentroidPanel.GROUP;
    private static final VectorAssignKernels INSTANCE = new VectorAssignKernels();

    private VectorAssignKernels() {
    }

    /** Float lanes of the widest vector shape this CPU runs natively. */
    static int preferredFloatLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }

    static AssignKernels instance() {
        return INSTANCE;
    }

    @Override
    boolean vectorized() {
        return true;
    }

    @Override
    void assign(float[] panel, int[] blocks, int count, CentroidPanel centroids, int[] labels, float[] best) {
        int i = 0;
        for (; i + 2 <= count; i += 2) {
            assignPair(panel, blocks[i], blocks[i + 1], centroids, labels, best);
        }
        if (i < count) {
            assignOne(panel, blocks[i], centroids, labels, best);
        }
    }

    /**
     * Blocks {@code b0} and {@code b1} against all centroids, four at a time: eight independent
     * accumulators hide the FMA latency, and each loaded point vector and broadcast centroid
     * coordinate feeds two or four FMAs.
     */
    private static void assignPair(float[] panel, int b0, int b1, CentroidPanel centroids, int[] labels,
                                   float[] bestOut) {
        int d = centroids.dimension();
        int groups = centroids.groups();
        float[] scaled = centroids.scaled();
        float[] norms = centroids.norms();
        int stride = d * LANES;
        int first = b0 * stride;
        int other = (b1 - b0) * stride;
        FloatVector best0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector best1 = best0;
        FloatVector index0 = FloatVector.zero(F);
        FloatVector index1 = index0;
        for (int g = 0; g < groups; g++) {
            int j = g * GROUP;
            FloatVector a00 = FloatVector.broadcast(F, norms[j]);
            FloatVector a01 = FloatVector.broadcast(F, norms[j + 1]);
            FloatVector a02 = FloatVector.broadcast(F, norms[j + 2]);
            FloatVector a03 = FloatVector.broadcast(F, norms[j + 3]);
            FloatVector a10 = a00;
            FloatVector a11 = a01;
            FloatVector a12 = a02;
            FloatVector a13 = a03;
            // Running offsets rather than t·LANES keep the loop body to loads and FMAs.
            int c = g * d * GROUP;
            for (int x = first, end = first + stride; x < end; x += LANES, c += GROUP) {
                FloatVector x0 = FloatVector.fromArray(F, panel, x);
                FloatVector x1 = FloatVector.fromArray(F, panel, x + other);
                FloatVector c0 = FloatVector.broadcast(F, scaled[c]);
                a00 = x0.fma(c0, a00);
                a10 = x1.fma(c0, a10);
                FloatVector c1 = FloatVector.broadcast(F, scaled[c + 1]);
                a01 = x0.fma(c1, a01);
                a11 = x1.fma(c1, a11);
                FloatVector c2 = FloatVector.broadcast(F, scaled[c + 2]);
                a02 = x0.fma(c2, a02);
                a12 = x1.fma(c2, a12);
                FloatVector c3 = FloatVector.broadcast(F, scaled[c + 3]);
                a03 = x0.fma(c3, a03);
                a13 = x1.fma(c3, a13);
            }
            // Strictly-less in ascending centroid order keeps the lowest index on ties.
            FloatVector id = label(j);
            VectorMask<Float> m = a00.lt(best0);
            best0 = best0.blend(a00, m);
            index0 = index0.blend(id, m);
            m = a10.lt(best1);
            best1 = best1.blend(a10, m);
            index1 = index1.blend(id, m);
            id = label(j + 1);
            m = a01.lt(best0);
            best0 = best0.blend(a01, m);
            index0 = index0.blend(id, m);
            m = a11.lt(best1);
            best1 = best1.blend(a11, m);
            index1 = index1.blend(id, m);
            id = label(j + 2);
            m = a02.lt(best0);
            best0 = best0.blend(a02, m);
            index0 = index0.blend(id, m);
            m = a12.lt(best1);
            best1 = best1.blend(a12, m);
            index1 = index1.blend(id, m);
            id = label(j + 3);
            m = a03.lt(best0);
            best0 = best0.blend(a03, m);
            index0 = index0.blend(id, m);
            m = a13.lt(best1);
            best1 = best1.blend(a13, m);
            index1 = index1.blend(id, m);
        }
        store(index0, best0, labels, bestOut, b0 * LANES);
        store(index1, best1, labels, bestOut, b1 * LANES);
    }

    /** Block {@code b} alone (the odd one at the end of a list). */
    private static void assignOne(float[] panel, int b, CentroidPanel centroids, int[] labels, float[] bestOut) {
        int d = centroids.dimension();
        int groups = centroids.groups();
        float[] scaled = centroids.scaled();
        float[] norms = centroids.norms();
        int first = b * d * LANES;
        FloatVector best = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector index = FloatVector.zero(F);
        for (int g = 0; g < groups; g++) {
            int j = g * GROUP;
            FloatVector a0 = FloatVector.broadcast(F, norms[j]);
            FloatVector a1 = FloatVector.broadcast(F, norms[j + 1]);
            FloatVector a2 = FloatVector.broadcast(F, norms[j + 2]);
            FloatVector a3 = FloatVector.broadcast(F, norms[j + 3]);
            int c = g * d * GROUP;
            for (int x = first, end = first + d * LANES; x < end; x += LANES, c += GROUP) {
                FloatVector x0 = FloatVector.fromArray(F, panel, x);
                a0 = x0.fma(FloatVector.broadcast(F, scaled[c]), a0);
                a1 = x0.fma(FloatVector.broadcast(F, scaled[c + 1]), a1);
                a2 = x0.fma(FloatVector.broadcast(F, scaled[c + 2]), a2);
                a3 = x0.fma(FloatVector.broadcast(F, scaled[c + 3]), a3);
            }
            FloatVector id = label(j);
            VectorMask<Float> m = a0.lt(best);
            best = best.blend(a0, m);
            index = index.blend(id, m);
            id = label(j + 1);
            m = a1.lt(best);
            best = best.blend(a1, m);
            index = index.blend(id, m);
            id = label(j + 2);
            m = a2.lt(best);
            best = best.blend(a2, m);
            index = index.blend(id, m);
            id = label(j + 3);
            m = a3.lt(best);
            best = best.blend(a3, m);
            index = index.blend(id, m);
        }
        store(index, best, labels, bestOut, b * LANES);
    }

    /**
     * Writes one block's labels and best scores. Centroid indices travel as the bit patterns of
     * float lanes ({@link #label}), so one comparison mask serves both blends and storing them is a
     * reinterpretation: a float-to-int conversion is not compiled to an instruction on JDK 17 and
     * allocated on every block.
     */
    private static void store(FloatVector index, FloatVector best, int[] labels, float[] bestOut, int offset) {
        index.reinterpretAsInts().intoArray(labels, offset);
        best.intoArray(bestOut, offset);
    }

    /**
     * Centroid index {@code j} as the bits of a float lane. Blends only move bits, and indices below
     * {@link CentroidPanel#MAX_K} are the patterns of finite floats.
     */
    private static FloatVector label(int j) {
        return FloatVector.broadcast(F, Float.intBitsToFloat(j));
    }

    @Override
    double lowerClosest(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
        double sum = 0;
        for (int b = from; b < to; b++) {
            int i = b * LANES;
            FloatVector v = distances(panel, d, b, centre).min(FloatVector.fromArray(F, closest, i));
            v.intoArray(closest, i);
            for (int lane = 0; lane < LANES; lane++) {
                sum += closest[i + lane];
            }
        }
        return sum;
    }

    /** Candidates in groups of up to four share each loaded point vector. */
    @Override
    void potentialsWith(float[] panel, int d, int from, int to, float[][] candidates, float[] closest,
                        double[] potentials) {
        float[] lanes = new float[LANES];
        int count = candidates.length;
        for (int l = 0; l < count; l += GROUP) {
            int m = Math.min(GROUP, count - l);
            float[] c0 = candidates[l];
            float[] c1 = candidates[l + Math.min(1, m - 1)];
            float[] c2 = candidates[l + Math.min(2, m - 1)];
            float[] c3 = candidates[l + Math.min(3, m - 1)];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int b = from; b < to; b++) {
                int base = b * d * LANES;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int t = 0; t < d; t++) {
                    FloatVector x = FloatVector.fromArray(F, panel, base + t * LANES);
                    FloatVector e0 = x.sub(c0[t]);
                    FloatVector e1 = x.sub(c1[t]);
                    FloatVector e2 = x.sub(c2[t]);
                    FloatVector e3 = x.sub(c3[t]);
                    a0 = e0.fma(e0, a0);
                    a1 = e1.fma(e1, a1);
                    a2 = e2.fma(e2, a2);
                    a3 = e3.fma(e3, a3);
                }
                FloatVector near = FloatVector.fromArray(F, closest, b * LANES);
                s0 = addLanes(s0, a0.min(near), lanes);
                s1 = addLanes(s1, a1.min(near), lanes);
                s2 = addLanes(s2, a2.min(near), lanes);
                s3 = addLanes(s3, a3.min(near), lanes);
            }
            // Groups short of four repeat their last candidate; only the real ones are stored.
            double[] sums = {s0, s1, s2, s3};
            System.arraycopy(sums, 0, potentials, l, m);
        }
    }

    /** {@code sum} plus the lanes of {@code v} in lane order, in double (the scalar order). */
    private static double addLanes(double sum, FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        for (int lane = 0; lane < LANES; lane++) {
            sum += scratch[lane];
        }
        return sum;
    }

    private static FloatVector distances(float[] panel, int d, int b, float[] centre) {
        int base = b * d * LANES;
        FloatVector acc = FloatVector.zero(F);
        for (int t = 0; t < d; t++) {
            FloatVector diff = FloatVector.fromArray(F, panel, base + t * LANES).sub(centre[t]);
            acc = diff.fma(diff, acc);
        }
        return acc;
    }
}
