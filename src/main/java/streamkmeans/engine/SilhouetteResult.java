package streamkmeans.engine;

/**
 * A silhouette coefficient and how it was obtained. Never NaN: where the silhouette is undefined
 * (fewer than two non-empty clusters, or every point alone in its cluster) the value is 0 and
 * {@link #defined()} is false.
 *
 * @param value      mean silhouette over the points it was computed on, in [-1, 1]; unitless
 * @param method     {@code "exact"}, {@code "sampled:N"} (N points drawn without replacement) or
 *                   {@code "simplified"} (distances to centroids instead of to points)
 * @param sampleSize number of points the mean runs over (n for exact and simplified)
 * @param defined    false when the silhouette is undefined for these labels; {@code value} is then 0
 */
public record SilhouetteResult(double value, String method, int sampleSize, boolean defined) {
    public SilhouetteResult {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("silhouette must be finite, got " + value);
        }
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("method must be named");
        }
        if (sampleSize < 0) {
            throw new IllegalArgumentException("sampleSize must be >= 0, got " + sampleSize);
        }
    }

    /** The result for labels whose silhouette is undefined: value 0, {@code defined} false. */
    static SilhouetteResult undefined(String method, int sampleSize) {
        return new SilhouetteResult(0.0, method, sampleSize, false);
    }
}
