package streamkmeans.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import streamkmeans.engine.Simd;
import streamkmeans.stream.ClusteringJob;
import streamkmeans.stream.JobSettings;

/**
 * {@code stream-bench --soak}: the demo pipeline (generator, embedded Kafka, the job on a local
 * MiniCluster) held at a fixed rate for a long time, sampled every {@code --sample-every}:
 * <ul>
 *   <li>points acknowledged by the broker and labels committed (read by a {@code read_committed}
 *       consumer: the last stable offsets of the labels topic), as rates over the interval;</li>
 *   <li>consumer lag of the job's group: end offsets of the points topic minus the offsets the
 *       source committed at its last checkpoint;</li>
 *   <li>the last completed checkpoint's end-to-end duration and checkpointed size, and the counts
 *       of completed and failed checkpoints (the MiniCluster's REST endpoint);</li>
 *   <li>heap used after a full collection ({@link System#gc()}, so each sample costs the job one
 *       pause) of this JVM, which holds the broker, the job and the harness.</li>
 * </ul>
 * When the producer stops, the job drains (its lag reaches 0), is cancelled, and every label is
 * read back: each point of a complete count window must have exactly one label, and there must be
 * no dead letter. The verdict compares the mean of the last third of the samples with the first
 * third (the very first sample, which holds the warm-up, is left out): labels out may not fall by
 * more than {@code --tolerance}, and checkpoint duration, heap after GC and lag may not grow by
 * more than {@code --tolerance} (plus a small absolute slack for each, below). Writes the series
 * as Markdown and JSON ({@code --report}).
 */
final class StreamSoak {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Slack on checkpoint duration: a checkpoint's timing jitters by a few hundred ms on a busy machine. */
    private static final double CHECKPOINT_SLACK_MS = 500;
    /** Slack on heap after GC: a few MiB of metrics, class data and Kafka buffers come and go. */
    private static final double HEAP_SLACK_MIB = 16;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    private final StreamBenchCommand bench;
    private final JobSettings settings;
    private final Configuration conf;
    private final StreamBenchCommand.TaskProbe probe;
    private final Duration checkpointInterval;

    StreamSoak(StreamBenchCommand bench, JobSettings settings, Configuration conf, StreamBenchCommand.TaskProbe probe,
            Duration checkpointInterval) {
        this.bench = bench;
        this.settings = settings;
        this.conf = conf;
        this.probe = probe;
        this.checkpointInterval = checkpointInterval;
    }

    /** One observation; rates are over the interval since the previous sample. */
    record Sample(double seconds, long produced, long labelled, double inRate, double outRate, long lag,
            double checkpointMs, long checkpointBytes, long checkpointsCompleted, long checkpointsFailed,
            double heapMib) {
    }

    /** One flatness check: the means of the first and last thirds and the limit the last must keep. */
    record Check(String name, double first, double last, double limit, boolean upper, boolean pass) {
        static Check atMost(String name, double first, double last, double limit) {
            return new Check(name, first, last, limit, true, last <= limit);
        }

        static Check atLeast(String name, double first, double last, double limit) {
            return new Check(name, first, last, limit, false, last >= limit);
        }
    }

    /** Runs the soak, writes the report and prints the verdict; true when it passed. */
    boolean run(PrintWriter out, PrintWriter err) throws Exception {
        double rate = bench.rate;
        Duration duration = Options.duration(bench.spec, "--duration", bench.duration);
        Duration every = Options.duration(bench.spec, "--sample-every", bench.sampleEvery);
        Map<String, String> client = StreamBenchCommand.harness(settings);
        Simd.awaitVectorReady();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        ClusteringJob.build(env, settings);
        JobClient job = env.executeAsync("streamkmeans-stream-soak");
        String jobId = job.getJobID().toHexString();
        List<Sample> samples = new ArrayList<>();
        SyntheticProducer producer = new SyntheticProducer(client, settings.inputTopic(), bench.generator(rate), rate);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                client.get("bootstrap.servers")));
             KafkaConsumer<byte[], byte[]> probeConsumer = StreamBenchCommand.consumer(client)) {
            probe.awaitAllRunning(job);
            List<TopicPartition> labels = StreamBenchCommand.partitions(probeConsumer, settings.labelsTopic());
            List<TopicPartition> points = StreamBenchCommand.partitions(probeConsumer, settings.inputTopic());
            err.printf(Locale.ROOT, "stream-bench: soak at %s points/s for %s, a sample every %s%n",
                    StreamBenchCommand.rateText(rate), bench.duration, bench.sampleEvery);
            err.flush();
            Thread producing = new Thread(() -> producer.run(0, duration.toMillis()), "stream-soak-producer");
            producing.setDaemon(true);
            long start = System.nanoTime();
            producing.start();
            long next = start;
            Sample previous = new Sample(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            while (producing.isAlive()) {
                next += every.toNanos();
                producing.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
                if (producer.firstFailure() != null) {
                    throw new IllegalStateException("producer failed: " + producer.firstFailure().getMessage());
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException("the job ended: " + job.getJobStatus().get());
                }
                Sample s = sample(start, previous, producer, admin, probeConsumer, labels, points, jobId);
                samples.add(s);
                previous = s;
                err.println("stream-bench: " + row(s));
                err.flush();
            }
            long produced = producer.acked();
            if (producer.failed() > 0 || produced != producer.sent()) {
                throw new IllegalStateException(producer.failed() + " of " + producer.sent() + " points not acknowledged");
            }
            awaitDrained(admin, points, job);
            job.cancel().get(30, TimeUnit.SECONDS);
        } finally {
            producer.close();
        }
        return report(samples, rate, reconcile(producer.acked()), out, err);
    }

    private Sample sample(long start, Sample previous, SyntheticProducer producer, Admin admin,
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> labels, List<TopicPartition> points,
            String jobId) throws Exception {
        long now = System.nanoTime();
        double t = (now - start) / 1e9;
        long produced = producer.acked();
        long labelled = StreamBenchCommand.committed(consumer, labels);
        long lag = lag(admin, points);
        JsonNode checkpoints = probe.get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = checkpoints == null ? null : checkpoints.path("latest").path("completed");
        boolean none = latest == null || latest.isMissingNode() || latest.isNull();
        double checkpointMs = none ? Double.NaN : latest.path("end_to_end_duration").asDouble();
        long checkpointBytes = none ? 0 : latest.path("checkpointed_size").asLong();
        JsonNode counts = checkpoints == null ? null : checkpoints.path("counts");
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        double dt = t - previous.seconds();
        return new Sample(t, produced, labelled, (produced - previous.produced()) / dt,
                (labelled - previous.labelled()) / dt, lag, checkpointMs, checkpointBytes,
                counts == null ? 0 : counts.path("completed").asLong(), counts == null ? 0 : counts.path("failed").asLong(),
                heap);
    }

    /** End offsets of the points topic minus the job group's committed offsets (all of a partition when none). */
    private long lag(Admin admin, List<TopicPartition> points) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        points.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition p : points) {
            OffsetAndMetadata c = committed.get(p);
            lag += ends.get(p).offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Waits until the job's committed offsets reach the end of the points topic, then one more checkpoint. */
    private void awaitDrained(Admin admin, List<TopicPartition> points, JobClient job) throws Exception {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (lag(admin, points) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not catch up within " + DRAIN_TIMEOUT.toMinutes()
                        + " min of the producer's end");
            }
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended: " + job.getJobStatus().get());
            }
            Thread.sleep(200);
        }
        // The source's offsets and the sinks' transactions of that checkpoint commit independently.
        Thread.sleep(Math.max(2000, 2 * checkpointInterval.toMillis()));
    }

    /** Counts of the run, for the report: what was produced, expected, labelled, and what went wrong. */
    record Counts(long produced, long expectedLabels, long labelled, long duplicates, long summaries,
            long expectedSummaries, long deadLetters) {
        boolean reconciled() {
            return labelled == expectedLabels && duplicates == 0 && deadLetters == 0 && summaries == expectedSummaries;
        }
    }

    /** Reads every label back; the points of each key's last, incomplete count window have none. */
    private Counts reconcile(long produced) {
        int keys = bench.keys;
        long windows = 0;
        for (int key = 0; key < keys; key++) {
            long ofKey = produced / keys + (key < produced % keys ? 1 : 0);
            windows += ofKey / bench.count;
        }
        StreamBenchCommand.LabelTally tally = StreamBenchCommand.readLabels(settings, produced);
        return new Counts(produced, windows * bench.count, tally.distinct(), tally.duplicates(),
                StreamBenchCommand.countRecords(settings, settings.summariesTopic()), windows,
                StreamBenchCommand.countRecords(settings, settings.deadLetterTopic()));
    }

    private boolean report(List<Sample> samples, double rate, Counts counts, PrintWriter out, PrintWriter err)
            throws IOException {
        List<Check> checks = checks(samples, rate, bench.tolerance, checkpointInterval);
        boolean flat = checks != null && checks.stream().allMatch(Check::pass);
        boolean pass = flat && counts.reconciled();
        String markdown = markdown(samples, checks, counts, rate, pass);
        Path md = Path.of(bench.report + ".md");
        Path json = Path.of(bench.report + ".json");
        if (md.toAbsolutePath().getParent() != null) {
            Files.createDirectories(md.toAbsolutePath().getParent());
        }
        Files.writeString(md, markdown);
        JSON.writeValue(json.toFile(), json(samples, checks, counts, rate, pass));
        out.print(markdown);
        out.flush();
        err.printf(Locale.ROOT, "stream-bench: soak %s; report in %s and %s%n", pass ? "PASSED" : "FAILED"
                + (checks == null ? " (too few samples for a verdict: lengthen --duration)" : "")
                + (counts.reconciled() ? "" : " (counts do not reconcile)"), md, json);
        err.flush();
        return pass;
    }

    /**
     * The flatness checks over the steady samples (all but the first), or null with fewer than
     * three: the run at {@code rate} points/s with checkpoints every {@code checkpointInterval},
     * each last-third mean within {@code tol} (a fraction) of its first-third mean.
     */
    static List<Check> checks(List<Sample> samples, double rate, double tol, Duration checkpointInterval) {
        List<Sample> steady = samples.size() > 1 ? samples.subList(1, samples.size()) : List.of();
        if (steady.size() < 3) {
            return null;
        }
        int third = steady.size() / 3;
        List<Sample> first = steady.subList(0, third);
        List<Sample> last = steady.subList(steady.size() - third, steady.size());
        List<Check> checks = new ArrayList<>();
        checks.add(Check.atLeast("points in (points/s), whole run against the rate asked", rate,
                mean(steady, Sample::inRate), (1 - tol) * rate));
        double outFirst = mean(first, Sample::outRate);
        checks.add(Check.atLeast("labels out (labels/s)", outFirst, mean(last, Sample::outRate), (1 - tol) * outFirst));
        checks.add(Check.atLeast("labels out over points in, whole run", 1, mean(steady, Sample::outRate)
                / mean(steady, Sample::inRate), 1 - tol));
        double cpFirst = mean(first, Sample::checkpointMs);
        checks.add(Check.atMost("last checkpoint duration (ms)", cpFirst, mean(last, Sample::checkpointMs),
                (1 + tol) * cpFirst + CHECKPOINT_SLACK_MS));
        double heapFirst = mean(first, Sample::heapMib);
        checks.add(Check.atMost("heap after GC (MiB)", heapFirst, mean(last, Sample::heapMib),
                (1 + tol) * heapFirst + HEAP_SLACK_MIB));
        // Committed offsets move once per checkpoint: up to two intervals of points is no trend.
        double lagFirst = mean(first, s -> s.lag());
        checks.add(Check.atMost("consumer lag (points)", lagFirst, mean(last, s -> s.lag()),
                (1 + tol) * lagFirst + 2 * rate * checkpointInterval.toMillis() / 1000.0));
        // Checkpoints triggered while the tasks still start fail and count; those after warm-up may not.
        checks.add(Check.atMost("failed checkpoints after the first sample", 0,
                steady.get(steady.size() - 1).checkpointsFailed() - samples.get(0).checkpointsFailed(), 0));
        return checks;
    }

    private static double mean(List<Sample> samples, ToDoubleFunction<Sample> f) {
        return samples.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    /** Whole numbers from 100 up, three significant digits below. */
    private static String number(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String row(Sample s) {
        return String.format(Locale.ROOT, "| %.0f | %.0f | %.0f | %,d | %,d | %.0f | %.1f | %d / %d | %.0f |",
                s.seconds(), s.inRate(), s.outRate(), s.produced(), s.lag(), s.checkpointMs(),
                s.checkpointBytes() / 1024.0, s.checkpointsCompleted(), s.checkpointsFailed(), s.heapMib());
    }

    private String markdown(List<Sample> samples, List<Check> checks, Counts counts, double rate, boolean pass) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Soak: %s points/s for %s, sampled every %s (%s)%n%n",
                StreamBenchCommand.rateText(rate), bench.duration, bench.sampleEvery, Instant.now()));
        sb.append(String.format(Locale.ROOT, "Job: count windows of %,d, %d key(s), d=%d, k=%d, parallelism %d, %s, "
                        + "checkpoints every %s; load average at the end %.2f.%n%n", bench.count, bench.keys, bench.dims,
                bench.k, bench.parallelism, settings.delivery().label(), bench.checkpointInterval,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        sb.append("| t (s) | in (points/s) | out (labels/s) | points produced | consumer lag (points) "
                + "| last checkpoint (ms) | checkpoint size (KiB) | checkpoints ok / failed | heap after GC (MiB) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        samples.forEach(s -> sb.append(row(s)).append('\n'));
        sb.append("\n| check (first third → last third) | first | last | limit | verdict |\n|---|---|---|---|---|\n");
        if (checks == null) {
            sb.append("| too few samples | | | | n/a |\n");
        } else {
            for (Check c : checks) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s %s | %s |%n", c.name(), number(c.first()),
                        number(c.last()), c.upper() ? "≤" : "≥", number(c.limit()), c.pass() ? "ok" : "FAIL"));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nCounts: %,d points produced, %,d labels expected (complete count "
                        + "windows), %,d labelled, %,d duplicates, %,d of %,d window summaries, %,d dead letters: %s.%n",
                counts.produced(), counts.expectedLabels(), counts.labelled(), counts.duplicates(), counts.summaries(),
                counts.expectedSummaries(), counts.deadLetters(), counts.reconciled() ? "reconciled" : "NOT RECONCILED"));
        sb.append(String.format(Locale.ROOT, "%n**Verdict: %s**%n", pass ? "PASS" : "FAIL"));
        return sb.toString();
    }

    private ObjectNode json(List<Sample> samples, List<Check> checks, Counts counts, double rate, boolean pass) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode run = root.putObject("run");
        run.put("rate", rate);
        run.put("duration", bench.duration);
        run.put("sample_every", bench.sampleEvery);
        run.put("count", bench.count);
        run.put("keys", bench.keys);
        run.put("dims", bench.dims);
        run.put("k", bench.k);
        run.put("parallelism", bench.parallelism);
        run.put("delivery", settings.delivery().label());
        run.put("checkpoint_interval", bench.checkpointInterval);
        run.put("tolerance", bench.tolerance);
        run.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ArrayNode series = root.putArray("samples");
        for (Sample s : samples) {
            ObjectNode o = series.addObject();
            o.put("t_s", s.seconds());
            o.put("points_produced", s.produced());
            o.put("labels_committed", s.labelled());
            o.put("in_per_s", s.inRate());
            o.put("out_per_s", s.outRate());
            o.put("consumer_lag", s.lag());
            if (!Double.isNaN(s.checkpointMs())) {
                o.put("last_checkpoint_ms", s.checkpointMs());
            } else {
                o.putNull("last_checkpoint_ms");
            }
            o.put("last_checkpoint_bytes", s.checkpointBytes());
            o.put("checkpoints_completed", s.checkpointsCompleted());
            o.put("checkpoints_failed", s.checkpointsFailed());
            o.put("heap_after_gc_mib", s.heapMib());
        }
        ArrayNode verdicts = root.putArray("checks");
        if (checks != null) {
            for (Check c : checks) {
                ObjectNode o = verdicts.addObject();
                o.put("name", c.name());
                o.put("first", finiteOrNull(c.first()));
                o.put("last", finiteOrNull(c.last()));
                o.put(c.upper() ? "at_most" : "at_least", finiteOrNull(c.limit()));
                o.put("pass", c.pass());
            }
        }
        ObjectNode c = root.putObject("counts");
        c.put("points_produced", counts.produced());
        c.put("labels_expected", counts.expectedLabels());
        c.put("labelled", counts.labelled());
        c.put("duplicates", counts.duplicates());
        c.put("summaries", counts.summaries());
        c.put("summaries_expected", counts.expectedSummaries());
        c.put("dead_letters", counts.deadLetters());
        c.put("reconciled", counts.reconciled());
        root.put("pass", pass);
        return root;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
