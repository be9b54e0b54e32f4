package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.json;
import static streamkmeans.stream.KafkaTestSupport.pointJson;
import static streamkmeans.stream.KafkaTestSupport.readAll;
import static streamkmeans.stream.KafkaTestSupport.record;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.cli.EmbeddedKafka;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/**
 * State compatibility: a savepoint written by an earlier build (checked in under
 * {@code src/test/resources/savepoints/model-state-v1}, see the README there) must restore into
 * this one, with each key's model used warm. The fixture holds the clusterer's keyed state
 * ({@link ModelState} in {@link ModelStateSerializer} format 1, and a half-filled count window of
 * buffered points), the Kafka source's splits and offsets and the sinks' state.
 *
 * <p>The fixture job: count windows of 100 points, k = 3, at-least-once sinks (no Kafka
 * transactions, which belong to the broker that wrote them), parallelism 2. Input topic
 * {@code fixture-points} with two partitions: key {@code a} (300 points, three windows) in
 * partition 0; key {@code b} (340 points: three windows and 40 buffered) then key {@code c} (100
 * points, one window, whose summary proves that every record of partition 1 before it was read)
 * in partition 1. The source's state thus holds offsets 300 and 440. A restore needs a broker
 * with a topic of that name and those partitions; on a fresh broker the test writes as many
 * filler records first, so the saved offsets point at the first new record.
 */
class SavepointCompatibilityTest {
    /** Setting it to the test resources' {@code savepoints} folder rewrites the fixture (see the README there). */
    static final String WRITE_PROPERTY = "streamkmeans.writeFixtures";
    private static final String FIXTURE = "model-state-v1";
    private static final String TOPIC = "fixture-points";
    private static final int PARTITIONS = 2;
    private static final int COUNT = 100;
    private static final int K = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(90);
    /** Blobs of each key of the fixture (seed) and how many of its points the fixture job read. */
    private static final Map<String, Integer> FIXTURE_POINTS = Map.of("a", 300, "b", 340, "c", 100);
    private static final Map<String, Integer> PARTITION = Map.of("a", 0, "b", 1, "c", 1);
    /** Points per cluster of key a after the restore, four around each saved centroid at a time. */
    private static final int[] AROUND_CENTROID = {36, 32, 32};
    private static final float OFFSET = 0.25f;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theCheckedInSavepointRestoresWithWarmModelsAndBufferedPoints() throws Exception {
        Path fixture = Path.of(getClass().getResource("/savepoints/" + FIXTURE).toURI());
        JsonNode known = KafkaTestSupport.JSON.readTree(fixture.resolve("fixture.json").toFile());
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            kafka.createTopics(PARTITIONS, TOPIC, "restored-labels", "restored-summaries", "restored-dead-letters");
            // The saved offsets must point at the first new record: fill each partition up to them.
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (long i = known.path("offsets").path(String.valueOf(p)).asLong(); i > 0; i--) {
                    records.add(record(TOPIC, p, null, "filler, read only if the offsets were lost"
                            .getBytes(StandardCharsets.UTF_8)));
                }
            }
            long ts = System.currentTimeMillis();
            float[][] savedA = centroids(known.path("keys").path("a").path("centroids"));
            List<Integer> clusterOfA = new ArrayList<>();
            for (int j = 0; j < K; j++) {
                for (int i = 0; i < AROUND_CENTROID[j]; i++) {
                    float[] x = savedA[j].clone();
                    x[(i / 2) % 2] += (i % 2 == 0 ? OFFSET : -OFFSET);
                    records.add(record(TOPIC, 0, "a", pointJson("a", "a-new-" + clusterOfA.size(), ts, x)));
                    clusterOfA.add(j);
                }
            }
            Blobs.Sample b = blobs("b").sample(FIXTURE_POINTS.get("b") + 60);
            for (int i = FIXTURE_POINTS.get("b"); i < b.size(); i++) {
                records.add(record(TOPIC, 1, "b", pointJson("b", "b-" + i, ts, b.points().point(i))));
            }
            KafkaTestSupport.produce(kafka.bootstrapServers(), records);

            JobSettings settings = job(kafka, "restored").build();
            StreamExecutionEnvironment env = KafkaTestSupport.environment(1, Duration.ZERO);
            env.configure(Configuration.fromMap(Map.of("execution.state-recovery.path",
                    fixture.resolve("savepoint").toUri().toString())));
            ClusteringJob.build(env, settings);
            JobClient job = env.executeAsync("restore the v1 fixture");
            try {
                KafkaTestSupport.awaitRecords(kafka.bootstrapServers(), settings.summariesTopic(), 2, s -> true,
                        READ_TIMEOUT);
                KafkaTestSupport.awaitRecords(kafka.bootstrapServers(), settings.labelsTopic(), 2 * COUNT, s -> true,
                        READ_TIMEOUT);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }

            Map<String, JsonNode> summaries = new HashMap<>();
            for (JsonNode s : json(readAll(kafka.bootstrapServers(), settings.summariesTopic(), READ_TIMEOUT))) {
                assertTrue(summaries.put(s.path("key").asText(), s) == null, "one window per key: " + s);
            }
            assertEquals(List.of("a", "b"), summaries.keySet().stream().sorted().toList());
            Map<String, JsonNode> labels = new HashMap<>();
            for (JsonNode l : json(readAll(kafka.bootstrapServers(), settings.labelsTopic(), READ_TIMEOUT))) {
                assertTrue(labels.put(l.path("id").asText(), l) == null, "two labels for " + l);
            }
            assertEquals(2 * COUNT, labels.size(), "labels: " + labels.keySet());
            assertEquals(0, readAll(kafka.bootstrapServers(), settings.deadLetterTopic(), READ_TIMEOUT).size(),
                    "the restored offsets skip the fillers");

            // Key a: a warm fit from the saved centroids on points placed symmetrically around them.
            JsonNode a = summaries.get("a");
            JsonNode savedStateA = known.path("keys").path("a");
            assertRestoredWarm(savedStateA, a);
            float[][] fittedA = centroids(a.path("centroids"));
            for (int j = 0; j < K; j++) {
                for (int t = 0; t < savedA[j].length; t++) {
                    assertEquals(savedA[j][t], fittedA[j][t], 1e-4, "centroid " + j + " is the saved one");
                }
            }
            assertTrue(a.path("drift").path("max").asDouble() < 1e-4, "no drift from the saved centroids: " + a);
            double alpha = ClustererSettings.builder(K).build().rollingAlpha();
            double meanSq = a.path("mean_sq_distance").asDouble();
            assertEquals(OFFSET * OFFSET, meanSq, 1e-4);
            assertEquals(alpha * meanSq + (1 - alpha) * savedStateA.path("rolling_inertia").asDouble(),
                    a.path("rolling_inertia").asDouble(), 1e-9, "the rolling inertia continues the saved one");
            for (int i = 0; i < clusterOfA.size(); i++) {
                assertEquals(clusterOfA.get(i).intValue(), labels.get("a-new-" + i).path("cluster").asInt(),
                        "a point beside saved centroid j is in cluster j");
            }

            // Key b: its 40 buffered points came back and completed the window with 60 new ones.
            JsonNode bSummary = summaries.get("b");
            assertRestoredWarm(known.path("keys").path("b"), bSummary);
            float[][] savedB = centroids(known.path("keys").path("b").path("centroids"));
            float[][] fittedB = centroids(bSummary.path("centroids"));
            for (int j = 0; j < K; j++) {
                double shift = Math.hypot(savedB[j][0] - fittedB[j][0], savedB[j][1] - fittedB[j][1]);
                assertTrue(shift < 1.0, "centroid " + j + " of b moved " + shift);
            }
            for (int i = 300; i < b.size(); i++) {
                JsonNode label = labels.get("b-" + i);
                assertNotNull(label, "no label for b-" + i + (i < 340 ? " (buffered in the savepoint)" : ""));
                assertEquals(bSummary.path("model_version").asLong(), label.path("model_version").asLong());
            }
        }
    }

    /** The summary of the first window after the restore: warm, the saved version plus one, k and dims kept. */
    private static void assertRestoredWarm(JsonNode saved, JsonNode summary) {
        assertEquals("warm", summary.path("seeding").asText(), summary.toString());
        assertEquals(saved.path("model_version").asLong() + 1, summary.path("model_version").asLong(),
                summary.toString());
        assertEquals(COUNT, summary.path("points").asInt());
        assertEquals(K, summary.path("k").asInt());
        assertEquals(2, summary.path("dims").asInt());
    }

    /**
     * Writes the fixture: runs the fixture job on a fresh broker, stops it with a savepoint and
     * records what the state holds in {@code fixture.json}. Disabled unless
     * {@value #WRITE_PROPERTY} names the {@code savepoints} resource folder; see the README there
     * before using it.
     */
    @Test
    @EnabledIfSystemProperty(named = WRITE_PROPERTY, matches = ".+")
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void writeTheFixture(@TempDir Path savepoints) throws Exception {
        Path target = Path.of(System.getProperty(WRITE_PROPERTY)).resolve(FIXTURE);
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            kafka.createTopics(PARTITIONS, TOPIC, "fixture-labels", "fixture-summaries", "fixture-dead-letters");
            long ts = System.currentTimeMillis();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (String key : List.of("a", "b", "c")) {
                Blobs.Sample sample = blobs(key).sample(FIXTURE_POINTS.get(key));
                for (int i = 0; i < sample.size(); i++) {
                    records.add(record(TOPIC, PARTITION.get(key), key,
                            pointJson(key, key + "-" + i, ts + i, sample.points().point(i))));
                }
            }
            JobSettings settings = job(kafka, "fixture").build();
            StreamExecutionEnvironment env = KafkaTestSupport.environment(2, Duration.ZERO);
            ClusteringJob.build(env, settings);
            JobClient job = env.executeAsync("write the v1 fixture");
            String savepoint;
            try {
                KafkaTestSupport.produce(kafka.bootstrapServers(), records);
                // c's window follows b's points in partition 1: once it is fitted, all of them were read.
                KafkaTestSupport.awaitRecords(kafka.bootstrapServers(), settings.summariesTopic(), 7, s -> true,
                        READ_TIMEOUT);
                savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(120, TimeUnit.SECONDS);
            } catch (Exception | AssertionError e) {
                job.cancel();
                throw e;
            }

            ObjectNode fixture = KafkaTestSupport.JSON.createObjectNode();
            fixture.put("written_by", "SavepointCompatibilityTest.writeTheFixture");
            fixture.put("flink", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
            fixture.put("parallelism", 2);
            fixture.put("input_topic", TOPIC);
            fixture.put("count_window", COUNT);
            fixture.put("k", K);
            fixture.putObject("offsets").put("0", FIXTURE_POINTS.get("a"))
                    .put("1", FIXTURE_POINTS.get("b") + FIXTURE_POINTS.get("c"));
            ObjectNode keys = fixture.putObject("keys");
            Map<String, JsonNode> last = new LinkedHashMap<>();
            for (JsonNode s : json(readAll(kafka.bootstrapServers(), settings.summariesTopic(), READ_TIMEOUT))) {
                JsonNode before = last.get(s.path("key").asText());
                if (before == null || before.path("model_version").asLong() < s.path("model_version").asLong()) {
                    last.put(s.path("key").asText(), s);
                }
            }
            for (String key : List.of("a", "b", "c")) {
                JsonNode s = last.get(key);
                ObjectNode k = keys.putObject(key);
                k.put("model_version", s.path("model_version").asLong());
                k.put("rolling_inertia", s.path("rolling_inertia").asDouble());
                k.set("centroids", s.path("centroids"));
                k.put("buffered_points", FIXTURE_POINTS.get(key) % COUNT);
            }
            Path folder = target.resolve("savepoint");
            Files.createDirectories(folder);
            try (Stream<Path> old = Files.list(folder)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            try (Stream<Path> files = Files.list(Path.of(java.net.URI.create(savepoint)))) {
                for (Path p : files.toList()) {
                    Files.copy(p, folder.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            KafkaTestSupport.JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve("fixture.json").toFile(),
                    fixture);
        }
    }

    /** The job of the fixture, with output topics named after {@code prefix}. */
    private static JobSettings.Builder job(EmbeddedKafka kafka, String prefix) {
        return JobSettings.builder()
                .kafka(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .inputTopic(TOPIC)
                .labelsTopic(prefix + "-labels")
                .summariesTopic(prefix + "-summaries")
                .deadLetterTopic(prefix + "-dead-letters")
                .groupId(prefix)
                .windows(WindowSpec.count(COUNT))
                .clusterer(ClustererSettings.builder(K).seed(11).backend(Backends.Choice.CPU).build())
                .delivery(Delivery.AT_LEAST_ONCE)
                .bounded(false)
                .startFromEarliest(true);
    }

    private static Blobs blobs(String key) {
        return Blobs.stationary(2, K, 20 + key.charAt(0));
    }

    private static float[][] centroids(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = new float[rows.get(j).size()];
            for (int t = 0; t < out[j].length; t++) {
                out[j][t] = (float) rows.get(j).get(t).asDouble();
            }
        }
        return out;
    }
}
