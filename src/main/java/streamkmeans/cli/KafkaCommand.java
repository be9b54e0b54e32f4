package streamkmeans.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kafka}: the embedded single-node KRaft broker alone, for local development, until the
 * process is stopped (Ctrl-C). Its data lives in a temporary folder removed at exit. With
 * {@code --sasl-plain-user} clients must authenticate (SASL/PLAIN over {@code SASL_PLAINTEXT}), to
 * try a secured set-up locally.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node Kafka broker (KRaft) until stopped.")
public final class KafkaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions of the default topics it creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--topics", split = ",", defaultValue = "points,labels,cluster-summaries,points-dead-letter",
            description = "Topics to create at start (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--sasl-plain-user", paramLabel = "NAME=PASSWORD",
            description = "Require SASL/PLAIN authentication on the client port and accept this user (repeatable). "
                    + "For local trials only: the password travels unencrypted.")
    Map<String, String> saslUsers = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafka launched;
        try {
            launched = EmbeddedKafka.launch(port, saslUsers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (EmbeddedKafka kafka = launched) {
            if (!topics.isEmpty()) {
                kafka.createTopics(partitions, topics.toArray(String[]::new));
            }
            // The JVM does not wait for main at exit, only for hooks: the hook itself removes the data.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                stopped.countDown();
            }, "kafka-stop"));
            err.printf("Kafka broker running at %s (topics: %s)%s; Ctrl-C stops it%n",
                    kafka.bootstrapServers(), String.join(", ", topics), saslUsers.isEmpty() ? ""
                            : "; clients need security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN and a "
                                    + "PlainLoginModule sasl.jaas.config for user " + String.join(" or ",
                                    saslUsers.keySet()));
            err.flush();
            stopped.await();
        }
        return 0;
    }
}
