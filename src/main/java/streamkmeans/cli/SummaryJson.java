package streamkmeans.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.KSelection;

/**
 * The summary of a fit as a JSON object, with the field names of the window summary in DESIGN.md
 * (snake_case), without the window fields ({@code key}, {@code window_start}, {@code window_end},
 * rolling values, drift, label churn, model version) that an offline fit does not have.
 *
 * <p>Numbers: inertia and the quality indices are doubles; centroids are written as float32
 * values with {@link Float#toString(float)}, so no spurious digits appear. No NaN or infinity is
 * ever written: an undefined number is {@code null}, and the object then carries an
 * {@code "undefined"} object that maps the field name to the reason.
 */
public final class SummaryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Indented, with {@code "name": value} spacing and each centroid on one line. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter().withSeparators(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode root = NODES.objectNode();
    private final Map<String, String> undefined = new LinkedHashMap<>();

    private SummaryJson() {
    }

    /**
     * Quality of a fit, computed after it and timed apart.
     *
     * @param silhouette        mean silhouette in [-1, 1], or null when not computed or undefined
     * @param silhouetteMethod  {@code exact}, {@code sampled:N}, {@code simplified} or {@code none}
     * @param daviesBouldin     Davies–Bouldin index (lower is better), or null when undefined
     * @param calinskiHarabasz  Calinski–Harabasz index (higher is better), or null when undefined
     * @param undefinedReasons  for each null metric that was asked for, why it is undefined
     * @param millis            wall time of the metrics, milliseconds
     */
    public record Quality(
            Double silhouette,
            String silhouetteMethod,
            Double daviesBouldin,
            Double calinskiHarabasz,
            Map<String, String> undefinedReasons,
            double millis) {
        public Quality {
            undefinedReasons = Collections.unmodifiableMap(new LinkedHashMap<>(undefinedReasons));
        }
    }

    /**
     * The summary of an offline fit: status, points, dims, k, backend, seeding, iterations,
     * converged, inertia, mean_sq_distance, silhouette, silhouette_method, davies_bouldin,
     * calinski_harabasz, centroids, cluster_sizes, fit_ms, metrics_ms, n_init and seed, in that
     * order. Further fields go after them with {@link #put}. O(k·d).
     *
     * @param result    the fit
     * @param centroids the k·d centroids to report, row-major: the fit's own, or mapped back to
     *                  original units when the fit ran on standardized data
     * @param quality   the quality metrics of the fit
     * @param seed      the seed the fit ran with
     */
    public static SummaryJson ofFit(KMeansResult result, float[] centroids, Quality quality, long seed) {
        SummaryJson s = new SummaryJson();
        ObjectNode o = s.root;
        int n = result.labels().length;
        o.put("status", "ok");
        o.put("points", n);
        o.put("dims", result.dimension());
        o.put("k", result.k());
        o.put("backend", result.backend());
        o.put("seeding", result.seeding());
        o.put("iterations", result.iterations());
        o.put("converged", result.converged());
        s.number("inertia", result.inertia());
        s.number("mean_sq_distance", result.inertia() / n);
        s.number("silhouette", quality.silhouette());
        o.put("silhouette_method", quality.silhouetteMethod());
        s.number("davies_bouldin", quality.daviesBouldin());
        s.number("calinski_harabasz", quality.calinskiHarabasz());
        o.set("centroids", centroids(centroids, result.k(), result.dimension()));
        ArrayNode sizes = o.putArray("cluster_sizes");
        for (int size : result.clusterSizes()) {
            sizes.add(size);
        }
        s.number("fit_ms", millis(result.fitMillis()));
        s.number("metrics_ms", millis(quality.millis()));
        o.put("n_init", result.runs());
        o.put("seed", seed);
        quality.undefinedReasons().forEach(s.undefined::putIfAbsent);
        return s;
    }

    /**
     * The {@code k_selection} object of {@code --k auto}: method, chosen k, the reason, and the
     * table of k, inertia and silhouette (null where undefined) it was chosen from. O(rows).
     */
    public static ObjectNode kSelection(KSelection.Choice choice, List<KSelection.Row> rows) {
        ObjectNode o = NODES.objectNode();
        o.put("method", choice.method().label());
        o.put("chosen", choice.k());
        o.put("reason", choice.reason());
        ArrayNode table = o.putArray("table");
        for (KSelection.Row row : rows) {
            ObjectNode r = table.addObject();
            r.put("k", row.k());
            r.put("inertia", row.inertia());
            if (Double.isFinite(row.silhouette())) {
                r.put("silhouette", row.silhouette());
            } else {
                r.putNull("silhouette");
            }
        }
        return o;
    }

    /** k rows of d float32 numbers from a row-major array. O(k·d). */
    public static ArrayNode centroids(float[] centroids, int k, int d) {
        ArrayNode rows = NODES.arrayNode(k);
        for (int j = 0; j < k; j++) {
            ArrayNode row = rows.addArray();
            for (int t = 0; t < d; t++) {
                row.add(centroids[j * d + t]);
            }
        }
        return rows;
    }

    /** Milliseconds rounded to microseconds: timings carry no more precision than that. */
    private static double millis(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    /** Adds a number, or null with a reason when it is missing or not finite. */
    private void number(String field, Double value) {
        if (value == null) {
            root.putNull(field);
        } else if (!Double.isFinite(value)) {
            root.putNull(field);
            undefined.put(field, "not a finite number (" + value + ")");
        } else {
            root.put(field, value.doubleValue());
        }
    }

    /** Adds (or replaces) a field after the standard ones. */
    public SummaryJson put(String field, JsonNode value) {
        root.set(field, value);
        return this;
    }

    /** The JSON object; the {@code "undefined"} reasons, if any, come last. */
    public ObjectNode toJson() {
        ObjectNode out = root.deepCopy();
        if (!undefined.isEmpty()) {
            ObjectNode reasons = out.putObject("undefined");
            undefined.forEach(reasons::put);
        }
        return out;
    }

    /** The object as one line of JSON, or indented when {@code pretty}. */
    public String write(boolean pretty) {
        try {
            return pretty
                    ? MAPPER.writer(PRETTY).writeValueAsString(toJson())
                    : MAPPER.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serialises; anything else is a bug.
            throw new IllegalStateException("cannot write summary JSON", e);
        }
    }
}
