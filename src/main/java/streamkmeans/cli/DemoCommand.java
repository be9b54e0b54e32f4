package streamkmeans.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import streamkmeans.engine.Backends;
import streamkmeans.stream.ClusteringJob;
import streamkmeans.stream.JobSettings;

/**
 * {@code demo}: everything in one process, nothing to install. An in-process Kafka broker (KRaft,
 * loopback, free port, temporary folder removed at exit), the synthetic drifting-blob producer,
 * and the clustering job on a local Flink MiniCluster; a live console table of the window
 * summaries (read from the summaries topic with {@code read_committed}) and a progress line on
 * stderr. Ends after {@code --duration} or on Ctrl-C, cleaning everything up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Cluster a live synthetic stream on an embedded Kafka and a local Flink, with a console table.")
public final class DemoCommand implements Callable<Integer> {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long, e.g. 60s (default: until Ctrl-C).")
    String duration;

    @Option(names = "--rate", defaultValue = "20000", description = "Points per second produced (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--dims", defaultValue = "2", description = "Features per point (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--keys", defaultValue = "1", description = "Model keys in the stream (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--drift", defaultValue = "0.01",
            description = "Centre movement per 1000 points of a key, in feature units (default: ${DEFAULT-VALUE}).")
    double drift;

    @Option(names = "--true-k", description = "True clusters in the generated data (default: --k).")
    Integer trueK;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism and partitions (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "1s",
            description = "Checkpoint interval; exactly-once output appears at each checkpoint (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--prometheus-port", paramLabel = "PORT",
            description = "Expose the job's metrics for Prometheus on this port (default: off).")
    Integer prometheusPort;

    @Option(names = "--json", description = "Print the window summaries as JSON lines on stdout instead of the table.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "At the end, write the drift report (HTML) of the run's window summaries.")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (job.window == null && job.count == null) {
            job.window = "2s";
        }
        Duration interval = RunCommand.checkpointInterval(spec, checkpointInterval);
        // Before the broker starts: the demo's job runs in this JVM, on this machine's GPU or none.
        Backends.check(job.backend(spec));
        long durationMillis = duration == null ? 0 : Options.duration(spec, "--duration", duration).toMillis();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(cleanedUp, 30);
        }, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Path checkpoints = Files.createTempDirectory("streamkmeans-checkpoints-");
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            Map<String, String> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            JobSettings settings = job.settings(spec, client, false);
            kafka.createTopics(parallelism, settings.inputTopic(), settings.labelsTopic(), settings.summariesTopic(),
                    settings.deadLetterTopic());
            err.printf("demo: Kafka at %s; %s points/s, %d key(s), d=%d, k=%d, windows %s%n", kafka.bootstrapServers(),
                    (long) rate, keys, dims, settings.clusterer().k(), settings.windows());
            err.flush();
            SyntheticPoints points = new SyntheticPoints(keys, dims, trueK == null ? settings.clusterer().k() : trueK,
                    drift, rate, System.currentTimeMillis(), settings.clusterer().seed());
            try (SyntheticProducer producer = new SyntheticProducer(client, settings.inputTopic(), points, rate);
                 KafkaConsumer<byte[], byte[]> summaries = consumer(client, settings.summariesTopic())) {
                Thread producing = new Thread(() -> producer.run(0, 0), "demo-producer");
                producing.setDaemon(true);
                producing.start();
                JobClient running = startJob(settings, interval, checkpoints);
                List<JsonNode> collected = new ArrayList<>();
                try {
                    show(summaries, settings.labelsTopic(), out, err, producer, stop, durationMillis, collected);
                } finally {
                    producer.stop();
                    running.cancel().get(30, TimeUnit.SECONDS);
                    producing.join(10_000);
                }
                err.printf("demo: produced %d points (%d acknowledged, %d failed)%n",
                        producer.sent(), producer.acked(), producer.failed());
                if (report != null) {
                    ReportCommand.write(report, collected, "demo", DriftReport.DEFAULT_MAX_KEYS);
                    err.printf("demo: wrote drift report %s%n", report);
                }
            }
        } finally {
            RunCommand.deleteRecursively(checkpoints);
            cleanedUp.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private JobClient startJob(JobSettings settings, Duration interval, Path checkpoints) throws Exception {
        // Window buffers outgrow the JobManager's 5 MiB in-memory checkpoint limit: use files.
        Configuration conf = RunCommand.flinkConfiguration(interval, checkpoints.toUri().toString(), parallelism);
        if (prometheusPort != null) {
            conf.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(prometheusPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        ClusteringJob.build(env, settings);
        return env.executeAsync("streamkmeans-demo");
    }

    /** Prints summaries as they are committed, and a progress line every few seconds. */
    private void show(KafkaConsumer<byte[], byte[]> summaries, String labelsTopic, PrintWriter out, PrintWriter err,
            SyntheticProducer producer, CountDownLatch stop, long durationMillis, List<JsonNode> collected)
            throws InterruptedException {
        List<TopicPartition> labelPartitions = summaries.partitionsFor(labelsTopic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        ObjectMapper mapper = new ObjectMapper();
        SummaryTable table = new SummaryTable(out);
        long start = System.nanoTime();
        long end = durationMillis > 0 ? start + TimeUnit.MILLISECONDS.toNanos(durationMillis) : Long.MAX_VALUE;
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        long lastAcked = 0;
        long lastLabelled = 0;
        long windows = 0;
        while (stop.getCount() > 0 && System.nanoTime() < end) {
            for (ConsumerRecord<byte[], byte[]> r : summaries.poll(Duration.ofMillis(200))) {
                windows++;
                JsonNode summary = json && report == null ? null : readTree(mapper, r.value());
                if (report != null) {
                    collected.add(summary);
                }
                if (json) {
                    out.println(new String(r.value(), StandardCharsets.UTF_8));
                    out.flush();
                } else {
                    table.print(summary);
                }
            }
            if (producer.firstFailure() != null) {
                throw new IllegalStateException("producer failed: " + producer.firstFailure().getMessage());
            }
            long now = System.nanoTime();
            if (now >= nextProgress) {
                long acked = producer.acked();
                // A read_committed consumer's end offsets are the last stable offsets: committed labels
                // (plus one transaction marker per commit and partition, a negligible overcount).
                long labelled = summaries.endOffsets(labelPartitions).values().stream().mapToLong(Long::longValue).sum();
                double seconds = (now - nextProgress + PROGRESS_EVERY.toNanos()) / 1e9;
                err.printf("demo: %.0f points/s in, %.0f labels/s out, %d points produced, %d not yet labelled, "
                        + "%d window summaries%n", (acked - lastAcked) / seconds, (labelled - lastLabelled) / seconds,
                        acked, Math.max(0, acked - labelled), windows);
                err.flush();
                lastAcked = acked;
                lastLabelled = labelled;
                nextProgress = now + PROGRESS_EVERY.toNanos();
            }
        }
    }

    private static JsonNode readTree(ObjectMapper mapper, byte[] value) {
        try {
            return mapper.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable summary: " + e.getMessage(), e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, String> client, String topic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "streamkmeans-demo-console");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    private static void awaitQuietly(CountDownLatch latch, long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it waits for the clean-up that just finished.
        }
    }
}
