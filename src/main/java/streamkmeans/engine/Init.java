package streamkmeans.engine;

import java.util.Locale;

/** How initial centroids are chosen. */
public enum Init {
    /** k distinct points drawn uniformly. O(n + k·d). */
    RANDOM("random"),
    /** K-Means++ (Arthur and Vassilvitskii 2007): each next centroid drawn with probability D². O(n·k·d). */
    KMEANS_PLUS_PLUS("kmeans++"),
    /**
     * Greedy K-Means++: at each step draw several D² candidates and keep the one that lowers the
     * potential most; {@code 2 + ln k} candidates by default, as scikit-learn does. O(n·k·d·(2 + ln k)).
     */
    GREEDY_KMEANS_PLUS_PLUS("greedy-kmeans++");

    private final String label;

    Init(String label) {
        this.label = label;
    }

    /** Name used on the command line and in summaries. */
    public String label() {
        return label;
    }

    /** Parses {@code random}, {@code kmeans++}/{@code k-means++}, {@code greedy-kmeans++}/{@code greedy}. */
    public static Init parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace("k-means", "kmeans");
        return switch (v) {
            case "random" -> RANDOM;
            case "kmeans++", "plusplus" -> KMEANS_PLUS_PLUS;
            case "greedy-kmeans++", "greedy", "greedy_kmeans++" -> GREEDY_KMEANS_PLUS_PLUS;
            default -> throw new IllegalArgumentException(
                    "unknown init '" + s + "' (expected random, kmeans++ or greedy-kmeans++)");
        };
    }
}
