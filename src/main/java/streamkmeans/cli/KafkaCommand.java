package streamkmeans.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kafka}: the embedded single-node KRaft broker alone, for local development, until the
 * process is stopped (Ctrl-C). Its data lives in a temporary folder removed at exit.
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

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedKafka kafka = EmbeddedKafka.launch(port)) {
            if (!topics.isEmpty()) {
                kafka.createTopics(partitions, topics.toArray(String[]::new));
            }
            // The JVM does not wait for main at exit, only for hooks: the hook itself removes the data.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                stopped.countDown();
            }, "kafka-stop"));
            err.printf("Kafka broker running at %s (topics: %s); Ctrl-C stops it%n",
                    kafka.bootstrapServers(), String.join(", ", topics));
            err.flush();
            stopped.await();
        }
        return 0;
    }
}
