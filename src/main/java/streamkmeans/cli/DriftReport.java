package streamkmeans.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The drift report: one self-contained HTML page drawn from window summaries (the JSON objects of
 * the summaries topic). Per model key a section with five charts over window end time (UTC):
 * inertia per point with its rolling value and the reseeds, silhouette with its rolling value,
 * drift of each centroid since the previous window, cluster sizes (stacked), and the centroid
 * trajectories in the plane of the data (d = 2), of the first two principal components of all the
 * key's centroids (d &gt; 2), or over time (d = 1).
 *
 * <p>The page needs no network: Chart.js is inlined from its WebJar on the class path, and a
 * content security policy forbids every fetch. Keys are user data: they reach the page only
 * HTML-escaped, and the chart data is JSON with {@code <}, {@code >} and {@code &} written as
 * {@code \\u} escapes inside a non-executed script element, read with {@code JSON.parse}.
 *
 * <p>For tests and people alike the page reports how it went: script errors (and blocked fetches)
 * are listed in the element {@code #report-errors}, and once every chart is drawn the body gets
 * {@code data-charts} (canvases on the page) and {@code data-rendered} (canvases with at least one
 * painted pixel).
 */
public final class DriftReport {
    /** Keys drawn when the caller does not say: each key adds five charts to the page. */
    public static final int DEFAULT_MAX_KEYS = 20;
    /** The most recent windows drawn per key; older ones are left out (and the page says so). */
    public static final int MAX_WINDOWS = 2000;
    /** Charts per key section. */
    public static final int CHARTS_PER_KEY = 5;

    private static final String CHART_JS_PROPERTIES = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String CHART_JS_FILE = "/META-INF/resources/webjars/chart.js/%s/dist/chart.umd.min.js";
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter SCRIPT_JSON = new ObjectMapper().writer().with(new ScriptSafeEscapes());
    // Power iteration: stop when successive unit directions differ by less than this, or after this many passes.
    private static final double PCA_TOLERANCE = 1e-12;
    private static final int PCA_MAX_PASSES = 500;

    private DriftReport() {
    }

    /**
     * Writes the report of {@code summaries} to {@code file} (UTF-8). Same arguments as
     * {@link #html}. O(windows·k·d) plus the principal components, O(passes·windows·k·d).
     *
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<? extends JsonNode> summaries, String source, int maxKeys)
            throws IOException {
        Files.writeString(file, html(summaries, source, maxKeys), StandardCharsets.UTF_8);
    }

    /**
     * The report page of {@code summaries}, in any order; a window that appears more than once
     * (at-least-once delivery, a replayed topic) counts once, the last copy wins. Keys are drawn in
     * name order, the first {@code maxKeys} of them, each with its latest {@value #MAX_WINDOWS}
     * windows. Objects without a textual {@code key} or a numeric {@code window_end} are skipped.
     * O(windows·k·d) plus the principal components of keys with d &gt; 2.
     *
     * @param summaries window summary objects (the JSON of the summaries topic)
     * @param source    where they came from, shown in the page header (a file, a topic)
     * @param maxKeys   the most keys to draw, at least 1
     */
    public static String html(List<? extends JsonNode> summaries, String source, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
        }
        Map<String, List<JsonNode>> byKey = windowsByKey(summaries);
        List<KeySection> sections = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : byKey.entrySet()) {
            if (sections.size() == maxKeys) {
                break;
            }
            sections.add(section(e.getKey(), e.getValue()));
        }
        return page(sections, byKey.size(), summaries.size(), source);
    }

    /** Key (name order) to its windows in time order, each window once. */
    private static Map<String, List<JsonNode>> windowsByKey(List<? extends JsonNode> summaries) {
        Map<String, Map<List<Long>, JsonNode>> unique = new TreeMap<>();
        for (JsonNode s : summaries) {
            JsonNode key = s.path("key");
            JsonNode end = s.path("window_end");
            if (!key.isTextual() || !end.isNumber()) {
                continue;
            }
            List<Long> window = List.of(s.path("window_start").asLong(), end.asLong());
            unique.computeIfAbsent(key.asText(), k -> new LinkedHashMap<>()).put(window, s);
        }
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        Comparator<JsonNode> byTime = Comparator.comparingLong((JsonNode s) -> s.path("window_end").asLong())
                .thenComparingLong(s -> s.path("window_start").asLong());
        unique.forEach((key, windows) -> {
            List<JsonNode> sorted = new ArrayList<>(windows.values());
            sorted.sort(byTime);
            out.put(key, sorted);
        });
        return out;
    }

    /** What one key's section shows: its header facts and its chart data. */
    private record KeySection(String key, String facts, ObjectNode data) {
    }

    private static KeySection section(String key, List<JsonNode> all) {
        List<JsonNode> windows = all.size() > MAX_WINDOWS ? all.subList(all.size() - MAX_WINDOWS, all.size()) : all;
        JsonNode last = windows.get(windows.size() - 1);
        int k = 0;
        for (JsonNode s : windows) {
            k = Math.max(k, Math.max(s.path("centroids").size(), s.path("cluster_sizes").size()));
        }
        int dims = last.path("dims").asInt(0);
        if (dims <= 0 && last.path("centroids").size() > 0) {
            dims = last.path("centroids").get(0).size();
        }

        ObjectNode data = NODES.objectNode();
        ArrayNode time = data.putArray("t");
        ArrayNode inertia = data.putArray("inertia");
        ArrayNode rollingInertia = data.putArray("rollingInertia");
        ArrayNode silhouette = data.putArray("silhouette");
        ArrayNode rollingSilhouette = data.putArray("rollingSilhouette");
        ArrayNode reseeds = data.putArray("reseeds");
        ArrayNode drift = data.putArray("drift");
        ArrayNode sizes = data.putArray("sizes");
        for (int j = 0; j < k; j++) {
            drift.addArray();
            sizes.addArray();
        }
        int reseedCount = 0;
        int unfitted = 0;
        double maxDrift = 0;
        for (JsonNode s : windows) {
            time.add(s.path("window_end").asLong());
            inertia.add(number(s.path("mean_sq_distance")));
            rollingInertia.add(number(s.path("rolling_inertia")));
            silhouette.add(number(s.path("silhouette")));
            rollingSilhouette.add(number(s.path("rolling_silhouette")));
            if ("reseed".equals(s.path("seeding").asText())) {
                reseedCount++;
                reseeds.addArray().add(s.path("window_end").asLong()).add(number(s.path("mean_sq_distance")));
            }
            if (!"ok".equals(s.path("status").asText())) {
                unfitted++;
            }
            JsonNode perCluster = s.path("drift").path("per_cluster");
            JsonNode clusterSizes = s.path("cluster_sizes");
            for (int j = 0; j < k; j++) {
                ((ArrayNode) drift.get(j)).add(number(perCluster.path(j)));
                ((ArrayNode) sizes.get(j)).add(number(clusterSizes.path(j)));
            }
            maxDrift = Math.max(maxDrift, s.path("drift").path("max").asDouble(0));
        }
        data.set("trajectory", trajectory(windows, k, dims));

        StringBuilder facts = new StringBuilder();
        facts.append(windows.size()).append(windows.size() == 1 ? " window" : " windows");
        if (windows.size() < all.size()) {
            facts.append(" (the latest of ").append(all.size()).append(")");
        }
        facts.append(" from ").append(time(windows.get(0).path("window_end").asLong()))
                .append(" to ").append(time(last.path("window_end").asLong()))
                .append(" · k = ").append(k).append(" · d = ").append(dims)
                .append(" · backend ").append(last.path("backend").asText("-"))
                .append(" · ").append(reseedCount).append(reseedCount == 1 ? " reseed" : " reseeds");
        if (unfitted > 0) {
            facts.append(" · ").append(unfitted).append(unfitted == 1 ? " window" : " windows").append(" not fitted");
        }
        facts.append(" · latest inertia/pt ").append(format(last.path("mean_sq_distance"), "%.4g"))
                .append(", silhouette ").append(format(last.path("silhouette"), "%.3f"))
                .append(" · largest drift ").append(String.format(Locale.ROOT, "%.4g", maxDrift));
        return new KeySection(key, facts.toString(), data);
    }

    /**
     * The centroid paths as {@code {"x": axis title, "y": axis title, "time": whether x is the
     * window end, "clusters": [[[x, y, window_end], ...] per cluster]}} from the fitted windows
     * whose centroids have {@code dims} coordinates.
     */
    private static ObjectNode trajectory(List<JsonNode> windows, int k, int dims) {
        List<JsonNode> fitted = new ArrayList<>();
        int rows = 0;
        for (JsonNode s : windows) {
            JsonNode c = s.path("centroids");
            // An unfitted window repeats the model it kept; it would only stutter the path.
            if ("ok".equals(s.path("status").asText()) && c.isArray() && c.size() > 0 && c.get(0).size() == dims) {
                fitted.add(s);
                rows += c.size();
            }
        }
        ObjectNode out = NODES.objectNode();
        ArrayNode clusters = out.putArray("clusters");
        for (int j = 0; j < k; j++) {
            clusters.addArray();
        }
        out.put("time", dims == 1);
        if (dims == 1) {
            out.put("x", "window end (UTC)");
            out.put("y", "centroid (data units)");
        } else if (dims == 2) {
            out.put("x", "feature 1");
            out.put("y", "feature 2");
        }
        if (dims < 1) {
            return out;
        }
        double[] flat = new double[rows * dims];
        int r = 0;
        for (JsonNode s : fitted) {
            for (JsonNode c : s.path("centroids")) {
                for (int t = 0; t < dims; t++) {
                    flat[r * dims + t] = c.path(t).asDouble();
                }
                r++;
            }
        }
        double[] xy;
        if (dims <= 2) {
            xy = flat;
        } else {
            Plane plane = principalPlane(flat, rows, dims);
            xy = plane.project(flat, rows);
            out.put("x", String.format(Locale.ROOT, "PC1 (%.1f%% of variance)", 100 * plane.share(0)));
            out.put("y", String.format(Locale.ROOT, "PC2 (%.1f%% of variance)", 100 * plane.share(1)));
        }
        int width = Math.min(dims, 2);
        r = 0;
        for (JsonNode s : fitted) {
            long end = s.path("window_end").asLong();
            int n = s.path("centroids").size();
            for (int j = 0; j < n; j++, r++) {
                ArrayNode p = ((ArrayNode) clusters.get(j)).addArray();
                if (dims == 1) {
                    p.add(end).add(xy[r]);
                } else {
                    p.add(xy[r * width]).add(xy[r * width + 1]);
                }
                p.add(end);
            }
        }
        return out;
    }

    /**
     * The principal plane of {@code n} rows of {@code d} values: their mean, the first two
     * principal directions (unit vectors, each with its largest-magnitude coordinate positive), the
     * variance along each and the total variance (population variances, squared data units).
     *
     * @param mean        the mean row
     * @param components  two unit vectors of d values, row-major
     * @param variances   variance of the rows along each component
     * @param total       total variance: mean squared distance of the rows to their mean
     */
    record Plane(double[] mean, double[] components, double[] variances, double total) {
        /** Share of the total variance along component {@code c} (0 or 1), in [0, 1]; 0 when there is none. */
        double share(int c) {
            return total > 0 ? variances[c] / total : 0;
        }

        /** The n rows' coordinates on the two components, row-major n×2. O(n·d). */
        double[] project(double[] rows, int n) {
            int d = mean.length;
            double[] out = new double[2 * n];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 2; c++) {
                    double s = 0;
                    for (int t = 0; t < d; t++) {
                        s += (rows[i * d + t] - mean[t]) * components[c * d + t];
                    }
                    out[2 * i + c] = s;
                }
            }
            return out;
        }
    }

    /**
     * The first two principal components of {@code n} rows of {@code d ≥ 2} values (row-major),
     * by power iteration on the centred rows without forming the covariance matrix: each pass is
     * v ← Xᵀ(X v) / n, the second component kept orthogonal to the first. Deterministic (a fixed
     * start vector), all in double. O(passes·n·d), passes ≤ {@value #PCA_MAX_PASSES}.
     */
    static Plane principalPlane(double[] rows, int n, int d) {
        if (d < 2 || rows.length != n * d) {
            throw new IllegalArgumentException("need n×d values with d >= 2, got " + rows.length + " for n=" + n
                    + ", d=" + d);
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                mean[t] += rows[i * d + t];
            }
        }
        for (int t = 0; t < d; t++) {
            mean[t] /= Math.max(n, 1);
        }
        double[] centred = new double[n * d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                double v = rows[i * d + t] - mean[t];
                centred[i * d + t] = v;
                total += v * v;
            }
        }
        total /= Math.max(n, 1);
        double[] components = new double[2 * d];
        double[] variances = new double[2];
        double[] first = powerIteration(centred, n, d, null, new SplittableRandom(1));
        double[] second = powerIteration(centred, n, d, first, new SplittableRandom(2));
        System.arraycopy(first, 0, components, 0, d);
        System.arraycopy(second, 0, components, d, d);
        variances[0] = variance(centred, n, d, first);
        variances[1] = variance(centred, n, d, second);
        return new Plane(mean, components, variances, total);
    }

    /** The dominant unit eigenvector of XᵀX, orthogonal to {@code against} when given. */
    private static double[] powerIteration(double[] x, int n, int d, double[] against, SplittableRandom random) {
        double[] v = new double[d];
        for (int t = 0; t < d; t++) {
            // A random start is orthogonal to the answer with probability zero; a fixed seed keeps it repeatable.
            v[t] = random.nextDouble(-1, 1);
        }
        orthogonalise(v, against);
        normalise(v);
        double[] xv = new double[n];
        for (int pass = 0; pass < PCA_MAX_PASSES; pass++) {
            double[] next = new double[d];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += x[i * d + t] * v[t];
                }
                xv[i] = s;
            }
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < d; t++) {
                    next[t] += x[i * d + t] * xv[i];
                }
            }
            orthogonalise(next, against);
            if (!normalise(next)) {
                // No variance left in the remaining directions: any unit vector there will do.
                break;
            }
            // The step between directions, not 1 − cos: that one cannot resolve angles below 1e-8.
            double agreement = 0;
            for (int t = 0; t < d; t++) {
                agreement += next[t] * v[t];
            }
            double sign = Math.signum(agreement);
            double step = 0;
            for (int t = 0; t < d; t++) {
                double diff = next[t] - sign * v[t];
                step += diff * diff;
            }
            v = next;
            if (Math.sqrt(step) < PCA_TOLERANCE) {
                break;
            }
        }
        int largest = 0;
        for (int t = 1; t < d; t++) {
            if (Math.abs(v[t]) > Math.abs(v[largest])) {
                largest = t;
            }
        }
        if (v[largest] < 0) {
            for (int t = 0; t < d; t++) {
                v[t] = -v[t];
            }
        }
        return v;
    }

    private static void orthogonalise(double[] v, double[] against) {
        if (against == null) {
            return;
        }
        double dot = 0;
        for (int t = 0; t < v.length; t++) {
            dot += v[t] * against[t];
        }
        for (int t = 0; t < v.length; t++) {
            v[t] -= dot * against[t];
        }
    }

    /** Scales v to unit length; false (v unchanged) when it has none to scale. */
    private static boolean normalise(double[] v) {
        double norm = 0;
        for (double value : v) {
            norm += value * value;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 1e-300)) {
            return false;
        }
        for (int t = 0; t < v.length; t++) {
            v[t] /= norm;
        }
        return true;
    }

    private static double variance(double[] x, int n, int d, double[] direction) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < d; t++) {
                s += x[i * d + t] * direction[t];
            }
            sum += s * s;
        }
        return n > 0 ? sum / n : 0;
    }

    private static String page(List<KeySection> sections, int keys, int summaries, String source) {
        StringBuilder h = new StringBuilder(256 * 1024);
        h.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; \
                style-src 'unsafe-inline'; img-src data:">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>streamkmeans drift report</title>
                <style>
                body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 24px; color: #222; background: #fff; }
                header { border-bottom: 1px solid #ddd; margin-bottom: 8px; }
                h1 { font-size: 22px; margin: 16px 0 4px; }
                h2 { font-size: 18px; margin: 24px 0 2px; overflow-wrap: anywhere; }
                h3 { font-size: 13px; font-weight: 600; margin: 0 0 4px; }
                .meta { color: #555; margin: 2px 0 10px; }
                nav a { margin-right: 12px; overflow-wrap: anywhere; }
                .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
                figure { margin: 0; padding: 8px; border: 1px solid #e3e3e3; border-radius: 4px; }
                figcaption { color: #666; font-size: 12px; margin-top: 4px; }
                .plot { position: relative; height: 260px; }
                .errors { color: #a00; background: #fee; border: 1px solid #e99; padding: 8px; white-space: pre-wrap; }
                footer { color: #777; font-size: 12px; margin-top: 24px; }
                </style>
                </head>
                <body>
                <div id="report-errors" class="errors" hidden></div>
                <script>
                (function () {
                  function report(text) {
                    var box = document.getElementById('report-errors');
                    var line = document.createElement('div');
                    line.textContent = text;
                    box.appendChild(line);
                    box.hidden = false;
                  }
                  window.addEventListener('error', function (e) {
                    report('script error: ' + e.message + ' (line ' + e.lineno + ')');
                  });
                  document.addEventListener('securitypolicyviolation', function (e) {
                    report('blocked by the content security policy: ' + e.violatedDirective + ' ' + e.blockedURI);
                  });
                })();
                </script>
                <header>
                <h1>Drift report</h1>
                """);
        h.append("<p class=\"meta\">").append(summaries).append(summaries == 1 ? " window summary" : " window summaries")
                .append(" from ").append(escape(source)).append(" · ").append(keys).append(keys == 1 ? " key" : " keys");
        if (sections.size() < keys) {
            h.append(" (the first ").append(sections.size()).append(" drawn; choose others with --key)");
        }
        h.append(" · made ").append(time(Instant.now().toEpochMilli())).append(" · times in UTC</p>\n");
        if (sections.size() > 1) {
            h.append("<nav>");
            for (int i = 0; i < sections.size(); i++) {
                h.append("<a href=\"#key-").append(i).append("\">").append(escape(sections.get(i).key())).append("</a>");
            }
            h.append("</nav>\n");
        }
        h.append("</header>\n");
        if (sections.isEmpty()) {
            h.append("<p>No window summaries to show.</p>\n");
        }
        for (int i = 0; i < sections.size(); i++) {
            KeySection s = sections.get(i);
            h.append("<section id=\"key-").append(i).append("\" class=\"key\">\n<h2>").append(escape(s.key()))
                    .append("</h2>\n<p class=\"meta\">").append(escape(s.facts())).append("</p>\n<div class=\"grid\">\n");
            figure(h, i, "inertia", "Inertia per point",
                    "Mean squared distance of a window's points to their centroids (squared data units); "
                            + "dashed: rolling value; triangles: reseeds.");
            figure(h, i, "silhouette", "Silhouette",
                    "Mean silhouette of each window, in [-1, 1] (higher: better separated); dashed: rolling value.");
            figure(h, i, "drift", "Drift per centroid",
                    "How far each centroid moved since the previous window (data units).");
            figure(h, i, "sizes", "Cluster sizes", "Points per cluster in each window, stacked.");
            figure(h, i, "trajectory", "Centroid trajectories", trajectoryCaption(s.data().path("trajectory")));
            h.append("</div>\n</section>\n");
        }
        h.append("<footer>Made by streamkmeans report. Charts drawn with Chart.js ").append(escape(chartJsVersion()))
                .append(" (MIT licence), inlined: the page loads nothing from the network.</footer>\n");
        h.append("<script>\n").append(chartJs()).append("\n</script>\n");
        ObjectNode data = NODES.objectNode();
        ArrayNode keyData = data.putArray("keys");
        sections.forEach(s -> keyData.add(s.data()));
        h.append("<script type=\"application/json\" id=\"report-data\">").append(scriptJson(data)).append("</script>\n");
        h.append("<script>\n").append(RENDER).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String trajectoryCaption(JsonNode trajectory) {
        if (trajectory.path("time").asBoolean()) {
            return "One feature: each centroid over time; the large dot is the latest window.";
        }
        String x = trajectory.path("x").asText();
        return x.startsWith("PC")
                ? "Centroids of every fitted window projected on the first two principal components of all "
                        + "of this key's centroids; the large dot is the latest window."
                : "Centroids of every fitted window in the plane of the data; the large dot is the latest window.";
    }

    private static void figure(StringBuilder h, int key, String chart, String title, String caption) {
        h.append("<figure><h3>").append(escape(title)).append("</h3><div class=\"plot\"><canvas id=\"chart-")
                .append(key).append('-').append(chart).append("\" role=\"img\" aria-label=\"").append(escape(title))
                .append("\"></canvas></div><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
    }

    /** Text for an HTML element or a double-quoted attribute. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** JSON that cannot end its script element nor open a comment inside it. */
    static String scriptJson(JsonNode value) {
        try {
            return SCRIPT_JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report data", e);
        }
    }

    /** Escapes {@code < > &} in JSON strings as backslash-u sequences, which JSON.parse reads back unchanged. */
    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        ScriptSafeEscapes() {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    private static JsonNode number(JsonNode n) {
        return n.isNumber() ? n : NODES.nullNode();
    }

    private static String format(JsonNode n, String pattern) {
        return n.isNumber() ? String.format(Locale.ROOT, pattern, n.asDouble()) : "-";
    }

    private static String time(long epochMillis) {
        return UTC.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The Chart.js version of the WebJar on the class path. */
    static String chartJsVersion() {
        try (InputStream in = DriftReport.class.getResourceAsStream(CHART_JS_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar (org.webjars.npm:chart.js) is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CHART_JS_PROPERTIES, e);
        }
    }

    private static String chartJs() {
        String path = String.format(Locale.ROOT, CHART_JS_FILE, chartJsVersion());
        try (InputStream in = DriftReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar has no " + path);
            }
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Either sequence would end or confuse the inline script element; the minified build has neither.
            String lower = js.toLowerCase(Locale.ROOT);
            if (lower.contains("</script") || lower.contains("<!--")) {
                throw new IllegalStateException(path + " cannot be inlined: it contains </script or <!--");
            }
            return js;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** Draws every key's charts from #report-data, then marks the body with the canvases painted. */
    private static final String RENDER = """
            (function () {
              'use strict';
              var data = JSON.parse(document.getElementById('report-data').textContent);
              var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
                             '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
              function color(i, alpha) {
                var a = alpha === undefined ? 1 : alpha;
                if (i < palette.length) {
                  return a === 1 ? palette[i] : palette[i] + Math.round(a * 255).toString(16).padStart(2, '0');
                }
                return 'hsla(' + Math.round(i * 137.508) % 360 + ', 55%, 50%, ' + a + ')';
              }
              Chart.defaults.animation = false;
              Chart.defaults.maintainAspectRatio = false;
              Chart.defaults.font.size = 11;
              Chart.defaults.plugins.legend.labels.boxWidth = 12;
              function clock(ms, span) {
                var iso = new Date(ms).toISOString();
                return span > 86400000 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(11, 19);
              }
              function timeScale(t) {
                var span = t.length ? t[t.length - 1] - t[0] : 0;
                return {
                  type: 'linear',
                  title: {display: true, text: 'window end (UTC)'},
                  ticks: {maxTicksLimit: 7, callback: function (v) { return clock(v, span); }}
                };
              }
              function timeTooltip(t) {
                var span = t.length ? t[t.length - 1] - t[0] : 0;
                return {callbacks: {title: function (items) {
                  return items.length ? clock(items[0].parsed.x, span) : '';
                }}};
              }
              function series(t, ys) {
                return t.map(function (x, i) { return {x: x, y: ys[i]}; });
              }
              function line(label, t, ys, c, extra) {
                var d = {label: label, data: series(t, ys), borderColor: c, backgroundColor: c,
                         borderWidth: 1.5, pointRadius: t.length > 60 ? 0 : 2, spanGaps: false};
                return Object.assign(d, extra || {});
              }
              function draw(id, config) {
                return new Chart(document.getElementById(id), config);
              }
              function yAxis(text, extra) {
                return Object.assign({title: {display: true, text: text}}, extra || {});
              }
              data.keys.forEach(function (k, i) {
                function id(name) { return 'chart-' + i + '-' + name; }
                draw(id('inertia'), {type: 'line', data: {datasets: [
                  line('inertia per point', k.t, k.inertia, palette[0]),
                  line('rolling', k.t, k.rollingInertia, palette[1], {borderDash: [6, 3], pointRadius: 0}),
                  {type: 'scatter', label: 'reseed', pointStyle: 'triangle', pointRadius: 6,
                   borderColor: '#c0392b', backgroundColor: '#e15759',
                   data: k.reseeds.map(function (p) { return {x: p[0], y: p[1]}; })}
                ]}, options: {scales: {x: timeScale(k.t), y: yAxis('squared data units')},
                              plugins: {tooltip: timeTooltip(k.t)}}});
                draw(id('silhouette'), {type: 'line', data: {datasets: [
                  line('silhouette', k.t, k.silhouette, palette[4]),
                  line('rolling', k.t, k.rollingSilhouette, palette[6], {borderDash: [6, 3], pointRadius: 0})
                ]}, options: {scales: {x: timeScale(k.t), y: yAxis('silhouette', {suggestedMax: 1})},
                              plugins: {tooltip: timeTooltip(k.t)}}});
                draw(id('drift'), {type: 'line', data: {datasets: k.drift.map(function (ys, j) {
                  return line('cluster ' + j, k.t, ys, color(j));
                })}, options: {scales: {x: timeScale(k.t), y: yAxis('data units', {beginAtZero: true})},
                               plugins: {tooltip: timeTooltip(k.t)}}});
                draw(id('sizes'), {type: 'line', data: {datasets: k.sizes.map(function (ys, j) {
                  return line('cluster ' + j, k.t, ys, color(j),
                              {fill: j === 0 ? 'origin' : '-1', backgroundColor: color(j, 0.4), pointRadius: 0});
                })}, options: {scales: {x: timeScale(k.t), y: yAxis('points', {stacked: true, beginAtZero: true})},
                               interaction: {mode: 'index', intersect: false},
                               plugins: {tooltip: timeTooltip(k.t)}}});
                var tr = k.trajectory;
                var allTimes = k.t;
                draw(id('trajectory'), {type: 'scatter', data: {datasets: tr.clusters.map(function (path, j) {
                  var last = path.length - 1;
                  return {label: 'cluster ' + j, showLine: true, borderColor: color(j), backgroundColor: color(j),
                          borderWidth: 1.2,
                          pointRadius: function (ctx) { return ctx.dataIndex === last ? 5 : 1.5; },
                          data: path.map(function (p) { return {x: p[0], y: p[1], t: p[2]}; })};
                })}, options: {
                  scales: {x: tr.time ? timeScale(allTimes) : {type: 'linear', title: {display: true, text: tr.x}},
                           y: yAxis(tr.y || '')},
                  plugins: {tooltip: {callbacks: {label: function (item) {
                    var span = allTimes.length ? allTimes[allTimes.length - 1] - allTimes[0] : 0;
                    return item.dataset.label + ' at ' + clock(item.raw.t, span) + ': ('
                        + Number(item.raw.x).toPrecision(4) + ', ' + Number(item.raw.y).toPrecision(4) + ')';
                  }}}}
                }});
              });
              function painted(canvas) {
                if (!canvas.width || !canvas.height) {
                  return false;
                }
                var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                for (var p = 3; p < px.length; p += 4) {
                  if (px[p] !== 0) {
                    return true;
                  }
                }
                return false;
              }
              var canvases = Array.prototype.slice.call(document.querySelectorAll('canvas'));
              document.body.setAttribute('data-charts', String(canvases.length));
              document.body.setAttribute('data-rendered', String(canvases.filter(painted).length));
            })();
            """;
}
