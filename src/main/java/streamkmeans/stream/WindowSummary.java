package streamkmeans.stream;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The summary of one key's window: what was fitted and how good and how stable the model is. One
 * per key and window, written to the summaries topic as {@link #toJson()}.
 *
 * <p>JSON fields, in this order (DESIGN.md): {@code key, window_start, window_end, status, error,
 * points, dims, k, backend, seeding, iterations, converged, inertia, mean_sq_distance,
 * rolling_inertia, silhouette, silhouette_method, rolling_silhouette, centroids, cluster_sizes, drift,
 * label_churn, fit_ms, model_version}. No number is ever NaN or infinite; a value that does not exist is
 * {@code null}: for a window that was not fitted ({@code status} other than {@code ok}) every fit
 * value, {@code drift} and {@code label_churn} for the first model of a key, {@code silhouette}
 * when it is undefined (fewer than two non-empty clusters), rolling values before they have one.
 *
 * <p>Window bounds are epoch milliseconds, {@code window_end} exclusive. Count windows have no
 * event-time bounds: there they are the earliest and the latest event time among the window's
 * points (both inclusive).
 *
 * @param key              model key
 * @param windowStart      window start, epoch ms
 * @param windowEnd        window end, epoch ms (exclusive for time windows)
 * @param status           {@link #STATUS_OK} or why the window was not fitted
 *                         ({@link #STATUS_TOO_FEW_POINTS}, {@link #STATUS_FIT_FAILED}), or
 *                         {@link #STATUS_EXPIRED}
 * @param points           points in the window (all of them, also when the fit used a sample)
 * @param dims             features per point
 * @param k                clusters
 * @param backend          where Lloyd ran, {@code cpu} or {@code gpu}
 * @param seeding          {@code kmeans++} (a key's first model), {@code warm} (from the previous
 *                         centroids) or {@code reseed} (a fresh fit replaced a poor warm one); null
 *                         when not fitted
 * @param iterations       Lloyd passes of the kept fit
 * @param converged        whether the kept fit met its stopping rule
 * @param inertia          sum of squared distances of all window points to their centroids,
 *                         squared data units
 * @param meanSqDistance   inertia / points
 * @param rollingInertia   rolling average (EWMA over windows) of {@code mean_sq_distance}
 * @param silhouette       mean silhouette in [-1, 1], or null when undefined
 * @param silhouetteMethod {@code exact}, {@code sampled:N} or {@code simplified}
 * @param rollingSilhouette rolling average (EWMA over windows) of the defined silhouettes
 * @param centroids        k arrays of dims numbers, data units; cluster id = index. For a window
 *                         that was not fitted, the key's current model (null without one)
 * @param clusterSizes     points per cluster, all window points
 * @param drift            movement of the centroids since the previous window, or null
 * @param labelChurn       share of the window's points whose cluster under the previous centroids
 *                         differs from their cluster now, in [0, 1]
 * @param fitMs            seeding plus Lloyd time of every fit made for this window, milliseconds
 *                         (metrics are timed apart)
 * @param modelVersion     the version of the model the labels came from: windows fitted so far
 *                         for this key (0 when none)
 * @param error            why the fit failed, one short line without a stack trace, for
 *                         {@link #STATUS_FIT_FAILED}; null otherwise
 */
public record WindowSummary(
        String key,
        long windowStart,
        long windowEnd,
        String status,
        int points,
        int dims,
        int k,
        String backend,
        String seeding,
        Integer iterations,
        Boolean converged,
        Double inertia,
        Double meanSqDistance,
        Double rollingInertia,
        Double silhouette,
        String silhouetteMethod,
        Double rollingSilhouette,
        float[][] centroids,
        int[] clusterSizes,
        Drift drift,
        Double labelChurn,
        Double fitMs,
        long modelVersion,
        String error) {

    /** The window was fitted. */
    public static final String STATUS_OK = "ok";
    /** The window held fewer points than k: not fitted; its points keep the previous model. */
    public static final String STATUS_TOO_FEW_POINTS = "too_few_points";
    /**
     * Not a window: the key was idle for its TTL and its state was dropped, after its pending
     * windows; {@code window_start} is its newest point's event time, {@code window_end} the event
     * time at which it expired, {@code points} 0, {@code centroids} and {@code model_version} the
     * model it had. A later point of the key starts a new model (seeding {@code kmeans++}, model
     * version 1).
     */
    public static final String STATUS_EXPIRED = "expired";
    /**
     * The backend threw, and so did the CPU refit: not fitted; {@code error} says why. The points
     * keep the previous model (the key's state is unchanged but for the window count); before a
     * key's first model they go to the dead-letter topic as {@code fit_failed}.
     */
    public static final String STATUS_FIT_FAILED = "fit_failed";

    /**
     * How far the centroids moved since the previous window (ids matched), data units.
     *
     * @param perCluster Euclidean shift of each centroid, by cluster id
     * @param max        the largest shift
     * @param mean       the mean shift
     */
    public record Drift(double[] perCluster, double max, double mean) {
        /** Checks that every value is finite and not negative. */
        public Drift {
            Objects.requireNonNull(perCluster, "perCluster");
            for (double v : perCluster) {
                requireDistance(v);
            }
            requireDistance(max);
            requireDistance(mean);
        }

        private static void requireDistance(double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("drift must be a finite distance, got " + v);
            }
        }
    }

    /** A summary without an error (every status but {@link #STATUS_FIT_FAILED}). */
    public WindowSummary(String key, long windowStart, long windowEnd, String status, int points, int dims, int k,
            String backend, String seeding, Integer iterations, Boolean converged, Double inertia,
            Double meanSqDistance, Double rollingInertia, Double silhouette, String silhouetteMethod,
            Double rollingSilhouette, float[][] centroids, int[] clusterSizes, Drift drift, Double labelChurn,
            Double fitMs, long modelVersion) {
        this(key, windowStart, windowEnd, status, points, dims, k, backend, seeding, iterations, converged, inertia,
                meanSqDistance, rollingInertia, silhouette, silhouetteMethod, rollingSilhouette, centroids,
                clusterSizes, drift, labelChurn, fitMs, modelVersion, null);
    }

    /**
     * Checks that no number is NaN or infinite, that key and status are there, and that a failed
     * window, and only a failed one, has its error.
     */
    public WindowSummary {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        if (STATUS_FIT_FAILED.equals(status) != (error != null)) {
            throw new IllegalArgumentException("a summary has an error exactly when its status is "
                    + STATUS_FIT_FAILED + ", got status " + status + " and error " + error);
        }
        Json.finite("inertia", inertia);
        Json.finite("mean_sq_distance", meanSqDistance);
        Json.finite("rolling_inertia", rollingInertia);
        Json.finite("silhouette", silhouette);
        Json.finite("rolling_silhouette", rollingSilhouette);
        Json.finite("label_churn", labelChurn);
        Json.finite("fit_ms", fitMs);
    }

    /** Whether the window was fitted ({@code status} is {@code ok}). */
    public boolean fitted() {
        return STATUS_OK.equals(status);
    }

    /** Whether the backend and the CPU refit both failed on this window ({@code status} is {@code fit_failed}). */
    public boolean failed() {
        return STATUS_FIT_FAILED.equals(status);
    }

    /** The JSON object described in the class comment, one line. O(k·d). */
    public String toJson() {
        return new String(toJsonBytes(), StandardCharsets.UTF_8);
    }

    /** {@link #toJson()} as UTF-8 bytes, for a Kafka record value. O(k·d). */
    public byte[] toJsonBytes() {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeNumberField("window_start", windowStart);
            g.writeNumberField("window_end", windowEnd);
            g.writeStringField("status", status);
            g.writeStringField("error", error);
            g.writeNumberField("points", points);
            g.writeNumberField("dims", dims);
            g.writeNumberField("k", k);
            g.writeStringField("backend", backend);
            g.writeStringField("seeding", seeding);
            Json.field(g, "iterations", iterations);
            Json.field(g, "converged", converged);
            Json.field(g, "inertia", inertia);
            Json.field(g, "mean_sq_distance", meanSqDistance);
            Json.field(g, "rolling_inertia", rollingInertia);
            Json.field(g, "silhouette", silhouette);
            g.writeStringField("silhouette_method", silhouetteMethod);
            Json.field(g, "rolling_silhouette", rollingSilhouette);
            g.writeFieldName("centroids");
            if (centroids == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (float[] c : centroids) {
                    Json.array(g, c);
                }
                g.writeEndArray();
            }
            g.writeFieldName("cluster_sizes");
            Json.array(g, clusterSizes);
            g.writeFieldName("drift");
            if (drift == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeFieldName("per_cluster");
                Json.array(g, drift.perCluster());
                g.writeNumberField("max", drift.max());
                g.writeNumberField("mean", drift.mean());
                g.writeEndObject();
            }
            Json.field(g, "label_churn", labelChurn);
            Json.field(g, "fit_ms", fitMs);
            g.writeNumberField("model_version", modelVersion);
            g.writeEndObject();
        });
    }
}
