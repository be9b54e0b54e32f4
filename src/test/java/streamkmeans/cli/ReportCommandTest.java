package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code report}: from a JSON-lines file and from the summaries topic, and its one-line errors. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReportCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheReportOfAJsonLinesFile() throws Exception {
        Path in = dir.resolve("summaries.jsonl");
        List<String> lines = new ArrayList<>(SummaryFixtures.lines("alpha", 5, 3, 2, -1, -1));
        lines.add("");
        lines.addAll(SummaryFixtures.lines("beta", 4, 2, 3, -1, -1));
        Files.write(in, lines);
        Path out = dir.resolve("drift.html");

        Result r = run("report", "--summaries", in.toString(), "--out", out.toString());

        assertEquals(0, r.code, r.err);
        assertEquals("wrote " + out + ": 9 window summaries, 2 keys", r.out.strip());
        String html = Files.readString(out);
        assertTrue(html.contains("<h2>alpha</h2>") && html.contains("<h2>beta</h2>"));
        assertTrue(html.contains("9 window summaries from " + in + " · 2 keys"));
    }

    @Test
    void keyFilterKeepsOnlyThoseKeys() throws Exception {
        Path in = dir.resolve("summaries.jsonl");
        List<String> lines = new ArrayList<>(SummaryFixtures.lines("alpha", 3, 2, 2, -1, -1));
        lines.addAll(SummaryFixtures.lines("beta", 3, 2, 2, -1, -1));
        Files.write(in, lines);
        Path out = dir.resolve("beta.html");

        Result r = run("report", "--summaries", in.toString(), "--out", out.toString(), "--key", "beta");

        assertEquals(0, r.code, r.err);
        String html = Files.readString(out);
        assertTrue(html.contains("<h2>beta</h2>"));
        assertFalse(html.contains("<h2>alpha</h2>"));
        Result none = run("report", "--summaries", in.toString(), "--out", out.toString(), "--key", "gamma");
        assertEquals(Main.USER_ERROR, none.code);
        assertEquals("streamkmeans report: " + in + ": no window summaries for key 'gamma'", none.err.strip());
    }

    @Test
    void badInputIsOneLineWithFileAndLine() throws Exception {
        Path out = dir.resolve("drift.html");
        Path badJson = dir.resolve("bad.jsonl");
        Files.write(badJson, List.of(SummaryFixtures.lines("alpha", 1, 2, 2, -1, -1).get(0), "", "{\"key\": \"a\","));
        Path notSummary = dir.resolve("table.txt");
        Files.write(notSummary, List.of("key          end        points", "[1, 2]"));
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        Path missing = dir.resolve("missing.jsonl");

        assertError("streamkmeans report: " + badJson + ":3: invalid JSON: ",
                "report", "--summaries", badJson.toString(), "--out", out.toString());
        assertError("streamkmeans report: " + notSummary + ":1: invalid JSON: ",
                "report", "--summaries", notSummary.toString(), "--out", out.toString());
        Files.write(notSummary, List.of("[1, 2]"));
        assertError("streamkmeans report: " + notSummary + ":1: not a window summary "
                        + "(expected a JSON object with \"key\" and \"window_end\")",
                "report", "--summaries", notSummary.toString(), "--out", out.toString());
        assertError("streamkmeans report: " + empty + ": no window summaries",
                "report", "--summaries", empty.toString(), "--out", out.toString());
        assertError("streamkmeans report: " + missing + ": no such file",
                "report", "--summaries", missing.toString(), "--out", out.toString());
        assertError("streamkmeans report: " + dir + ": is a directory, not a file",
                "report", "--summaries", dir.toString(), "--out", out.toString());
        Path good = dir.resolve("good.jsonl");
        Files.write(good, SummaryFixtures.lines("alpha", 2, 2, 2, -1, -1));
        Path noDir = dir.resolve("no/such/dir/drift.html");
        assertError("streamkmeans report: " + noDir + ": cannot write: no such directory",
                "report", "--summaries", good.toString(), "--out", noDir.toString());
        assertError("streamkmeans report: missing required option: '--out=FILE'",
                "report", "--summaries", good.toString());
        assertError("streamkmeans report: --summaries reads a file; it cannot be combined with --bootstrap-servers",
                "report", "--summaries", good.toString(), "--out", out.toString(), "--bootstrap-servers", "h:9092");
        assertFalse(Files.exists(out), "no report from bad input");
    }

    @Test
    void readsTheCommittedSummariesOfTheTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            kafka.createTopics(2, "cluster-summaries");
            List<String> committed = new ArrayList<>(SummaryFixtures.lines("alpha", 4, 3, 2, -1, -1));
            committed.addAll(SummaryFixtures.lines("beta", 2, 2, 4, -1, -1));
            SummaryFixtures.send(kafka.bootstrapServers(), "cluster-summaries", true, committed);
            SummaryFixtures.send(kafka.bootstrapServers(), "cluster-summaries", false,
                    SummaryFixtures.lines("gamma", 2, 2, 2, -1, -1));
            Path out = dir.resolve("drift.html");

            Result r = run("report", "--bootstrap-servers", kafka.bootstrapServers(), "--out", out.toString());

            assertEquals(0, r.code, r.err);
            assertEquals("wrote " + out + ": 6 window summaries, 2 keys", r.out.strip(), "the aborted key is not read");
            String html = Files.readString(out);
            assertTrue(html.contains("6 window summaries from topic cluster-summaries on " + kafka.bootstrapServers()));
            assertTrue(html.contains("<h2>alpha</h2>") && html.contains("<h2>beta</h2>"));
            assertFalse(html.contains("gamma"));

            Result missing = run("report", "--bootstrap-servers", kafka.bootstrapServers(), "--summaries-topic", "nope",
                    "--out", out.toString());
            assertEquals(Main.USER_ERROR, missing.code);
            assertEquals("streamkmeans report: nope: no such topic on " + kafka.bootstrapServers(), missing.err.strip());
        }
    }

    private void assertError(String expectedStart, String... args) {
        Result r = run(args);
        assertEquals(Main.USER_ERROR, r.code, r.err);
        assertEquals(1, r.err.lines().count(), "one line: " + r.err);
        assertTrue(r.err.startsWith(expectedStart), "expected " + expectedStart + "\nbut got " + r.err);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
