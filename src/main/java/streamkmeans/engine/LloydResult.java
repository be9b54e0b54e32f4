package streamkmeans.engine;

/**
 * The outcome of one Lloyd run, in packed units (see {@link PackedPoints}).
 *
 * @param centroids    k·d final centroids, row-major, packed units
 * @param labels       nearest final centroid of each point (length n)
 * @param clusterSizes points per cluster under {@code labels}
 * @param inertia      sum of squared distances of the points to their centroids, packed squared
 *                     units, accumulated in double
 * @param iterations   assignment/update passes made
 * @param converged    whether the stopping rule was met before {@code maxIterations}
 * @param emptyRepairs number of times an empty cluster was re-seeded
 */
public record LloydResult(
        float[] centroids,
        int[] labels,
        int[] clusterSizes,
        double inertia,
        int iterations,
        boolean converged,
        int emptyRepairs) {
}
