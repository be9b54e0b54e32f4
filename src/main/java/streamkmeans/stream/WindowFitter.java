package streamkmeans.stream;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import streamkmeans.engine.Assignment;
import streamkmeans.engine.CentroidMatching;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Sampling;
import streamkmeans.engine.Silhouette;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Workers;

/**
 * Fits one key's window of points and measures the model: the heart of the streaming clusterer,
 * free of Flink so that it can be tested on its own.
 *
 * <p>Per window:
 * <ol>
 *   <li>Fewer points than k: not fitted ({@code too_few_points}); the points get the previous
 *       model's labels, or none before the first model; the state only counts the window. A window
 *       whose fit failed ({@link #failed}) is treated the same way, with status
 *       {@code fit_failed}.</li>
 *   <li>A key's first model: a fresh fit (greedy K-Means++, {@code nInit} runs, optional
 *       refinement), seeding {@code kmeans++}.</li>
 *   <li>Later windows: one Lloyd run warm-started from the previous centroids, seeding
 *       {@code warm}; cluster ids carry over. The warm fit is suspect when its inertia per point
 *       exceeds {@code reseedFactor} times the rolling inertia per point, or when a cluster is
 *       empty under the previous centroids (Lloyd then has to repair it) or after the fit. A
 *       suspect window also gets a fresh fit; if that one has the lower inertia it is kept, its
 *       centroids matched one-to-one to the previous ones ({@link CentroidMatching}) so that ids
 *       stay stable, seeding {@code reseed}.</li>
 *   <li>More than {@code maxFitPoints} points: the fit runs on a uniform sample of that many
 *       (drawn from the window's seed, kept in input order); every point is then labelled with
 *       the fitted centroids.</li>
 * </ol>
 * Metrics, computed after the fit and not counted in {@code fit_ms}: inertia over all points; the
 * silhouette of the fitted points ({@link Silhouette#auto}); rolling averages (EWMA with
 * {@link ClustererSettings#rollingAlpha()}) of the inertia per point and of the defined
 * silhouettes; the drift of each centroid since the previous window; label churn. Cost per
 * window: O(fits · iterations · m·k·d) for m fitted points, plus O(n·k·d) labelling and the
 * silhouette's cost.
 *
 * <p>Every random choice derives from the settings' seed and the window's index, so replaying a
 * key's windows gives the same models. Instances are not thread-safe (one per task, like
 * {@link KMeans}).
 */
public final class WindowFitter {
    /** Seeding of a key's first model. */
    public static final String SEEDING_FIRST = "kmeans++";
    /** Seeding of a warm start from the previous centroids. */
    public static final String SEEDING_WARM = "warm";
    /** Seeding of a fresh fit that replaced a poor warm one. */
    public static final String SEEDING_RESEED = "reseed";

    private final ClustererSettings settings;
    private final KMeans kmeans;
    private final Workers workers;

    /** A fitter with these settings, fitting with {@code kmeans} and computing metrics on {@code workers}. */
    public WindowFitter(ClustererSettings settings, KMeans kmeans, Workers workers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kmeans = Objects.requireNonNull(kmeans, "kmeans");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    /**
     * Fits one window of key {@code key}.
     *
     * @param previousOrNull the key's state before this window, or null for a new key; a state
     *                       with another k than the settings' (after a restart with a new k)
     *                       starts the key's model afresh
     * @param points         the window's points, row-major float32, in arrival order
     * @param windowStart    window start, epoch ms (reported only)
     * @param windowEnd      window end, epoch ms (reported only)
     * @throws IllegalArgumentException when the points' dimension differs from the state's
     */
    public WindowOutcome fit(String key, ModelState previousOrNull, PointBlock points, long windowStart,
            long windowEnd) {
        int n = points.size();
        int d = points.dimension();
        int k = settings.k();
        ModelState before = before(key, previousOrNull, d);
        if (n < k) {
            return notFitted(key, before, points, windowStart, windowEnd, WindowSummary.STATUS_TOO_FEW_POINTS,
                    kmeans.backend().name(), null);
        }
        long seed = windowSeed(settings.seed(), before.windowsSeen());
        KMeansConfig config = settings.kmeansConfig(seed);
        PointBlock fitPoints = n > settings.maxFitPoints()
                ? points.select(Sampling.uniformIndices(n, settings.maxFitPoints(), seed)) : points;

        float[] previous = before.hasModel() ? before.centroids() : null;
        // Packed once for the old model's labels and the warm fit when both see the same points.
        PackedPoints packed = previous == null ? null : PackedPoints.pack(points);
        // Labels under the previous model: label churn, and an empty cluster here forces a repair.
        Assignment old = previous == null ? null : kmeans.predict(points, packed, previous, k);
        KMeansResult result;
        String seeding;
        double fitMillis;
        int[] ids = null;
        if (previous == null) {
            result = kmeans.fit(fitPoints, config);
            seeding = SEEDING_FIRST;
            fitMillis = result.fitMillis();
        } else {
            result = fitPoints == points ? kmeans.fitFrom(points, packed, previous, config)
                    : kmeans.fitFrom(fitPoints, previous, config);
            seeding = SEEDING_WARM;
            fitMillis = result.fitMillis();
            if (suspect(result, old, before, fitPoints.size())) {
                KMeansResult fresh = kmeans.fit(fitPoints, config);
                fitMillis += fresh.fitMillis();
                if (fresh.inertia() < result.inertia()) {
                    ids = CentroidMatching.stableIds(previous, k, fresh.centroids(), k, d);
                    result = fresh;
                    seeding = SEEDING_RESEED;
                }
            }
        }

        float[] centroids = ids == null ? result.centroids() : moveRows(result.centroids(), ids, d);
        int[] labels;
        float[] distances;
        int[] sizes;
        double inertia;
        if (fitPoints != points) {
            Assignment all = packed != null ? kmeans.predict(points, packed, centroids, k)
                    : kmeans.predict(points, centroids, k);
            labels = all.labels();
            distances = all.distances();
            sizes = all.clusterSizes();
            inertia = all.inertia();
        } else {
            labels = ids == null ? result.labels() : relabel(result.labels(), ids);
            distances = result.distances();
            sizes = ids == null ? result.clusterSizes() : moveRows(result.clusterSizes(), ids);
            inertia = result.inertia();
        }

        // Labels are permuted by a reseed, but the silhouette does not depend on the ids.
        SilhouetteResult silhouette = Silhouette.auto(result.packed(), result.labels(), k, result.packedCentroids(),
                settings.silhouetteExactLimit(), settings.silhouetteSample(), seed, workers, kmeans.backend());
        double perPoint = inertia / n;
        OptionalDouble rollingInertia = rolling(before.rollingInertiaPerPoint(), perPoint);
        OptionalDouble rollingSilhouette = silhouette.defined()
                ? rolling(before.rollingSilhouette(), silhouette.value()) : before.rollingSilhouette();
        ModelState after = before.withFit(centroids, rollingInertia, rollingSilhouette);

        WindowSummary summary = new WindowSummary(key, windowStart, windowEnd, WindowSummary.STATUS_OK, n, d, k,
                result.backend(), seeding, result.iterations(), result.converged(), inertia, perPoint,
                rollingInertia.getAsDouble(), silhouette.defined() ? silhouette.value() : null,
                silhouette.method(), boxed(rollingSilhouette), rows(centroids, k, d), sizes,
                previous == null ? null : drift(previous, centroids, k, d),
                old == null ? null : churn(old.labels(), labels), Math.round(fitMillis * 1000) / 1000.0,
                after.modelVersion());
        return new WindowOutcome(after, summary, labels, distances);
    }

    /**
     * The outcome of a window whose fit failed ({@link WindowSummary#STATUS_FIT_FAILED}): nothing
     * is fitted and no backend is used. The points are labelled with the key's previous centroids
     * (one by one in double, O(n·k·d)), or get cluster −1 before the key's first model; the state
     * only counts the window (model version, centroids and rolling values unchanged).
     *
     * @param previousOrNull the key's state before this window, or null for a new key
     * @param backend        the backend that failed last, reported in the summary
     * @param error          why the fit failed, one short line
     * @throws IllegalArgumentException when the points' dimension differs from the state's
     */
    public WindowOutcome failed(String key, ModelState previousOrNull, PointBlock points, long windowStart,
            long windowEnd, String backend, String error) {
        return notFitted(key, before(key, previousOrNull, points.dimension()), points, windowStart, windowEnd,
                WindowSummary.STATUS_FIT_FAILED, backend, Objects.requireNonNull(error, "error"));
    }

    /** The state a window starts from: a new key's, or a state of another k (a restart with a new k), start afresh. */
    private ModelState before(String key, ModelState previousOrNull, int d) {
        if (previousOrNull != null && previousOrNull.dims() != d) {
            throw new IllegalArgumentException("points have " + d + " features, the model of key '" + key + "' has "
                    + previousOrNull.dims());
        }
        return previousOrNull == null || previousOrNull.k() != settings.k()
                ? ModelState.initial(d, settings.k()) : previousOrNull;
    }

    /** A window that is not fitted: labels from the previous model, if any, and a summary with {@code status}. */
    private WindowOutcome notFitted(String key, ModelState before, PointBlock points, long windowStart,
            long windowEnd, String status, String backend, String error) {
        int n = points.size();
        int k = settings.k();
        int[] clusters = new int[n];
        float[] distances = null;
        int[] sizes = null;
        if (before.hasModel()) {
            // One by one: too few points for a backend (it needs at least k), or no backend to trust.
            distances = new float[n];
            sizes = new int[k];
            for (int i = 0; i < n; i++) {
                float[] x = points.point(i);
                clusters[i] = before.nearest(x);
                distances[i] = before.distance(x, clusters[i]);
                sizes[clusters[i]]++;
            }
        } else {
            Arrays.fill(clusters, -1);
        }
        ModelState after = before.withWindowSkipped();
        WindowSummary summary = new WindowSummary(key, windowStart, windowEnd, status, n, points.dimension(), k,
                backend, null, null, null, null, null, boxed(after.rollingInertiaPerPoint()), null, null,
                boxed(after.rollingSilhouette()), after.hasModel() ? rows(after.centroids(), k, points.dimension())
                : null, sizes, null, null, null, after.modelVersion(), error);
        return new WindowOutcome(after, summary, clusters, distances);
    }

    /**
     * The {@link WindowSummary#STATUS_EXPIRED} record of a key whose state is dropped: its last
     * model and rolling values, no fit. O(k·d).
     *
     * @param lastEventTime the key's newest point's event time, epoch ms
     * @param expiredAt     the event time at which it expired, epoch ms
     */
    public WindowSummary expired(String key, ModelState state, long lastEventTime, long expiredAt) {
        int k = state.k();
        int d = state.dims();
        return new WindowSummary(key, lastEventTime, expiredAt, WindowSummary.STATUS_EXPIRED, 0, d, k,
                kmeans.backend().name(), null, null, null, null, null, boxed(state.rollingInertiaPerPoint()), null,
                null, boxed(state.rollingSilhouette()), state.hasModel() ? rows(state.centroids(), k, d) : null,
                null, null, null, null, state.modelVersion());
    }

    /** Whether a warm fit calls for a fresh one (see the class comment). */
    private boolean suspect(KMeansResult warm, Assignment old, ModelState before, int fitted) {
        if (hasEmpty(old.clusterSizes()) || hasEmpty(warm.clusterSizes())) {
            return true;
        }
        OptionalDouble rolling = before.rollingInertiaPerPoint();
        return rolling.isPresent() && warm.inertia() / fitted > settings.reseedFactor() * rolling.getAsDouble();
    }

    private OptionalDouble rolling(OptionalDouble previous, double value) {
        if (previous.isEmpty()) {
            return OptionalDouble.of(value);
        }
        double alpha = settings.rollingAlpha();
        return OptionalDouble.of(alpha * value + (1 - alpha) * previous.getAsDouble());
    }

    /** Euclidean shift of each centroid from {@code previous} to {@code current} (same ids), in double. O(k·d). */
    static WindowSummary.Drift drift(float[] previous, float[] current, int k, int d) {
        double[] shift = new double[k];
        double max = 0;
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double sq = 0;
            for (int t = 0; t < d; t++) {
                double diff = (double) current[j * d + t] - previous[j * d + t];
                sq += diff * diff;
            }
            shift[j] = Math.sqrt(sq);
            max = Math.max(max, shift[j]);
            sum += shift[j];
        }
        return new WindowSummary.Drift(shift, max, sum / k);
    }

    /** Share of points whose label differs between the two labellings. O(n). */
    static double churn(int[] before, int[] after) {
        int changed = 0;
        for (int i = 0; i < before.length; i++) {
            changed += before[i] != after[i] ? 1 : 0;
        }
        return (double) changed / before.length;
    }

    /** The seed of the window with index {@code window}: distinct windows get unrelated seeds. */
    static long windowSeed(long seed, long window) {
        return new SplittableRandom(seed ^ (window * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** Row j of {@code values} ({@code width} entries) moved to row {@code ids[j]}. */
    private static float[] moveRows(float[] values, int[] ids, int width) {
        float[] out = new float[values.length];
        for (int j = 0; j < ids.length; j++) {
            System.arraycopy(values, j * width, out, ids[j] * width, width);
        }
        return out;
    }

    private static int[] moveRows(int[] values, int[] ids) {
        int[] out = new int[values.length];
        for (int j = 0; j < ids.length; j++) {
            out[ids[j]] = values[j];
        }
        return out;
    }

    private static int[] relabel(int[] labels, int[] ids) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids[labels[i]];
        }
        return out;
    }

    private static boolean hasEmpty(int[] sizes) {
        for (int s : sizes) {
            if (s == 0) {
                return true;
            }
        }
        return false;
    }

    private static float[][] rows(float[] flat, int k, int d) {
        float[][] out = new float[k][];
        for (int j = 0; j < k; j++) {
            out[j] = Arrays.copyOfRange(flat, j * d, (j + 1) * d);
        }
        return out;
    }

    private static Double boxed(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }
}
