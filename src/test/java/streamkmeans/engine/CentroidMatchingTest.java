package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CentroidMatchingTest {

    private static double[] randomCost(int rows, int cols, SplittableRandom random) {
        double[] cost = new double[rows * cols];
        for (int i = 0; i < cost.length; i++) {
            // Coarse values make ties common, which the solver must still handle optimally.
            cost[i] = random.nextInt(4) == 0 ? random.nextInt(5) : random.nextDouble() * 100;
        }
        return cost;
    }

    private static double total(double[] cost, int cols, int[] columnOf) {
        double sum = 0;
        for (int r = 0; r < columnOf.length; r++) {
            sum += cost[r * cols + columnOf[r]];
        }
        return sum;
    }

    /** The cheapest injective assignment of rows to columns, by trying them all. */
    private static double bruteForce(double[] cost, int rows, int cols, int row, boolean[] used) {
        if (row == rows) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            if (!used[c]) {
                used[c] = true;
                best = Math.min(best, cost[row * cols + c] + bruteForce(cost, rows, cols, row + 1, used));
                used[c] = false;
            }
        }
        return best;
    }

    private static void assertInjective(int[] columnOf, int cols) {
        boolean[] seen = new boolean[cols];
        for (int c : columnOf) {
            assertTrue(c >= 0 && c < cols, "column " + c);
            assertTrue(!seen[c], "column " + c + " used twice");
            seen[c] = true;
        }
    }

    @Test
    void squareAssignmentsAreOptimal() {
        SplittableRandom random = new SplittableRandom(1);
        for (int k = 1; k <= 7; k++) {
            for (int trial = 0; trial < 20; trial++) {
                double[] cost = randomCost(k, k, random);
                int[] columnOf = CentroidMatching.minimumCostAssignment(cost, k, k);
                assertInjective(columnOf, k);
                assertEquals(bruteForce(cost, k, k, 0, new boolean[k]), total(cost, k, columnOf), 1e-9, "k=" + k);
            }
        }
    }

    @Test
    void rectangularAssignmentsAreOptimal() {
        SplittableRandom random = new SplittableRandom(2);
        int[][] shapes = {{1, 4}, {2, 5}, {3, 7}, {5, 6}, {4, 7}};
        for (int[] shape : shapes) {
            for (int trial = 0; trial < 20; trial++) {
                double[] cost = randomCost(shape[0], shape[1], random);
                int[] columnOf = CentroidMatching.minimumCostAssignment(cost, shape[0], shape[1]);
                assertInjective(columnOf, shape[1]);
                assertEquals(bruteForce(cost, shape[0], shape[1], 0, new boolean[shape[1]]),
                        total(cost, shape[1], columnOf), 1e-9);
            }
        }
    }

    @Test
    void negativeCostsAreFine() {
        double[] cost = {-5, -1, -2, -8};
        assertArrayEquals(new int[] {0, 1}, CentroidMatching.minimumCostAssignment(cost, 2, 2));
    }

    @Test
    void stableIdsRecoverAPlantedPermutation() {
        SplittableRandom random = new SplittableRandom(3);
        int k = 256;
        int d = 8;
        float[] previous = new float[k * d];
        for (int i = 0; i < previous.length; i++) {
            previous[i] = (float) (random.nextDouble() * 100);
        }
        int[] permutation = new int[k];
        for (int i = 0; i < k; i++) {
            permutation[i] = i;
        }
        for (int i = k - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = tmp;
        }
        // New centroid j is previous centroid permutation[j], slightly moved.
        float[] current = new float[k * d];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                current[j * d + t] = previous[permutation[j] * d + t] + (float) (0.01 * random.nextGaussian());
            }
        }
        assertArrayEquals(permutation, CentroidMatching.stableIds(previous, k, current, k, d));
    }

    @Test
    void largeRandomMatchingIsAPermutationNoWorseThanGreedy() {
        SplittableRandom random = new SplittableRandom(4);
        int k = 256;
        double[] cost = randomCost(k, k, random);
        int[] columnOf = CentroidMatching.minimumCostAssignment(cost, k, k);
        assertInjective(columnOf, k);
        // Greedy: each row in turn takes its cheapest free column.
        boolean[] used = new boolean[k];
        double greedy = 0;
        double identity = 0;
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < k; c++) {
                if (!used[c] && (best < 0 || cost[r * k + c] < cost[r * k + best])) {
                    best = c;
                }
            }
            used[best] = true;
            greedy += cost[r * k + best];
            identity += cost[r * k + r];
        }
        double optimal = total(cost, k, columnOf);
        assertTrue(optimal <= greedy + 1e-9 && optimal <= identity + 1e-9, optimal + " vs greedy " + greedy);
    }

    @Test
    void moreNewCentroidsGetFreshIdsInIndexOrder() {
        float[] previous = {0, 0, 10, 10, 20, 0};
        // New 0 is far, new 1 ≈ old 2, new 2 ≈ old 0, new 3 is far, new 4 ≈ old 1.
        float[] current = {-50, 50, 20, 1, 0, 1, 60, 60, 10, 9};
        assertArrayEquals(new int[] {3, 2, 0, 4, 1}, CentroidMatching.stableIds(previous, 3, current, 5, 2));
    }

    @Test
    void fewerNewCentroidsKeepTheIdsOfTheirMatches() {
        float[] previous = {0, 0, 10, 10, 20, 0};
        float[] current = {19, 1, 1, -1};
        assertArrayEquals(new int[] {2, 0}, CentroidMatching.stableIds(previous, 3, current, 2, 2));
    }

    @Test
    void matchingMinimisesTheTotalNotEachDistance() {
        // Old centroids at 0 and 3, new ones at 2 and 4. Taking the nearest old centroid first
        // (new 0 -> old 1, distance 1) forces new 1 -> old 0: cost 1 + 16 = 17. The optimum pairs
        // new 0 -> old 0 and new 1 -> old 1: cost 4 + 1 = 5.
        float[] previous = {0, 3};
        float[] current = {2, 4};
        assertArrayEquals(new int[] {0, 1}, CentroidMatching.stableIds(previous, 2, current, 2, 1));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> CentroidMatching.minimumCostAssignment(new double[6], 3, 2));
        assertThrows(IllegalArgumentException.class, () -> CentroidMatching.minimumCostAssignment(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class,
                () -> CentroidMatching.minimumCostAssignment(new double[] {0, Double.NaN, 1, 2}, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> CentroidMatching.stableIds(new float[] {0, 0}, 1, new float[] {0, 0, 1}, 2, 2));
    }
}
