package streamkmeans.engine;

import java.util.SplittableRandom;

/**
 * Where the Lloyd iterations of a fit run: the CPU backend (multi-threaded Java, always there) or
 * an accelerator. Every implementation passes the same conformance tests: from the same initial
 * centroids it returns the same labels (ties aside), inertia within 1e-5 relative and the same
 * iteration count.
 *
 * <p>Semantics, shared by all backends:
 * <ul>
 *   <li>One iteration assigns every point to its nearest centroid (squared Euclidean distance,
 *       ties to the lowest index) and moves each centroid to the mean of its points.</li>
 *   <li>A cluster left empty is repaired: it takes the point that is farthest from its own
 *       centroid among those not yet taken, as scikit-learn does; it is never left stale or NaN.</li>
 *   <li>The run stops when no label changed, when the squared centroid shift summed over all
 *       centroids is at most {@link LloydSettings#shiftTolerance()}, or after
 *       {@link LloydSettings#maxIterations()} passes. If it did not stop on unchanged labels, one
 *       last assignment makes the labels match the returned centroids.</li>
 *   <li>Sums over points are accumulated in double in an order that does not depend on the
 *       number of threads.</li>
 * </ul>
 * Cost: O(n·k·d) per iteration.
 */
public interface LloydBackend extends AutoCloseable {

    /** Short name reported in summaries: {@code "cpu"} or {@code "gpu"}. */
    String name();

    /**
     * Runs Lloyd from {@code initialCentroids} (k·d floats, packed units; not modified).
     */
    LloydResult run(PackedPoints points, float[] initialCentroids, int k, LloydSettings settings);

    /**
     * Labels each point with its nearest centroid (ties to the lowest index) and returns the
     * inertia in packed squared units. {@code labels} has length n; k may exceed n.
     */
    double assign(PackedPoints points, float[] centroids, int k, int[] labels);

    /**
     * Initial centroids (k·d floats, packed units) exactly as {@link Seeding#seed} chooses them;
     * an accelerator computes the D² weights on its device. The default seeds on the CPU with
     * {@code workers}. O(n·k·d·candidates).
     *
     * @throws IllegalArgumentException when {@code k} is not in [1, n]
     */
    default float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng,
            Workers workers) {
        return Seeding.seed(points, k, init, candidates, rng, workers);
    }

    /**
     * The exact silhouette of all points under {@code labels} ({@link Silhouette#exact}); an
     * accelerator tiles the n² pairs on its device. The default runs on the CPU with
     * {@code workers}. O(n²·d) time, O(n + k) memory.
     */
    default SilhouetteResult exactSilhouette(PackedPoints points, int[] labels, int k, Workers workers) {
        return Silhouette.exact(points, labels, k, workers);
    }

    /**
     * Windows that this backend fitted on the CPU because its accelerator failed (or was pausing
     * after a failure), since it was opened; 0 for a backend without a fallback. A metric: read from
     * reporter threads, it may lag the fitting thread by a window.
     */
    default long fallbacks() {
        return 0;
    }

    @Override
    default void close() {
    }
}
