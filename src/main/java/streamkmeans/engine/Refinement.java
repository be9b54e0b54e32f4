package streamkmeans.engine;

import java.util.Locale;

/**
 * Local search after Lloyd for data sets where plain restarts leave clusters unfound (two
 * centroids sharing one true cluster while another centroid straddles two). Two methods:
 * <ul>
 *   <li>{@link Method#RANDOM_SWAP} (Fränti 2018): move a random centroid onto a random point, run
 *       two Lloyd passes, keep the move only if the inertia drops; {@code trials} moves in all.
 *       Cost O(trials · 3 · n·k·d).</li>
 *   <li>{@link Method#SPLIT_MERGE} (after Ismkhan's I-k-means−+, 2018): a guided swap. Remove the
 *       centroid that is cheapest to merge into its nearest neighbour (Ward cost), re-seed it by
 *       D² sampling inside the cluster with the largest squared error, run Lloyd to convergence,
 *       keep the move only if the inertia drops. It stops after {@code trials} rejected moves in
 *       a row. Cost O(moves · iterations · n·k·d); on the benchmark sets it needs a few dozen
 *       moves where random swap needs thousands.</li>
 * </ul>
 * Both are deterministic for a seed unless the wall-clock budget cuts them short.
 *
 * @param method       the local search, or {@link Method#NONE}
 * @param trials       random swap: moves tried; split-merge: rejected moves in a row before it stops
 * @param budgetMillis wall-clock budget in milliseconds; 0 means none (results then depend only on
 *                     the seed)
 */
public record Refinement(Method method, int trials, long budgetMillis) {
    /** No refinement. */
    public static final Refinement NONE = new Refinement(Method.NONE, 0, 0);

    /** The local search methods. */
    public enum Method {
        NONE("none"),
        RANDOM_SWAP("swap"),
        SPLIT_MERGE("split-merge");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        /** Name used on the command line and in summaries. */
        public String label() {
            return label;
        }

        /** Parses {@code none}, {@code swap} / {@code random-swap} or {@code split-merge}. */
        public static Method parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "swap", "random-swap" -> RANDOM_SWAP;
                case "split-merge", "splitmerge" -> SPLIT_MERGE;
                default -> throw new IllegalArgumentException(
                        "unknown refinement '" + s + "' (expected none, swap or split-merge)");
            };
        }
    }

    public Refinement {
        if (method == null) {
            throw new IllegalArgumentException("method must be given");
        }
        if (trials < 0) {
            throw new IllegalArgumentException("trials must be >= 0, got " + trials);
        }
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("budgetMillis must be >= 0, got " + budgetMillis);
        }
    }

    /** Random swap with {@code swaps} trial moves and an optional time budget (0: none). */
    public static Refinement randomSwap(int swaps, long budgetMillis) {
        return new Refinement(Method.RANDOM_SWAP, swaps, budgetMillis);
    }

    /** Split-merge moves until {@code patience} in a row are rejected, within an optional budget. */
    public static Refinement splitMerge(int patience, long budgetMillis) {
        return new Refinement(Method.SPLIT_MERGE, patience, budgetMillis);
    }

    /** Whether any local search runs. */
    public boolean enabled() {
        return method != Method.NONE && trials > 0;
    }
}
