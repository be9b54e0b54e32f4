package streamkmeans.engine;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact-silhouette kernel of {@link SilhouetteKernels} with 8-lane float vectors (one panel
 * block per step), bit-identical to it. Four query points go through each block together: every
 * loaded panel vector serves four distance computations, and the four independent fused
 * multiply-add chains hide the FMA latency. Load this class only when
 * {@link Simd#vectorAvailable()} says so.
 */
final class VectorSilhouetteKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    private static final int LANES = PackedPoints.LANES;
    private static final int FOLD_BLOCKS = SilhouetteKernels.FOLD_BLOCKS;
    private static final int QUERIES = 4;

    private VectorSilhouetteKernels() {
    }

    /** Same contract and result as {@link SilhouetteKernels#clusterDistanceSums}. */
    static void clusterDistanceSums(float[] panel, int d, int[] firstBlock, int[] count, float[] queries,
            int points, double[] sums) {
        int clusters = count.length;
        // weights[0..8) = 1 for full blocks, weights[8..16) = the last block's lane weights.
        float[] weights = new float[2 * LANES];
        Arrays.fill(weights, 0, LANES, 1f);
        float[] partial = new float[LANES];
        double[] lanes = new double[QUERIES * LANES];
        int[] query = new int[QUERIES];
        // The whole chunk runs in one call so that the JIT compiles this loop nest early (on-stack
        // replacement) instead of after hundreds of slow interpreted calls.
        for (int q0 = 0; q0 < points; q0 += QUERIES) {
            for (int i = 0; i < QUERIES; i++) {
                // A short last group repeats its last point; those results are not stored.
                query[i] = Math.min(q0 + i, points - 1) * d;
            }
            for (int c = 0; c < clusters; c++) {
                int blocks = (count[c] + LANES - 1) / LANES;
                SilhouetteKernels.tailWeights(count[c], weights, LANES);
                Arrays.fill(lanes, 0);
                for (int g = 0; g < blocks; g += FOLD_BLOCKS) {
                    int groupEnd = Math.min(blocks, g + FOLD_BLOCKS);
                    FloatVector p0 = FloatVector.zero(FLOATS);
                    FloatVector p1 = p0;
                    FloatVector p2 = p0;
                    FloatVector p3 = p0;
                    for (int b = g; b < groupEnd; b++) {
                        int base = (firstBlock[c] + b) * d * LANES;
                        FloatVector s0 = FloatVector.zero(FLOATS);
                        FloatVector s1 = s0;
                        FloatVector s2 = s0;
                        FloatVector s3 = s0;
                        for (int t = 0; t < d; t++) {
                            FloatVector x = FloatVector.fromArray(FLOATS, panel, base + t * LANES);
                            FloatVector e0 = x.sub(queries[query[0] + t]);
                            FloatVector e1 = x.sub(queries[query[1] + t]);
                            FloatVector e2 = x.sub(queries[query[2] + t]);
                            FloatVector e3 = x.sub(queries[query[3] + t]);
                            s0 = e0.fma(e0, s0);
                            s1 = e1.fma(e1, s1);
                            s2 = e2.fma(e2, s2);
                            s3 = e3.fma(e3, s3);
                        }
                        FloatVector w = FloatVector.fromArray(FLOATS, weights, b == blocks - 1 ? LANES : 0);
                        p0 = p0.add(s0.sqrt().mul(w));
                        p1 = p1.add(s1.sqrt().mul(w));
                        p2 = p2.add(s2.sqrt().mul(w));
                        p3 = p3.add(s3.sqrt().mul(w));
                    }
                    fold(p0, partial, lanes, 0);
                    fold(p1, partial, lanes, LANES);
                    fold(p2, partial, lanes, 2 * LANES);
                    fold(p3, partial, lanes, 3 * LANES);
                }
                for (int i = 0; i < QUERIES && q0 + i < points; i++) {
                    double total = 0;
                    for (int l = 0; l < LANES; l++) {
                        total += lanes[i * LANES + l];
                    }
                    sums[(q0 + i) * clusters + c] = total;
                }
            }
        }
    }

    /** Adds the float partials of {@code part} to the double lane totals at {@code lanes[offset..]}. */
    private static void fold(FloatVector part, float[] partial, double[] lanes, int offset) {
        part.intoArray(partial, 0);
        for (int l = 0; l < LANES; l++) {
            lanes[offset + l] += partial[l];
        }
    }
}
