package streamkmeans.cli;

import java.io.IOException;
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
 * cluster owns (state backend, checkpoint storage, restart strategy) unless given here.
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

    @Option(names = "--checkpoint-interval", defaultValue = "10s",
            description = "Checkpoint interval; 0 disables checkpointing (then delivery is at-least-once) "
                    + "(default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI, e.g. file:///var/flink/checkpoints.")
    String checkpointDir;

    @Option(names = "--savepoint", paramLabel = "PATH", description = "Restore from this savepoint or retained checkpoint.")
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
        Duration interval = checkpointInterval(spec, checkpointInterval);
        Map<String, String> client = kafka.clientProperties(spec);
        JobSettings settings = job.settings(spec, client, bounded);
        if (interval.isZero() && settings.delivery() == Delivery.EXACTLY_ONCE) {
            throw new ParameterException(spec.commandLine(),
                    "--delivery exactly-once needs checkpointing; give a --checkpoint-interval or --delivery at-least-once");
        }
        if (!noKafkaCheck) {
            // A wrong password or a missing topic is one line now, not restarts and stack traces later.
            KafkaPreflight.check(client, List.of(settings.inputTopic(), settings.labelsTopic(),
                    settings.summariesTopic(), settings.deadLetterTopic()), KafkaPreflight.DEFAULT_TIMEOUT);
        }
        Configuration conf = flinkConfiguration(interval, checkpointDir, parallelism);
        if (savepoint != null) {
            conf.setString("execution.state-recovery.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (checkpointDir == null && !interval.isZero() && env instanceof LocalStreamEnvironment) {
            // On a cluster its own configuration names the checkpoint storage. Locally, window
            // buffers outgrow the 5 MiB in-memory checkpoint limit: keep them in files.
            Path local = Path.of(System.getProperty("java.io.tmpdir"), "streamkmeans-checkpoints", jobName);
            conf.setString("execution.checkpointing.dir", local.toUri().toString());
            env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        ClusteringJob.build(env, settings);
        spec.commandLine().getErr().printf("streamkmeans run: %s -> %s, %s, %s; windows %s, k=%d; kafka %s%n",
                settings.inputTopic(), settings.labelsTopic(), settings.summariesTopic(), settings.deadLetterTopic(),
                settings.windows(), settings.clusterer().k(), KafkaClientOptions.describe(client));
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
     * Flink settings of the job: exactly-once checkpoints at {@code interval} (none when zero), the
     * hashmap state backend, a bounded fixed-delay restart strategy, and the parallelism.
     */
    static Configuration flinkConfiguration(Duration interval, String checkpointDir, Integer parallelism) {
        Configuration conf = new Configuration();
        if (!interval.isZero()) {
            conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
            conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
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
}
