package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.json;
import static streamkmeans.stream.KafkaTestSupport.readAll;
import static streamkmeans.stream.KafkaTestSupport.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.stream.KafkaTestSupport.Topics;

/**
 * The bad-input corpus ({@link BadInputCorpus}) end to end, once through a JSON job and once
 * through a CSV job, each on a real Kafka broker and a Flink MiniCluster (parallelism 2): the
 * corpus's records of the job's format are produced among valid points of key {@code default}
 * (2 features, three 1 s windows of 400 points), the records the job itself rejects
 * ({@code dimension_mismatch}, {@code late}) once the first window has been fitted. Then, while
 * the job still runs, and after it drained: every bad record has exactly one dead letter with its
 * reason, source topic, partition, offset and record timestamp, and its original bytes (the first
 * {@link DeadLetter#MAX_PAYLOAD_BYTES} of larger records, marked truncated; the point in the JSON
 * input format for the job's rejections); every valid point has its label; labels plus dead
 * letters are the records produced.
 */
class BadInputCorpusTest {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final long WINDOW_MS = 1000;
    private static final int WINDOWS = 3;
    private static final int PER_WINDOW = 400;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** Room for the megabyte records of the corpus. */
    private static final int MAX_MESSAGE_BYTES = 4 << 20;

    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyJsonCaseIsADeadLetterWithItsReasonOriginAndBytes(@TempDir Path savepoints) throws Exception {
        replay("json", PointFormat.json(), savepoints);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyCsvCaseIsADeadLetterWithItsReasonOriginAndBytes(@TempDir Path savepoints) throws Exception {
        replay("csv", PointFormat.csv(), savepoints);
    }

    /** A bad record as produced: its case and where it was written. */
    private record Sent(BadInputCorpus.Case badCase, RecordMetadata written) {
    }

    private static void replay(String format, PointFormat pointFormat, Path savepoints) throws Exception {
        Topics topics = Topics.create(BROKER.kafka(), "corpus-" + format, PARTITIONS,
                Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES)));
        List<BadInputCorpus.Case> cases = BadInputCorpus.cases(format);
        List<BadInputCorpus.Case> parseStage = cases.stream().filter(c -> !c.jobStage()).toList();
        List<BadInputCorpus.Case> jobStage = cases.stream().filter(BadInputCorpus.Case::jobStage).toList();
        assertFalse(parseStage.isEmpty());
        assertEquals(2, jobStage.size(), "dimension_mismatch and late");

        // Phase 1: the valid points with the parser's cases in among them, partitions alternating.
        Blobs.Sample sample = Blobs.stationary(2, 3, 6).sample(WINDOWS * PER_WINDOW);
        List<ProducerRecord<byte[], byte[]>> phase1 = new ArrayList<>();
        Map<Integer, BadInputCorpus.Case> badAt = new HashMap<>();
        Set<Long> validTs = new HashSet<>();
        int every = sample.size() / (parseStage.size() + 1);
        int c = 0;
        for (int i = 0; i < sample.size(); i++) {
            long ts = BROKER.base() + i * WINDOW_MS / PER_WINDOW;
            validTs.add(ts);
            phase1.add(record(topics.points(), i % PARTITIONS, null, valid(format, i, ts, sample.points().point(i))));
            if (c < parseStage.size() && (i + 1) % every == 0) {
                badAt.put(phase1.size(), parseStage.get(c));
                phase1.add(record(topics.points(), c % PARTITIONS, null, parseStage.get(c).value()));
                c++;
            }
        }
        assertEquals(parseStage.size(), badAt.size(), "every parser case produced");
        List<ProducerRecord<byte[], byte[]>> phase2 = new ArrayList<>();
        for (int j = 0; j < jobStage.size(); j++) {
            phase2.add(record(topics.points(), j % PARTITIONS, null, jobStage.get(j).value()));
        }

        // Unbounded, at-least-once (no checkpoints): output is visible while the job runs.
        StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, Duration.ZERO);
        ClusteringJob.build(env, topics.job(BROKER.bootstrapServers(), WindowSpec.tumbling(Duration.ofMillis(WINDOW_MS)),
                ClustererSettings.builder(3).seed(11).backend(Backends.Choice.CPU).build())
                .format(pointFormat).outOfOrderness(Duration.ofMillis(200)).bounded(false)
                .delivery(Delivery.AT_LEAST_ONCE).build());
        JobClient job = env.executeAsync("bad-input corpus, " + format);
        List<Sent> sent = new ArrayList<>();
        boolean stopped = false;
        try {
            Map<String, Object> bigRecords = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
            List<RecordMetadata> written = KafkaTestSupport.produce(BROKER.bootstrapServers(), phase1, bigRecords);
            badAt.forEach((index, badCase) -> sent.add(new Sent(badCase, written.get(index))));
            // Once a window is fitted (the watermark passes BROKER.base() + 999 when a partition's points reach
            // BROKER.base() + 1200), key default has its dimension and the watermark is past 1970.
            KafkaTestSupport.awaitRecords(BROKER.bootstrapServers(), topics.summaries(), 1, s -> true, READ_TIMEOUT);
            List<RecordMetadata> written2 = KafkaTestSupport.produce(BROKER.bootstrapServers(), phase2);
            for (int j = 0; j < jobStage.size(); j++) {
                sent.add(new Sent(jobStage.get(j), written2.get(j)));
            }
            KafkaTestSupport.awaitRecords(BROKER.bootstrapServers(), topics.deadLetters(), cases.size(), d -> true,
                    READ_TIMEOUT);
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS),
                    "the job runs on after every bad record");
            // Drain: the end of event time fits the windows still open, then the job stops.
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            stopped = true;
        } finally {
            if (!stopped) {
                job.cancel();
            }
        }

        List<JsonNode> labels = json(readAll(BROKER.bootstrapServers(), topics.labels(), READ_TIMEOUT));
        List<JsonNode> deadLetters = json(readAll(BROKER.bootstrapServers(), topics.deadLetters(), READ_TIMEOUT));
        assertEquals(phase1.size() + phase2.size(), labels.size() + deadLetters.size(),
                "every record is one label or one dead letter");
        Set<Long> labelledTs = new HashSet<>();
        for (JsonNode label : labels) {
            assertTrue(labelledTs.add(label.path("ts").asLong()), "two labels for one point: " + label);
            assertTrue(label.path("cluster").asInt() >= 0, label.toString());
        }
        assertEquals(validTs, labelledTs, "every valid point labelled");
        assertDeadLetters(deadLetters, topics.points(), sent);
        List<JsonNode> summaries = json(readAll(BROKER.bootstrapServers(), topics.summaries(), READ_TIMEOUT));
        assertEquals(WINDOWS, summaries.size());
        for (JsonNode s : summaries) {
            assertEquals(PER_WINDOW, s.path("points").asInt(), "a window holds its valid points only: " + s);
            assertEquals("ok", s.path("status").asText());
        }
    }

    /** Valid point {@code i} in the job's format; CSV rows carry no id (labels are matched by ts). */
    private static byte[] valid(String format, int i, long ts, float[] x) {
        if (format.equals("json")) {
            return KafkaTestSupport.pointJson("default", "p-" + i, ts, x);
        }
        return ("default," + ts + "," + x[0] + "," + x[1]).getBytes(StandardCharsets.UTF_8);
    }

    /** One dead letter per bad record (found by partition and offset), with everything it must carry. */
    private static void assertDeadLetters(List<JsonNode> deadLetters, String topic, List<Sent> sent) {
        Map<String, Sent> byOrigin = new HashMap<>();
        sent.forEach(s -> byOrigin.put(s.written().partition() + ":" + s.written().offset(), s));
        assertEquals(sent.size(), deadLetters.size(), "dead letters");
        Set<String> seen = new HashSet<>();
        for (JsonNode d : deadLetters) {
            String origin = d.path("partition").asInt() + ":" + d.path("offset").asLong();
            Sent s = byOrigin.get(origin);
            assertNotNull(s, "a dead letter for a record that was not bad: " + d);
            assertTrue(seen.add(origin), "two dead letters for one record: " + d);
            BadInputCorpus.Case badCase = s.badCase();
            assertEquals(badCase.reason().code(), d.path("reason").asText(), badCase.name() + ": " + d);
            assertEquals(topic, d.path("topic").asText(), badCase.name());
            assertFalse(d.path("message").asText().isBlank(), badCase.name());
            if (badCase.jobStage()) {
                assertPointPayload(badCase, d);
            } else {
                assertEquals(s.written().timestamp(), d.path("timestamp").asLong(), badCase.name());
                assertOriginalBytes(badCase, d);
            }
        }
    }

    /** The original bytes, or their first {@link DeadLetter#MAX_PAYLOAD_BYTES} for a larger record. */
    private static void assertOriginalBytes(BadInputCorpus.Case badCase, JsonNode d) {
        byte[] original = badCase.value();
        byte[] payload = "base64".equals(d.path("payload_encoding").asText())
                ? Base64.getDecoder().decode(d.path("payload").asText())
                : d.path("payload").asText().getBytes(StandardCharsets.UTF_8);
        assertEquals(original.length, d.path("payload_bytes").asInt(), badCase.name());
        boolean large = original.length > DeadLetter.MAX_PAYLOAD_BYTES;
        assertEquals(large, d.path("payload_truncated").asBoolean(), badCase.name());
        if (large) {
            // Text is cut at a character boundary, at most 3 bytes before the limit.
            assertTrue(payload.length <= DeadLetter.MAX_PAYLOAD_BYTES
                    && payload.length > DeadLetter.MAX_PAYLOAD_BYTES - 4, badCase.name() + ": " + payload.length);
            assertArrayEquals(Arrays.copyOf(original, payload.length), payload, badCase.name());
        } else {
            assertArrayEquals(original, payload, badCase.name());
        }
    }

    /** The job's rejections no longer have the record's bytes: the point, in the JSON input format. */
    private static void assertPointPayload(BadInputCorpus.Case badCase, JsonNode d) {
        Point expected = (Point) new PointParser(badCase.csv() ? PointFormat.csv() : PointFormat.json(),
                ParserLimits.DEFAULTS).parse(badCase.value());
        JsonNode payload;
        try {
            payload = KafkaTestSupport.JSON.readTree(d.path("payload").asText());
        } catch (java.io.IOException e) {
            throw new AssertionError(badCase.name() + ": payload is not JSON: " + d, e);
        }
        assertEquals("default", d.path("key").asText(), badCase.name());
        assertEquals(expected.ts(), payload.path("ts").asLong(), badCase.name());
        float[] features = new float[payload.path("features").size()];
        for (int t = 0; t < features.length; t++) {
            features[t] = (float) payload.path("features").get(t).asDouble();
        }
        assertArrayEquals(expected.features(), features, badCase.name());
    }
}
