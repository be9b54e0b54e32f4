package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The drift report page: structure, escaping of user data, the chart data and its PCA. */
class DriftReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOSTILE = "</script><img src=x onerror=\"alert(1)\">'&<!--";

    @Test
    void drawsFiveChartsPerKeyWithChartJsInlinedAndNothingFetched() {
        List<JsonNode> summaries = new ArrayList<>(SummaryFixtures.parse(SummaryFixtures.lines("alpha", 6, 3, 2, -1, -1)));
        summaries.addAll(SummaryFixtures.parse(SummaryFixtures.lines("beta", 4, 2, 5, -1, -1)));

        String html = DriftReport.html(summaries, "summaries.jsonl", DriftReport.DEFAULT_MAX_KEYS);

        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        assertEquals(2, count(html, "<section "));
        assertEquals(10, count(html, "<canvas "));
        for (int key = 0; key < 2; key++) {
            for (String chart : List.of("inertia", "silhouette", "drift", "sizes", "trajectory")) {
                assertTrue(html.contains("id=\"chart-" + key + "-" + chart + "\""), key + " " + chart);
            }
        }
        assertTrue(html.contains("<h2>alpha</h2>") && html.contains("<h2>beta</h2>"));
        assertTrue(html.indexOf("<h2>alpha</h2>") < html.indexOf("<h2>beta</h2>"), "keys in name order");
        assertTrue(html.contains("Chart.js v" + DriftReport.chartJsVersion()), "the library itself is inlined");
        assertTrue(html.contains("content=\"default-src 'none';"), "a policy that forbids every fetch");
        assertFalse(html.contains(" src="), "no external script or image");
        assertFalse(html.contains("<link"), "no external style sheet");
        assertTrue(html.contains("10 window summaries from summaries.jsonl · 2 keys"), html.substring(0, 4000));
        assertTrue(html.contains("6 windows from 2025-01-01 00:00:00 UTC to 2025-01-01 00:00:10 UTC · k = 3 · d = 2"));
    }

    @Test
    void hostileKeyStaysText() throws Exception {
        List<JsonNode> summaries = new ArrayList<>(SummaryFixtures.parse(SummaryFixtures.lines(HOSTILE, 3, 2, 2, -1, -1)));
        summaries.addAll(SummaryFixtures.parse(SummaryFixtures.lines("plain", 3, 2, 2, -1, -1)));

        String html = DriftReport.html(summaries, "<b>source</b>", 10);

        assertFalse(html.contains("<img"), "the key must not become an element");
        assertFalse(html.contains("<b>source</b>"), "the source is escaped too");
        String escaped = "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;&lt;!--";
        assertTrue(html.contains("<h2>" + escaped + "</h2>"), "heading");
        assertTrue(html.contains("\">" + escaped + "</a>"), "navigation link");
        // Every script element is closed where it should be: the error hook, Chart.js, the data, the renderer.
        assertEquals(4, count(html, "<script"));
        assertEquals(4, count(html, "</script>"));
        assertEquals(2, data(html).path("keys").size());
    }

    @Test
    void scriptJsonHasNoMarkupAndReadsBackUnchanged() throws Exception {
        String json = DriftReport.scriptJson(TextNode.valueOf(HOSTILE));

        assertFalse(json.contains("<") || json.contains(">") || json.contains("&"), json);
        assertEquals(HOSTILE, MAPPER.readTree(json).asText());
    }

    @Test
    void chartDataFollowsTheSummaries() throws Exception {
        // Shuffled, with one window twice: the page sorts by window end and keeps each window once.
        List<JsonNode> summaries = SummaryFixtures.parse(SummaryFixtures.lines("alpha", 8, 3, 2, 5, 3));
        summaries.add(summaries.get(4));
        Collections.shuffle(summaries, new Random(7));

        JsonNode key = data(DriftReport.html(summaries, "test", 5)).path("keys").get(0);

        JsonNode t = key.path("t");
        assertEquals(8, t.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(SummaryFixtures.T0 + i * SummaryFixtures.WINDOW, t.get(i).asLong());
        }
        assertEquals(2.02, key.path("inertia").get(2).asDouble(), 1e-12);
        assertTrue(key.path("inertia").get(3).isNull(), "the unfitted window is a gap");
        assertTrue(key.path("silhouette").get(3).isNull());
        assertEquals(0.7, key.path("rollingSilhouette").get(3).asDouble(), 1e-12);
        assertEquals(1, key.path("reseeds").size());
        assertEquals(SummaryFixtures.T0 + 5 * SummaryFixtures.WINDOW, key.path("reseeds").get(0).get(0).asLong());

        assertEquals(3, key.path("drift").size(), "one drift series per cluster");
        assertTrue(key.path("drift").get(1).get(0).isNull(), "no drift before the second window");
        assertEquals(SummaryFixtures.STEP, key.path("drift").get(1).get(1).asDouble(), 1e-12);
        assertEquals(3000 + 6, key.path("sizes").get(2).get(6).asInt());

        JsonNode trajectory = key.path("trajectory");
        assertEquals("feature 1", trajectory.path("x").asText());
        assertEquals(3, trajectory.path("clusters").size());
        JsonNode path = trajectory.path("clusters").get(1);
        assertEquals(7, path.size(), "fitted windows only");
        // d = 2: the data's own plane; centroid 1 of window 7 sits at (10 + 7·STEP, 11).
        assertEquals(10 + 7 * SummaryFixtures.STEP, path.get(6).get(0).asDouble(), 1e-6);
        assertEquals(11, path.get(6).get(1).asDouble(), 1e-6);
        assertEquals(SummaryFixtures.T0 + 7 * SummaryFixtures.WINDOW, path.get(6).get(2).asLong());
    }

    @Test
    void projectsHighDimensionalCentroidsOnTheirPrincipalPlane() throws Exception {
        JsonNode key = data(DriftReport.html(SummaryFixtures.parse(SummaryFixtures.lines("wide", 5, 2, 4, -1, -1)),
                "test", 5)).path("keys").get(0);

        JsonNode trajectory = key.path("trajectory");
        // Centroids differ by 10 per index along (1,1,1,1) and drift along axis 0: PC1 is nearly (1,1,1,1)/2.
        assertTrue(trajectory.path("x").asText().startsWith("PC1 ("), trajectory.toString());
        assertTrue(trajectory.path("y").asText().startsWith("PC2 ("), trajectory.toString());
        JsonNode c0 = trajectory.path("clusters").get(0);
        JsonNode c1 = trajectory.path("clusters").get(1);
        assertEquals(5, c0.size());
        // The clusters are 20 apart (10 per coordinate, 4 coordinates): mostly along PC1.
        double dx = c1.get(0).get(0).asDouble() - c0.get(0).get(0).asDouble();
        double dy = c1.get(0).get(1).asDouble() - c0.get(0).get(1).asDouble();
        assertEquals(20, Math.hypot(dx, dy), 1e-4);
        assertTrue(Math.abs(dx) > 19, "separation lies on PC1: " + dx);
    }

    @Test
    void principalPlaneOfKnownData() {
        // Rows ±3·u1, ±2·u2, ±1·u3 around m, with orthonormal u1, u2, u3 in 4-D.
        double[] u1 = {0.6, 0.8, 0, 0};
        double[] u2 = {0, 0, 0.8, -0.6};
        double[] u3 = {0.8, -0.6, 0, 0};
        double[] m = {5, -1, 2, 7};
        double[][] offsets = {scale(u1, 3), scale(u1, -3), scale(u2, 2), scale(u2, -2), scale(u3, 1), scale(u3, -1)};
        double[] rows = new double[6 * 4];
        for (int i = 0; i < 6; i++) {
            for (int t = 0; t < 4; t++) {
                rows[i * 4 + t] = m[t] + offsets[i][t];
            }
        }

        DriftReport.Plane plane = DriftReport.principalPlane(rows, 6, 4);

        assertArrayEquals(m, plane.mean(), 1e-12);
        assertArrayEquals(new double[] {0.6, 0.8, 0, 0, 0, 0, 0.8, -0.6}, plane.components(), 1e-9);
        assertEquals(18.0 / 6, plane.variances()[0], 1e-9);
        assertEquals(8.0 / 6, plane.variances()[1], 1e-9);
        assertEquals(28.0 / 6, plane.total(), 1e-12);
        assertEquals(9.0 / 14, plane.share(0), 1e-9);
        double[] xy = plane.project(rows, 6);
        assertArrayEquals(new double[] {3, 0, -3, 0, 0, 2, 0, -2, 0, 0, 0, 0}, xy, 1e-9);
    }

    @Test
    void principalPlaneOfIdenticalRowsHasNoVariance() {
        double[] rows = {1, 2, 3, 1, 2, 3, 1, 2, 3};

        DriftReport.Plane plane = DriftReport.principalPlane(rows, 3, 3);

        assertEquals(0, plane.total());
        assertEquals(0, plane.share(0));
        assertArrayEquals(new double[6], plane.project(rows, 3), 0);
    }

    @Test
    void capsKeysAndWindows() throws Exception {
        List<JsonNode> summaries = new ArrayList<>();
        for (String key : List.of("c", "a", "b")) {
            summaries.addAll(SummaryFixtures.parse(SummaryFixtures.lines(key, 2, 2, 2, -1, -1)));
        }
        summaries.addAll(SummaryFixtures.parse(SummaryFixtures.lines("long", DriftReport.MAX_WINDOWS + 5, 1, 1, -1, -1)));

        String html = DriftReport.html(summaries, "test", 2);

        assertEquals(2, count(html, "<section "));
        assertTrue(html.contains("<h2>a</h2>") && html.contains("<h2>b</h2>"), "the first keys by name");
        assertTrue(html.contains("4 keys (the first 2 drawn; choose others with --key)"));

        JsonNode longKey = data(DriftReport.html(summaries, "test", 4)).path("keys").get(3);
        assertEquals(DriftReport.MAX_WINDOWS, longKey.path("t").size());
        assertEquals(SummaryFixtures.T0 + (DriftReport.MAX_WINDOWS + 4) * SummaryFixtures.WINDOW,
                longKey.path("t").get(DriftReport.MAX_WINDOWS - 1).asLong(), "the latest windows are kept");
        assertTrue(longKey.path("trajectory").path("time").asBoolean(), "d = 1 is drawn over time");
    }

    private static JsonNode data(String html) throws Exception {
        String open = "<script type=\"application/json\" id=\"report-data\">";
        int from = html.indexOf(open) + open.length();
        return MAPPER.readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static double[] scale(double[] v, double s) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * s;
        }
        return out;
    }
}
