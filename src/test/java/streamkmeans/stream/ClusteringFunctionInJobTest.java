package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/** The clusterer in a real (local) Flink job: serialization, keying, watermarks and side outputs. */
@SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException
class ClusteringFunctionInJobTest {

    @Test
    @Timeout(120)
    void aLocalJobLabelsEveryPointAndSummarisesEveryKeyAndWindow() throws Exception {
        List<Point> points = new ArrayList<>();
        Blobs.Source source = Blobs.stationary(2, 3, 5).source();
        for (int i = 0; i < 1200; i++) {
            String key = i % 2 == 0 ? "even" : "odd";
            points.add(new Point(key, "p" + i, i * 2_500L / 1200, source.take(1).points().point(0)));
        }
        points.add(new Point("odd", "wide", 1_000, new float[] {1, 2, 3}));

        List<String> out = run(points, WindowSpec.tumbling(Duration.ofSeconds(1)));
        assertEquals(1200, out.stream().filter(s -> s.startsWith("label ")).distinct().count());
        assertEquals(List.of("dead dimension_mismatch"), out.stream().filter(s -> s.startsWith("dead ")).toList());
        List<String> summaries = out.stream().filter(s -> s.startsWith("summary ")).toList();
        assertEquals(6, summaries.size(), "3 windows for each of 2 keys");
        assertTrue(summaries.stream().allMatch(s -> s.contains("\"status\":\"ok\"")), summaries.toString());
        assertEquals(2, summaries.stream().filter(s -> s.contains("\"seeding\":\"kmeans++\"")).count());
    }

    @Test
    @Timeout(120)
    void theIncompleteLastCountWindowIsFittedWhenTheInputEnds() throws Exception {
        List<Point> points = new ArrayList<>();
        Blobs.Source source = Blobs.stationary(2, 3, 7).source();
        // 530 points per key: one window of 400, then 130 that no further point completes.
        for (int i = 0; i < 1060; i++) {
            points.add(new Point(i % 2 == 0 ? "even" : "odd", "p" + i, i, source.take(1).points().point(0)));
        }
        List<String> out = run(points, WindowSpec.count(400));
        List<String> labelled = out.stream().filter(s -> s.startsWith("label ")).toList();
        assertEquals(1060, labelled.size(), "one label per point");
        assertEquals(1060, labelled.stream().distinct().count(), "every point labelled once");
        assertEquals(260, labelled.stream().filter(s -> s.endsWith(" v2")).count(), "the last 130 of each key");
        List<String> summaries = out.stream().filter(s -> s.startsWith("summary ")).toList();
        assertEquals(4, summaries.size(), "a full and a last window for each of 2 keys: " + summaries);
        assertEquals(2, summaries.stream().filter(s -> s.contains("\"points\":130,")).count(), summaries.toString());
        assertTrue(summaries.stream().allMatch(s -> s.contains("\"status\":\"ok\"")), summaries.toString());
    }

    /**
     * Runs the clusterer (k = 3, CPU) over {@code points} keyed by model key, parallelism 2, event
     * time from the points, and collects "label ID vVERSION", "summary JSON" and "dead REASON".
     */
    private static List<String> run(List<Point> points, WindowSpec windows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Point> input = env.fromData(TypeInformation.of(Point.class), points.toArray(new Point[0]))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Point>forMonotonousTimestamps()
                        .withTimestampAssigner((p, recordTime) -> p.ts()));
        ClustererSettings settings = ClustererSettings.builder(3).refine(false).backend(Backends.Choice.CPU).build();
        SingleOutputStreamOperator<LabelRecord> labels = input.keyBy(Point::key)
                .process(new ClusteringFunction(windows, settings));
        DataStream<String> all = labels.map(l -> "label " + l.id() + " v" + l.modelVersion())
                .union(labels.getSideOutput(ClusteringFunction.SUMMARIES).map(s -> "summary " + s.toJson()),
                        labels.getSideOutput(ClusteringFunction.DEAD_LETTERS).map(d -> "dead " + d.reason().code()));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = all.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
