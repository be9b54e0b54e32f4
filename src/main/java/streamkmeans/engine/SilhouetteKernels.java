package streamkmeans.engine;

import java.util.Arrays;

/**
 * Scalar kernel of the exact silhouette: sums of Euclidean distances from query points to every
 * cluster of a cluster-ordered panel (the layout of {@link PackedPoints}, each cluster starting on
 * a fresh block of {@link PackedPoints#LANES} points, padding lanes ignored).
 *
 * <p>It performs, lane by lane, exactly the operations of {@link VectorSilhouetteKernels}: squared
 * distances by fused multiply-adds in feature order, a float square root, float partial sums per
 * lane over at most {@link #FOLD_BLOCKS} blocks folded into a double per lane, then the eight lane
 * totals added in lane order; every distance is multiplied by a lane weight, 1 except for the
 * padding lanes of a cluster's last block, where it is 0. Both kernels therefore return
 * bit-identical sums. The float partials keep the inner loop in 8-wide float arithmetic; folding
 * them often keeps the error that of a double sum of float distances.
 */
final class SilhouetteKernels {
    /** Blocks (vector steps) summed in float before the partials are folded into double. */
    static final int FOLD_BLOCKS = 32;

    private static final int LANES = PackedPoints.LANES;

    private SilhouetteKernels() {
    }

    /**
     * For every query point {@code q < points} (features {@code queries[q·d .. q·d + d)}) and every
     * cluster {@code c}, {@code sums[q·C + c]} (C = {@code count.length}) becomes the sum of the
     * Euclidean distances from the query to the {@code count[c]} points stored from block
     * {@code firstBlock[c]} of {@code panel}; 0 for an empty cluster. Units are those of the panel.
     * O(points·N·d) for N points in the panel.
     */
    static void clusterDistanceSums(float[] panel, int d, int[] firstBlock, int[] count, float[] queries,
            int points, double[] sums) {
        int clusters = count.length;
        // weights[0..8) = 1 for full blocks, weights[8..16) = the last block's lane weights.
        float[] weights = new float[2 * LANES];
        Arrays.fill(weights, 0, LANES, 1f);
        float[] squared = new float[LANES];
        float[] part = new float[LANES];
        double[] lanes = new double[LANES];
        for (int q = 0; q < points; q++) {
            int query = q * d;
            for (int c = 0; c < clusters; c++) {
                int blocks = (count[c] + LANES - 1) / LANES;
                tailWeights(count[c], weights, LANES);
                Arrays.fill(lanes, 0);
                for (int g = 0; g < blocks; g += FOLD_BLOCKS) {
                    int groupEnd = Math.min(blocks, g + FOLD_BLOCKS);
                    Arrays.fill(part, 0f);
                    for (int b = g; b < groupEnd; b++) {
                        int base = (firstBlock[c] + b) * d * LANES;
                        // Lanes innermost: eight independent FMA chains, as in one vector register.
                        Arrays.fill(squared, 0f);
                        for (int t = 0; t < d; t++) {
                            float x = queries[query + t];
                            for (int l = 0; l < LANES; l++) {
                                float diff = panel[base + t * LANES + l] - x;
                                squared[l] = Math.fma(diff, diff, squared[l]);
                            }
                        }
                        int w = b == blocks - 1 ? LANES : 0;
                        for (int l = 0; l < LANES; l++) {
                            part[l] += (float) Math.sqrt(squared[l]) * weights[w + l];
                        }
                    }
                    for (int l = 0; l < LANES; l++) {
                        lanes[l] += part[l];
                    }
                }
                double total = 0;
                for (int l = 0; l < LANES; l++) {
                    total += lanes[l];
                }
                sums[q * clusters + c] = total;
            }
        }
    }

    /**
     * Writes into {@code weights[offset .. offset + 8)} the lane weights of the last block of a
     * segment of {@code count} points: 1 for points, 0 for padding.
     */
    static void tailWeights(int count, float[] weights, int offset) {
        int lastLanes = count - Math.max(0, (count - 1) / LANES) * LANES;
        for (int l = 0; l < LANES; l++) {
            weights[offset + l] = l < lastLanes ? 1f : 0f;
        }
    }
}
