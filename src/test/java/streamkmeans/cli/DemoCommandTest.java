package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one-command demo: embedded Kafka, generator and local Flink, run for a few seconds. */
class DemoCommandTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void clustersTheGeneratedStreamAndPrintsSummaries(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("drift.html");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--duration", "25s",
                "--rate", "5000", "--k", "3", "--dims", "2", "--window", "2s", "--parallelism", "1", "--json",
                "--report", report.toString());
        assertEquals(0, code, err.toString());
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> summaries = new ArrayList<>();
        for (String line : out.toString().split("\\R")) {
            if (!line.isBlank()) {
                summaries.add(mapper.readTree(line));
            }
        }
        assertTrue(summaries.size() >= 2, "expected window summaries on stdout, got:\n" + out + "\nstderr:\n" + err);
        JsonNode first = summaries.get(0);
        assertEquals("default", first.get("key").asText());
        assertEquals("ok", first.get("status").asText());
        assertEquals("kmeans++", first.get("seeding").asText());
        assertEquals(3, first.get("centroids").size());
        JsonNode second = summaries.get(1);
        assertEquals("warm", second.get("seeding").asText());
        assertEquals(first.get("model_version").asLong() + 1, second.get("model_version").asLong());
        for (JsonNode s : summaries.subList(1, summaries.size())) {
            // After the first (partial) window: 2 s of event time at 5000 points/s; Gaussian noise of
            // std 1 in 2 dimensions gives a mean squared distance of 2.
            assertEquals(10_000, s.get("points").asDouble(), 1, s.toString());
            assertEquals(2.0, s.get("mean_sq_distance").asDouble(), 0.3, s.toString());
        }
        assertTrue(err.toString().contains("labels/s out"), err.toString());
        String html = Files.readString(report);
        assertTrue(html.contains("Drift report") && html.contains("<canvas"), "the drift report was written");
        assertTrue(err.toString().contains("demo: wrote drift report " + report), err.toString());
    }
}
