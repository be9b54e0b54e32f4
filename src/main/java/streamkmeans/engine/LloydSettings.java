package streamkmeans.engine;

/**
 * Stopping rule of one Lloyd run.
 *
 * @param maxIterations  upper bound on assignment/update passes (at least 1)
 * @param shiftTolerance the run has converged when the sum over centroids of the squared centroid
 *                       shift in one pass is at most this, in packed squared units (see
 *                       {@link PackedPoints}); a pass that changes no label also converges
 */
public record LloydSettings(int maxIterations, double shiftTolerance) {
    public LloydSettings {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
        }
        if (!(shiftTolerance >= 0)) {
            throw new IllegalArgumentException("shiftTolerance must be >= 0, got " + shiftTolerance);
        }
    }

    /**
     * The rule scikit-learn uses: {@code tol} relative to the mean feature variance of the data,
     * so the same {@code tol} means the same thing whatever the data's units.
     */
    public static LloydSettings relative(PackedPoints points, int maxIterations, double tol) {
        return new LloydSettings(maxIterations, tol * points.meanVariance());
    }
}
