package streamkmeans.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.Simd;
import streamkmeans.stream.ClustererSettings;
import streamkmeans.stream.ClusteringJob;
import streamkmeans.stream.Delivery;
import streamkmeans.stream.JobSettings;
import streamkmeans.stream.KafkaSecrets;
import streamkmeans.stream.WindowSpec;

/**
 * {@code stream-bench}: the streaming job end to end on an embedded Kafka broker and a local
 * MiniCluster, on the drifting-blob stream of the demo (JSON points, one label per point, count
 * windows), measured against the generator's ground truth and printed as a row of the peers table
 * of the reference numbers.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>Throughput</b> (default). {@code --points} records are produced into the points topic
 *       first, so the producer's speed is not measured. Then the job runs with a bounded source
 *       (it stops at the offsets present when it starts); the time runs from the job's submission
 *       (MiniCluster start included) until the bounded job has finished, which is when the final
 *       checkpoint has committed the last labels. Throughput = points / that time; also given
 *       without the start-up, from the moment every task runs (asked of the MiniCluster's REST
 *       endpoint: tasks with exactly-once sinks initialise Kafka transactions for seconds).
 *       The engine's SIMD warm-up ({@link Simd}) runs during the preload.</li>
 *   <li><b>Sustained</b> ({@code --rate}). The job runs unbounded; once every task runs, a producer
 *       sends points at that rate for {@code --duration}, recording the send time of every point. A window's
 *       latency is the moment its summary becomes readable by a {@code read_committed} consumer
 *       minus the send time of the window's last point. The summary names its key and
 *       {@code model_version} (the key's n-th count window), which fixes that last point exactly.
 *       The paced run starts only once {@code --warmup-points} points, sent first as fast as the job
 *       takes them, have all been fitted: a cold JIT and the start-up would otherwise leave a
 *       backlog that a job barely faster than the rate takes long to drain.</li>
 * </ul>
 * Quality (throughput mode): every label is read back ({@code read_committed}); SSE per point is
 * the mean squared {@code distance} of the labels, and the oracle is the same points' mean squared
 * distance to their true centre at their own index in the stream ({@link Blobs}), regenerated
 * here from the generator's seed. Ratios to the peers use the numbers of the reference table
 * (Flink ML OnlineKMeans with its predict operator, about 50k points/s end to end; Spark
 * StreamingKMeans, training only, 330k–440k points/s).
 */
@Command(name = "stream-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark the streaming job end to end on an embedded Kafka: throughput, window latency, "
                + "and SSE against the generator's true centres; prints a Markdown table row.")
public final class StreamBenchCommand implements Callable<Integer> {
    /** Flink ML 2.2.0 OnlineKMeans with its predict operator, points/s end to end (ANCHORS.md). */
    static final double FLINK_ML_PREDICT_RATE = 50_000;
    /** Spark 4.1 StreamingKMeans from memory, training only, points/s (ANCHORS.md). */
    static final double SPARK_RATE_LOW = 330_000;
    /** Upper end of the Spark range. */
    static final double SPARK_RATE_HIGH = 440_000;

    /** Event-time spacing of the preloaded points (count windows do not depend on it). */
    private static final double NOMINAL_RATE = 100_000;
    /**
     * Event time of the first point: the run's start. Labels carry their point's event time as
     * record timestamp, and the broker's retention (7 days) deletes older records: a fixed date in
     * the past lost labels to the retention check mid-run.
     */
    private final long startMillis = System.currentTimeMillis();
    private static final Duration POLL = Duration.ofMillis(20);
    /** Send times are kept per point: 8 bytes each. */
    private static final long MAX_SUSTAINED_POINTS = 20_000_000L;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String LOOPBACK = "127.0.0.1";

    @Spec
    CommandSpec spec;

    @Option(names = "--points", defaultValue = "1000000",
            description = "Points preloaded and processed in throughput mode (default: ${DEFAULT-VALUE}).")
    long points;

    @Option(names = "--rate", paramLabel = "POINTS_PER_S",
            description = "Sustained mode: produce at this rate while the job runs, and measure window latency.")
    Double rate;

    @Option(names = "--duration", defaultValue = "30s",
            description = "Sustained mode: how long to produce at --rate (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup-points", defaultValue = "1000000",
            description = "Sustained mode: points sent unpaced first, and labelled, before the paced run "
                    + "(default: ${DEFAULT-VALUE}).")
    long warmupPoints;

    @Option(names = "--dims", defaultValue = "8", description = "Features per point (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--k", defaultValue = "16", description = "Clusters, true and fitted (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--count", defaultValue = "10000", description = "Points per count window (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--keys", defaultValue = "1", description = "Model keys, each its own blobs (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--drift", defaultValue = "0.01",
            description = "Centre movement per 1000 points of a key (default: ${DEFAULT-VALUE}, the reference drift).")
    double drift;

    @Option(names = "--seed", defaultValue = "0", description = "Generator and clusterer seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2",
            description = "Job parallelism and topic partitions (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "1s",
            description = "Checkpoint interval; exactly-once output is committed at each one (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--delivery", defaultValue = "exactly-once",
            description = "exactly-once or at-least-once (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--fit-threads", defaultValue = "1",
            description = "Threads of one window fit (default: ${DEFAULT-VALUE}).")
    int fitThreads;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "Extra Kafka client property of the job's source and sinks, e.g. batch.size=262144 (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--flink-property", paramLabel = "NAME=VALUE",
            description = "Extra Flink configuration, e.g. pipeline.object-reuse=true (repeatable).")
    Map<String, String> flinkProperties = new LinkedHashMap<>();

    @Option(names = "--soak",
            description = "Soak mode (needs --rate): produce at --rate for --duration and sample throughput, checkpoint "
                    + "duration and size, heap after GC and consumer lag every --sample-every; writes a time series "
                    + "(--report .md and .json) and a verdict: flat over time, every label once.")
    boolean soak;

    @Option(names = "--sample-every", defaultValue = "10s",
            description = "Soak mode: sampling interval (default: ${DEFAULT-VALUE}).")
    String sampleEvery;

    @Option(names = "--tolerance", defaultValue = "0.25",
            description = "Soak mode: how far the last third of the run may drift from the first, as a fraction "
                    + "(default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--report", defaultValue = "stream-soak",
            description = "Soak mode: path of the report without extension; PATH.md and PATH.json are written "
                    + "(default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--timeout", defaultValue = "10m",
            description = "Give up (and fail) when a run takes longer than this (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        validate();
        Duration interval = RunCommand.checkpointInterval(spec, checkpointInterval);
        Delivery guarantee = parse(() -> Delivery.parse(delivery));
        if (interval.isZero() && guarantee == Delivery.EXACTLY_ONCE) {
            throw new ParameterException(spec.commandLine(), "--delivery exactly-once needs a --checkpoint-interval");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path checkpoints = Files.createTempDirectory("streamkmeans-bench-checkpoints-");
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            Map<String, String> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            Map<String, String> jobClient = new LinkedHashMap<>(kafkaProperties);
            jobClient.putAll(client);
            JobSettings settings = settings(jobClient, rate == null, guarantee);
            kafka.createTopics(parallelism, settings.inputTopic(), settings.labelsTopic(), settings.summariesTopic(),
                    settings.deadLetterTopic());
            Configuration conf = RunCommand.flinkConfiguration(interval, checkpoints.toUri().toString(), parallelism);
            int restPort = freePort();
            conf.setString("rest.bind-address", LOOPBACK);
            conf.setString("rest.address", LOOPBACK);
            conf.setString("rest.bind-port", String.valueOf(restPort));
            conf.setString("rest.port", String.valueOf(restPort));
            flinkProperties.forEach(conf::setString);
            err.printf(Locale.ROOT, "stream-bench: d=%d, k=%d, count windows of %d, %d key(s), parallelism %d, %s, "
                    + "checkpoints every %s, JSON in and out, embedded Kafka at %s%s%s%n", dims, k, count, keys,
                    parallelism, guarantee.label(), checkpointInterval, kafka.bootstrapServers(),
                    kafkaProperties.isEmpty() ? "" : ", Kafka clients " + KafkaSecrets.masked(kafkaProperties),
                    flinkProperties.isEmpty() ? "" : ", Flink " + flinkProperties);
            err.flush();
            TaskProbe probe = new TaskProbe(restPort, parallelism);
            if (soak) {
                return new StreamSoak(this, settings, conf, probe, interval).run(out, err) ? 0 : 1;
            } else if (rate == null) {
                runThroughput(settings, conf, probe, out, err);
            } else {
                runSustained(settings, conf, probe, out, err);
            }
        } finally {
            RunCommand.deleteRecursively(checkpoints);
        }
        return 0;
    }

    private void validate() {
        requirePositive("--dims", dims);
        requirePositive("--k", k);
        requirePositive("--keys", keys);
        requirePositive("--parallelism", parallelism);
        requirePositive("--fit-threads", fitThreads);
        requireNonNegative("--warmup-points", warmupPoints);
        if (count < k) {
            throw new ParameterException(spec.commandLine(), "--count must be at least --k (" + k + "), got " + count);
        }
        if (rate == null && points < count * keys) {
            throw new ParameterException(spec.commandLine(), "--points must fill at least one window per key ("
                    + count * keys + "), got " + points);
        }
        if (soak && rate == null) {
            throw new ParameterException(spec.commandLine(), "--soak needs --rate");
        }
        if (!(tolerance >= 0 && Double.isFinite(tolerance))) {
            throw new ParameterException(spec.commandLine(), "--tolerance must be a finite number >= 0, got " + tolerance);
        }
        if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
            throw new ParameterException(spec.commandLine(), "--rate must be a positive number, got " + rate);
        }
        if (!(drift >= 0 && Double.isFinite(drift))) {
            throw new ParameterException(spec.commandLine(), "--drift must be a finite number >= 0, got " + drift);
        }
    }

    private void requireNonNegative(String option, long value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), option + " must be >= 0, got " + value);
        }
    }

    private void requirePositive(String option, long value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }

    private <T> T parse(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The job as {@code run --count} would build it, with the {@code run} defaults for the fit. */
    private JobSettings settings(Map<String, String> client, boolean bounded, Delivery guarantee) {
        ClustererSettings clusterer = parse(() -> ClustererSettings.builder(k)
                .seed(seed)
                .maxIterations(100)
                .fitThreads(fitThreads)
                .backend(Backends.Choice.parse(backend))
                .build());
        Backends.check(clusterer.backend());
        return JobSettings.builder()
                .kafka(client)
                .groupId("streamkmeans-bench")
                .startFromEarliest(true)
                .bounded(bounded)
                .windows(WindowSpec.count(count))
                .clusterer(clusterer)
                .delivery(guarantee)
                // A fresh prefix per run: transactions of an earlier run can never fence this one.
                .transactionalIdPrefix("streamkmeans-bench-" + UUID.randomUUID())
                .build();
    }

    /** What differs from the reference setup, for the table row: keys, client and Flink settings. */
    private String variant() {
        StringBuilder sb = new StringBuilder();
        if (keys > 1) {
            sb.append(", ").append(keys).append(" keys");
        }
        kafkaProperties.forEach((name, value) -> sb.append(", ").append(name).append('=').append(value));
        flinkProperties.forEach((name, value) -> sb.append(", ").append(name).append('=').append(value));
        return sb.toString();
    }

    SyntheticPoints generator(double pointsPerSecond) {
        return new SyntheticPoints(keys, dims, k, drift, pointsPerSecond, startMillis, seed);
    }

    // ---------------------------------------------------------------- throughput mode

    private void runThroughput(JobSettings settings, Configuration conf, TaskProbe probe, PrintWriter out,
            PrintWriter err)
            throws Exception {
        // The engine compiles its SIMD kernels in a background thread for up to 20 s on first use:
        // let that happen while preloading rather than while the job is timed.
        Simd.vectorReady();
        long t0 = System.nanoTime();
        try (SyntheticProducer producer = new SyntheticProducer(harness(settings), settings.inputTopic(),
                generator(NOMINAL_RATE), 0)) {
            producer.run(points, 0);
            if (producer.firstFailure() != null || producer.acked() != points) {
                throw new IllegalStateException("preloading failed: " + producer.acked() + " of " + points
                        + " points acknowledged" + (producer.firstFailure() == null ? ""
                        : " (" + producer.firstFailure().getMessage() + ")"));
            }
        }
        double preload = seconds(System.nanoTime() - t0);
        Simd.awaitVectorReady();
        err.printf(Locale.ROOT, "stream-bench: preloaded %d points in %.1f s (%s points/s); starting the job%n",
                points, preload, rateText(points / preload));
        err.flush();

        JobTimes times = runBounded(settings, conf, probe);
        LabelTally tally = readLabels(settings, points);
        double oracle = oracleSsePerPoint(tally.labelled());

        double total = seconds(times.finished() - times.submitted());
        double throughput = points / total;
        double running = points / seconds(times.finished() - times.running());
        err.printf(Locale.ROOT, "stream-bench: every task running after %.1f s, first labels committed after %.1f s, "
                        + "finished after %.1f s%n", seconds(times.running() - times.submitted()),
                seconds(times.firstCommit() - times.submitted()), total);
        err.printf(Locale.ROOT, "stream-bench: labels %d of %d points (%d duplicates, %d without a cluster)%n",
                tally.distinct(), points, tally.duplicates(), tally.unclustered());
        CpuMeter cpu = times.cpu();
        double perPoint = cpu.processNanos() / 1e3 / points;
        StringBuilder roles = new StringBuilder();
        double busiestThread = 0;
        for (CpuMeter.Role role : CpuMeter.Role.values()) {
            double micros = cpu.nanos(role) / 1e3 / points;
            roles.append(String.format(Locale.ROOT, "%n    %6.2f µs  %s", micros, role.description()));
            busiestThread = role.serial() ? Math.max(busiestThread, micros / role.threads(keys)) : busiestThread;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        err.printf(Locale.ROOT, "stream-bench: CPU per point once running: %.2f µs in this JVM (broker, job, harness; "
                        + "JIT and GC included: %.1f s compiling, %.1f s in collections), of which Java threads:%s%n"
                        + "stream-bench: CPU-bound ceiling on %d idle cores: %s points/s (all CPU spread over the "
                        + "cores), %s points/s (the busiest task thread alone)%n", perPoint,
                cpu.compileMillisTaken() / 1e3, cpu.gcMillisTaken() / 1e3, roles, cores,
                rateText(cores * 1e6 / perPoint), rateText(1e6 / busiestThread));
        double steady = times.steadyRate(points);
        err.printf(Locale.ROOT, "stream-bench: throughput %s points/s end to end, %s points/s once every task ran, "
                + "%s points/s sustained (last three quarters of the labels); "
                + "SSE per point %.4f vs oracle %.4f (%.3f×)%n", rateText(throughput), rateText(running),
                rateText(steady),
                tally.ssePerPoint(), oracle, tally.ssePerPoint() / oracle);
        err.flush();

        out.println(tableHeader());
        out.printf(Locale.ROOT, "| streamkmeans (Flink 2.2.1, embedded Kafka, JSON in and out, %s, %s checkpoints%s), "
                        + "count windows %,d, parallelism %d, %,d points | training + a label per point, "
                        + "Kafka to Kafka (%,d of %,d labelled) | %s points/s end to end (%s once running, "
                        + "%s sustained); "
                        + "%.1f× Flink ML with predict (~50k), %.2f–%.2f× Spark training only (330–440k) "
                        + "| SSE %.2f vs %.2f per point on the drifting stream (%.3f× oracle) |%n",
                settings.delivery().label(), checkpointInterval, variant(), count, parallelism, points,
                tally.distinct(), points,
                rateText(throughput), rateText(running), rateText(steady), throughput / FLINK_ML_PREDICT_RATE,
                throughput / SPARK_RATE_HIGH, throughput / SPARK_RATE_LOW, tally.ssePerPoint(), oracle,
                tally.ssePerPoint() / oracle);
        out.flush();
        if (tally.distinct() != points || tally.duplicates() > 0) {
            throw new IllegalStateException("not every point has exactly one label: " + tally.distinct()
                    + " labelled, " + tally.duplicates() + " duplicates, " + points + " points, first unlabelled "
                    + tally.labelled().nextClearBit(0) + "; " + countRecords(settings, settings.summariesTopic()) + " window summaries, "
                    + countRecords(settings, settings.deadLetterTopic()) + " dead letters");
        }
    }

    /**
     * Times of one bounded run, {@link System#nanoTime()}: submitted, every task running (state
     * restored, sinks' transactions initialised), first labels committed, finished.
     */
    private record JobTimes(long submitted, long running, long firstCommit, long quarterCommitted,
            long committedAtQuarter, long finished, CpuMeter cpu) {
        /**
         * Points per second over the last three quarters of the labels (from the first probe that
         * saw a quarter committed to the end): the sustained rate, with start-up and most of the
         * JIT's warm-up left out.
         */
        double steadyRate(long points) {
            return (points - committedAtQuarter) / seconds(finished - quarterCommitted);
        }
    }

    private JobTimes runBounded(JobSettings settings, Configuration conf, TaskProbe tasks) throws Exception {
        CpuMeter cpu = new CpuMeter();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        ClusteringJob.build(env, settings);
        long deadline = System.nanoTime() + Options.duration(spec, "--timeout", timeout).toNanos();
        try (KafkaConsumer<byte[], byte[]> probe = consumer(harness(settings))) {
            List<TopicPartition> labels = partitions(probe, settings.labelsTopic());
            long submitted = System.nanoTime();
            JobClient job = env.executeAsync("streamkmeans-stream-bench");
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            long running = -1;
            long firstCommit = -1;
            long quarter = -1;
            long atQuarter = 0;
            while (true) {
                try {
                    result.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException pending) {
                    long now = System.nanoTime();
                    if (running < 0 && tasks.allRunning(job.getJobID().toHexString())) {
                        running = now;
                        cpu.start();
                    } else if (running >= 0) {
                        cpu.sample();
                    }
                    if (quarter < 0) {
                        long committed = committed(probe, labels);
                        if (firstCommit < 0 && committed > 0) {
                            firstCommit = now;
                        }
                        if (committed >= points / 4) {
                            quarter = now;
                            atQuarter = Math.min(committed, points);
                        }
                    }
                    if (now > deadline) {
                        job.cancel().get(30, TimeUnit.SECONDS);
                        throw new IllegalStateException("the job did not finish within --timeout " + timeout);
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the job failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
            long finished = System.nanoTime();
            cpu.stop();
            firstCommit = firstCommit < 0 ? finished : firstCommit;
            return new JobTimes(submitted, running < 0 ? submitted : running, firstCommit,
                    quarter < 0 ? firstCommit : quarter, quarter < 0 ? 0 : atQuarter, finished, cpu);
        }
    }

    /**
     * Committed records in the partitions: a {@code read_committed} consumer's end offsets are the
     * last stable offsets. They also count one transaction marker per commit and partition, a
     * negligible overcount for a progress probe.
     */
    static long committed(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Reads every committed label of a run of {@code points} points and tallies ids and squared distances. */
    static LabelTally readLabels(JobSettings settings, long points) {
        LabelTally tally = new LabelTally(points);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(harness(settings))) {
            List<TopicPartition> partitions = partitions(consumer, settings.labelsTopic());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    tally.add(r.value());
                }
            }
        }
        return tally;
    }

    /** Committed records of a topic, counted by reading them. */
    static long countRecords(JobSettings settings, String topic) {
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(harness(settings))) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                n += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return n;
    }

    /**
     * The oracle SSE per point of the labelled points: each point's squared distance to its true
     * centre at its own index, mirroring {@link SyntheticPoints} (keys in turn, key {@code i} drawn
     * from {@code Blobs} with seed {@code seed + i}). O(points·d).
     */
    private double oracleSsePerPoint(BitSet labelled) {
        return oracleSse(keys, dims, k, drift, seed, points, labelled) / labelled.cardinality();
    }

    static double oracleSse(int keys, int dims, int k, double driftPer1000, long seed, long points, BitSet labelled) {
        Blobs[] models = new Blobs[keys];
        Blobs.Source[] sources = new Blobs.Source[keys];
        for (int i = 0; i < keys; i++) {
            models[i] = Blobs.withDrift(dims, k, driftPer1000 / 1000, seed + i);
            sources[i] = models[i].source();
        }
        float[] x = new float[dims];
        double sum = 0;
        for (long g = 0; g < points; g++) {
            int key = (int) (g % keys);
            long index = sources[key].position();
            int cluster = sources[key].next(x, 0);
            if (labelled.get(Math.toIntExact(g))) {
                for (int t = 0; t < dims; t++) {
                    double diff = x[t] - models[key].centre(cluster, t, index);
                    sum += diff * diff;
                }
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- sustained mode

    private void runSustained(JobSettings settings, Configuration conf, TaskProbe probe, PrintWriter out,
            PrintWriter err)
            throws Exception {
        Duration produceFor = Options.duration(spec, "--duration", duration);
        // Whole windows of every key, so that the paced points start a fresh window.
        long block = count * keys;
        long warm = (warmupPoints + block - 1) / block * block;
        long paced = (long) Math.ceil(rate * produceFor.toNanos() / 1e9);
        if (warm + paced > MAX_SUSTAINED_POINTS) {
            throw new ParameterException(spec.commandLine(), "--warmup-points + --rate × --duration is more than "
                    + MAX_SUSTAINED_POINTS + " points");
        }
        Simd.awaitVectorReady();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        ClusteringJob.build(env, settings);
        JobClient job = env.executeAsync("streamkmeans-stream-bench");
        try (KafkaConsumer<byte[], byte[]> summaries = consumer(harness(settings));
             PacedProducer producer = new PacedProducer(harness(settings), settings.inputTopic(), generator(rate), rate,
                     (int) warm, (int) (warm + paced))) {
            probe.awaitAllRunning(job);
            List<TopicPartition> partitions = partitions(summaries, settings.summariesTopic());
            summaries.assign(partitions);
            summaries.seekToBeginning(partitions);
            Thread producing = new Thread(producer, "stream-bench-producer");
            producing.setDaemon(true);
            producing.start();

            long warmWindows = warm / count;
            long expected = (warm + paced) / block * keys;
            long[] latencies = new long[(int) expected];
            int measured = 0;
            long seen = 0;
            long drainDeadline = Long.MAX_VALUE;
            long timeoutAt = System.nanoTime() + Options.duration(spec, "--timeout", timeout).toNanos();
            while (seen < expected && System.nanoTime() < drainDeadline) {
                for (ConsumerRecord<byte[], byte[]> r : summaries.poll(POLL)) {
                    long arrived = System.nanoTime();
                    seen++;
                    long last = lastPointOfWindow(r.value());
                    if (last >= warm) {
                        latencies[measured++] = arrived - producer.sendNanos(last);
                    }
                }
                if (seen >= warmWindows) {
                    producer.startPacing();
                }
                if (producer.failure() != null) {
                    throw new IllegalStateException("producer failed: " + producer.failure().getMessage());
                }
                if (System.nanoTime() > timeoutAt) {
                    throw new IllegalStateException("the warm-up windows did not all arrive within --timeout " + timeout);
                }
                if (!producing.isAlive() && drainDeadline == Long.MAX_VALUE) {
                    // Windows still in flight get a generous grace period; a job that keeps up needs far less.
                    drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                }
            }
            producer.stop();
            producing.join(10_000);
            long labelled = committed(summaries, partitions(summaries, settings.labelsTopic()));
            String checkpointStats = probe.checkpointSummary(job.getJobID().toHexString());
            job.cancel().get(30, TimeUnit.SECONDS);

            long[] measuredLatencies = Arrays.copyOf(latencies, measured);
            // In arrival order first: a steady climb means the job does not keep up with the rate.
            StringBuilder series = new StringBuilder();
            for (long latency : measuredLatencies) {
                series.append(String.format(Locale.ROOT, " %.2f", seconds(latency)));
            }
            Arrays.sort(measuredLatencies);
            double achieved = (producer.sent() - warm) / seconds(producer.endNanos() - producer.pacedNanos());
            err.printf(Locale.ROOT, "stream-bench: %d warm-up points labelled, then %d points at %s points/s; %d of %d "
                            + "window summaries read, %d measured; about %d labels committed%n", warm,
                    producer.sent() - warm, rateText(achieved), seen, expected, measured, labelled);
            if (measured == 0) {
                throw new IllegalStateException("no window summary to measure: lengthen --duration");
            }
            double p50 = millis(percentile(measuredLatencies, 50));
            double p99 = millis(percentile(measuredLatencies, 99));
            double max = millis(measuredLatencies[measured - 1]);
            err.printf(Locale.ROOT, "stream-bench: window latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; in order (s):%s%n",
                    p50, p99, max, series);
            err.printf(Locale.ROOT, "stream-bench: checkpoints over the whole run: %s%n", checkpointStats);
            err.flush();
            out.println(tableHeader());
            out.printf(Locale.ROOT, "| streamkmeans (Flink 2.2.1, embedded Kafka, JSON in and out, %s, %s checkpoints%s),"
                            + " count windows %,d, parallelism %d, %s points/s for %s after %,d warm-up points | window"
                            + " latency: last point sent to summary readable (read_committed) | p50 %.0f ms, p99 %.0f ms,"
                            + " max %.0f ms over %d windows (%d of %d summaries in time) | |%n",
                    settings.delivery().label(), checkpointInterval, variant(), count, parallelism, rateText(achieved),
                    duration, warm, p50, p99, max, measured, seen, expected);
            out.flush();
        }
    }

    /**
     * Global index of the last point of the window a summary describes: the summary's key and
     * {@code model_version} n make it the key's n-th count window, whose last point is the key's
     * point {@code n·count − 1}; keys take turns in the stream ({@link SyntheticPoints}).
     */
    long lastPointOfWindow(byte[] summaryJson) {
        String key = null;
        long version = -1;
        try (JsonParser p = JSON.createParser(summaryJson)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, summaryJson);
            while (p.nextToken() == JsonToken.FIELD_NAME && (key == null || version < 0)) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("key".equals(field)) {
                    key = p.getText();
                } else if ("model_version".equals(field)) {
                    version = p.getLongValue();
                } else if (value.isStructStart()) {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable window summary", e);
        }
        expect(key != null && version > 0, summaryJson);
        long lastOfKey = version * count - 1;
        return lastOfKey * keys + keyIndex(key, keys);
    }

    /** The index of a {@link SyntheticPoints} key: {@code default} alone, else {@code sensor-i}. */
    static int keyIndex(String key, int keys) {
        if (keys == 1 && "default".equals(key)) {
            return 0;
        }
        if (key.startsWith("sensor-")) {
            int i = Integer.parseInt(key.substring("sensor-".length()));
            if (i >= 0 && i < keys) {
                return i;
            }
        }
        throw new IllegalStateException("unexpected model key '" + key + "' for " + keys + " key(s)");
    }

    /**
     * Sends {@link SyntheticPoints}: first {@code warm} points as fast as the broker takes them,
     * then, once {@link #startPacing()} was called, the rest at a fixed rate, paced every 0.2 ms so
     * that points leave in small bursts. The paced points are generated (as JSON) while the job
     * fits the warm-up windows, so that pacing costs only the sends: generating on the fly capped
     * the rate this harness could offer next to the job. Remembers when each point was handed to
     * the producer ({@link System#nanoTime()}), for latency measurements.
     */
    private static final class PacedProducer implements Runnable, AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final SyntheticPoints points;
        private final double rate;
        private final int warm;
        private final long[] sendNanos;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final CountDownLatch pacing = new CountDownLatch(1);
        private volatile boolean stopped;
        private volatile long pacedNanos;
        private volatile long endNanos;

        PacedProducer(Map<String, String> client, String topic, SyntheticPoints points, double rate, int warm,
                int total) {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamkmeans-stream-bench");
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            this.topic = topic;
            this.points = points;
            this.rate = rate;
            this.warm = warm;
            this.sendNanos = new long[total];
        }

        @Override
        public void run() {
            int n = 0;
            while (!stopped && n < warm && failure.get() == null) {
                send(n++, System.nanoTime());
            }
            int pacedPoints = sendNanos.length - warm;
            byte[][] keys = new byte[pacedPoints][];
            byte[][] values = new byte[pacedPoints][];
            for (int i = 0; i < pacedPoints && !stopped; i++) {
                keys[i] = points.nextKey().getBytes(StandardCharsets.UTF_8);
                values[i] = points.next();
            }
            try {
                pacing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long start = System.nanoTime();
            pacedNanos = start;
            while (!stopped && n < sendNanos.length && failure.get() == null) {
                long now = System.nanoTime();
                if (n - warm >= (now - start) / 1e9 * rate) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                send(n, now, keys[n - warm], values[n - warm]);
                keys[n - warm] = null;
                values[n - warm] = null;
                n++;
            }
            endNanos = System.nanoTime();
            producer.flush();
        }

        private void send(int n, long now) {
            byte[] key = points.nextKey().getBytes(StandardCharsets.UTF_8);
            send(n, now, key, points.next());
        }

        private void send(int n, long now, byte[] key, byte[] value) {
            sendNanos[n] = now;
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            // Published after the send time it covers, so readers of sent() see that time.
            sent.set(n + 1);
        }

        /** Lets the paced part begin (idempotent). */
        void startPacing() {
            pacing.countDown();
        }

        long sent() {
            return sent.get();
        }

        long sendNanos(long index) {
            if (index >= sent()) {
                throw new IllegalStateException("a window ends at point " + index + ", which was not sent yet");
            }
            return sendNanos[Math.toIntExact(index)];
        }

        long pacedNanos() {
            return pacedNanos;
        }

        long endNanos() {
            return endNanos;
        }

        Exception failure() {
            return failure.get();
        }

        void stop() {
            stopped = true;
            pacing.countDown();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    // ---------------------------------------------------------------- shared helpers

    /**
     * CPU time of this JVM while the job runs, in total and per role of thread, from the moment
     * every task runs until the job ends. On a shared machine the wall time says what the job got;
     * CPU time says what it costs. Task threads end with the job, so thread times are sampled while
     * the threads live (the last poll interval of each is lost); the process total is exact.
     */
    static final class CpuMeter {
        /** What a thread does, by its name. */
        enum Role {
            SOURCE("source + parse task threads", "^Source: ", true),
            SOURCE_FETCH("Kafka consumer threads of the source", "^Source Data Fetcher", true),
            CLUSTERER("clusterer + label/summary sink task threads", "^window clusterer", true),
            // Named by the sinks' client ids (ClusteringJob.sinkClientId).
            SINK_IO("Kafka producer I/O threads of the sinks",
                    "^kafka-producer-network-thread \\| .*-(labels|summaries|dead-letters)$", false),
            BROKER("Kafka broker request threads", "^data-plane-kafka", false),
            OTHER("other Java threads (Flink runtime, broker housekeeping, harness)", "", false);

            private final String description;
            private final Pattern name;
            private final boolean serial;

            Role(String description, String name, boolean serial) {
                this.description = description;
                this.name = Pattern.compile(name);
                this.serial = serial;
            }

            String description() {
                return description;
            }

            /** Whether one such thread serves one key's points alone (a serial stage). */
            boolean serial() {
                return serial;
            }

            /** Threads sharing the role's work: one per key (and partition), at most the parallelism. */
            int threads(int keys) {
                return serial ? keys : 1;
            }

            static Role of(String threadName) {
                for (Role r : values()) {
                    if (r.name.matcher(threadName).find()) {
                        return r;
                    }
                }
                return OTHER;
            }
        }

        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final Map<Long, Long> baseline = new HashMap<>();
        private final Map<Long, Long> latest = new HashMap<>();
        private final Map<Long, Role> roles = new HashMap<>();
        private long processStart;
        private long processEnd;
        private long compileStart;
        private long compileEnd;
        private long gcStart;
        private long gcEnd;

        /** Takes the baseline: the CPU time of the process and of every live thread. */
        void start() {
            processStart = os.getProcessCpuTime();
            compileStart = compileMillis();
            gcStart = gcMillis();
            for (long id : mx.getAllThreadIds()) {
                long t = mx.getThreadCpuTime(id);
                if (t >= 0) {
                    baseline.put(id, t);
                }
            }
            sample();
        }

        /** Records the CPU time of every live thread. */
        void sample() {
            for (long id : mx.getAllThreadIds()) {
                long t = mx.getThreadCpuTime(id);
                if (t < 0) {
                    continue;
                }
                if (!roles.containsKey(id)) {
                    ThreadInfo info = mx.getThreadInfo(id);
                    if (info == null) {
                        continue;
                    }
                    roles.put(id, Role.of(info.getThreadName()));
                }
                latest.put(id, t);
            }
        }

        void stop() {
            sample();
            processEnd = os.getProcessCpuTime();
            compileEnd = compileMillis();
            gcEnd = gcMillis();
        }

        /** Time the JIT compilers spent, ms (as the JVM accounts it). */
        long compileMillisTaken() {
            return compileEnd - compileStart;
        }

        /** Time the collectors reported (pauses and, for G1, concurrent cycles), ms. */
        long gcMillisTaken() {
            return gcEnd - gcStart;
        }

        private static long compileMillis() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        private static long gcMillis() {
            long sum = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                sum += Math.max(0, gc.getCollectionTime());
            }
            return sum;
        }

        /** CPU time of the whole process (all threads, JIT and GC included), ns. */
        long processNanos() {
            return processEnd - processStart;
        }

        /** CPU time of the Java threads of one role, ns; threads born later start from zero. */
        long nanos(Role role) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : latest.entrySet()) {
                if (roles.get(e.getKey()) == role) {
                    sum += e.getValue() - baseline.getOrDefault(e.getKey(), 0L);
                }
            }
            return sum;
        }
    }

    /**
     * Asks the MiniCluster's REST endpoint whether every task of a job is running, i.e. past its
     * initialisation (state restored, Kafka transactions initialised). Job status alone says
     * RUNNING while tasks still initialise, which takes seconds with exactly-once sinks.
     */
    static final class TaskProbe {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ObjectMapper mapper = new ObjectMapper();
        private final int port;
        private final int parallelism;

        TaskProbe(int port, int parallelism) {
            this.port = port;
            this.parallelism = parallelism;
        }

        /**
         * The JSON answer of the REST endpoint at {@code path} (e.g. {@code /jobs/ID/checkpoints}),
         * or null unless it answered 200 in time over a working connection.
         */
        JsonNode get(String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + LOOPBACK + ":" + port + path))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // A loaded machine (a timeout) or a REST server still starting or restarting its
                // connections (no bytes, a reset): the caller asks again at its next poll.
                return null;
            }
            return response.statusCode() == 200 ? mapper.readTree(response.body()) : null;
        }

        /**
         * Completed and failed checkpoints of the job and their end-to-end durations (p50, p99,
         * max, ms) as Flink's REST endpoint summarises them; "unknown" when it does not answer.
         */
        String checkpointSummary(String jobId) throws IOException, InterruptedException {
            JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
            if (checkpoints == null) {
                return "unknown";
            }
            JsonNode duration = checkpoints.path("summary").path("end_to_end_duration");
            return String.format(Locale.ROOT, "%d completed, %d failed; duration p50 %.0f ms, p99 %.0f ms, max %d ms",
                    checkpoints.path("counts").path("completed").asLong(),
                    checkpoints.path("counts").path("failed").asLong(), duration.path("p50").asDouble(),
                    duration.path("p99").asDouble(), duration.path("max").asLong());
        }

        /** Whether every subtask of every vertex is running or already finished. */
        boolean allRunning(String jobId) throws IOException, InterruptedException {
            JsonNode job = get("/jobs/" + jobId);
            if (job == null) {
                return false;
            }
            JsonNode vertices = job.path("vertices");
            if (vertices.isEmpty()) {
                return false;
            }
            for (JsonNode vertex : vertices) {
                JsonNode tasks = vertex.path("tasks");
                if (tasks.path("RUNNING").asInt() + tasks.path("FINISHED").asInt() < vertex.path("parallelism")
                        .asInt(parallelism)) {
                    return false;
                }
            }
            return true;
        }

        /** Waits up to two minutes for {@link #allRunning}. */
        void awaitAllRunning(JobClient job) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            String id = job.getJobID().toHexString();
            while (!allRunning(id)) {
                JobStatus status = job.getJobStatus().get();
                if (System.nanoTime() > deadline || status.isGloballyTerminalState()) {
                    throw new IllegalStateException("the job's tasks did not start (job " + status + ")");
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /**
     * Tally of the labels topic: which point ids were labelled (ids {@code p-<index>} of
     * {@link SyntheticPoints}), duplicates, labels without a cluster, and the sum of squared
     * distances (double). Not thread-safe.
     */
    static final class LabelTally {
        private final BitSet labelled;
        private long duplicates;
        private long unclustered;
        private double sumSq;

        LabelTally(long points) {
            this.labelled = new BitSet(Math.toIntExact(points));
        }

        /** Counts one label record. O(record size). */
        void add(byte[] labelJson) {
            String id = null;
            Double distance = null;
            try (JsonParser p = JSON.createParser(labelJson)) {
                expect(p.nextToken() == JsonToken.START_OBJECT, labelJson);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("id".equals(field)) {
                        id = p.getText();
                    } else if ("distance".equals(field) && value != JsonToken.VALUE_NULL) {
                        distance = p.getDoubleValue();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable label", e);
            }
            expect(id != null && id.startsWith("p-"), labelJson);
            int index = Integer.parseInt(id.substring(2));
            if (labelled.get(index)) {
                duplicates++;
                return;
            }
            labelled.set(index);
            if (distance == null) {
                unclustered++;
            } else {
                sumSq += distance * distance;
            }
        }

        BitSet labelled() {
            return labelled;
        }

        long distinct() {
            return labelled.cardinality();
        }

        long duplicates() {
            return duplicates;
        }

        long unclustered() {
            return unclustered;
        }

        /** Mean squared distance of the distinct labelled points that have a cluster. */
        double ssePerPoint() {
            return sumSq / (distinct() - unclustered);
        }
    }

    private static void expect(boolean condition, byte[] json) {
        if (!condition) {
            throw new IllegalStateException("unexpected record: " + new String(json, StandardCharsets.UTF_8));
        }
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% at or below it. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** Points per second as {@code 123k} or {@code 1.23M}. */
    static String rateText(double pointsPerSecond) {
        if (Double.isNaN(pointsPerSecond)) {
            return "n/a";
        }
        return pointsPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.2fM", pointsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%.0fk", pointsPerSecond / 1e3);
    }

    static String tableHeader() {
        return "| system | what it does | throughput | quality |\n|---|---|---|---|";
    }

    static KafkaConsumer<byte[], byte[]> consumer(Map<String, String> client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // A summary is timed when poll returns it: do not let the broker hold fetches for long.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Client properties of the harness's own producers and consumers: the broker only. */
    static Map<String, String> harness(JobSettings settings) {
        return Map.of("bootstrap.servers", settings.kafka().get("bootstrap.servers"));
    }

    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
