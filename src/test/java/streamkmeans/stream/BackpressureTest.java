package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.KafkaTestSupport.pointJson;
import static streamkmeans.stream.KafkaTestSupport.readAll;
import static streamkmeans.stream.KafkaTestSupport.record;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import streamkmeans.cli.EmbeddedKafka;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/**
 * Backpressure: a labels sink slowed by a broker quota slows the whole job down instead of
 * dropping labels or buffering the backlog in memory. A backlog of points is produced first; the
 * job (exactly-once, parallelism 2) then runs with the broker throttling its labels producers
 * (their {@link ClusteringJob#sinkClientId known client id}) to {@link #LABEL_BYTES_PER_S}, a
 * fraction of what the job could write. While it runs, once a second: the records its source
 * consumers have fetched (their Kafka client metrics, in this JVM), the labels the broker has
 * taken (the labels topic's end offsets, uncommitted included) and the heap after a full GC.
 */
class BackpressureTest {
    private static final int POINTS = 50_000;
    /** Wide points make the backlog big in memory (about 0.7 KB of JSON and 0.35 KB as a point each). */
    private static final int DIMS = 64;
    private static final int COUNT = 1000;
    private static final int PARALLELISM = 2;
    private static final long LABEL_BYTES_PER_S = 300_000;
    /** Small producer buffers, so that what the producers may hold stays well below the backlog. */
    private static final int PRODUCER_BUFFER_BYTES = 1 << 20;
    /**
     * Points the job may hold in memory at any time: the source readers' fetched batches (two of
     * 500 records queued per subtask and one in hand), the network buffers between source and
     * clusterer (about 1 MiB, 3000 of these points), the open count window and the labels in the
     * producers' 1 MiB buffers (about 6000): about 10 000; 6400 measured. A third of the backlog.
     */
    private static final long MAX_IN_MEMORY = 15_000;
    /**
     * Heap the run may add over its first sample with labels written (after a full GC); the
     * backlog is 36 MB as JSON, 18 MB as parsed points. Under 20 MiB measured on a loaded machine.
     */
    private static final long MAX_HEAP_GROWTH = 32L << 20;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aThrottledLabelsSinkHoldsTheSourceBackAndLosesNothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.launch();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            String points = "bp-points";
            String labels = "bp-labels";
            kafka.createTopics(PARALLELISM, points, labels, "bp-summaries", "bp-dead-letters");
            produceBacklog(kafka.bootstrapServers(), points);

            JobSettings settings = JobSettings.builder()
                    .kafka(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                            ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(PRODUCER_BUFFER_BYTES),
                            ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024)))
                    .inputTopic(points).labelsTopic(labels).summariesTopic("bp-summaries")
                    .deadLetterTopic("bp-dead-letters")
                    .groupId("bp").transactionalIdPrefix("bp")
                    .windows(WindowSpec.count(COUNT))
                    .clusterer(ClustererSettings.builder(4).seed(3).backend(Backends.Choice.CPU).build())
                    .delivery(Delivery.EXACTLY_ONCE)
                    .bounded(true)
                    .startFromEarliest(true)
                    .build();
            String labelsClient = ClusteringJob.sinkClientId(settings, "labels");
            throttle(admin, labelsClient, LABEL_BYTES_PER_S);

            StreamExecutionEnvironment env = KafkaTestSupport.environment(PARALLELISM, Duration.ofSeconds(1));
            ClusteringJob.build(env, settings);
            JobClient job = env.executeAsync("backpressure");
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            List<Sample> samples = new ArrayList<>();
            double maxThrottleMs = 0;
            while (true) {
                try {
                    result.get(1, TimeUnit.SECONDS);
                    break;
                } catch (TimeoutException running) {
                    samples.add(new Sample(System.nanoTime(), fetched(points), written(admin, labels), heapAfterGc()));
                    maxThrottleMs = Math.max(maxThrottleMs, throttleMillis(labelsClient));
                }
            }
            long finished = System.nanoTime();

            // (a) Every label arrived, each once.
            BitSet seen = new BitSet(POINTS);
            int duplicates = 0;
            for (ConsumerRecord<byte[], byte[]> r : readAll(kafka.bootstrapServers(), labels, Duration.ofSeconds(60))) {
                int i = Integer.parseInt(KafkaTestSupport.json(r).path("id").asText().substring(2));
                duplicates += seen.get(i) ? 1 : 0;
                seen.set(i);
            }
            assertEquals(POINTS, seen.cardinality(), "labelled points; first missing p-" + seen.nextClearBit(0)
                    + ", " + written(admin, labels) + " records in the labels topic, uncommitted included");
            assertEquals(0, duplicates, "duplicate labels");

            // (b) The sink was throttled, the job went at the sink's pace, and the source held back.
            assertTrue(maxThrottleMs > 0, "the broker throttled the labels producers");
            List<Sample> during = samples.stream().filter(s -> s.written() > 0 && s.written() < POINTS).toList();
            assertTrue(during.size() >= 5, "labels were written over " + during.size() + " samples only: " + samples);
            long labelBytes = labelBytes(admin, labels);
            double writing = (finished - during.get(0).nanos()) / 1e9;
            assertTrue(writing >= 0.5 * labelBytes / LABEL_BYTES_PER_S, "the labels (" + labelBytes + " bytes) took "
                    + writing + " s, faster than the throttle allows");
            for (Sample s : samples) {
                assertTrue(s.fetched() - s.written() <= MAX_IN_MEMORY, "the source ran " + (s.fetched() - s.written())
                        + " points ahead of the labels written: " + samples);
            }
            // A quarter, not half: the broker's quota lets a burst of several seconds' bytes through
            // before it throttles (it averages over quota.window.num windows), and the source reads
            // ahead by that much before the first sample.
            assertTrue(during.stream().anyMatch(s -> POINTS - s.fetched() >= POINTS / 4),
                    "the source's lag stayed large while labels were written: " + samples);

            // (c) The heap did not take the backlog in.
            long baseline = during.get(0).heap();
            long peak = during.stream().mapToLong(Sample::heap).max().orElseThrow();
            assertTrue(peak - baseline <= MAX_HEAP_GROWTH, "heap after GC grew by " + (peak - baseline) / (1 << 20)
                    + " MiB: " + samples);
        }
    }

    /** One observation of the running job. */
    private record Sample(long nanos, long fetched, long written, long heap) {
        @Override
        public String toString() {
            return String.format("[%.1fs fetched %d written %d heap %d MiB]", nanos / 1e9 % 1000, fetched, written,
                    heap >> 20);
        }
    }

    /** The backlog, in chunks so that the test does not hold it in memory; POINTS is a multiple of the chunk. */
    private static void produceBacklog(String bootstrap, String topic) throws Exception {
        Blobs.Source source = Blobs.stationary(DIMS, 4, 5).source();
        // Recent event times: labels carry them as record timestamps, and the broker's retention
        // (7 days) deletes older records, silently, while the test reads.
        long start = System.currentTimeMillis() - 600_000;
        float[] x = new float[DIMS];
        int chunk = 5000;
        for (int from = 0; from < POINTS; from += chunk) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(chunk);
            for (int i = from; i < from + chunk; i++) {
                source.next(x, 0);
                records.add(record(topic, i % PARALLELISM, "default",
                        pointJson("default", "p-" + i, start + i, x)));
            }
            KafkaTestSupport.produce(bootstrap, records);
        }
    }

    /** Sets a produce quota on a client id and waits until the broker reports it. */
    private static void throttle(Admin admin, String clientId, long bytesPerSecond) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", (double) bytesPerSecond))))).all().get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get().get(entity) == null) {
            assertTrue(System.nanoTime() < deadline, "quota not in effect after 30 s");
            Thread.sleep(100);
        }
    }

    /** Records of {@code topic} the source's Kafka consumers have fetched, from their client metrics. */
    private static long fetched(String topic) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long sum = 0;
        for (ObjectName name : server.queryNames(new ObjectName(
                "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=" + topic), null)) {
            sum += Math.round((Double) server.getAttribute(name, "records-consumed-total"));
        }
        return sum;
    }

    /** The highest recent produce throttle time of the labels producers, ms. */
    private static double throttleMillis(String clientId) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
        try {
            double ms = (Double) server.getAttribute(name, "produce-throttle-time-max");
            return Double.isNaN(ms) ? 0 : ms;
        } catch (InstanceNotFoundException | AttributeNotFoundException e) {
            // Producers come and go (one per transaction in flight) and share the client id, so
            // the metric's JMX bean is briefly missing or half-registered now and then.
            return 0;
        }
    }

    /** Records the broker holds in {@code topic}, committed or not (transaction markers included). */
    private static long written(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARALLELISM; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Bytes of the labels topic on the broker's disk. */
    private static long labelBytes(Admin admin, String topic) throws Exception {
        return admin.describeLogDirs(List.of(1)).allDescriptions().get().values().stream()
                .flatMap(dirs -> dirs.values().stream())
                .flatMap(dir -> dir.replicaInfos().entrySet().stream())
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(e -> e.getValue().size())
                .sum();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
