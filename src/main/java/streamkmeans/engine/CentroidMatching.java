package streamkmeans.engine;

import java.util.Arrays;

/**
 * Keeps cluster ids stable when a model is re-seeded: matches the new centroids one-to-one to the
 * previous ones so that the total squared distance between matched pairs is the smallest possible,
 * and gives each new centroid the id of its match.
 *
 * <p>The matching is a minimum-cost assignment solved exactly by the Hungarian method in the
 * shortest-augmenting-path form of Jonker and Volgenant, in double: O(r²·c) time for an r×c cost
 * matrix (r ≤ c), O(r·c) memory. Everything is deterministic: equal inputs give equal ids.
 */
public final class CentroidMatching {

    private CentroidMatching() {
    }

    /**
     * Stable ids for {@code current} ({@code kNew} centroids of {@code d} features, row-major) given
     * {@code previous} ({@code kOld} centroids whose ids are 0..kOld−1), both in the same units.
     * Returns {@code ids} with {@code ids[j]} the id of new centroid j:
     * <ul>
     *   <li>{@code kNew == kOld}: a permutation of 0..k−1 minimising the total squared distance
     *       between each new centroid and the previous centroid whose id it takes;</li>
     *   <li>{@code kNew > kOld}: every previous id goes to a distinct new centroid (minimum total
     *       cost); the {@code kNew − kOld} new centroids left over get fresh ids kOld, kOld+1, … in
     *       the order of their index;</li>
     *   <li>{@code kNew < kOld}: every new centroid takes the id of a distinct previous one (minimum
     *       total cost); the ids of the {@code kOld − kNew} unmatched previous centroids are retired,
     *       so the ids are then not contiguous (all lie in 0..kOld−1).</li>
     * </ul>
     * Cost O(min(kOld, kNew)²·max(kOld, kNew) + kOld·kNew·d).
     *
     * @throws IllegalArgumentException when an array does not hold whole centroids, or a value is not finite
     */
    public static int[] stableIds(float[] previous, int kOld, float[] current, int kNew, int d) {
        if (d < 1 || kOld < 1 || kNew < 1) {
            throw new IllegalArgumentException("need d, kOld and kNew >= 1, got " + d + ", " + kOld + ", " + kNew);
        }
        if (previous.length != kOld * d || current.length != kNew * d) {
            throw new IllegalArgumentException("expected " + kOld + "·" + d + " previous and " + kNew + "·" + d
                    + " current values, got " + previous.length + " and " + current.length);
        }
        boolean newAsRows = kNew <= kOld;
        int rows = newAsRows ? kNew : kOld;
        int cols = newAsRows ? kOld : kNew;
        double[] cost = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int j = newAsRows ? r : c;
                int i = newAsRows ? c : r;
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) current[j * d + t] - previous[i * d + t];
                    sq += diff * diff;
                }
                cost[r * cols + c] = sq;
            }
        }
        int[] match = minimumCostAssignment(cost, rows, cols);
        if (newAsRows) {
            return match;
        }
        int[] ids = new int[kNew];
        Arrays.fill(ids, -1);
        for (int old = 0; old < kOld; old++) {
            ids[match[old]] = old;
        }
        int fresh = kOld;
        for (int j = 0; j < kNew; j++) {
            if (ids[j] < 0) {
                ids[j] = fresh++;
            }
        }
        return ids;
    }

    /**
     * A minimum-cost assignment of each of {@code rows} rows to a distinct one of {@code cols}
     * columns ({@code rows <= cols}) of the row-major matrix {@code cost} (finite values): returns
     * the column of every row. O(rows²·cols) time, O(rows + cols) extra memory.
     *
     * @throws IllegalArgumentException when {@code rows > cols}, the matrix size is wrong or a cost is not finite
     */
    public static int[] minimumCostAssignment(double[] cost, int rows, int cols) {
        if (rows < 1 || rows > cols || cost.length != rows * cols) {
            throw new IllegalArgumentException(
                    "need 1 <= rows <= cols and a rows·cols matrix, got " + rows + "×" + cols + " and " + cost.length);
        }
        for (double c : cost) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("costs must be finite, got " + c);
            }
        }
        // Potentials u (rows) and v (columns), 1-based; column 0 is a virtual start column.
        double[] u = new double[rows + 1];
        double[] v = new double[cols + 1];
        int[] rowOf = new int[cols + 1];
        int[] previousColumn = new int[cols + 1];
        double[] slack = new double[cols + 1];
        boolean[] visited = new boolean[cols + 1];
        for (int row = 1; row <= rows; row++) {
            // Grow a shortest augmenting path (Dijkstra on reduced costs) from the new row.
            rowOf[0] = row;
            int column = 0;
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            Arrays.fill(visited, false);
            do {
                visited[column] = true;
                int r = rowOf[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = -1;
                for (int c = 1; c <= cols; c++) {
                    if (visited[c]) {
                        continue;
                    }
                    double reduced = cost[(r - 1) * cols + (c - 1)] - u[r] - v[c];
                    if (reduced < slack[c]) {
                        slack[c] = reduced;
                        previousColumn[c] = column;
                    }
                    if (slack[c] < delta) {
                        delta = slack[c];
                        next = c;
                    }
                }
                for (int c = 0; c <= cols; c++) {
                    if (visited[c]) {
                        u[rowOf[c]] += delta;
                        v[c] -= delta;
                    } else {
                        slack[c] -= delta;
                    }
                }
                column = next;
            } while (rowOf[column] != 0);
            // Flip the path: every column on it takes the row of its predecessor.
            do {
                int before = previousColumn[column];
                rowOf[column] = rowOf[before];
                column = before;
            } while (column != 0);
        }
        int[] columnOf = new int[rows];
        for (int c = 1; c <= cols; c++) {
            if (rowOf[c] != 0) {
                columnOf[rowOf[c] - 1] = c - 1;
            }
        }
        return columnOf;
    }
}
