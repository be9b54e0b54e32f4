package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.adjustedRandIndex;
import static streamkmeans.stream.KafkaTestSupport.awaitRecords;
import static streamkmeans.stream.KafkaTestSupport.centroids;
import static streamkmeans.stream.KafkaTestSupport.json;
import static streamkmeans.stream.KafkaTestSupport.labelsById;
import static streamkmeans.stream.KafkaTestSupport.readAll;
import static streamkmeans.stream.KafkaTestSupport.record;
import static streamkmeans.stream.KafkaTestSupport.summariesByStart;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import streamkmeans.cli.EmbeddedKafka;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.stream.KafkaTestSupport.KeyStream;
import streamkmeans.stream.KafkaTestSupport.Topics;

/**
 * Faults the job survives, end to end on a real (in-process) Kafka broker and a Flink
 * MiniCluster with parallelism 2, exactly-once sinks and checkpoints every 500 ms, outputs read
 * with {@code read_committed}:
 * <ul>
 *   <li>a task failure in each operator that holds state or writes output, after a completed
 *       checkpoint, restores the job from that checkpoint: every point is labelled once, every
 *       window summarised once, every bad record dead-lettered once, and the model carries on
 *       (warm fits, the same cluster ids, model versions without gap or repeat);</li>
 *   <li>the broker going away for seconds while the job runs loses and repeats nothing.</li>
 * </ul>
 */
class FaultToleranceTest {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final Duration CHECKPOINTS = Duration.ofMillis(500);
    /**
     * Restarts allowed: the planned failure needs one; a few spare ones absorb a failure the load
     * of a shared machine may add, and a failure that repeats still exhausts them.
     */
    private static final int RESTARTS = 4;
    private static final long WINDOW_MS = 1000;
    private static final int PER_WINDOW = 500;
    private static final int WINDOWS = 12;
    private static final int K = 3;
    /** Bad records per phase of the input, alternating partitions. */
    private static final int BAD_PER_PHASE = 10;
    /** How far a window's centroid may be from the first window's centroid of the same id (stationary blobs). */
    private static final double SAME_CENTROID = 0.5;
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** For output after a restart: the MiniCluster redeploys every task and the sinks probe their transactions. */
    private static final Duration WAIT_AFTER_RESTART = Duration.ofSeconds(180);

    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    /**
     * The input comes in two phases: windows 0–5 (0–4 close) with ten bad records, then, once
     * the planned failure is armed (a checkpoint after all the first phase's records at the
     * operator completed) and the summaries of windows 0–4 are committed, windows 6–11 with ten
     * more. The failure strikes on the first record of the second phase at the operator; the job
     * restarts from its last checkpoint, which holds model 5, so window 5 is the first fit after
     * the restore: it must be warm, model 6, with the ids of model 5. A drain at the end fits the
     * last window.
     */
    @ParameterizedTest(name = "task failure at {0}")
    @EnumSource(FaultPlan.Operator.class)
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void taskFailureRestoresFromTheLastCheckpointAndWritesEveryOutputOnce(FaultPlan.Operator at,
            @TempDir Path savepoints) throws Exception {
        Topics topics = Topics.create(BROKER.kafka(), "fault-" + at.uid(), PARTITIONS, Map.of());
        KeyStream stream = new KeyStream("default", Blobs.stationary(4, K, 2).sample(WINDOWS * PER_WINDOW),
                PER_WINDOW, BROKER.base(), WINDOW_MS);
        List<ProducerRecord<byte[], byte[]>> points = stream.records(topics.points(), i -> i % PARTITIONS);
        int half = points.size() / 2;
        int lastWindow = points.size() - PER_WINDOW;
        List<ProducerRecord<byte[], byte[]>> phase1 = withBadRecords(topics.points(), points.subList(0, half), 0);
        List<ProducerRecord<byte[], byte[]>> phase2 = withBadRecords(topics.points(),
                points.subList(half, lastWindow), BAD_PER_PHASE);
        // The last window's points come after the failure, as live input would. Watermarks are not
        // checkpointed: a job restored from a checkpoint taken after its source had read all of
        // phase 2, but before the watermark moved past it, has nothing left to read, so its event
        // time stands still until new points arrive.
        List<ProducerRecord<byte[], byte[]>> phase3 = points.subList(lastWindow, points.size());
        FaultPlan plan = new FaultPlan(topics.name() + "-" + UUID.randomUUID(), at, recordsBeforeFailure(at));

        StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, CHECKPOINTS, RESTARTS);
        ClusteringJob.build(env, settings(topics, BROKER.bootstrapServers(),
                WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS))), plan);
        JobClient job = env.executeAsync(topics.name());
        List<RecordMetadata> written = new ArrayList<>();
        boolean stopped = false;
        try {
            written.addAll(produce(phase1));
            await(() -> FaultPlan.armed(plan.name()), "the planned failure at " + at + " armed");
            awaitRecords(BROKER.bootstrapServers(), topics.summaries(), WINDOWS / 2 - 1, s -> true, WAIT);
            written.addAll(produce(phase2));
            await(() -> FaultPlan.fired(plan.name()), "the planned failure at " + at + " thrown");
            written.addAll(produce(phase3));
            // Every window but the last closes on the input's own event time; the restored job commits them.
            awaitRecords(BROKER.bootstrapServers(), topics.labels(), (WINDOWS - 1) * PER_WINDOW, l -> true,
                    WAIT_AFTER_RESTART);
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            stopped = true;
        } finally {
            if (!stopped) {
                cancelIfRunning(job);
            }
        }

        Map<String, JsonNode> labels = labelsById(readAll(BROKER.bootstrapServers(), topics.labels(), WAIT),
                stream.ids());
        assertTrue(adjustedRandIndex(stream.sample().labels(), stream.clusters(labels)) >= 0.99,
                "the blobs are still found");
        List<JsonNode> summaries = assertModelCarriesOn(
                json(readAll(BROKER.bootstrapServers(), topics.summaries(), WAIT)), "default", WINDOWS);
        for (int w = 0; w < WINDOWS; w++) {
            assertEquals(BROKER.base() + w * WINDOW_MS, summaries.get(w).path("window_start").asLong(), "model " + (w + 1));
        }
        for (int i = 0; i < stream.size(); i++) {
            JsonNode label = labels.get(stream.id(i));
            JsonNode summary = summaries.get(i / PER_WINDOW);
            assertEquals(summary.path("window_start").asLong(), label.path("window_start").asLong(), label.toString());
            assertEquals(summary.path("model_version").asLong(), label.path("model_version").asLong(),
                    "a label comes from its window's model: " + label);
        }
        List<JsonNode> deadLetters = json(readAll(BROKER.bootstrapServers(), topics.deadLetters(), WAIT));
        assertBadRecordsOnce(deadLetters, phase1, phase2, written);
        assertEquals(phase1.size() + phase2.size() + phase3.size(), labels.size() + deadLetters.size(),
                "every record is one label or one dead letter");
    }

    /**
     * The broker stops for five seconds while the job runs (count windows, unbounded, two keys)
     * and comes back on the same port with its data: the job reconnects, restarting from a
     * checkpoint if a sink failed, and the committed output has every label once and every
     * window's summary once.
     */
    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void brokerRestartLosesAndRepeatsNothing() throws Exception {
        int perKey = 6 * PER_WINDOW;
        try (EmbeddedKafka broker = EmbeddedKafka.launch()) {
            Topics topics = Topics.create(broker, "broker-restart", PARTITIONS, Map.of());
            List<KeyStream> streams = List.of(
                    new KeyStream("a", Blobs.stationary(4, K, 2).sample(perKey), PER_WINDOW, BROKER.base(), WINDOW_MS),
                    new KeyStream("b", Blobs.stationary(3, K, 5).sample(perKey), PER_WINDOW, BROKER.base(), WINDOW_MS));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                for (int s = 0; s < streams.size(); s++) {
                    records.add(streams.get(s).record(topics.points(), i, (i + s) % PARTITIONS));
                }
            }
            int half = records.size() / 2;
            // Generous retries: the job's clients see the broker vanish, whatever they were doing.
            StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, CHECKPOINTS, 10);
            ClusteringJob.build(env, settings(topics, broker.bootstrapServers(), WindowSpec.count(PER_WINDOW)));
            JobClient job = env.executeAsync(topics.name());
            try {
                KafkaTestSupport.produce(broker.bootstrapServers(), records.subList(0, half));
                awaitRecords(broker.bootstrapServers(), topics.labels(), PER_WINDOW, l -> true, WAIT);
                broker.stop();
                Thread.sleep(5_000);
                broker.start();
                KafkaTestSupport.produce(broker.bootstrapServers(), records.subList(half, records.size()));
                awaitRecords(broker.bootstrapServers(), topics.labels(), records.size(), l -> true,
                        WAIT_AFTER_RESTART);
                awaitRecords(broker.bootstrapServers(), topics.summaries(), streams.size() * perKey / PER_WINDOW,
                        s -> true, WAIT);
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(30, TimeUnit.SECONDS), "the job lives on");
            } finally {
                cancelIfRunning(job);
            }

            Set<String> ids = new HashSet<>();
            streams.forEach(s -> ids.addAll(s.ids()));
            Map<String, JsonNode> labels = labelsById(readAll(broker.bootstrapServers(), topics.labels(), WAIT), ids);
            List<JsonNode> summaries = json(readAll(broker.bootstrapServers(), topics.summaries(), WAIT));
            assertEquals(streams.size() * perKey / PER_WINDOW, summaries.size(), "one summary per key and window");
            for (KeyStream s : streams) {
                assertModelCarriesOn(summaries, s.key(), perKey / PER_WINDOW);
                assertTrue(adjustedRandIndex(s.sample().labels(), s.clusters(labels)) >= 0.99, "key " + s.key());
            }
        }
    }

    // ---- the job ----

    /** An unbounded job over the test's topics: k = 3 on the CPU, watermarks that never wait on an idle partition. */
    private static JobSettings settings(Topics topics, String bootstrap, WindowSpec windows) {
        return topics.settings(bootstrap)
                .windows(windows)
                .clusterer(ClustererSettings.builder(K).seed(11).backend(Backends.Choice.CPU).build())
                .outOfOrderness(Duration.ZERO)
                // Both partitions carry every window: a partition is never idle, and one must not
                // be declared idle in the pause between the two phases.
                .idleness(Duration.ZERO)
                .bounded(false)
                .build();
    }

    /**
     * Records the first phase passes to the operator in a subtask (partition-alternating points,
     * one key): 1500 points per parse subtask, 3000 into the clusterer, 2500 labels and 5
     * summaries of the windows that close (0–4), 5 bad records per dead-letter subtask. The
     * failure arms only once all of them are through and checkpointed, so it strikes on the first
     * record of the second phase, and the checkpoint it restores from holds a fitted model.
     */
    private static long recordsBeforeFailure(FaultPlan.Operator at) {
        return switch (at) {
            case PARSE -> WINDOWS * PER_WINDOW / 2 / PARTITIONS;
            case CLUSTERER -> WINDOWS * PER_WINDOW / 2;
            case LABELS_SINK -> (WINDOWS / 2 - 1) * PER_WINDOW;
            case SUMMARIES_SINK -> WINDOWS / 2 - 1;
            case DEAD_LETTER_SINK -> BAD_PER_PHASE / PARTITIONS;
        };
    }

    /**
     * Cancels the job unless it has ended, waiting up to 30 s. For finally blocks: a failure to
     * cancel is reported on stderr, never thrown over the test's own outcome (a sink can take the
     * MiniCluster's TaskManager down and leave the job waiting for slots).
     */
    private static void cancelIfRunning(JobClient job) {
        try {
            if (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("could not cancel job " + job.getJobID() + ": " + e);
        }
    }

    // ---- the input ----

    /** The points with {@code BAD_PER_PHASE} unparsable records spread among them, alternating partitions. */
    private static List<ProducerRecord<byte[], byte[]>> withBadRecords(String topic,
            List<ProducerRecord<byte[], byte[]>> points, int firstBad) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(points);
        for (int b = BAD_PER_PHASE - 1; b >= 0; b--) {
            byte[] bad = ("{\"features\":[1,2,oops" + (firstBad + b) + "]}").getBytes(StandardCharsets.UTF_8);
            // Early in the phase, so that a failure at the dead-letter sink strikes before the windows close.
            out.add(b * 50, record(topic, b % PARTITIONS, null, bad));
        }
        return out;
    }

    private static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        return KafkaTestSupport.produce(BROKER.bootstrapServers(), records);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    // ---- the output ----

    /**
     * One summary per window of {@code key} ({@code windows} of them, fails on a repeat of a
     * window), each fitted: the first seeded, every later one warm from the model before it (no
     * reseed), model versions 1, 2, ... without gap or repeat, and every centroid where the first
     * window's centroid of the same id is (stationary blobs: the ids survive). Returns them in
     * model-version order.
     */
    private static List<JsonNode> assertModelCarriesOn(List<JsonNode> summaries, String key, int windows) {
        List<JsonNode> ordered = new ArrayList<>(summariesByStart(summaries, key).values());
        assertEquals(windows, ordered.size(), "windows of key " + key);
        ordered.sort(Comparator.comparingLong(s -> s.path("model_version").asLong()));
        float[][] first = centroids(ordered.get(0));
        assertEquals(K, first.length);
        for (int a = 0; a < K; a++) {
            for (int b = a + 1; b < K; b++) {
                assertTrue(distance(first[a], first[b]) > 4 * SAME_CENTROID, "clusters far enough apart to tell");
            }
        }
        for (int w = 0; w < windows; w++) {
            JsonNode s = ordered.get(w);
            String where = "key " + key + ", model " + (w + 1) + ": " + s;
            assertEquals(w + 1, s.path("model_version").asLong(), "versions without gap or repeat, " + where);
            assertEquals("ok", s.path("status").asText(), where);
            assertEquals(PER_WINDOW, s.path("points").asInt(), where);
            assertEquals(w == 0 ? "kmeans++" : "warm", s.path("seeding").asText(), where);
            float[][] c = centroids(s);
            for (int j = 0; j < K; j++) {
                assertTrue(distance(c[j], first[j]) < SAME_CENTROID, "centroid " + j + " moved, " + where);
            }
        }
        return ordered;
    }

    /** Each bad record of both phases became exactly one {@code invalid_json} dead letter; nothing else did. */
    private static void assertBadRecordsOnce(List<JsonNode> deadLetters, List<ProducerRecord<byte[], byte[]>> phase1,
            List<ProducerRecord<byte[], byte[]>> phase2, List<RecordMetadata> written) {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(phase1);
        sent.addAll(phase2);
        Set<String> bad = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).key() == null) {
                bad.add(written.get(i).partition() + ":" + written.get(i).offset());
            }
        }
        assertEquals(2 * BAD_PER_PHASE, bad.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode d : deadLetters) {
            String at = d.path("partition").asInt() + ":" + d.path("offset").asLong();
            assertTrue(bad.contains(at), "a dead letter for a good record: " + d);
            assertTrue(seen.add(at), "two dead letters for one record: " + d);
            assertEquals("invalid_json", d.path("reason").asText(), d.toString());
        }
        assertEquals(bad, seen, "every bad record dead-lettered");
    }

    private static double distance(float[] a, float[] b) {
        double sq = 0;
        for (int t = 0; t < a.length; t++) {
            double diff = (double) a[t] - b[t];
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }
}
