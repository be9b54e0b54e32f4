package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.adjustedRandIndex;
import static streamkmeans.stream.KafkaTestSupport.centroids;
import static streamkmeans.stream.KafkaTestSupport.json;
import static streamkmeans.stream.KafkaTestSupport.labelsById;
import static streamkmeans.stream.KafkaTestSupport.pointJson;
import static streamkmeans.stream.KafkaTestSupport.readAll;
import static streamkmeans.stream.KafkaTestSupport.record;
import static streamkmeans.stream.KafkaTestSupport.summariesByStart;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.stream.KafkaTestSupport.KeyStream;
import streamkmeans.stream.KafkaTestSupport.Topics;

/**
 * The streaming job end to end: points produced to a real (in-process) Kafka broker, the job on a
 * local Flink MiniCluster with parallelism 2, and its three output topics read back with
 * {@code read_committed}. Windows are event-time windows over explicit point timestamps (or count
 * windows), so every window's content is known in advance. One broker for the class, distinct
 * topics per test.
 */
class KafkaJobTest {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final long WINDOW_MS = 1000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void roundTripLabelsEveryPointOnceAndRecoversTheBlobs() throws Exception {
        Topics topics = topics("round-trip");
        // One partition: each window holds its points in stream order, so the run is reproducible.
        // On these blobs (5 in 5-d, at least 7 apart) the seeded fit needs three Lloyd passes.
        KeyStream stream = stream("default", Blobs.stationary(5, 5, 2).sample(10_000), 2000);
        produce(stream.records(topics.points(), i -> 0));

        run(job(topics, WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS)), clusterer(5)).build(), Duration.ZERO);

        Map<String, JsonNode> labels = labelsById(readAll(BROKER.bootstrapServers(), topics.labels(), READ_TIMEOUT),
                stream.ids());
        for (int i = 0; i < stream.size(); i++) {
            JsonNode label = labels.get(stream.id(i));
            int window = i / stream.perWindow();
            assertEquals("default", label.path("key").asText());
            assertEquals(stream.ts(i), label.path("ts").asLong());
            assertEquals(BROKER.base() + window * WINDOW_MS, label.path("window_start").asLong(), stream.id(i));
            assertEquals(BROKER.base() + (window + 1) * WINDOW_MS, label.path("window_end").asLong(), stream.id(i));
            assertEquals(window + 1, label.path("model_version").asLong(), "the window's own model");
            assertTrue(label.path("distance").asDouble() >= 0, label.toString());
        }
        double ari = adjustedRandIndex(stream.sample().labels(), stream.clusters(labels));
        assertTrue(ari >= 0.99, "adjusted Rand index " + ari);

        List<JsonNode> summaries = summariesByWindow(topics, "default", stream.windows());
        List<Integer> warmIterations = new ArrayList<>();
        for (int w = 0; w < summaries.size(); w++) {
            JsonNode s = summaries.get(w);
            assertEquals("ok", s.path("status").asText());
            assertEquals(2000, s.path("points").asInt());
            assertEquals(5, s.path("dims").asInt());
            assertEquals(5, s.path("k").asInt());
            assertEquals("cpu", s.path("backend").asText());
            assertEquals(w == 0 ? "kmeans++" : "warm", s.path("seeding").asText(), "window " + w);
            assertEquals(2000, sum(s.path("cluster_sizes")));
            assertTrue(s.path("silhouette").asDouble() > 0.6, s.toString());
            assertCentroidsNear(stream.sample().model(), stream.midIndex(w), centroids(s), 0.2);
            assertTrue(s.path("converged").asBoolean(), s.toString());
            if (w > 0) {
                // One pass to move, one to confirm: the fewest any Lloyd run can take.
                assertTrue(s.path("iterations").asInt() <= 2, "warm window " + w + ": " + s);
                warmIterations.add(s.path("iterations").asInt());
            }
        }
        double meanWarm = warmIterations.stream().mapToInt(Integer::intValue).average().orElseThrow();
        int first = summaries.get(0).path("iterations").asInt();
        assertTrue(meanWarm < first, "warm starts average " + meanWarm + " iterations, the seeded fit " + first);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void driftingCentresAreTrackedWithStableIdsAndMeasuredDrift() throws Exception {
        Topics topics = topics("drift");
        int perWindow = 2000;
        int windows = 5;
        double movePerWindow = 0.5;
        Blobs model = Blobs.withDrift(3, 4, movePerWindow / perWindow, 6);
        KeyStream stream = stream("default", model.sample(perWindow * windows), perWindow);
        assertTrue(minSeparation(model, 0) > 8 && minSeparation(model, stream.size()) > 8,
                "the blobs stay well apart");
        produce(stream.records(topics.points(), i -> i % PARTITIONS));

        run(job(topics, WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS)), clusterer(4)).build(), Duration.ZERO);

        Map<String, JsonNode> labels = labelsById(readAll(BROKER.bootstrapServers(), topics.labels(), READ_TIMEOUT),
                stream.ids());
        int[] clusters = stream.clusters(labels);
        int[] truth = stream.sample().labels();
        // Each true cluster's id, from the first window; it must be the same in every window.
        int[] ids = majorityIds(truth, clusters, 0, perWindow, 4);
        assertEquals(4, Arrays.stream(ids).distinct().count(), "a one-to-one map " + Arrays.toString(ids));
        List<JsonNode> summaries = summariesByWindow(topics, "default", windows);
        for (int w = 0; w < windows; w++) {
            assertEquals(Arrays.toString(ids),
                    Arrays.toString(majorityIds(truth, clusters, w * perWindow, (w + 1) * perWindow, 4)),
                    "cluster ids of window " + w);
            JsonNode s = summaries.get(w);
            float[][] centroids = centroids(s);
            long mid = stream.midIndex(w);
            for (int j = 0; j < 4; j++) {
                double error = distance(centroids[ids[j]], centre(model, j, mid));
                assertTrue(error < 0.3, "window " + w + ", cluster " + j + ": centroid " + error
                        + " from the true centre at the window's middle");
            }
            if (w == 0) {
                assertTrue(s.path("drift").isNull(), "no drift before a previous model");
                continue;
            }
            assertEquals("warm", s.path("seeding").asText());
            JsonNode drift = s.path("drift");
            for (int j = 0; j < 4; j++) {
                double shift = drift.path("per_cluster").get(ids[j]).asDouble();
                assertEquals(movePerWindow, shift, 0.2, "window " + w + ", cluster " + j + " drift");
            }
            assertEquals(movePerWindow, drift.path("mean").asDouble(), 0.1, "window " + w + " mean drift");
            assertTrue(drift.path("max").asDouble() >= drift.path("mean").asDouble());
        }
        assertTrue(adjustedRandIndex(truth, clusters) >= 0.99);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void severalKeysKeepSeparateModels() throws Exception {
        Topics topics = topics("keys");
        List<KeyStream> streams = List.of(
                stream("a", Blobs.stationary(2, 3, 6).sample(3000), 1000),
                stream("b", Blobs.stationary(3, 3, 5).sample(3000), 1000),
                stream("c", Blobs.stationary(4, 3, 3).sample(3000), 1000));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            for (int s = 0; s < streams.size(); s++) {
                int partition = s % PARTITIONS;
                records.add(streams.get(s).record(topics.points(), i, partition));
            }
        }
        produce(records);

        run(job(topics, WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS)), clusterer(3)).build(), Duration.ZERO);

        Set<String> allIds = new HashSet<>();
        streams.forEach(s -> allIds.addAll(s.ids()));
        Map<String, JsonNode> labels = labelsById(readAll(BROKER.bootstrapServers(), topics.labels(), READ_TIMEOUT),
                allIds);
        List<JsonNode> summaries = json(readAll(BROKER.bootstrapServers(), topics.summaries(), READ_TIMEOUT));
        assertEquals(9, summaries.size(), "three windows for each of three keys");
        for (KeyStream stream : streams) {
            for (int i = 0; i < stream.size(); i++) {
                assertEquals(stream.key(), labels.get(stream.id(i)).path("key").asText(), "no cross-talk");
            }
            double ari = adjustedRandIndex(stream.sample().labels(), stream.clusters(labels));
            assertTrue(ari >= 0.99, "key " + stream.key() + ": adjusted Rand index " + ari);
            List<JsonNode> own = summariesByWindow(summaries, stream.key(), 3);
            int d = stream.sample().model().dimension();
            for (int w = 0; w < 3; w++) {
                JsonNode s = own.get(w);
                assertEquals(d, s.path("dims").asInt(), "key " + stream.key() + " keeps its own dimension");
                assertEquals(1000, s.path("points").asInt());
                assertEquals(w == 0 ? "kmeans++" : "warm", s.path("seeding").asText());
                assertEquals(w + 1, s.path("model_version").asLong(), "a version per key");
                assertCentroidsNear(stream.sample().model(), 0, centroids(s), 0.25);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void exactlyOnceWithCheckpointsWritesEveryOutputOnce() throws Exception {
        Topics topics = topics("exactly-once");
        KeyStream stream = stream("default", Blobs.stationary(4, 3, 2).sample(12_000), 1000);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(stream.records(topics.points(),
                i -> i % PARTITIONS));
        for (int b = 0; b < 10; b++) {
            records.add(b * 1000, record(topics.points(), b % PARTITIONS, null,
                    ("{\"features\":[1,2,oops" + b + "]}").getBytes(StandardCharsets.UTF_8)));
        }
        produce(records);

        run(job(topics, WindowSpec.count(1000), clusterer(3)).delivery(Delivery.EXACTLY_ONCE).build(),
                Duration.ofMillis(500));

        List<ConsumerRecord<byte[], byte[]>> labelRecords = readAll(BROKER.bootstrapServers(), topics.labels(),
                READ_TIMEOUT);
        Map<String, JsonNode> labels = labelsById(labelRecords, stream.ids());
        for (ConsumerRecord<byte[], byte[]> r : labelRecords) {
            assertEquals(json(r).path("ts").asLong(), r.timestamp(), "a label's record time is its point's");
        }
        assertTrue(adjustedRandIndex(stream.sample().labels(), stream.clusters(labels)) >= 0.99);
        List<ConsumerRecord<byte[], byte[]>> summaryRecords = readAll(BROKER.bootstrapServers(), topics.summaries(),
                READ_TIMEOUT);
        assertEquals(12, summaryRecords.size(), "one summary per count window");
        Set<Long> versions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : summaryRecords) {
            JsonNode s = json(r);
            assertEquals(1000, s.path("points").asInt());
            assertTrue(versions.add(s.path("model_version").asLong()), "each window once: " + s);
            assertTrue(r.timestamp() > 0 && r.timestamp() < Long.MAX_VALUE, "a real record time");
        }
        List<JsonNode> deadLetters = json(readAll(BROKER.bootstrapServers(), topics.deadLetters(), READ_TIMEOUT));
        assertEquals(10, deadLetters.size());
        assertTrue(deadLetters.stream().allMatch(d -> d.path("reason").asText().equals("invalid_json")));
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void backendFailuresNeverFailTheJobAndEveryPointIsStillALabelOrADeadLetter() throws Exception {
        Topics topics = topics("fit-failures");
        // Key steady: windows of 600 to 605 points. The backend throws on odd windows; the CPU refit
        // throws too on 603, the fourth. Key fresh: its first window (301 points) fails on both.
        int[] steady = {600, 601, 602, 603, 604, 605};
        int[] fresh = {301, 300};
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(windowRecords(topics, "steady", steady, 0));
        records.addAll(windowRecords(topics, "fresh", fresh, 1));
        produce(records);
        FaultyLloydBackend.Fault device = n -> n % 2 == 1 ? new IllegalStateException("injected device fault") : null;
        FaultyLloydBackend.Fault cpu = n -> n == 603 || n == 301 ? new IllegalStateException("injected cpu fault")
                : null;
        ClustererSettings clusterer = clusterer(3);
        WindowSpec windows = WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS));

        StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, Duration.ZERO);
        ClusteringJob.build(env, job(topics, windows, clusterer).build(), new ClusteringFunction(windows, clusterer,
                FaultyLloydBackend.factory("gpu", device), FaultyLloydBackend.factory("cpu", cpu)));
        env.execute(topics.name());

        List<JsonNode> labels = json(readAll(BROKER.bootstrapServers(), topics.labels(), READ_TIMEOUT));
        List<JsonNode> deadLetters = json(readAll(BROKER.bootstrapServers(), topics.deadLetters(), READ_TIMEOUT));
        assertEquals(records.size(), labels.size() + deadLetters.size(), "every record a label or a dead letter");
        assertEquals(301, deadLetters.size(), "the points of fresh's failed first window");
        Set<String> deadIds = new HashSet<>();
        for (JsonNode d : deadLetters) {
            assertEquals("fit_failed", d.path("reason").asText(), d.toString());
            assertEquals("fresh", d.path("key").asText());
            assertTrue(d.path("message").asText().contains("injected cpu fault"), d.toString());
            deadIds.add(KafkaTestSupport.JSON.readTree(d.path("payload").asText()).path("id").asText());
        }
        assertEquals(301, deadIds.size());
        assertTrue(deadIds.contains("fresh-0") && deadIds.contains("fresh-300"));

        List<JsonNode> summaries = json(readAll(BROKER.bootstrapServers(), topics.summaries(), READ_TIMEOUT));
        List<JsonNode> steadySummaries = summariesByWindow(summaries, "steady", steady.length);
        assertEquals(List.of("ok", "ok", "ok", "fit_failed", "ok", "ok"),
                steadySummaries.stream().map(s -> s.path("status").asText()).toList());
        assertEquals(List.of("gpu", "cpu", "gpu", "cpu", "gpu", "cpu"),
                steadySummaries.stream().map(s -> s.path("backend").asText()).toList(), "odd windows on the CPU");
        assertEquals(List.of(1L, 2L, 3L, 3L, 4L, 5L),
                steadySummaries.stream().map(s -> s.path("model_version").asLong()).toList(),
                "the failed window keeps the version of the model before it");
        JsonNode failed = steadySummaries.get(3);
        assertEquals("gpu backend: IllegalStateException: injected device fault; cpu refit: IllegalStateException:"
                + " injected cpu fault", failed.path("error").asText());
        assertEquals(steadySummaries.get(2).path("centroids"), failed.path("centroids"), "the previous model");
        assertTrue(steadySummaries.get(4).path("error").isNull());
        assertEquals("warm", steadySummaries.get(4).path("seeding").asText());
        List<JsonNode> freshSummaries = summariesByWindow(summaries, "fresh", fresh.length);
        assertEquals("fit_failed", freshSummaries.get(0).path("status").asText());
        assertTrue(freshSummaries.get(0).path("centroids").isNull());
        assertEquals("kmeans++", freshSummaries.get(1).path("seeding").asText(), "fresh's first model");
        assertEquals(1, freshSummaries.get(1).path("model_version").asLong());

        long start = BROKER.base() + 3 * WINDOW_MS;
        for (JsonNode label : labels) {
            if (label.path("window_start").asLong() == start && label.path("key").asText().equals("steady")) {
                assertEquals(3, label.path("model_version").asLong(), "labelled by the previous model: " + label);
                assertTrue(label.path("cluster").asInt() >= 0);
            }
        }
        assertEquals(603, labels.stream().filter(l -> l.path("window_start").asLong() == start
                && l.path("key").asText().equals("steady")).count());
    }

    // ---- the job ----

    /** The four topics of one test, named after it, two partitions each. */
    private static Topics topics(String name) {
        return Topics.create(BROKER.kafka(), name, PARTITIONS, Map.of());
    }

    /** A bounded exactly-once job over the test's topics. */
    private static JobSettings.Builder job(Topics topics, WindowSpec windows, ClustererSettings clusterer) {
        return topics.job(BROKER.bootstrapServers(), windows, clusterer);
    }

    private static ClustererSettings clusterer(int k) {
        return ClustererSettings.builder(k).seed(11).backend(Backends.Choice.CPU).build();
    }

    private static void run(JobSettings settings, Duration checkpointInterval) throws Exception {
        StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, checkpointInterval);
        ClusteringJob.build(env, settings);
        env.execute(settings.inputTopic());
    }

    private static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        return KafkaTestSupport.produce(BROKER.bootstrapServers(), records);
    }

    // ---- the input ----

    /** One key's points, {@code perWindow} to each window of {@code WINDOW_MS} from {@code BROKER.base()}. */
    private static KeyStream stream(String key, Blobs.Sample sample, int perWindow) {
        return new KeyStream(key, sample, perWindow, BROKER.base(), WINDOW_MS);
    }

    /**
     * Points of {@code key} in the JSON format, {@code sizes[w]} in window {@code w} (event times
     * spread over it), ids {@code key-i}, all on {@code partition}.
     */
    private static List<ProducerRecord<byte[], byte[]>> windowRecords(Topics topics, String key, int[] sizes,
            int partition) {
        Blobs.Sample sample = Blobs.stationary(2, 3, 7).sample(Arrays.stream(sizes).sum());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        int i = 0;
        for (int w = 0; w < sizes.length; w++) {
            for (int j = 0; j < sizes[w]; j++, i++) {
                long ts = BROKER.base() + w * WINDOW_MS + j * WINDOW_MS / sizes[w];
                out.add(record(topics.points(), partition, key, pointJson(key, key + "-" + i, ts,
                        sample.points().point(i))));
            }
        }
        return out;
    }

    // ---- the output ----

    private static List<JsonNode> summariesByWindow(Topics topics, String key, int windows) {
        return summariesByWindow(json(readAll(BROKER.bootstrapServers(), topics.summaries(), READ_TIMEOUT)), key,
                windows);
    }

    /** The key's summaries ordered by window; fails unless there is exactly one per window. */
    private static List<JsonNode> summariesByWindow(List<JsonNode> summaries, String key, int windows) {
        TreeMap<Long, JsonNode> byStart = summariesByStart(summaries, key);
        List<Long> starts = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            starts.add(BROKER.base() + w * WINDOW_MS);
        }
        assertEquals(starts, List.copyOf(byStart.keySet()), "one summary per window of key " + key);
        return List.copyOf(byStart.values());
    }

    /** Every true centre (at stream index {@code index}) has a centroid within {@code tolerance}, one-to-one. */
    private static void assertCentroidsNear(Blobs model, long index, float[][] centroids, double tolerance) {
        assertEquals(model.clusters(), centroids.length);
        Set<Integer> used = new HashSet<>();
        for (int j = 0; j < model.clusters(); j++) {
            double[] c = centre(model, j, index);
            int nearest = 0;
            for (int m = 1; m < centroids.length; m++) {
                nearest = distance(centroids[m], c) < distance(centroids[nearest], c) ? m : nearest;
            }
            double error = distance(centroids[nearest], c);
            assertTrue(error < tolerance, "true centre " + j + " is " + error + " from the nearest centroid");
            assertTrue(used.add(nearest), "two true centres share centroid " + nearest);
        }
    }

    /** For each true cluster, the id most of its points in {@code [from, to)} got. */
    private static int[] majorityIds(int[] truth, int[] clusters, int from, int to, int k) {
        int[][] counts = new int[k][k];
        for (int i = from; i < to; i++) {
            counts[truth[i]][clusters[i]]++;
        }
        int[] ids = new int[k];
        for (int j = 0; j < k; j++) {
            for (int c = 1; c < k; c++) {
                ids[j] = counts[j][c] > counts[j][ids[j]] ? c : ids[j];
            }
        }
        return ids;
    }

    private static double[] centre(Blobs model, int j, long index) {
        double[] c = new double[model.dimension()];
        for (int t = 0; t < c.length; t++) {
            c[t] = model.centre(j, t, index);
        }
        return c;
    }

    private static double minSeparation(Blobs model, long index) {
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < model.clusters(); a++) {
            for (int b = a + 1; b < model.clusters(); b++) {
                double[] ca = centre(model, a, index);
                double sq = 0;
                for (int t = 0; t < ca.length; t++) {
                    double diff = ca[t] - model.centre(b, t, index);
                    sq += diff * diff;
                }
                min = Math.min(min, Math.sqrt(sq));
            }
        }
        return min;
    }

    private static double distance(float[] x, double[] c) {
        double sq = 0;
        for (int t = 0; t < c.length; t++) {
            double diff = x[t] - c[t];
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }

    private static int sum(JsonNode array) {
        int total = 0;
        for (JsonNode v : array) {
            total += v.asInt();
        }
        return total;
    }
}
