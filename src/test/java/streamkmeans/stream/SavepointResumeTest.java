package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.json;
import static streamkmeans.stream.KafkaTestSupport.pointJson;
import static streamkmeans.stream.KafkaTestSupport.readAll;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.executors.RemoteExecutor;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.cli.Main;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/**
 * Stop with a savepoint and resume, across changes of parallelism: the job runs unbounded with
 * exactly-once sinks on a real (in-process) Kafka broker, is stopped with a savepoint after part of
 * the stream, and resumes from it at another parallelism while the rest of the stream arrives.
 * Every point must be labelled exactly once (read_committed), every key and window summarised
 * once, and each key's first window after a resume must be a warm fit from the saved centroids
 * with the next model version.
 *
 * <p>The stream: two keys, each 200 points per 1 s event-time window from three stationary blobs,
 * spread over both partitions; out-of-orderness 100 ms, so the watermark stops short of the last
 * window of what has been produced and that window is in the savepoint as buffered points.
 */
class SavepointResumeTest {
    private static final int PARTITIONS = 2;
    private static final long WINDOW_MS = 1000;
    private static final int PER_WINDOW = 200;
    private static final int K = 3;
    private static final List<String> KEYS = List.of("a", "b");
    private static final Duration CHECKPOINTS = Duration.ofMillis(500);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
    /** Largest move of a centroid between consecutive windows of stationary blobs (std 1, ~67 points each). */
    private static final double CENTROID_TOLERANCE = 0.75;

    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void resumesFromSavepointsAtParallelismTwoThenOneThenThree(@TempDir Path savepoints) throws Exception {
        Stream stream = Stream.create("resume", 9);
        JobSettings settings = stream.job().build();

        // Windows 0-2 produced; the watermark passes the end of window 1 only.
        String first = runAndStop(settings, 2, null, stream.windows(0, 3), 2, savepoints);
        assertEquals(KEYS.size() * 2, committedSummaries(stream).size(), "windows 0 and 1 summarised before the stop");
        String second = runAndStop(settings, 1, first, stream.windows(3, 6), 5, savepoints);
        assertEquals(KEYS.size() * 5, committedSummaries(stream).size(), "windows 0 to 4 summarised before the stop");
        // Points of a later window close window 8. (Draining would not: a source that is idle when
        // `stop --drain` comes never sends its final watermark downstream, FLINK-40499.)
        List<ProducerRecord<byte[], byte[]>> last = stream.windows(6, 9);
        last.addAll(stream.endMarkers());
        runAndStop(settings, 3, second, last, 9, savepoints);
        Map<String, JsonNode> labels = stream.labelsById();
        for (String key : KEYS) {
            List<JsonNode> summaries = stream.summariesByWindow(key);
            assertEquals(stream.windows(), summaries.size(), "every window of " + key + " summarised");
            for (int w = 0; w < summaries.size(); w++) {
                JsonNode s = summaries.get(w);
                assertEquals(w + 1, s.path("model_version").asLong(), "versions continue without gap or repeat: " + s);
                assertEquals(PER_WINDOW, s.path("points").asInt(), s.toString());
                assertEquals(w == 0 ? "kmeans++" : "warm", s.path("seeding").asText(), "window " + w + " of " + key);
            }
            // Windows 2 and 5 are the first that the resumed jobs fitted, from the saved centroids.
            for (int w : new int[] {2, 5}) {
                assertWarmContinuation(summaries.get(w - 1), summaries.get(w));
            }
            for (int i = 0; i < stream.size(); i++) {
                JsonNode label = labels.get(stream.id(key, i));
                int w = i / PER_WINDOW;
                assertEquals(BROKER.base() + w * WINDOW_MS, label.path("window_start").asLong(), label.toString());
                assertEquals(w + 1, label.path("model_version").asLong(), label.toString());
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void runSubmittedToAClusterKeepsItsConfigurationAndResumesWithTheSavepointOption(@TempDir Path dir)
            throws Exception {
        Stream stream = Stream.create("run-command", 6);
        Configuration clusterConf = new Configuration();
        clusterConf.setString("rest.bind-port", "0");
        clusterConf.setString("rest.address", "127.0.0.1");
        clusterConf.setString("rest.bind-address", "127.0.0.1");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        cluster.start();
        try {
            URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
            // What `flink run -d` gives the program: a context environment built from the cluster's config.yaml.
            Configuration client = new Configuration();
            client.setString("execution.target", RemoteExecutor.NAME);
            client.setString("execution.attached", "false");
            client.setString("rest.address", rest.getHost());
            client.setString("rest.port", String.valueOf(rest.getPort()));
            client.setString("execution.checkpointing.interval", "700 ms");
            client.setString("restart-strategy.type", "exponential-delay");
            StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), client,
                    getClass().getClassLoader(), true, true);
            try {
                JobID firstJob = submit(cluster, stream, "--parallelism", "2");
                AccessExecutionGraph graph = cluster.getExecutionGraph(firstJob).get(30, TimeUnit.SECONDS);
                assertEquals(700, graph.getCheckpointCoordinatorConfiguration().getCheckpointInterval(),
                        "the cluster's checkpoint interval, not run's local default");
                String restarts = graph.getArchivedExecutionConfig().getRestartStrategyDescription();
                assertTrue(restarts.toLowerCase().contains("exponential"), restarts);
                assertEquals(2, graph.getArchivedExecutionConfig().getParallelism());

                KafkaTestSupport.produce(BROKER.bootstrapServers(), stream.windows(0, 3));
                stream.awaitSummaries(2);
                String savepoint = cluster.stopWithSavepoint(firstJob, dir.toUri().toString(), false,
                        SavepointFormatType.CANONICAL).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                JobID resumed = submit(cluster, stream, "--parallelism", "1", "--savepoint", savepoint);
                assertEquals(1, cluster.getExecutionGraph(resumed).get(30, TimeUnit.SECONDS)
                        .getArchivedExecutionConfig().getParallelism());
                KafkaTestSupport.produce(BROKER.bootstrapServers(), stream.windows(3, 6));
                stream.awaitSummaries(5);
                cluster.cancelJob(resumed).get(60, TimeUnit.SECONDS);
            } finally {
                StreamContextEnvironment.unsetAsContext();
            }
        } finally {
            cluster.close();
        }
        for (String key : KEYS) {
            List<JsonNode> summaries = stream.summariesByWindow(key);
            assertEquals(5, summaries.size(), "windows 0 to 4 of " + key);
            for (int w = 0; w < summaries.size(); w++) {
                assertEquals(w + 1, summaries.get(w).path("model_version").asLong(), summaries.get(w).toString());
            }
            assertWarmContinuation(summaries.get(1), summaries.get(2));
        }
    }

    /** Runs {@code run} in this JVM, as the program {@code flink run} starts, and returns the job it submitted. */
    private static JobID submit(MiniCluster cluster, Stream stream, String... extra) throws Exception {
        List<JobID> before = jobs(cluster, null);
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", BROKER.bootstrapServers(),
                "--input-topic", stream.points(), "--labels-topic", stream.labels(),
                "--summaries-topic", stream.summaries(), "--dead-letter-topic", stream.deadLetters(),
                "--group-id", stream.name(), "--transactional-id-prefix", stream.name(),
                "--k", String.valueOf(K), "--window", WINDOW_MS + "ms", "--out-of-orderness", "100ms",
                "--backend", "cpu", "--seed", "11", "--job-name", stream.name()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
        assertEquals(0, code, err::toString);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<JobID> running = jobs(cluster, JobStatus.RUNNING);
            running.removeAll(before);
            if (!running.isEmpty()) {
                return running.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no job running after run returned: " + err);
    }

    private static List<JobID> jobs(MiniCluster cluster, JobStatus status) throws Exception {
        List<JobID> ids = new ArrayList<>();
        for (JobStatusMessage job : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
            if (status == null || job.getJobState() == status) {
                ids.add(job.getJobId());
            }
        }
        return ids;
    }

    /**
     * Runs the job at {@code parallelism} (restoring {@code savepoint} when given), produces
     * {@code records}, waits until the first {@code fittedWindows} windows of every key are
     * summarised and stops the job with a savepoint (without draining: open windows stay in it).
     *
     * @return the savepoint's path
     */
    private static String runAndStop(JobSettings settings, int parallelism, String savepoint,
            List<ProducerRecord<byte[], byte[]>> records, int fittedWindows, Path savepoints)
            throws Exception {
        StreamExecutionEnvironment env = KafkaTestSupport.environment(parallelism, CHECKPOINTS);
        if (savepoint != null) {
            env.configure(Configuration.fromMap(Map.of("execution.state-recovery.path", savepoint)));
        }
        ClusteringJob.build(env, settings);
        JobClient job = env.executeAsync(settings.inputTopic() + " at parallelism " + parallelism);
        boolean stopped = false;
        try {
            KafkaTestSupport.produce(BROKER.bootstrapServers(), records);
            KafkaTestSupport.awaitRecords(BROKER.bootstrapServers(), settings.summariesTopic(),
                    KEYS.size() * fittedWindows, s -> true, READ_TIMEOUT);
            String path = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            stopped = true;
            assertNotNull(path);
            return path;
        } finally {
            if (!stopped) {
                job.cancel();
            }
        }
    }

    private static List<JsonNode> committedSummaries(Stream stream) {
        return json(readAll(BROKER.bootstrapServers(), stream.summaries(), READ_TIMEOUT));
    }

    /**
     * {@code next}, the first window a resumed job fitted, started warm from {@code previous}'s
     * centroids (the saved ones): the same cluster ids near the same places, and its drift
     * measured from them.
     */
    private static void assertWarmContinuation(JsonNode previous, JsonNode next) {
        assertEquals("warm", next.path("seeding").asText(), next.toString());
        assertEquals(previous.path("model_version").asLong() + 1, next.path("model_version").asLong());
        JsonNode before = previous.path("centroids");
        JsonNode after = next.path("centroids");
        assertEquals(K, after.size());
        for (int j = 0; j < K; j++) {
            double shift = distance(before.get(j), after.get(j));
            assertTrue(shift < CENTROID_TOLERANCE, "centroid " + j + " moved " + shift + " across the resume");
            assertEquals(shift, next.path("drift").path("per_cluster").get(j).asDouble(), 1e-4,
                    "drift is measured from the saved centroids");
        }
    }

    private static double distance(JsonNode a, JsonNode b) {
        double sq = 0;
        for (int t = 0; t < a.size(); t++) {
            double diff = a.get(t).asDouble() - b.get(t).asDouble();
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }

    /**
     * The topics of one test and its stream: key {@code key}'s point {@code i} has id
     * {@code key-i}, event time {@code BROKER.base() + i · WINDOW_MS / PER_WINDOW} and partition
     * {@code i mod PARTITIONS}; the keys' points alternate.
     */
    private record Stream(String name, int windows, Map<String, Blobs.Sample> samples) {
        static Stream create(String name, int windows) {
            Map<String, Blobs.Sample> samples = new HashMap<>();
            for (int k = 0; k < KEYS.size(); k++) {
                samples.put(KEYS.get(k), Blobs.stationary(2, K, 40 + k).sample(windows * PER_WINDOW));
            }
            Stream s = new Stream(name, windows, samples);
            BROKER.kafka().createTopics(PARTITIONS, s.points(), s.labels(), s.summaries(), s.deadLetters());
            return s;
        }

        String points() {
            return name + "-points";
        }

        String labels() {
            return name + "-labels";
        }

        String summaries() {
            return name + "-summaries";
        }

        String deadLetters() {
            return name + "-dead-letters";
        }

        int size() {
            return windows * PER_WINDOW;
        }

        String id(String key, int i) {
            return key + "-" + i;
        }

        /** An unbounded job over these topics with exactly-once sinks. */
        JobSettings.Builder job() {
            return JobSettings.builder()
                    .kafka(Map.of("bootstrap.servers", BROKER.bootstrapServers()))
                    .inputTopic(points())
                    .labelsTopic(labels())
                    .summariesTopic(summaries())
                    .deadLetterTopic(deadLetters())
                    .groupId(name)
                    .transactionalIdPrefix(name)
                    .windows(WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS)))
                    .clusterer(ClustererSettings.builder(K).seed(11).backend(Backends.Choice.CPU).build())
                    .outOfOrderness(Duration.ofMillis(100))
                    .delivery(Delivery.EXACTLY_ONCE)
                    .bounded(false)
                    .startFromEarliest(true);
        }

        /** The points of windows {@code [from, to)} of every key. */
        List<ProducerRecord<byte[], byte[]>> windows(int from, int to) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (int i = from * PER_WINDOW; i < to * PER_WINDOW; i++) {
                for (String key : KEYS) {
                    out.add(KafkaTestSupport.record(points(), i % PARTITIONS, key, pointJson(key, id(key, i),
                            BROKER.base() + i * WINDOW_MS / PER_WINDOW, samples.get(key).points().point(i))));
                }
            }
            return out;
        }

        /**
         * One point per key and partition in the middle of the window after the last: it moves
         * the watermark past the last window's end and is never labelled itself.
         */
        List<ProducerRecord<byte[], byte[]>> endMarkers() {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (String key : KEYS) {
                for (int p = 0; p < PARTITIONS; p++) {
                    out.add(KafkaTestSupport.record(points(), p, key, pointJson(key, key + "-end-" + p,
                            BROKER.base() + windows * WINDOW_MS + WINDOW_MS / 2, samples.get(key).points().point(0))));
                }
            }
            return out;
        }

        void awaitSummaries(int windowsPerKey) {
            KafkaTestSupport.awaitRecords(BROKER.bootstrapServers(), summaries(), KEYS.size() * windowsPerKey,
                    s -> true, READ_TIMEOUT);
        }

        /** Every point's label by id; fails on a missing, unknown or repeated one. */
        Map<String, JsonNode> labelsById() {
            Map<String, JsonNode> byId = new HashMap<>();
            for (JsonNode label : json(readAll(BROKER.bootstrapServers(), labels(), READ_TIMEOUT))) {
                String id = label.path("id").asText();
                assertTrue(byId.put(id, label) == null, "two labels for " + id);
            }
            for (String key : KEYS) {
                for (int i = 0; i < size(); i++) {
                    assertNotNull(byId.get(id(key, i)), "no label for " + id(key, i));
                }
            }
            assertEquals(KEYS.size() * size(), byId.size(), "labels for unknown ids");
            return byId;
        }

        /** The key's committed summaries by window; fails unless each window has at most one, in order from 0. */
        List<JsonNode> summariesByWindow(String key) {
            TreeMap<Long, JsonNode> byStart = new TreeMap<>();
            for (JsonNode s : json(readAll(BROKER.bootstrapServers(), summaries(), READ_TIMEOUT))) {
                if (s.path("key").asText().equals(key)) {
                    assertTrue(byStart.put(s.path("window_start").asLong(), s) == null, "two summaries of " + s);
                }
            }
            List<Long> expected = new ArrayList<>();
            for (int w = 0; w < byStart.size(); w++) {
                expected.add(BROKER.base() + w * WINDOW_MS);
            }
            assertEquals(expected, List.copyOf(byStart.keySet()), "one summary per window of " + key);
            return List.copyOf(byStart.values());
        }
    }
}
