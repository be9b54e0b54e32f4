package streamkmeans.engine;

/**
 * Random-swap refinement (Fränti 2018) after Lloyd: repeatedly move one random centroid onto a
 * random point, run a couple of Lloyd passes, and keep the swap only if the inertia drops. It finds
 * the clusters plain restarts miss on data sets with many clusters (A-sets, Birch). Bounded by a
 * number of swaps and a wall-clock budget, whichever ends first.
 * Cost: O(swaps · lloydPasses · n·k·d).
 *
 * @param swaps        trial swaps at most; 0 disables refinement
 * @param lloydPasses  Lloyd passes after each trial swap (2 is the usual choice)
 * @param budgetMillis wall-clock budget in milliseconds; 0 means no time limit
 */
public record Refinement(int swaps, int lloydPasses, long budgetMillis) {
    /** No refinement. */
    public static final Refinement NONE = new Refinement(0, 2, 0);

    public Refinement {
        if (swaps < 0) {
            throw new IllegalArgumentException("swaps must be >= 0, got " + swaps);
        }
        if (lloydPasses < 1) {
            throw new IllegalArgumentException("lloydPasses must be at least 1, got " + lloydPasses);
        }
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("budgetMillis must be >= 0, got " + budgetMillis);
        }
    }

    /** Random swap with {@code swaps} trials, two passes each, and a time budget. */
    public static Refinement randomSwap(int swaps, long budgetMillis) {
        return new Refinement(swaps, 2, budgetMillis);
    }

    public boolean enabled() {
        return swaps > 0;
    }
}
