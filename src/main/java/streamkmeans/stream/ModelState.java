package streamkmeans.stream;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import streamkmeans.engine.Assignment;

/**
 * What the clusterer keeps per model key between windows: the point dimension, the current
 * centroids and the rolling quality numbers. Immutable: every change makes a new state.
 *
 * <p>A key's state exists from its first valid point on, which fixes its dimension; it has no
 * model ({@link #hasModel()} false) until its first window is fitted. Rolling values are absent
 * until the first window gives them one; no field is ever NaN.
 */
public final class ModelState {
    private final int dims;
    private final int k;
    private final float[] centroids;
    private final long modelVersion;
    private final double rollingInertiaPerPoint;
    private final boolean hasRollingInertia;
    private final double rollingSilhouette;
    private final boolean hasRollingSilhouette;
    private final long windowsSeen;

    private ModelState(int dims, int k, float[] centroids, long modelVersion, OptionalDouble rollingInertiaPerPoint,
            OptionalDouble rollingSilhouette, long windowsSeen) {
        if (dims < 1 || k < 1) {
            throw new IllegalArgumentException("dims and k must be at least 1, got " + dims + " and " + k);
        }
        if (centroids != null && centroids.length != k * dims) {
            throw new IllegalArgumentException("expected " + k + "·" + dims + " centroid values, got "
                    + centroids.length);
        }
        if (modelVersion < 0 || windowsSeen < 0) {
            throw new IllegalArgumentException("model version and windows seen must be >= 0");
        }
        if ((centroids == null) != (modelVersion == 0)) {
            throw new IllegalArgumentException("a state has centroids exactly when its model version is positive");
        }
        this.dims = dims;
        this.k = k;
        this.centroids = centroids == null ? null : centroids.clone();
        this.modelVersion = modelVersion;
        this.hasRollingInertia = finite("rolling inertia", rollingInertiaPerPoint);
        this.rollingInertiaPerPoint = rollingInertiaPerPoint.orElse(0);
        this.hasRollingSilhouette = finite("rolling silhouette", rollingSilhouette);
        this.rollingSilhouette = rollingSilhouette.orElse(0);
        this.windowsSeen = windowsSeen;
    }

    /** The state of a key that has seen points of dimension {@code dims} but no fitted window yet. */
    public static ModelState initial(int dims, int k) {
        return new ModelState(dims, k, null, 0, OptionalDouble.empty(), OptionalDouble.empty(), 0);
    }

    /**
     * A state with every field given (for restoring and tests).
     *
     * @param centroids k·dims floats in data units, row-major (copied), or null without a model
     * @throws IllegalArgumentException when the fields do not fit together or a value is not finite
     */
    public static ModelState of(int dims, int k, float[] centroids, long modelVersion,
            OptionalDouble rollingInertiaPerPoint, OptionalDouble rollingSilhouette, long windowsSeen) {
        return new ModelState(dims, k, centroids, modelVersion, rollingInertiaPerPoint, rollingSilhouette,
                windowsSeen);
    }

    /** Features per point of this key. */
    public int dims() {
        return dims;
    }

    /** Number of clusters of the model. */
    public int k() {
        return k;
    }

    /** Whether a window has been fitted, so that {@link #centroids()} exist. */
    public boolean hasModel() {
        return centroids != null;
    }

    /**
     * The centroids, k·dims floats in data units, row-major (a copy).
     *
     * @throws IllegalStateException before the first fitted window
     */
    public float[] centroids() {
        requireModel();
        return centroids.clone();
    }

    /** Number of windows fitted so far; the version of the current model (0 without one). */
    public long modelVersion() {
        return modelVersion;
    }

    /** Rolling average (EWMA over windows) of the inertia per point, squared data units; empty before the first fit. */
    public OptionalDouble rollingInertiaPerPoint() {
        return hasRollingInertia ? OptionalDouble.of(rollingInertiaPerPoint) : OptionalDouble.empty();
    }

    /** Rolling average (EWMA over windows) of the defined silhouettes; empty until one was defined. */
    public OptionalDouble rollingSilhouette() {
        return hasRollingSilhouette ? OptionalDouble.of(rollingSilhouette) : OptionalDouble.empty();
    }

    /** Windows closed for this key so far, fitted or not. */
    public long windowsSeen() {
        return windowsSeen;
    }

    /** This state after one more window that was not fitted (too few points). */
    public ModelState withWindowSkipped() {
        return new ModelState(dims, k, centroids, modelVersion, rollingInertiaPerPoint(), rollingSilhouette(),
                windowsSeen + 1);
    }

    /**
     * This state after a fitted window: new centroids (data units, copied), the next model version
     * and the updated rolling values.
     */
    public ModelState withFit(float[] newCentroids, OptionalDouble newRollingInertia,
            OptionalDouble newRollingSilhouette) {
        Objects.requireNonNull(newCentroids, "newCentroids");
        return new ModelState(dims, k, newCentroids, modelVersion + 1, newRollingInertia, newRollingSilhouette,
                windowsSeen + 1);
    }

    /**
     * Index of the centroid nearest to {@code x} (squared Euclidean distance in double, ties to the
     * lowest index). O(k·d).
     *
     * @throws IllegalStateException before the first fitted window
     */
    public int nearest(float[] x) {
        requireModel();
        int best = 0;
        double bestSq = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double sq = squaredDistance(x, j);
            if (sq < bestSq) {
                bestSq = sq;
                best = j;
            }
        }
        return best;
    }

    /**
     * Euclidean distance from {@code x} to centroid {@code j}, data units, computed in double;
     * saturates at {@link Float#MAX_VALUE} ({@link Assignment#saturatedDistance}). O(d).
     */
    public float distance(float[] x, int j) {
        requireModel();
        return Assignment.saturatedDistance(squaredDistance(x, j));
    }

    private void requireModel() {
        if (centroids == null) {
            throw new IllegalStateException("no model has been fitted yet");
        }
    }

    private double squaredDistance(float[] x, int j) {
        if (x.length != dims) {
            throw new IllegalArgumentException("point has " + x.length + " features, the model " + dims);
        }
        double sq = 0;
        for (int t = 0; t < dims; t++) {
            double diff = (double) x[t] - centroids[j * dims + t];
            sq += diff * diff;
        }
        return sq;
    }

    /** Equal when every field is equal (centroids compared bit for bit). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ModelState s)) {
            return false;
        }
        return dims == s.dims && k == s.k && modelVersion == s.modelVersion && windowsSeen == s.windowsSeen
                && rollingInertiaPerPoint().equals(s.rollingInertiaPerPoint())
                && rollingSilhouette().equals(s.rollingSilhouette()) && Arrays.equals(centroids, s.centroids);
    }

    /** Hash of every field. */
    @Override
    public int hashCode() {
        return Objects.hash(dims, k, modelVersion, windowsSeen, rollingInertiaPerPoint(), rollingSilhouette())
                * 31 + Arrays.hashCode(centroids);
    }

    /** For logs: dimension, k, version, windows and rolling values, not the centroids. */
    @Override
    public String toString() {
        return "ModelState{dims=" + dims + ", k=" + k + ", version=" + modelVersion + ", windows=" + windowsSeen
                + ", rollingInertiaPerPoint=" + rollingInertiaPerPoint() + ", rollingSilhouette="
                + rollingSilhouette() + "}";
    }

    private static boolean finite(String what, OptionalDouble v) {
        Objects.requireNonNull(v, what);
        if (v.isPresent() && !Double.isFinite(v.getAsDouble())) {
            throw new IllegalArgumentException(what + " must be finite, got " + v.getAsDouble());
        }
        return v.isPresent();
    }
}
