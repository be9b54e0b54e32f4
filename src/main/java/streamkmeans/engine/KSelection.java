package streamkmeans.engine;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the number of clusters from a table of fits over a range of k: one {@link Row} per k
 * with its inertia and silhouette. Three rules ({@link Method}); every rule breaks ties towards the
 * smaller k and, where the table gives it nothing to go on (one row, a flat curve, no defined
 * silhouette), falls back to the smallest k and says so in the reason. Cost O(r) for r rows (after
 * an O(r log r) sort).
 */
public final class KSelection {
    /** How far below the chord (normalised units) a knee must lie; smaller gaps are rounding. */
    private static final double KNEE_MIN_GAP = 1e-9;

    private KSelection() {
    }

    /** A rule for choosing k. */
    public enum Method {
        /**
         * The seed article's elbow: the k reached by the largest drop in inertia. With the rows
         * sorted by k, the drop into row i is {@code (inertia[i−1] − inertia[i]) / (k[i] − k[i−1])}
         * (per unit of k, which is the plain drop on a contiguous range); the chosen k is the
         * {@code k[i]} (i ≥ 1) with the largest drop. When no drop is positive the smallest k is
         * chosen.
         */
        ELBOW_LARGEST_DROP("elbow"),
        /**
         * Kneedle (Satopää et al. 2011) for a decreasing convex curve: k and inertia are normalised
         * to [0, 1] over the table, and the chosen k is the interior point farthest below the
         * straight line joining the first and the last point (vertical distance, in normalised
         * units). With fewer than three rows, or no point more than {@code 1e-9} below that line
         * (a straight or concave curve, up to rounding), the smallest k is chosen.
         */
        KNEE("knee"),
        /**
         * The k with the highest silhouette among rows where it is defined. With no defined
         * silhouette the smallest k is chosen.
         */
        SILHOUETTE("silhouette");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        /** Name used on the command line and in summaries. */
        public String label() {
            return label;
        }

        /** Parses {@code elbow}, {@code knee} or {@code silhouette} (case-insensitive). */
        public static Method parse(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            for (Method m : values()) {
                if (m.label.equals(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "unknown k-selection method '" + s + "' (expected elbow, knee or silhouette)");
        }
    }

    /**
     * One fit of the table.
     *
     * @param k          number of clusters (at least 1)
     * @param inertia    sum of squared distances to the centroids, any consistent units, finite and ≥ 0
     * @param silhouette silhouette coefficient in [-1, 1], or NaN where it is undefined (k = 1)
     */
    public record Row(int k, double inertia, double silhouette) {
        public Row {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
            if (!(inertia >= 0) || Double.isInfinite(inertia)) {
                throw new IllegalArgumentException("inertia must be a finite number >= 0, got " + inertia);
            }
            if (!Double.isNaN(silhouette) && !(silhouette >= -1 && silhouette <= 1)) {
                throw new IllegalArgumentException("silhouette must lie in [-1, 1] or be NaN, got " + silhouette);
            }
        }

        /** A row whose silhouette comes from {@code s}: NaN when {@code s} is undefined. */
        public static Row of(int k, double inertia, SilhouetteResult s) {
            return new Row(k, inertia, s.defined() ? s.value() : Double.NaN);
        }
    }

    /**
     * The chosen k.
     *
     * @param k      the chosen number of clusters
     * @param method the rule that chose it
     * @param reason one sentence saying why, for people
     */
    public record Choice(int k, Method method, String reason) {
    }

    /**
     * Chooses k from {@code rows} (any order, distinct k, at least one) by {@code method}.
     * O(r log r).
     *
     * @throws IllegalArgumentException when the table is empty or repeats a k
     */
    public static Choice choose(List<Row> rows, Method method) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the k table is empty");
        }
        Row[] sorted = rows.toArray(new Row[0]);
        Arrays.sort(sorted, Comparator.comparingInt(Row::k));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].k() == sorted[i - 1].k()) {
                throw new IllegalArgumentException("the k table lists k=" + sorted[i].k() + " twice");
            }
        }
        if (sorted.length == 1) {
            return new Choice(sorted[0].k(), method, "only k=" + sorted[0].k() + " was evaluated");
        }
        return switch (method) {
            case ELBOW_LARGEST_DROP -> largestDrop(sorted);
            case KNEE -> knee(sorted);
            case SILHOUETTE -> bestSilhouette(sorted);
        };
    }

    private static Choice largestDrop(Row[] rows) {
        int best = -1;
        double bestDrop = 0;
        for (int i = 1; i < rows.length; i++) {
            double drop = (rows[i - 1].inertia() - rows[i].inertia()) / (rows[i].k() - rows[i - 1].k());
            if (drop > bestDrop) {
                bestDrop = drop;
                best = i;
            }
        }
        if (best < 0) {
            return fallback(rows, Method.ELBOW_LARGEST_DROP, "inertia never drops over " + range(rows));
        }
        return new Choice(rows[best].k(), Method.ELBOW_LARGEST_DROP, String.format(Locale.ROOT,
                "the largest drop in inertia over %s, %.4g per added cluster, is from k=%d to k=%d",
                range(rows), bestDrop, rows[best - 1].k(), rows[best].k()));
    }

    private static Choice knee(Row[] rows) {
        int last = rows.length - 1;
        if (rows.length < 3) {
            return fallback(rows, Method.KNEE, "a knee needs at least three k values");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Row r : rows) {
            min = Math.min(min, r.inertia());
            max = Math.max(max, r.inertia());
        }
        if (max == min) {
            return fallback(rows, Method.KNEE, "inertia is flat over " + range(rows));
        }
        double k0 = rows[0].k();
        double kSpan = rows[last].k() - k0;
        double y0 = (rows[0].inertia() - min) / (max - min);
        double y1 = (rows[last].inertia() - min) / (max - min);
        int best = -1;
        double bestGap = KNEE_MIN_GAP;
        for (int i = 1; i < last; i++) {
            double x = (rows[i].k() - k0) / kSpan;
            double y = (rows[i].inertia() - min) / (max - min);
            double gap = y0 + (y1 - y0) * x - y;
            if (gap > bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        if (best < 0) {
            return fallback(rows, Method.KNEE, "the inertia curve has no knee (no point below its chord) over "
                    + range(rows));
        }
        return new Choice(rows[best].k(), Method.KNEE, String.format(Locale.ROOT,
                "k=%d is the knee of the normalised inertia curve over %s, %.3f below the chord",
                rows[best].k(), range(rows), bestGap));
    }

    private static Choice bestSilhouette(Row[] rows) {
        int best = -1;
        for (int i = 0; i < rows.length; i++) {
            double s = rows[i].silhouette();
            if (!Double.isNaN(s) && (best < 0 || s > rows[best].silhouette())) {
                best = i;
            }
        }
        if (best < 0) {
            return fallback(rows, Method.SILHOUETTE, "no silhouette is defined over " + range(rows));
        }
        return new Choice(rows[best].k(), Method.SILHOUETTE, String.format(Locale.ROOT,
                "silhouette %.3f is the highest over %s", rows[best].silhouette(), range(rows)));
    }

    private static Choice fallback(Row[] rows, Method method, String why) {
        return new Choice(rows[0].k(), method, why + ", so the smallest k=" + rows[0].k() + " is kept");
    }

    private static String range(Row[] rows) {
        return "k=" + rows[0].k() + ".." + rows[rows.length - 1].k();
    }
}
