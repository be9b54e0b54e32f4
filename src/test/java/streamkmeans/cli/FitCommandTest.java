package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.engine.Backends;
import streamkmeans.engine.CentroidIndex;

/**
 * {@code streamkmeans fit} run in-process. The fixture {@code cli/three-blobs.txt} holds 30 points,
 * 10 around each of (1, 1), (9, 1) and (5, 8), with offsets that average to exactly zero: the
 * optimal centroids are the centres, and the inertia is 3 · 1.5 = 4.5.
 */
class FitCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float[][] CENTRES = {{1, 1}, {9, 1}, {5, 8}};

    @TempDir
    Path dir;

    /** Exit code and what went to stdout and stderr. */
    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path fixture() throws URISyntaxException {
        return Path.of(FitCommandTest.class.getResource("/cli/three-blobs.txt").toURI());
    }

    private static List<String> fixtureLines() throws Exception {
        return Files.readAllLines(fixture());
    }

    private static float[][] centroids(JsonNode json) {
        JsonNode rows = json.get("centroids");
        float[][] c = new float[rows.size()][];
        for (int j = 0; j < rows.size(); j++) {
            c[j] = new float[rows.get(j).size()];
            for (int t = 0; t < c[j].length; t++) {
                c[j][t] = rows.get(j).get(t).floatValue();
            }
        }
        return c;
    }

    /** Centroids in lexicographic order, so that runs can be compared whatever the cluster ids. */
    private static float[][] sorted(float[][] c) {
        float[][] s = c.clone();
        Arrays.sort(s, Comparator.<float[]>comparingDouble(r -> r[0]).thenComparingDouble(r -> r[1]));
        return s;
    }

    private static void assertCentres(float[][] expected, float[][] actual, double tolerance) {
        float[][] e = sorted(expected);
        float[][] a = sorted(actual);
        assertEquals(e.length, a.length);
        for (int j = 0; j < e.length; j++) {
            for (int t = 0; t < e[j].length; t++) {
                assertEquals(e[j][t], a[j][t], tolerance, "centroid " + j + " feature " + t);
            }
        }
    }

    private static void assertUserError(Run r, String expectedLine) {
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(expectedLine + System.lineSeparator(), r.err());
    }

    @Test
    void fitsTheFixtureAndReportsTheSummary() throws Exception {
        Run r = run("fit", "--input", fixture().toString(), "--k", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        JsonNode j = r.json();
        assertEquals("ok", j.get("status").asText());
        assertEquals(30, j.get("points").asInt());
        assertEquals(2, j.get("dims").asInt());
        assertEquals(3, j.get("k").asInt());
        assertEquals("cpu", j.get("backend").asText());
        assertEquals("greedy-kmeans++", j.get("seeding").asText());
        assertTrue(j.get("converged").asBoolean());
        assertTrue(j.get("iterations").asInt() >= 1);
        assertEquals(4.5, j.get("inertia").asDouble(), 1e-4);
        assertEquals(0.15, j.get("mean_sq_distance").asDouble(), 1e-5);
        assertEquals("exact", j.get("silhouette_method").asText());
        assertTrue(j.get("silhouette").asDouble() > 0.9, j.toString());
        assertTrue(j.get("davies_bouldin").asDouble() < 0.1, j.toString());
        assertTrue(j.get("calinski_harabasz").asDouble() > 1000, j.toString());
        assertCentres(CENTRES, centroids(j), 1e-5);
        JsonNode sizes = j.get("cluster_sizes");
        assertEquals(3, sizes.size());
        for (JsonNode s : sizes) {
            assertEquals(10, s.asInt());
        }
        assertTrue(j.get("fit_ms").asDouble() >= 0);
        assertTrue(j.get("metrics_ms").asDouble() >= 0);
        assertEquals(10, j.get("n_init").asInt());
        assertEquals(0, j.get("seed").asLong());
        assertFalse(j.has("k_selection"));
        assertFalse(j.has("undefined"));
        assertFalse(j.has("standardized"));
        // The object is one line, with the fields in the documented order.
        assertEquals(1, r.out().strip().lines().count());
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("status", "points", "dims", "k", "backend", "seeding", "iterations", "converged",
                "inertia", "mean_sq_distance", "silhouette", "silhouette_method", "davies_bouldin",
                "calinski_harabasz", "centroids", "cluster_sizes", "fit_ms", "metrics_ms", "n_init", "seed",
                "refinement"), names);
        JsonNode refinement = j.get("refinement");
        assertEquals("split-merge", refinement.get("method").asText());
        assertEquals(FitCommand.SPLIT_MERGE_TRIALS, refinement.get("trials").asInt());
        assertEquals(0, refinement.get("budget_ms").asLong());
        assertEquals(0, refinement.get("accepted").asInt(), "nothing to improve on three clean blobs");
    }

    @Test
    void writesCentroidsAndLabelsThatAgreeWithTheSummary() throws Exception {
        Path centroidsFile = dir.resolve("centroids.txt");
        Path labelsFile = dir.resolve("labels.txt");
        Run r = run("fit", "--input", fixture().toString(), "--k", "3", "--seed", "7",
                "--centroids-out", centroidsFile.toString(), "--labels-out", labelsFile.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        float[][] fromJson = centroids(j);

        // The centroid file holds the same float values, one centroid per line.
        List<String> centroidLines = Files.readAllLines(centroidsFile);
        assertEquals(3, centroidLines.size());
        for (int c = 0; c < 3; c++) {
            String[] cells = centroidLines.get(c).split(" ");
            assertEquals(2, cells.length);
            for (int t = 0; t < 2; t++) {
                assertEquals(fromJson[c][t], Float.parseFloat(cells[t]));
            }
        }

        // One label per input row, each the nearest centroid, with the reported cluster sizes.
        List<String> labels = Files.readAllLines(labelsFile);
        List<String> points = fixtureLines();
        assertEquals(points.size(), labels.size());
        int[] counts = new int[3];
        for (int i = 0; i < points.size(); i++) {
            String[] xy = points.get(i).split(" ");
            float x = Float.parseFloat(xy[0]);
            float y = Float.parseFloat(xy[1]);
            int label = Integer.parseInt(labels.get(i));
            counts[label]++;
            for (int c = 0; c < 3; c++) {
                double own = Math.hypot(x - fromJson[label][0], y - fromJson[label][1]);
                double other = Math.hypot(x - fromJson[c][0], y - fromJson[c][1]);
                assertTrue(own <= other, "point " + i + " is nearer to centroid " + c + " than to " + label);
            }
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(j.get("cluster_sizes").get(c).asInt(), counts[c]);
        }
        // Points of one true blob share a label: rows cycle through the three blobs.
        for (int i = 3; i < points.size(); i++) {
            assertEquals(labels.get(i - 3), labels.get(i), "row " + (i + 1));
        }
    }

    @Test
    void csvJsonLinesAndStdinGiveTheSameFit() throws Exception {
        List<String> lines = fixtureLines();
        Path csv = dir.resolve("points.csv");
        List<String> csvLines = new ArrayList<>(List.of("x,y"));
        lines.forEach(l -> csvLines.add(l.replace(' ', ',')));
        Files.write(csv, csvLines);
        Path jsonl = dir.resolve("points.jsonl");
        List<String> jsonLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            jsonLines.add("{\"key\":\"k\",\"id\":\"e-" + i + "\",\"ts\":" + (1000 + i) + ",\"features\":["
                    + lines.get(i).replace(' ', ',') + "]}");
        }
        Files.write(jsonl, jsonLines);

        ObjectNode reference = withoutTimings(run("fit", "--input", fixture().toString(), "--k", "3").json());
        assertEquals(reference, withoutTimings(run("fit", "--input", csv.toString(), "--k", "3").json()));
        assertEquals(reference, withoutTimings(
                run("fit", "--input", jsonl.toString(), "--format", "jsonl", "--k", "3").json()));

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(fixture())));
            Run r = run("fit", "--input", "-", "--k", "3");
            assertEquals(0, r.code(), r.err());
            assertEquals(reference, withoutTimings(r.json()));
        } finally {
            System.setIn(stdin);
        }
    }

    private static ObjectNode withoutTimings(JsonNode json) {
        ObjectNode copy = (ObjectNode) json.deepCopy();
        copy.remove("fit_ms");
        copy.remove("metrics_ms");
        return copy;
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        String input = fixture().toString();
        JsonNode one = run("fit", "--input", input, "--k", "3", "--threads", "1", "--init", "kmeans++").json();
        JsonNode two = run("fit", "--input", input, "--k", "3", "--threads", "2", "--init", "kmeans++").json();
        assertEquals(withoutTimings(one), withoutTimings(two));
        assertEquals("kmeans++", one.get("seeding").asText());
    }

    @Test
    void autoKFindsTheThreeBlobs() throws Exception {
        Run r = run("fit", "--input", fixture().toString(), "--k", "auto", "--k-range", "2..6");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(3, j.get("k").asInt());
        assertCentres(CENTRES, centroids(j), 1e-5);
        JsonNode sel = j.get("k_selection");
        assertEquals("silhouette", sel.get("method").asText());
        assertEquals(3, sel.get("chosen").asInt());
        assertFalse(sel.get("reason").asText().isBlank());
        JsonNode table = sel.get("table");
        assertEquals(5, table.size());
        double best = -2;
        int bestK = 0;
        for (int i = 0; i < 5; i++) {
            JsonNode row = table.get(i);
            assertEquals(2 + i, row.get("k").asInt());
            if (i > 0) {
                assertTrue(row.get("inertia").asDouble() <= table.get(i - 1).get("inertia").asDouble());
            }
            if (row.get("silhouette").asDouble() > best) {
                best = row.get("silhouette").asDouble();
                bestK = row.get("k").asInt();
            }
        }
        assertEquals(3, bestK);
        assertEquals(j.get("silhouette").asDouble(), table.get(1).get("silhouette").asDouble());
        assertEquals(j.get("inertia").asDouble(), table.get(1).get("inertia").asDouble());

        JsonNode elbow = run("fit", "--input", fixture().toString(), "--k", "auto", "--k-range", "2..6",
                "--k-method", "elbow", "--silhouette", "none").json();
        assertEquals(3, elbow.get("k").asInt());
        assertEquals("elbow", elbow.get("k_selection").get("method").asText());
        assertTrue(elbow.get("k_selection").get("table").get(0).get("silhouette").isNull());
    }

    @Test
    void standardizedFitReportsCentroidsInOriginalUnits() throws Exception {
        // x in thousands, y in units: unscaled, distances would be all x.
        Path scaled = dir.resolve("scaled.txt");
        List<String> out = new ArrayList<>();
        for (String line : fixtureLines()) {
            String[] xy = line.split(" ");
            out.add(Float.parseFloat(xy[0]) * 1000 + " " + xy[1]);
        }
        Files.write(scaled, out);
        Run r = run("fit", "--input", scaled.toString(), "--k", "3", "--standardize");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("standardized").asBoolean());
        assertCentres(new float[][] {{1000, 1}, {9000, 1}, {5000, 8}}, centroids(j), 1e-2);
        for (JsonNode s : j.get("cluster_sizes")) {
            assertEquals(10, s.asInt());
        }
        // Inertia is in z-score units: far below the 4.5e6-ish of the raw x offsets.
        assertTrue(j.get("inertia").asDouble() < 10, j.toString());
    }

    @Test
    void silhouetteMethods() throws Exception {
        String input = fixture().toString();
        JsonNode sampled = run("fit", "--input", input, "--k", "3", "--silhouette", "sampled",
                "--silhouette-sample", "12").json();
        assertEquals("sampled:12", sampled.get("silhouette_method").asText());
        JsonNode simplified = run("fit", "--input", input, "--k", "3", "--silhouette", "simplified").json();
        assertEquals("simplified", simplified.get("silhouette_method").asText());
        assertTrue(simplified.get("silhouette").asDouble() > 0.9);
        // auto: exact up to the limit, sampled above it.
        JsonNode auto = run("fit", "--input", input, "--k", "3", "--silhouette-exact-limit", "20",
                "--silhouette-sample", "15").json();
        assertEquals("sampled:15", auto.get("silhouette_method").asText());
        JsonNode none = run("fit", "--input", input, "--k", "3", "--silhouette", "NONE").json();
        assertEquals("none", none.get("silhouette_method").asText());
        assertTrue(none.get("silhouette").isNull());
        assertFalse(none.has("undefined"));
    }

    @Test
    void undefinedMetricsAreNullWithAReason() throws Exception {
        Run r = run("fit", "--input", fixture().toString(), "--k", "1");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("NaN") || r.out().contains("Infinity"), r.out());
        JsonNode j = r.json();
        assertTrue(j.get("silhouette").isNull());
        assertTrue(j.get("davies_bouldin").isNull());
        assertTrue(j.get("calinski_harabasz").isNull());
        JsonNode why = j.get("undefined");
        assertEquals("needs 2 to n - 1 non-empty clusters; the fit has 1 for n = 30", why.get("silhouette").asText());
        assertEquals(why.get("silhouette"), why.get("davies_bouldin"));
        List<String> fields = new ArrayList<>();
        why.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("silhouette", "davies_bouldin", "calinski_harabasz"), fields);
        assertCentres(new float[][] {{5, 10f / 3}}, centroids(j), 1e-5);
    }

    @Test
    void refinementOptionsAndPrettyOutput() throws Exception {
        Run r = run("fit", "--input", fixture().toString(), "--k", "3", "--n-init", "1", "--refine", "swap",
                "--refine-trials", "5", "--refine-seconds", "30", "--pretty");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().lines().count() > 10, r.out());
        assertTrue(r.out().contains("\"status\": \"ok\""), r.out());
        JsonNode j = r.json();
        JsonNode refinement = j.get("refinement");
        assertEquals("swap", refinement.get("method").asText());
        assertEquals(5, refinement.get("trials").asInt());
        assertEquals(30_000, refinement.get("budget_ms").asLong());
        int accepted = refinement.get("accepted").asInt();
        assertTrue(accepted >= 0 && accepted <= 5, refinement.toString());
        assertEquals(1, j.get("n_init").asInt());
        assertEquals(4.5, j.get("inertia").asDouble(), 1e-4);

        JsonNode none = run("fit", "--input", fixture().toString(), "--k", "3", "--refine", "none").json();
        assertEquals("{\"method\":\"none\"}", none.get("refinement").toString());
    }

    @Test
    void inputErrorsAreOneLineWithExitCode2() throws Exception {
        Path bad = dir.resolve("s1.txt");
        Files.write(bad, List.of("1 2", "3 4", "5 6", "7 8", "9 abc"));
        assertUserError(run("fit", "--input", bad.toString(), "--k", "2"),
                "streamkmeans fit: " + bad + ":5: column 2: 'abc' is not a number");

        Path ragged = dir.resolve("ragged.txt");
        Files.write(ragged, List.of("1 2", "3 4 5"));
        assertUserError(run("fit", "--input", ragged.toString(), "--k", "1"),
                "streamkmeans fit: " + ragged + ":2: 3 values, expected 2 as on line 1");

        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        assertUserError(run("fit", "--input", empty.toString(), "--k", "1"),
                "streamkmeans fit: " + empty + ": no data rows");

        Path missing = dir.resolve("missing.txt");
        assertUserError(run("fit", "--input", missing.toString(), "--k", "1"),
                "streamkmeans fit: " + missing + ": no such file");

        assertUserError(run("fit", "--input", fixture().toString(), "--k", "31"),
                "streamkmeans fit: " + fixture() + ": 30 points, fewer than k = 31");
        assertUserError(run("fit", "--input", fixture().toString(), "--k", "auto", "--k-range", "2..40"),
                "streamkmeans fit: " + fixture() + ": 30 points, fewer than the largest k of --k-range 2..40");

        Path noDir = dir.resolve("no/such/dir/labels.txt");
        assertUserError(run("fit", "--input", fixture().toString(), "--k", "3", "--labels-out", noDir.toString()),
                "streamkmeans fit: " + noDir + ": cannot write: no such directory");
    }

    @Test
    void optionErrorsAreOneLineWithExitCode2() throws Exception {
        String input = fixture().toString();
        String help = " (see 'streamkmeans fit --help')";
        assertUserError(run("fit", "--input", input, "--k", "0"),
                "streamkmeans fit: invalid value for option '--k': '0' (expected a whole number >= 1 or auto)" + help);
        assertUserError(run("fit", "--input", input, "--k", "many"),
                "streamkmeans fit: invalid value for option '--k': 'many' (expected a whole number >= 1 or auto)"
                        + help);
        for (String range : List.of("5..2", "0..3", "2-5", "a..b", "..4")) {
            assertUserError(run("fit", "--input", input, "--k", "auto", "--k-range", range),
                    "streamkmeans fit: invalid value for option '--k-range': '" + range
                            + "' (expected LO..HI with 1 <= LO <= HI, e.g. 2..10)" + help);
        }
        // The reason is the GPU probe's for this machine (e.g. no NVIDIA driver), as the engine words it.
        String noGpu = assertThrows(Backends.BackendUnavailableException.class,
                () -> Backends.check(Backends.Choice.GPU)).getMessage();
        assertUserError(run("fit", "--input", input, "--k", "3", "--backend", "gpu"),
                "streamkmeans fit: " + noGpu + help);
        assertUserError(run("fit", "--input", input, "--k", "auto", "--silhouette", "none"),
                "streamkmeans fit: --k-method silhouette needs a silhouette; use another --silhouette than none, "
                        + "or --k-method elbow or knee" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--n-init", "0"),
                "streamkmeans fit: n-init must be at least 1, got 0" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--init", "best"),
                "streamkmeans fit: invalid value for option '--init': unknown init 'best' "
                        + "(expected random, kmeans++ or greedy-kmeans++)" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--refine-trials", "-1"),
                "streamkmeans fit: --refine-trials must be >= 0, got -1" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--refine", "anneal"),
                "streamkmeans fit: invalid value for option '--refine': unknown refinement 'anneal' "
                        + "(expected none, swap or split-merge)" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--threads", "0"),
                "streamkmeans fit: --threads must be at least 1, got 0" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--silhouette", "fast"),
                "streamkmeans fit: invalid value for option '--silhouette': 'fast' "
                        + "(expected auto, exact, sampled, simplified or none)" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--backend", "tpu"),
                "streamkmeans fit: invalid value for option '--backend': 'tpu' (expected auto, cpu or gpu)" + help);
        assertUserError(run("fit", "--input", input, "--k", "3", "--format", "xml"),
                "streamkmeans fit: invalid value for option '--format': unknown format 'xml' "
                        + "(expected auto, whitespace, csv or jsonl)" + help);
    }

    @Test
    void s1WithFifteenClustersMatchesTheReference() throws Exception {
        Path root = Path.of(System.getProperty("streamkmeans.datasets", "../shared/datasets"));
        assumeTrue(Files.isDirectory(root), "datasets not found at " + root);
        Run r = run("fit", "--input", root.resolve("s/s1.txt").toString(), "--k", "15");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(5000, j.get("points").asInt());
        int total = 0;
        for (JsonNode s : j.get("cluster_sizes")) {
            total += s.asInt();
        }
        assertEquals(5000, total);
        // scikit-learn's mean SSE over seeds 0..9 is 8.917616e12 (ANCHORS.md); all its seeds reach CI 0.
        double inertia = j.get("inertia").asDouble();
        assertTrue(inertia <= 8.917616e12 * 1.001, "inertia " + inertia);
        float[] found = flat(centroids(j));
        float[] truth = flat(readRows(root.resolve("s/s1-gt.txt")));
        assertEquals(0, CentroidIndex.between(found, truth, 2));
        assertTrue(j.get("silhouette").asDouble() > 0.6, j.toString());
    }

    private static float[][] readRows(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .map(l -> {
                    String[] cells = l.split("\\s+");
                    float[] row = new float[cells.length];
                    for (int t = 0; t < cells.length; t++) {
                        row[t] = Float.parseFloat(cells[t]);
                    }
                    return row;
                })
                .toArray(float[][]::new);
    }

    private static float[] flat(float[][] rows) {
        int d = rows[0].length;
        float[] out = new float[rows.length * d];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(rows[j], 0, out, j * d, d);
        }
        return out;
    }
}
