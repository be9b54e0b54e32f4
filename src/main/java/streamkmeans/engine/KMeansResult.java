package streamkmeans.engine;

/**
 * The result of a K-Means fit, in the original units of the data.
 *
 * @param centroids      k·d centroids, row-major, original units
 * @param k              number of clusters
 * @param dimension      features per point
 * @param labels         cluster of each point (length n), matching {@code centroids}
 * @param distances      Euclidean distance of each point to its centroid, original units
 * @param clusterSizes   points per cluster
 * @param inertia        sum of squared distances to the centroids, original squared units (double)
 * @param iterations     Lloyd passes of the kept run
 * @param converged      whether the kept run met the stopping rule
 * @param runs           runs made ({@code n-init}, or 1 for a warm start)
 * @param seeding        how the kept run started: an {@link Init#label()} or {@code "warm"}
 * @param backend        the Lloyd backend's name
 * @param seedingNanos   wall time spent seeding, all runs
 * @param lloydNanos     wall time spent in Lloyd (and refinement), all runs
 * @param swapsAccepted  random swaps kept by refinement (0 without refinement)
 * @param packed         the packed points the fit ran on, for metrics that reuse them
 * @param packedCentroids the centroids in packed units
 */
public record KMeansResult(
        float[] centroids,
        int k,
        int dimension,
        int[] labels,
        float[] distances,
        int[] clusterSizes,
        double inertia,
        int iterations,
        boolean converged,
        int runs,
        String seeding,
        String backend,
        long seedingNanos,
        long lloydNanos,
        int swapsAccepted,
        PackedPoints packed,
        float[] packedCentroids) {

    /** Seeding plus Lloyd time in milliseconds (metrics are timed apart). */
    public double fitMillis() {
        return (seedingNanos + lloydNanos) / 1e6;
    }
}
