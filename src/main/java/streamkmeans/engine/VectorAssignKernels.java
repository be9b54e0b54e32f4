package streamkmeans.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
    void assign(float[] panel, int from, int to, CentroidPanel centroids, int[] labels) {
        int b = from;
        for (; b + 2 <= to; b += 2) {
            assignPair(panel, b, centroids, labels);
        }
        if (b < to) {
            assignOne(panel, b, centroids, labels);
        }
    }

    /**
     * Blocks {@code b} and {@code b + 1} against all centroids, four at a time: eight independent
     * accumulators hide the FMA latency, and each loaded point vector and broadcast centroid
     * coordinate feeds two or four FMAs.
     */
    private static void assignPair(float[] panel, int b, CentroidPanel centroids, int[] labels) {
        int d = centroids.dimension();
        int groups = centroids.groups();
        float[] scaled = centroids.scaled();
        float[] norms = centroids.norms();
        int stride = d * LANES;
        int first = b * stride;
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
                FloatVector x1 = FloatVector.fromArray(F, panel, x + stride);
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
            FloatVector id = FloatVector.broadcast(F, (float) j);
            VectorMask<Float> m = a00.lt(best0);
            best0 = best0.blend(a00, m);
            index0 = index0.blend(id, m);
            m = a10.lt(best1);
            best1 = best1.blend(a10, m);
            index1 = index1.blend(id, m);
            id = id.add(1f);
            m = a01.lt(best0);
            best0 = best0.blend(a01, m);
            index0 = index0.blend(id, m);
            m = a11.lt(best1);
            best1 = best1.blend(a11, m);
            index1 = index1.blend(id, m);
            id = id.add(1f);
            m = a02.lt(best0);
            best0 = best0.blend(a02, m);
            index0 = index0.blend(id, m);
            m = a12.lt(best1);
            best1 = best1.blend(a12, m);
            index1 = index1.blend(id, m);
            id = id.add(1f);
            m = a03.lt(best0);
            best0 = best0.blend(a03, m);
            index0 = index0.blend(id, m);
            m = a13.lt(best1);
            best1 = best1.blend(a13, m);
            index1 = index1.blend(id, m);
        }
        storeLabels(index0, labels, b * LANES);
        storeLabels(index1, labels, (b + 1) * LANES);
    }

    /** Block {@code b} alone (the odd one at the end of a range). */
    private static void assignOne(float[] panel, int b, CentroidPanel centroids, int[] labels) {
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
            FloatVector id = FloatVector.broadcast(F, (float) j);
            VectorMask<Float> m = a0.lt(best);
            best = best.blend(a0, m);
            index = index.blend(id, m);
            id = id.add(1f);
            m = a1.lt(best);
            best = best.blend(a1, m);
            index = index.blend(id, m);
            id = id.add(1f);
            m = a2.lt(best);
            best = best.blend(a2, m);
            index = index.blend(id, m);
            id = id.add(1f);
            m = a3.lt(best);
            best = best.blend(a3, m);
            index = index.blend(id, m);
        }
        storeLabels(index, labels, b * LANES);
    }

    /** Centroid indices are carried as floats (exact below 2^24) so one mask serves both blends. */
    private static void storeLabels(FloatVector index, int[] labels, int offset) {
        ((IntVector) index.convert(VectorOperators.F2I, 0)).intoArray(labels, offset);
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

    @Override
    double potentialWith(float[] panel, int d, int from, int to, float[] centre, float[] closest) {
        double sum = 0;
        float[] lanes = new float[LANES];
        for (int b = from; b < to; b++) {
            distances(panel, d, b, centre).min(FloatVector.fromArray(F, closest, b * LANES)).intoArray(lanes, 0);
            for (int lane = 0; lane < LANES; lane++) {
                sum += lanes[lane];
            }
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
