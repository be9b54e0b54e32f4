package streamkmeans.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code generate}: the synthetic producer alone, against any Kafka: drifting Gaussian blobs as
 * JSON point records on the points topic. The topic must exist; a connection, authentication or
 * topic problem is one line before anything is sent ({@link KafkaPreflight}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Produce synthetic drifting Gaussian blobs as JSON points to a Kafka topic.")
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--topic", defaultValue = "points", description = "Topic to write (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--rate", defaultValue = "10000",
            description = "Points per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Points to send; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long, e.g. 30s or 5m.")
    String duration;

    @Option(names = "--k", defaultValue = "8", description = "True clusters per key (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--dims", defaultValue = "2", description = "Features per point (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--keys", defaultValue = "1", description = "Model keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--drift", defaultValue = "0.01",
            description = "Centre movement per 1000 points of a key, in feature units (default: ${DEFAULT-VALUE}).")
    double drift;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws InputException {
        long durationMillis = duration == null ? 0 : Options.duration(spec, "--duration", duration).toMillis();
        if (k < 1 || dims < 1 || keys < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--k, --dims and --keys must be at least 1");
        }
        Map<String, String> client = kafka.clientProperties(spec);
        KafkaPreflight.check(client, List.of(topic), KafkaPreflight.DEFAULT_TIMEOUT);
        SyntheticPoints points = new SyntheticPoints(keys, dims, k, drift, rate > 0 ? rate : 100_000,
                System.currentTimeMillis(), seed);
        try (SyntheticProducer producer = new SyntheticProducer(client, topic, points, rate)) {
            Thread hook = new Thread(producer::stop, "generate-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            producer.run(count, durationMillis);
            spec.commandLine().getErr().printf("sent %d points to %s (%d acknowledged, %d failed)%n",
                    producer.sent(), topic, producer.acked(), producer.failed());
            if (producer.firstFailure() != null) {
                spec.commandLine().getErr().println("streamkmeans generate: " + producer.firstFailure().getMessage());
                return Main.INTERNAL_ERROR;
            }
        }
        return 0;
    }
}
