package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.PointBlock;

@SuppressWarnings("try") // the harness's close() may throw InterruptedException
class ClusteringFunctionTest {
    private static final int K = 3;

    /** One clusterer in Flink's keyed operator harness, with its metrics intercepted. */
    static final class Run implements AutoCloseable {
        final KeyedOneInputStreamOperatorTestHarness<String, Point, LabelRecord> harness;
        final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();

        Run(WindowSpec windows, ClustererSettings settings) throws Exception {
            this(new ClusteringFunction(windows, settings));
        }

        Run(ClusteringFunction function) throws Exception {
            UnregisteredMetricGroups.UnregisteredTaskMetricGroup task =
                    new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                        @Override
                        public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name,
                                Map<String, String> info) {
                            return metrics;
                        }
                    };
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(function), Point::key, Types.STRING,
                    new MockEnvironmentBuilder().setMetricGroup(task).build());
        }

        static Run open(WindowSpec windows, ClustererSettings settings) throws Exception {
            return open(new ClusteringFunction(windows, settings));
        }

        static Run open(ClusteringFunction function) throws Exception {
            Run run = new Run(function);
            run.harness.open();
            return run;
        }

        void send(Point p, long ts) throws Exception {
            harness.processElement(p, ts);
        }

        void watermark(long ts) throws Exception {
            harness.processWatermark(ts);
        }

        List<LabelRecord> labels() {
            return harness.extractOutputValues();
        }

        List<WindowSummary> summaries() {
            return values(harness.getSideOutput(ClusteringFunction.SUMMARIES));
        }

        List<DeadLetter> deadLetters() {
            return values(harness.getSideOutput(ClusteringFunction.DEAD_LETTERS));
        }

        long counter(String name) {
            return ((Counter) metrics.get(name)).getCount();
        }

        Object gauge(String name) {
            return ((Gauge<?>) metrics.get(name)).getValue();
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }

        private static <T> List<T> values(Iterable<StreamRecord<T>> records) {
            List<T> out = new ArrayList<>();
            if (records != null) {
                records.forEach(r -> out.add(r.getValue()));
            }
            return out;
        }
    }

    static ClustererSettings.Builder settings() {
        return ClustererSettings.builder(K).seed(3).refine(false).backend(Backends.Choice.CPU);
    }

    /** {@code n} points of key {@code key}, evenly spread over [from, from + span) ms, ids {@code key-i}. */
    static List<Point> points(String key, Blobs.Source source, int n, long from, long span, int firstId) {
        PointBlock block = source.take(n).points();
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Point(key, key + "-" + (firstId + i), from + i * span / n, block.point(i)));
        }
        return out;
    }

    static void sendAll(Run run, List<Point> points) throws Exception {
        for (Point p : points) {
            run.send(p, p.ts());
        }
    }

    @Test
    void tumblingWindowsGiveOneSummaryEachAndTheSecondStartsWarm() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 11).source();
        try (Run run = Run.open(WindowSpec.tumbling(Duration.ofSeconds(1)), settings().build())) {
            sendAll(run, points("a", source, 300, 0, 1000, 0));
            sendAll(run, points("a", source, 300, 1000, 1000, 300));
            assertTrue(run.summaries().isEmpty(), "nothing fits before the watermark passes a window's end");
            run.watermark(999);
            assertEquals(1, run.summaries().size());
            run.watermark(1999);

            List<WindowSummary> summaries = run.summaries();
            assertEquals(2, summaries.size());
            WindowSummary first = summaries.get(0);
            WindowSummary second = summaries.get(1);
            assertEquals("a", first.key());
            assertEquals(0, first.windowStart());
            assertEquals(1000, first.windowEnd());
            assertEquals(300, first.points());
            assertEquals("kmeans++", first.seeding());
            assertEquals(1, first.modelVersion());
            assertEquals("cpu", first.backend());
            assertEquals(1000, second.windowStart());
            assertEquals(2000, second.windowEnd());
            assertEquals("warm", second.seeding());
            assertEquals(2, second.modelVersion());
            assertNotNull(second.drift());

            List<LabelRecord> labels = run.labels();
            assertEquals(600, labels.size());
            assertEquals(600, new HashSet<>(ids(labels)).size(), "every point labelled once");
            for (LabelRecord label : labels) {
                long windowStart = label.ts() < 1000 ? 0 : 1000;
                assertEquals(windowStart, label.windowStart());
                assertEquals(windowStart + 1000, label.windowEnd());
                assertEquals(windowStart == 0 ? 1 : 2, label.modelVersion());
                assertTrue(label.cluster() >= 0 && label.cluster() < K);
                assertNotNull(label.distance());
            }
            assertEquals(600, run.counter("pointsIn"));
            assertEquals(600, run.counter("pointsLabelled"));
            assertEquals(2, run.counter("windowsFitted"));
            assertEquals(second.meanSqDistance(), run.gauge("lastInertiaPerPoint"));
            assertEquals(second.silhouette(), run.gauge("lastSilhouette"));
            assertEquals(second.drift().max(), run.gauge("lastMaxDrift"));
            assertEquals(K, run.gauge("k"));
            assertEquals(0, run.gauge("backend"));
            assertEquals(2, ((Histogram) run.metrics.get("fitTimeMicros")).getCount());
            assertEquals(0, run.harness.numEventTimeTimers(), "no timer left");
        }
    }

    @Test
    void aPointBehindTheWatermarkIsALateDeadLetter() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 12).source();
        try (Run run = Run.open(WindowSpec.tumbling(Duration.ofSeconds(1)), settings().build())) {
            sendAll(run, points("a", source, 100, 0, 1000, 0));
            run.watermark(999);
            Point late = new Point("a", "late-1", 500, new float[] {1, 2}, "points", 2, 77);
            run.send(late, 500);
            Point onTime = new Point("a", "on-time", 1000, new float[] {1, 2});
            run.send(onTime, 1000);

            List<DeadLetter> dead = run.deadLetters();
            assertEquals(1, dead.size());
            DeadLetter letter = dead.get(0);
            assertEquals(DeadLetterReason.LATE, letter.reason());
            assertEquals("points", letter.topic());
            assertEquals(2, letter.partition());
            assertEquals(77, letter.offset());
            assertEquals(500, letter.timestamp());
            assertEquals("a", letter.key());
            assertEquals(1, run.counter("latePoints"));
            assertEquals(102, run.counter("pointsIn"));
            run.watermark(1999);
            assertEquals(1, run.summaries().get(1).points(), "the late point entered no window");
            assertEquals(101, run.labels().size());
        }
    }

    @Test
    void aPointOfAnotherDimensionIsADeadLetterAndNeverEntersAWindow() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 13).source();
        try (Run run = Run.open(WindowSpec.tumbling(Duration.ofSeconds(1)), settings().build())) {
            List<Point> points = points("a", source, 50, 0, 1000, 0);
            sendAll(run, points);
            run.send(new Point("a", "wide", 10, new float[] {1, 2, 3}), 10);
            // Another key has its own dimension.
            run.send(new Point("b", "b-0", 20, new float[] {1, 2, 3}), 20);
            run.watermark(999);

            List<DeadLetter> dead = run.deadLetters();
            assertEquals(1, dead.size());
            assertEquals(DeadLetterReason.DIMENSION_MISMATCH, dead.get(0).reason());
            assertTrue(dead.get(0).message().contains("3 features"), dead.get(0).message());
            assertTrue(new String(dead.get(0).payload(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("\"id\":\"wide\""));
            Map<String, WindowSummary> byKey = new HashMap<>();
            run.summaries().forEach(s -> byKey.put(s.key(), s));
            assertEquals(50, byKey.get("a").points());
            assertEquals(2, byKey.get("a").dims());
            assertEquals("too_few_points", byKey.get("b").status());
            assertEquals(3, byKey.get("b").dims());
            assertEquals(51, run.labels().size());
            assertEquals(1, run.counter("windowsSkipped"));
        }
    }

    @Test
    void countWindowsFitEveryCountValidPoints() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 14).source();
        try (Run run = Run.open(WindowSpec.count(100), settings().build())) {
            List<Point> points = points("a", source, 250, 5000, 2500, 0);
            for (int i = 0; i < points.size(); i++) {
                sendAll(run, List.of(points.get(i)));
                if (i == 120) {
                    run.send(new Point("a", "wide", 0, new float[] {1}), 0);
                }
            }
            List<WindowSummary> summaries = run.summaries();
            assertEquals(2, summaries.size());
            assertEquals(100, summaries.get(0).points());
            assertEquals(points.get(0).ts(), summaries.get(0).windowStart());
            assertEquals(points.get(99).ts(), summaries.get(0).windowEnd());
            assertEquals(points.get(100).ts(), summaries.get(1).windowStart());
            assertEquals(points.get(199).ts(), summaries.get(1).windowEnd());
            assertEquals("warm", summaries.get(1).seeding());
            assertEquals(200, run.labels().size());
            assertEquals(1, run.deadLetters().size());
        }
    }

    @Test
    void onlineModeLabelsOnArrivalWithTheCurrentModel() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 15).source();
        ClustererSettings online = settings().labelMode(ClustererSettings.LabelMode.ONLINE).build();
        try (Run run = Run.open(WindowSpec.tumbling(Duration.ofSeconds(1)), online)) {
            sendAll(run, points("a", source, 200, 0, 1000, 0));
            List<LabelRecord> before = run.labels();
            assertEquals(200, before.size(), "labelled on arrival, before any window closed");
            for (LabelRecord label : before) {
                assertEquals(-1, label.cluster());
                assertNull(label.distance());
                assertEquals(0, label.modelVersion());
                assertEquals(0L, label.windowStart());
                assertEquals(1000L, label.windowEnd());
            }
            run.watermark(999);
            assertEquals(200, run.labels().size(), "no labels when the window fits");
            WindowSummary first = run.summaries().get(0);

            List<Point> next = points("a", source, 50, 1000, 1000, 200);
            sendAll(run, next);
            List<LabelRecord> after = run.labels().subList(200, 250);
            float[][] centroids = first.centroids();
            for (int i = 0; i < 50; i++) {
                LabelRecord label = after.get(i);
                assertEquals(1, label.modelVersion());
                float[] x = next.get(i).features();
                int nearest = nearest(centroids, x);
                assertEquals(nearest, label.cluster());
                assertEquals(Math.hypot(x[0] - centroids[nearest][0], x[1] - centroids[nearest][1]),
                        label.distance(), 1e-5);
            }
            run.watermark(1999);
            assertEquals(2, run.summaries().size(), "windows are still fitted");
            assertEquals(250, run.labels().size());
        }
    }

    @Test
    void slidingWindowsLabelEveryPointOnceInItsFirstFittedWindow() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 16).source();
        WindowSpec sliding = WindowSpec.sliding(Duration.ofSeconds(2), Duration.ofSeconds(1));
        try (Run run = Run.open(sliding, settings().build())) {
            sendAll(run, points("a", source, 100, 0, 1000, 0));
            sendAll(run, points("a", source, 100, 1000, 1000, 100));
            run.watermark(1999);
            // Window [0, 2000) is fitted; a point of pane [1000, 2000) still belongs to [1000, 3000).
            run.send(new Point("a", "straggler", 1500, source.take(1).points().point(0)), 1500);
            assertTrue(run.deadLetters().isEmpty());
            assertEquals(3, run.harness.numKeyedStateEntries(), "model, pane [1000, 2000) and its labelled count");
            run.watermark(Long.MAX_VALUE);

            List<WindowSummary> summaries = run.summaries();
            assertEquals(List.of(-1000L, 0L, 1000L), summaries.stream().map(WindowSummary::windowStart).toList());
            assertEquals(List.of(100, 200, 101), summaries.stream().map(WindowSummary::points).toList());
            List<LabelRecord> labels = run.labels();
            assertEquals(201, labels.size());
            assertEquals(201, new HashSet<>(ids(labels)).size());
            for (LabelRecord label : labels) {
                long expectedStart = label.id().equals("straggler") ? 1000 : label.ts() < 1000 ? -1000 : 0;
                assertEquals(expectedStart, label.windowStart(), label.id());
            }
            assertEquals(1, run.harness.numKeyedStateEntries(),
                    "only the model is left: panes are dropped after their last window");
        }
    }

    @Test
    void theModelSurvivesACheckpointAndRestore() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 17).source();
        WindowSpec tumbling = WindowSpec.tumbling(Duration.ofSeconds(1));
        OperatorSubtaskState snapshot;
        WindowSummary first;
        try (Run run = Run.open(tumbling, settings().build())) {
            sendAll(run, points("a", source, 200, 0, 1000, 0));
            run.watermark(999);
            sendAll(run, points("a", source, 200, 1000, 1000, 200));
            first = run.summaries().get(0);
            snapshot = run.harness.snapshot(1, 1500);
        }
        try (Run restored = new Run(tumbling, settings().build())) {
            restored.harness.setup();
            restored.harness.initializeState(snapshot);
            restored.harness.open();
            restored.watermark(1999);
            WindowSummary second = restored.summaries().get(0);
            assertEquals(200, second.points(), "the buffered pane was restored");
            assertEquals("warm", second.seeding());
            assertEquals(2, second.modelVersion());
            double alpha = settings().build().rollingAlpha();
            assertEquals(alpha * second.meanSqDistance() + (1 - alpha) * first.rollingInertia(),
                    second.rollingInertia(), "the rolling average continues");
            assertEquals(200, restored.labels().size());
        }
    }

    @Test
    void stateAndOutputTypesUseFlinksPojoSerializer() {
        assertTrue(TypeInformation.of(BufferedPoint.class) instanceof PojoTypeInfo);
        assertTrue(TypeInformation.of(LabelRecord.class) instanceof PojoTypeInfo);
        assertTrue(TypeInformation.of(WindowSummary.class) instanceof PojoTypeInfo);
    }

    @Test
    void aGpuBackendWithoutAGpuIsRefusedWhereTheClustererRuns() throws Exception {
        assumeFalse(Backends.usable(Backends.Choice.GPU), "this machine has a usable GPU");
        ClustererSettings gpu = settings().backend(Backends.Choice.GPU).build();
        WindowSpec windows = WindowSpec.count(10);
        // A client that submits the job to a cluster of GPU task managers needs no GPU itself ...
        ClusteringFunction clusterer = new ClusteringFunction(windows, gpu);
        // ... but a local job is checked when it is built ...
        JobSettings local = JobSettings.builder().windows(windows).clusterer(gpu).build();
        assertThrows(Backends.BackendUnavailableException.class,
                () -> ClusteringJob.build(StreamExecutionEnvironment.createLocalEnvironment(1), local));
        // ... and a task manager without a usable GPU fails the task when it opens the clusterer.
        try (KeyedOneInputStreamOperatorTestHarness<String, Point, LabelRecord> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(clusterer), Point::key,
                        Types.STRING)) {
            Backends.BackendUnavailableException e = assertThrows(Backends.BackendUnavailableException.class,
                    harness::open);
            assertTrue(e.getMessage().startsWith("--backend gpu: no usable GPU: "), e.getMessage());
        }
    }

    @Test
    void theGpuOfASubtaskIsFlinksExternalResourceElseTheConfiguredDevice() {
        List<ExternalResourceInfo> two = List.of(gpu("1"), gpu("0"), gpu("not-a-number"));
        assertEquals(OptionalInt.of(0), ClusteringFunction.gpuDevice(two, 0, 5));
        assertEquals(OptionalInt.of(1), ClusteringFunction.gpuDevice(two, 1, 5));
        assertEquals(OptionalInt.of(0), ClusteringFunction.gpuDevice(two, 2, 5), "subtasks spread round-robin");
        assertEquals(OptionalInt.of(5), ClusteringFunction.gpuDevice(List.of(), 3, 5));
        assertEquals(OptionalInt.empty(), ClusteringFunction.gpuDevice(List.of(gpu("x")), 0,
                ClustererSettings.DEFAULT_GPU_DEVICE));
    }

    /** A GPU as Flink's GPU driver describes it: an {@code index} property. */
    private static ExternalResourceInfo gpu(String index) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return "index".equals(key) ? Optional.of(index) : Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return List.of("index");
            }
        };
    }

    private static List<String> ids(List<LabelRecord> labels) {
        return labels.stream().map(LabelRecord::id).toList();
    }

    private static int nearest(float[][] centroids, float[] x) {
        int best = 0;
        double bestSq = Double.POSITIVE_INFINITY;
        for (int j = 0; j < centroids.length; j++) {
            double sq = 0;
            for (int t = 0; t < x.length; t++) {
                double diff = x[t] - centroids[j][t];
                sq += diff * diff;
            }
            if (sq < bestSq) {
                bestSq = sq;
                best = j;
            }
        }
        return best;
    }
}
