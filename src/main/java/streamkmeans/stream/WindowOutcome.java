package streamkmeans.stream;

import java.util.Objects;

/**
 * What fitting one window gives: the key's next state, the window's summary and a label for every
 * point of the window, in input order.
 *
 * @param state     the key's state after this window
 * @param summary   the window summary
 * @param clusters  cluster id of each point; all −1 when the key has no model yet (a first window
 *                  with too few points)
 * @param distances Euclidean distance of each point to its centroid, data units; null exactly when
 *                  the points have no cluster
 */
public record WindowOutcome(ModelState state, WindowSummary summary, int[] clusters, float[] distances) {

    /** Checks that the labels cover the window's points. */
    public WindowOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(clusters, "clusters");
        if (clusters.length != summary.points() || (distances != null && distances.length != clusters.length)) {
            throw new IllegalArgumentException("expected a label for each of the " + summary.points() + " points");
        }
    }

    /** Whether the points got clusters (false only before a key's first model). */
    public boolean labelled() {
        return distances != null;
    }

    /** Whether a fresh fit replaced the warm one in this window. */
    public boolean reseeded() {
        return WindowFitter.SEEDING_RESEED.equals(summary.seeding());
    }
}
