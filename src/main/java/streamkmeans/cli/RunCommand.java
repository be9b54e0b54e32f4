package streamkmeans.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import streamkmeans.stream.ClusteringJob;
import streamkmeans.stream.Delivery;
import streamkmeans.stream.JobSettings;

/**
 * {@code run}: the streaming job against an existing Kafka. Started with {@code java -jar} it runs
 * on a local MiniCluster in this JVM; submitted with {@code flink run} (the jar's main class, args
 * {@code run ...}) it runs on that Flink cluster, whose configuration then supplies what the
 * cluster owns (state backend, checkpoint storage and interval, restart strategy): the job sets
 * only what its options give explicitly, plus a checkpoint interval when exactly-once delivery
 * needs one and the cluster enables none.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the clustering job against an existing Kafka (locally, or on a cluster via flink run).")
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    JobOptions job;

    @Option(names = "--parallelism", description = "Job parallelism (default: the cluster's, or all cores locally).")
    Integer parallelism;

    /** Checkpoint interval of a local run, and of a cluster run when the cluster enables no checkpoints. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    @Option(names = "--checkpoint-interval",
            description = "Checkpoint interval; 0 disables checkpointing locally (then delivery is at-least-once; "
                    + "a cluster that enables checkpoints keeps them) (default: 10s locally; on a cluster the "
                    + "cluster's, else 10s).")
    String checkpointInterval;

    @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI, e.g. file:///var/flink/checkpoints.")
    String checkpointDir;

    @Option(names = "--savepoint", paramLabel = "PATH",
            description = "Restore from this savepoint or retained checkpoint (a folder with a _metadata file).")
    String savepoint;

    @Option(names = "--job-name", defaultValue = "streamkmeans", description = "Flink job name (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Option(names = "--no-kafka-check",
            description = "Skip the check that Kafka answers, accepts the credentials and has the four topics "
                    + "before the job is started (for a client that cannot reach Kafka itself).")
    boolean noKafkaCheck;

    @Option(names = "--bounded", hidden = true,
            description = "Stop at the offsets that are latest at start (back-fills and tests).")
    boolean bounded;

    @Override
    public Integer call() throws Exception {
        Duration interval = checkpointInterval == null ? null : checkpointInterval(spec, checkpointInterval);
        Map<String, String> client = kafka.clientProperties(spec);
        JobSettings settings = job.settings(spec, client, bounded);
        boolean exactlyOnce = settings.delivery() == Delivery.EXACTLY_ONCE;
        if (interval != null && interval.isZero() && exactlyOnce) {
            throw new ParameterException(spec.commandLine(),
                    "--delivery exactly-once needs checkpointing; give a --checkpoint-interval or --delivery at-least-once");
        }
        // Without a context environment (flink run sets one) the job runs on a MiniCluster in this JVM.
        boolean local = StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
        if (savepoint != null && local) {
            // A cluster resolves the path on its JobManager, which may see folders this client does not.
            requireSavepoint(savepoint);
        }
        if (!noKafkaCheck) {
            // A wrong password or a missing topic is one line now, not restarts and stack traces later.
            KafkaPreflight.check(client, List.of(settings.inputTopic(), settings.labelsTopic(),
                    settings.summariesTopic(), settings.deadLetterTopic()), KafkaPreflight.DEFAULT_TIMEOUT);
        }
        Configuration conf = local
                ? localConfiguration(interval, checkpointDir, parallelism, jobName)
                : submittedConfiguration(interval, checkpointDir, parallelism);
        if (savepoint != null) {
            conf.setString("execution.state-recovery.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (exactlyOnce && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            // Transactions commit on checkpoints: without any, nothing would ever become visible.
            setCheckpointing(conf, DEFAULT_CHECKPOINT_INTERVAL);
            env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            spec.commandLine().getErr().printf("streamkmeans run: the cluster enables no checkpoints; exactly-once "
                    + "delivery commits on checkpoints, so this job checkpoints every %ds "
                    + "(--checkpoint-interval chooses)%n", DEFAULT_CHECKPOINT_INTERVAL.toSeconds());
        }
        ClusteringJob.build(env, settings);
        spec.commandLine().getErr().printf("streamkmeans run: %s -> %s, %s, %s; windows %s, k=%d; kafka %s%s%n",
                settings.inputTopic(), settings.labelsTopic(), settings.summariesTopic(), settings.deadLetterTopic(),
                settings.windows(), settings.clusterer().k(), KafkaClientOptions.describe(client),
                savepoint == null ? "" : "; restoring " + savepoint);
        spec.commandLine().getErr().flush();
        env.execute(jobName);
        return 0;
    }

    /** Deletes a folder and its contents, ignoring what cannot be deleted. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temporary files only: left behind at worst.
        }
    }

    /** Parses a checkpoint interval; {@code 0} disables checkpointing. */
    static Duration checkpointInterval(CommandSpec spec, String text) {
        return "0".equals(text.trim()) ? Duration.ZERO : Options.duration(spec, "--checkpoint-interval", text);
    }

    /**
     * Flink settings of a job on a local MiniCluster (this JVM): exactly-once checkpoints at
     * {@code interval} (none when zero) into {@code checkpointDir} (when given), the hashmap
     * state backend, a bounded fixed-delay restart strategy, and the parallelism when given.
     */
    static Configuration flinkConfiguration(Duration interval, String checkpointDir, Integer parallelism) {
        Configuration conf = new Configuration();
        if (!interval.isZero()) {
            setCheckpointing(conf, interval);
        }
        if (checkpointDir != null) {
            conf.setString("execution.checkpointing.dir", checkpointDir);
        }
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "10");
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
        if (parallelism != null) {
            conf.setString("parallelism.default", String.valueOf(parallelism));
        }
        return conf;
    }

    /**
     * {@link #flinkConfiguration} of {@code run} on a local MiniCluster: checkpoints every
     * {@link #DEFAULT_CHECKPOINT_INTERVAL} unless {@code interval} is given, and, without a
     * {@code checkpointDir}, into a folder under the temp dir named after the job, because window
     * buffers outgrow the 5 MiB in-memory checkpoint limit.
     */
    static Configuration localConfiguration(Duration interval, String checkpointDir, Integer parallelism,
            String jobName) {
        Duration every = interval == null ? DEFAULT_CHECKPOINT_INTERVAL : interval;
        String dir = checkpointDir != null || every.isZero() ? checkpointDir
                : Path.of(System.getProperty("java.io.tmpdir"), "streamkmeans-checkpoints", jobName).toUri().toString();
        return flinkConfiguration(every, dir, parallelism);
    }

    /**
     * Flink settings of a job submitted to a cluster ({@code flink run}): only what the options
     * give (null when not given), so that the cluster's configuration supplies the rest: checkpoint
     * interval and storage, restart strategy, state backend, parallelism. A zero interval sets
     * nothing: Flink has no per-job value that turns off checkpoints a cluster enables.
     */
    static Configuration submittedConfiguration(Duration interval, String checkpointDir, Integer parallelism) {
        Configuration conf = new Configuration();
        if (interval != null && !interval.isZero()) {
            setCheckpointing(conf, interval);
        }
        if (checkpointDir != null) {
            conf.setString("execution.checkpointing.dir", checkpointDir);
        }
        if (parallelism != null) {
            conf.setString("parallelism.default", String.valueOf(parallelism));
        }
        return conf;
    }

    /** Exactly-once checkpoints every {@code interval} (positive). */
    private static void setCheckpointing(Configuration conf, Duration interval) {
        conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
        conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
    }

    /**
     * Checks that a local {@code --savepoint} (a plain path or a {@code file:} URI) names a
     * savepoint or retained checkpoint: a folder with a {@code _metadata} file, or that file.
     * Paths on other file systems ({@code s3://}, {@code hdfs://}) are left to Flink.
     *
     * @throws InputException when it does not exist or holds no {@code _metadata}
     */
    static void requireSavepoint(String savepoint) throws InputException {
        Path path;
        try {
            URI uri = new URI(savepoint);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                if (!"file".equals(uri.getScheme())) {
                    return;
                }
                path = Path.of(uri);
            } else {
                path = Path.of(savepoint);
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            path = Path.of(savepoint);
        }
        if (!Files.exists(path)) {
            throw new InputException(savepoint, "no savepoint there: the path does not exist");
        }
        Path metadata = Files.isDirectory(path) ? path.resolve("_metadata") : path;
        if (!Files.isRegularFile(metadata) || !metadata.getFileName().toString().equals("_metadata")) {
            throw new InputException(savepoint, "not a savepoint or retained checkpoint: it has no _metadata file");
        }
    }
}
