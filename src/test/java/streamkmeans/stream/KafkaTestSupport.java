package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import streamkmeans.cli.EmbeddedKafka;
import streamkmeans.engine.Blobs;

/**
 * Kafka and Flink helpers of the end-to-end tests: producing with checked acknowledgements,
 * reading a topic completely with {@code read_committed}, a local Flink environment, a test's
 * topics and points, checks of the job's outputs and the adjusted Rand index. Public for the tests
 * of other packages (the command-line ones).
 */
public final class KafkaTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private KafkaTestSupport() {
    }

    /**
     * Sends every record (idempotent producer, {@code acks=all}) and returns once each is
     * acknowledged; a failed send fails the test. {@code extra} adds producer properties.
     *
     * @return where each record was written, in the order given
     */
    public static List<RecordMetadata> produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records,
            Map<String, Object> extra)
            throws InterruptedException, ExecutionException {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(extra);
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                acks.add(producer.send(r));
            }
            producer.flush();
        }
        List<RecordMetadata> written = new ArrayList<>(acks.size());
        for (Future<RecordMetadata> ack : acks) {
            written.add(ack.get());
        }
        return written;
    }

    /** {@link #produce(String, List, Map)} without extra properties. */
    static List<RecordMetadata> produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records)
            throws InterruptedException, ExecutionException {
        return produce(bootstrap, records, Map.of());
    }

    /** A record for {@code partition} of {@code topic} whose key is {@code key} (may be null) and value {@code value}. */
    public static ProducerRecord<byte[], byte[]> record(String topic, int partition, String key, byte[] value) {
        return new ProducerRecord<>(topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** A point in the JSON input format; float32 features written in their shortest exact form. */
    public static byte[] pointJson(String key, String id, long ts, float[] features) {
        StringBuilder sb = new StringBuilder(32 + features.length * 12);
        sb.append("{\"key\":\"").append(key).append("\",\"id\":\"").append(id).append("\",\"ts\":").append(ts)
                .append(",\"features\":[");
        for (int t = 0; t < features.length; t++) {
            sb.append(t == 0 ? "" : ",").append(features[t]);
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Creates a topic with topic-level {@code configs} (such as {@code max.message.bytes}); the
     * caller then waits for its partitions with {@code EmbeddedKafka.createTopics}.
     */
    static void createTopic(String bootstrap, String name, int partitions, Map<String, String> configs)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        }
    }

    /**
     * Every committed record of {@code topic}, read with {@code read_committed} from the beginning
     * up to the last stable offset of each partition as it is when the call starts. For the
     * output of a job that has finished.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, Duration timeout) {
        return readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, timeout);
    }

    /**
     * {@link #readAll(String, String, Duration)} with consumer properties {@code client}
     * (bootstrap servers and, for a secured broker, its security settings).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, ?> client, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " not read to its end within " + timeout
                            + " (" + out.size() + " records read)");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * Reads {@code topic} with {@code read_committed} from the beginning until {@code count}
     * records match {@code wanted}, and returns every record read. For a job that still runs.
     *
     * @throws AssertionError when fewer match within {@code timeout}
     */
    static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String bootstrap, String topic, int count,
            Predicate<JsonNode> wanted, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            int matched = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (matched < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + matched + " of " + count + " wanted records in " + topic
                            + " after " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r);
                    matched += wanted.test(json(r)) ? 1 : 0;
                }
            }
            return out;
        }
    }

    /** The record value as a JSON tree. */
    public static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError("record value is not JSON: "
                    + new String(record.value(), StandardCharsets.UTF_8), e);
        }
    }

    /** Every record value as a JSON tree, in the order read. */
    static List<JsonNode> json(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(KafkaTestSupport::json).toList();
    }

    /**
     * A local Flink environment (a MiniCluster per execution) with {@code parallelism} slots,
     * exactly-once checkpoints every {@code checkpointInterval} (none when zero) and no restarts,
     * so that a failure fails the job at once instead of retrying until the test times out.
     */
    static StreamExecutionEnvironment environment(int parallelism, Duration checkpointInterval) {
        return environment(parallelism, checkpointInterval, 0);
    }

    /**
     * As {@link #environment(int, Duration)}, with up to {@code restarts} restarts one second
     * apart (fixed delay) from the last completed checkpoint; none when zero.
     */
    static StreamExecutionEnvironment environment(int parallelism, Duration checkpointInterval, int restarts) {
        Configuration conf = new Configuration();
        if (!checkpointInterval.isZero()) {
            conf.setString("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
            conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        }
        if (restarts == 0) {
            conf.setString("restart-strategy.type", "none");
        } else {
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", String.valueOf(restarts));
            conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        }
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /**
     * The adjusted Rand index of two labellings of the same points (Hubert and Arabie): 1 for
     * identical partitions up to renaming, about 0 for independent ones. Labels may be any ints.
     * O(n).
     */
    static double adjustedRandIndex(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("labellings differ in length: " + a.length + " vs " + b.length);
        }
        Map<Long, Long> cells = new HashMap<>();
        Map<Integer, Long> rows = new HashMap<>();
        Map<Integer, Long> cols = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            cells.merge(((long) a[i] << 32) ^ (b[i] & 0xFFFFFFFFL), 1L, Long::sum);
            rows.merge(a[i], 1L, Long::sum);
            cols.merge(b[i], 1L, Long::sum);
        }
        double index = cells.values().stream().mapToDouble(KafkaTestSupport::pairs).sum();
        double rowPairs = rows.values().stream().mapToDouble(KafkaTestSupport::pairs).sum();
        double colPairs = cols.values().stream().mapToDouble(KafkaTestSupport::pairs).sum();
        double expected = rowPairs * colPairs / pairs(a.length);
        double max = (rowPairs + colPairs) / 2;
        // Both labellings a single cluster (or every point alone): identical partitions.
        return max == expected ? 1.0 : (index - expected) / (max - expected);
    }

    // ---- topics, points and outputs of the job ----

    /** The four topics of one test run, named after it. */
    record Topics(String name, String points, String labels, String summaries, String deadLetters) {
        /**
         * Creates the topics with {@code partitions} partitions each and waits until they answer;
         * {@code pointsConfig} are topic settings of the points topic.
         */
        static Topics create(EmbeddedKafka kafka, String name, int partitions, Map<String, String> pointsConfig) {
            Topics t = new Topics(name, name + "-points", name + "-labels", name + "-summaries",
                    name + "-dead-letters");
            try {
                createTopic(kafka.bootstrapServers(), t.points(), partitions, pointsConfig);
            } catch (Exception e) {
                throw new AssertionError("cannot create " + t.points(), e);
            }
            kafka.createTopics(partitions, t.points(), t.labels(), t.summaries(), t.deadLetters());
            return t;
        }

        /**
         * Job settings over these topics, from the earliest offsets, exactly-once, with the run's
         * name as consumer group and transactional id prefix; the caller adds windows and the rest.
         */
        JobSettings.Builder settings(String bootstrap) {
            return JobSettings.builder()
                    .kafka(Map.of("bootstrap.servers", bootstrap))
                    .inputTopic(points)
                    .labelsTopic(labels)
                    .summariesTopic(summaries)
                    .deadLetterTopic(deadLetters)
                    .groupId(name)
                    .transactionalIdPrefix(name)
                    .delivery(Delivery.EXACTLY_ONCE)
                    .startFromEarliest(true);
        }

        /** {@link #settings} of a bounded job with {@code windows} and {@code clusterer}. */
        JobSettings.Builder job(String bootstrap, WindowSpec windows, ClustererSettings clusterer) {
            return settings(bootstrap).windows(windows).clusterer(clusterer).bounded(true);
        }
    }

    /**
     * One key's points in the JSON format: the sample's point {@code i} gets id {@code key-i} and
     * event time {@code base + i · windowMs / perWindow}, so the tumbling window {@code w} of
     * {@code windowMs} from {@code base} holds exactly the points {@code [w · perWindow, (w + 1) · perWindow)}.
     */
    record KeyStream(String key, Blobs.Sample sample, int perWindow, long base, long windowMs) {
        int size() {
            return sample.size();
        }

        int windows() {
            return size() / perWindow;
        }

        String id(int i) {
            return key + "-" + i;
        }

        long ts(int i) {
            return base + i * windowMs / perWindow;
        }

        /** Stream index of the middle of window {@code w}, where a drifting centre is at its window mean. */
        long midIndex(int w) {
            return sample.firstIndex() + (long) w * perWindow + (perWindow - 1) / 2;
        }

        Set<String> ids() {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < size(); i++) {
                ids.add(id(i));
            }
            return ids;
        }

        ProducerRecord<byte[], byte[]> record(String topic, int i, int partition) {
            return KafkaTestSupport.record(topic, partition, key, pointJson(key, id(i), ts(i),
                    sample.points().point(i)));
        }

        List<ProducerRecord<byte[], byte[]>> records(String topic, IntUnaryOperator partition) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(size());
            for (int i = 0; i < size(); i++) {
                out.add(record(topic, i, partition.applyAsInt(i)));
            }
            return out;
        }

        /** The cluster each point was labelled with, by point index. */
        int[] clusters(Map<String, JsonNode> labels) {
            int[] out = new int[size()];
            for (int i = 0; i < size(); i++) {
                out[i] = labels.get(id(i)).path("cluster").asInt();
            }
            return out;
        }
    }

    /** Labels by id; fails on a duplicate, an unknown id or a missing one. */
    static Map<String, JsonNode> labelsById(List<ConsumerRecord<byte[], byte[]>> records, Set<String> ids) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode label = json(r);
            String id = label.path("id").asText();
            assertTrue(ids.contains(id), "a label for an unknown id: " + label);
            assertTrue(byId.put(id, label) == null, "two labels for " + id);
        }
        assertEquals(ids.size(), byId.size(), "every point labelled");
        return byId;
    }

    /** The summaries of {@code key} by window start; fails on two summaries of one window. */
    static TreeMap<Long, JsonNode> summariesByStart(List<JsonNode> summaries, String key) {
        TreeMap<Long, JsonNode> byStart = new TreeMap<>();
        for (JsonNode s : summaries) {
            if (s.path("key").asText().equals(key)) {
                assertTrue(byStart.put(s.path("window_start").asLong(), s) == null, "two summaries of a window: " + s);
            }
        }
        return byStart;
    }

    /** The centroids of a summary, k rows of d floats. */
    static float[][] centroids(JsonNode summary) {
        JsonNode rows = summary.path("centroids");
        float[][] out = new float[rows.size()][];
        for (int j = 0; j < rows.size(); j++) {
            out[j] = new float[rows.get(j).size()];
            for (int t = 0; t < out[j].length; t++) {
                out[j][t] = (float) rows.get(j).get(t).asDouble();
            }
        }
        return out;
    }

    private static double pairs(long n) {
        return n * (n - 1) / 2.0;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return consumer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, ?> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new AssertionError("topic " + topic + " has no partitions");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(10)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
