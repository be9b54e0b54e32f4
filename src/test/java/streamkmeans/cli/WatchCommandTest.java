package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code watch --once} against an embedded broker: the latest committed summary of each key. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WatchCommandTest {
    private static final String TOPIC = "cluster-summaries";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void produceSummaries() throws Exception {
        kafka = EmbeddedKafka.launch();
        kafka.createTopics(2, TOPIC);
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            committed.add(SummaryFixtures.window("alpha", i, 3, 2, -1, -1).toJson());
            if (i < 2) {
                committed.add(SummaryFixtures.window("beta", i, 2, 2, -1, -1).toJson());
            }
        }
        committed.add("not a summary");
        SummaryFixtures.send(kafka.bootstrapServers(), TOPIC, true, committed);
        // A newer window whose transaction was aborted: read_committed never shows it.
        SummaryFixtures.send(kafka.bootstrapServers(), TOPIC, false,
                List.of(SummaryFixtures.window("alpha", 9, 3, 2, -1, -1).toJson()));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void onceShowsTheLatestCommittedSummaryOfEachKey() {
        Result r = run("watch", "--bootstrap-servers", kafka.bootstrapServers(), "--from", "earliest", "--once");

        assertEquals(0, r.code, r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).startsWith(TOPIC + " on " + kafka.bootstrapServers()
                + ": 2 keys, 5 window summaries read, "), lines.get(0));
        assertTrue(lines.get(0).endsWith(" UTC, 1 unreadable records skipped"), lines.get(0));
        assertTrue(lines.get(1).startsWith("key "), "the table header: " + lines.get(1));
        Map<String, String[]> rows = new HashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            rows.put(cells[0], cells);
        }
        assertEquals(2, rows.size(), r.out);
        // alpha: window 2 (the aborted window 9 is not there); beta: window 1.
        assertEquals("00:00:04", rows.get("alpha")[1], r.out);
        assertEquals("6006", rows.get("alpha")[2], r.out);
        assertEquals("warm", rows.get("alpha")[5], r.out);
        assertEquals("00:00:02", rows.get("beta")[1], r.out);
        assertEquals("3002", rows.get("beta")[2], r.out);
        assertFalse(r.out.contains("00:00:18"), r.out);
        assertTrue(r.err.contains("skipped 1 record(s) that are not window summaries; the first: " + TOPIC), r.err);
    }

    @Test
    void onceFromLatestHasNothingToShowYet() {
        Result r = run("watch", "--bootstrap-servers", kafka.bootstrapServers(), "--once");

        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains(": 0 keys, 0 window summaries read, "), r.out);
        assertTrue(r.out.contains("(no window summaries yet)"), r.out);
    }

    @Test
    void unknownTopicIsOneLineAndExitTwo() {
        Result r = run("watch", "--bootstrap-servers", kafka.bootstrapServers(), "--summaries-topic", "no-such-topic",
                "--once");

        assertEquals(Main.USER_ERROR, r.code, r.err);
        assertEquals("streamkmeans watch: no-such-topic: no such topic on " + kafka.bootstrapServers(), r.err.strip());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        Result from = run("watch", "--bootstrap-servers", kafka.bootstrapServers(), "--from", "middle", "--once");
        Result interval = run("watch", "--bootstrap-servers", kafka.bootstrapServers(), "--interval", "0s");

        assertEquals(Main.USER_ERROR, from.code);
        assertTrue(from.err.contains("--from: expected earliest or latest, got 'middle'"), from.err);
        assertEquals(Main.USER_ERROR, interval.code);
        assertTrue(interval.err.contains("--interval: duration '0s' must be longer than zero"), interval.err);
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
