package streamkmeans.engine;

/**
 * Points labelled with centroids, and what that costs.
 *
 * @param labels       centroid index of each point
 * @param distances    Euclidean distance of each point to its centroid, data units; a distance
 *                     beyond the float range (points near ±3.4e38 on opposite sides) saturates
 *                     at {@link Float#MAX_VALUE}, so that it is never infinite
 * @param clusterSizes points per centroid
 * @param inertia      sum of squared distances, data units squared, accumulated in double
 */
public record Assignment(int[] labels, float[] distances, int[] clusterSizes, double inertia) {

    /**
     * Distances, sizes and inertia of given labels, computed in double from the original float
     * values (so they are exact up to the final rounding whatever the scale of the data). O(n·d).
     */
    public static Assignment exact(PointBlock points, float[] centroids, int k, int[] labels) {
        int n = points.size();
        int d = points.dimension();
        float[] x = points.data();
        float[] distances = new float[n];
        int[] sizes = new int[k];
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            int c = labels[i] * d;
            int row = i * d;
            double s = 0;
            for (int t = 0; t < d; t++) {
                double diff = (double) x[row + t] - centroids[c + t];
                s += diff * diff;
            }
            inertia += s;
            distances[i] = saturatedDistance(s);
            sizes[labels[i]]++;
        }
        return new Assignment(labels, distances, sizes, inertia);
    }

    /**
     * The Euclidean distance of a squared distance computed in double, as a float that is never
     * infinite: the largest float when the distance exceeds the float range.
     */
    public static float saturatedDistance(double squared) {
        return (float) Math.min(Math.sqrt(squared), Float.MAX_VALUE);
    }
}
