package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import streamkmeans.engine.Blobs;

/** The streaming benchmark: its bookkeeping, and one small end-to-end run. */
class StreamBenchCommandTest {

    @Test
    void percentileIsTheNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertEquals(50, StreamBenchCommand.percentile(sorted, 50));
        assertEquals(100, StreamBenchCommand.percentile(sorted, 99));
        assertEquals(10, StreamBenchCommand.percentile(sorted, 1));
        assertEquals(7, StreamBenchCommand.percentile(new long[] {7}, 99));
        assertThrows(IllegalArgumentException.class, () -> StreamBenchCommand.percentile(new long[0], 50));
    }

    @Test
    void labelTallyCountsDistinctPointsDuplicatesAndSquaredDistances() {
        StreamBenchCommand.LabelTally tally = new StreamBenchCommand.LabelTally(10);
        tally.add(label("p-3", 2, "0.5"));
        tally.add(label("p-7", 0, "2.0"));
        tally.add(label("p-3", 2, "0.5"));
        tally.add(label("p-9", -1, null));
        assertEquals(3, tally.distinct());
        assertEquals(1, tally.duplicates());
        assertEquals(1, tally.unclustered());
        // (0.25 + 4) over the two points that have a cluster.
        assertEquals(2.125, tally.ssePerPoint(), 1e-12);
        assertTrue(tally.labelled().get(9) && !tally.labelled().get(4));
    }

    @Test
    void oracleOfOneKeyIsTheBlobsOracleOfTheSamePoints() {
        BitSet all = new BitSet();
        all.set(0, 5000);
        double expected = Blobs.withDrift(8, 16, Blobs.REFERENCE_DRIFT_PER_POINT, 3).sample(5000).oracleSse();
        assertEquals(expected, StreamBenchCommand.oracleSse(1, 8, 16, 0.01, 3, 5000, all), 0);
    }

    @Test
    void oracleOfSeveralKeysFollowsEachKeysOwnModelAndIndex() {
        BitSet all = new BitSet();
        all.set(0, 4000);
        // Keys take turns: key i is seed + i, its own points indexed 0, 1, 2, ...
        double expected = Blobs.withDrift(2, 3, 0.5 / 1000, 10).sample(2000).oracleSse()
                + Blobs.withDrift(2, 3, 0.5 / 1000, 11).sample(2000).oracleSse();
        assertEquals(expected, StreamBenchCommand.oracleSse(2, 2, 3, 0.5, 10, 4000, all), 1e-9 * expected);
        BitSet firstKeyOnly = new BitSet();
        for (int g = 0; g < 4000; g += 2) {
            firstKeyOnly.set(g);
        }
        double firstKey = Blobs.withDrift(2, 3, 0.5 / 1000, 10).sample(2000).oracleSse();
        assertEquals(firstKey, StreamBenchCommand.oracleSse(2, 2, 3, 0.5, 10, 4000, firstKeyOnly), 1e-9 * firstKey);
    }

    @Test
    void aSummaryNamesTheLastPointOfItsWindow() {
        StreamBenchCommand one = parsed("--count", "100");
        assertEquals(99, one.lastPointOfWindow(summary("default", 1)));
        assertEquals(299, one.lastPointOfWindow(summary("default", 3)));
        StreamBenchCommand three = parsed("--count", "100", "--keys", "3");
        // Key 2's 100th point is its index 99, global index 99·3 + 2.
        assertEquals(299, three.lastPointOfWindow(summary("sensor-2", 1)));
        assertEquals(3 * 199, three.lastPointOfWindow(summary("sensor-0", 2)));
        assertThrows(IllegalStateException.class, () -> three.lastPointOfWindow(summary("sensor-3", 1)));
        assertThrows(IllegalStateException.class, () -> three.lastPointOfWindow(summary("default", 1)));
    }

    @Test
    void rejectsRunsThatCannotFillAWindow() {
        StringWriter err = new StringWriter();
        int code = commandLine(new StringWriter(), err).execute("--points", "500", "--count", "1000");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--points must fill at least one window"), err.toString());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void labelsEveryPointOnceAndMatchesTheOracle() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = commandLine(out, err).execute("--points", "20000", "--count", "5000", "--dims", "2", "--k", "4",
                "--parallelism", "1", "--checkpoint-interval", "500ms");
        assertEquals(0, code, err.toString());
        String row = out.toString();
        assertTrue(row.startsWith("| system | what it does | throughput | quality |"), row);
        assertTrue(row.contains("(20,000 of 20,000 labelled)"), row);
        Matcher ratio = Pattern.compile("\\(([0-9.]+)× oracle\\)").matcher(row);
        assertTrue(ratio.find(), row);
        // Four well-separated blobs fitted per window of 5000: the fit is within a few percent of
        // the truth (a little below it, as the fit adapts to each window's own noise).
        assertEquals(1.0, Double.parseDouble(ratio.group(1)), 0.05, row);
        assertTrue(err.toString().contains("labels 20000 of 20000 points (0 duplicates"), err.toString());
    }

    private static StreamBenchCommand parsed(String... args) {
        StreamBenchCommand command = new StreamBenchCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine cmd = new CommandLine(new StreamBenchCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd;
    }

    private static byte[] label(String id, int cluster, String distance) {
        return ("{\"key\":\"default\",\"id\":\"" + id + "\",\"ts\":1,\"window_start\":1,\"window_end\":2,\"cluster\":"
                + cluster + ",\"distance\":" + distance + ",\"model_version\":1}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] summary(String key, long version) {
        return ("{\"key\":\"" + key + "\",\"window_start\":1,\"window_end\":2,\"status\":\"ok\",\"points\":100,"
                + "\"centroids\":[[1.0,2.0],[3.0,4.0]],\"drift\":{\"per_cluster\":[0.1,0.2],\"max\":0.2},"
                + "\"model_version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
    }
    @Test
    void soakVerdictPassesAFlatRunAndFailsEachKindOfDrift() {
        Duration second = Duration.ofSeconds(1);
        List<StreamSoak.Sample> flat = soak(i -> sample(i, 10_000, 10_000, 20_000, 300, 200));
        List<StreamSoak.Check> checks = StreamSoak.checks(flat, 10_000, 0.25, second);
        assertTrue(checks.stream().allMatch(StreamSoak.Check::pass), checks.toString());

        assertFailed("labels out", soak(i -> sample(i, 10_000, i < 6 ? 10_000 : 6_000, 20_000, 300, 200)));
        assertFailed("heap", soak(i -> sample(i, 10_000, 10_000, 20_000, 300, 200 + 20 * i)));
        assertFailed("checkpoint duration", soak(i -> sample(i, 10_000, 10_000, 20_000, 300 + 200 * i, 200)));
        assertFailed("consumer lag", soak(i -> sample(i, 10_000, 10_000, 20_000 + 10_000 * i, 300, 200)));
        assertFailed("points in", soak(i -> sample(i, 7_000, 7_000, 20_000, 300, 200)));
        List<StreamSoak.Sample> failing = new ArrayList<>(flat);
        StreamSoak.Sample last = failing.remove(failing.size() - 1);
        failing.add(new StreamSoak.Sample(last.seconds(), last.produced(), last.labelled(), last.inRate(),
                last.outRate(), last.lag(), last.checkpointMs(), last.checkpointBytes(), last.checkpointsCompleted(),
                last.checkpointsFailed() + 1, last.heapMib()));
        assertFailed("failed checkpoints", failing);
        // The first sample (warm-up) does not count, and a verdict needs three more.
        assertEquals(null, StreamSoak.checks(flat.subList(0, 3), 10_000, 0.25, second));
        assertTrue(StreamSoak.checks(soak(i -> i == 0 ? sample(i, 1, 1, 900_000, 9_000, 900)
                : sample(i, 10_000, 10_000, 20_000, 300, 200)), 10_000, 0.25, second)
                .stream().allMatch(StreamSoak.Check::pass));
    }

    private static void assertFailed(String check, List<StreamSoak.Sample> samples) {
        List<StreamSoak.Check> failed = StreamSoak.checks(samples, 10_000, 0.25, Duration.ofSeconds(1)).stream()
                .filter(c -> !c.pass()).toList();
        assertEquals(1, failed.size(), check + ": " + failed);
        assertTrue(failed.get(0).name().contains(check), check + ": " + failed);
    }

    private static List<StreamSoak.Sample> soak(IntFunction<StreamSoak.Sample> sample) {
        return IntStream.range(0, 10).mapToObj(sample).toList();
    }

    private static StreamSoak.Sample sample(int i, double in, double out, long lag, double checkpointMs, double heap) {
        return new StreamSoak.Sample(10.0 * (i + 1), (long) in * 10 * (i + 1), (long) out * 10 * (i + 1), in, out, lag,
                checkpointMs, 100_000, 10L * (i + 1), 2, heap);
    }
}
