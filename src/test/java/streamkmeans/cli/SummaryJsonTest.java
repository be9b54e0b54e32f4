package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.KSelection;

class SummaryJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KMeansResult result(double inertia) {
        float[] centroids = {0.1f, 1e-7f, 123456.79f, -2.5f};
        return new KMeansResult(centroids, 2, 2, new int[] {0, 1, 1}, new float[3], new int[] {1, 2}, inertia,
                4, true, 10, "greedy-kmeans++", "cpu", 1_500_000, 2_250_400, 0, null, null);
    }

    private static SummaryJson.Quality quality() {
        return new SummaryJson.Quality(0.5, "exact", 0.25, 40.0, Map.of(), 1.0000004);
    }

    @Test
    void floatsAreWrittenWithoutSpuriousDigits() {
        KMeansResult r = result(3.0);
        String line = SummaryJson.ofFit(r, r.centroids(), quality(), 0).write(false);
        assertTrue(line.contains("\"centroids\":[[0.1,1.0E-7],[123456.79,-2.5]]"), line);
        assertTrue(line.contains("\"mean_sq_distance\":1.0,"), line);
        assertTrue(line.contains("\"fit_ms\":3.75,\"metrics_ms\":1.0,"), line);
    }

    @Test
    void nonFiniteNumbersBecomeNullWithAReason() throws Exception {
        KMeansResult r = result(Double.POSITIVE_INFINITY);
        String line = SummaryJson.ofFit(r, r.centroids(), quality(), 0).write(false);
        JsonNode j = JSON.readTree(line);
        assertTrue(j.get("inertia").isNull());
        assertTrue(j.get("mean_sq_distance").isNull());
        assertEquals("not a finite number (Infinity)", j.get("undefined").get("inertia").asText());
        assertEquals(0.5, j.get("silhouette").asDouble());
    }

    @Test
    void kSelectionTable() {
        List<KSelection.Row> rows = List.of(new KSelection.Row(1, 10.0, Double.NaN), new KSelection.Row(2, 2.0, 0.75));
        KSelection.Choice choice = new KSelection.Choice(2, KSelection.Method.SILHOUETTE, "best");
        assertEquals("{\"method\":\"silhouette\",\"chosen\":2,\"reason\":\"best\",\"table\":["
                + "{\"k\":1,\"inertia\":10.0,\"silhouette\":null},{\"k\":2,\"inertia\":2.0,\"silhouette\":0.75}]}",
                SummaryJson.kSelection(choice, rows).toString());
    }
}
