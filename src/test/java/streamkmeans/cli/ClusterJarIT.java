package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster jar, {@code streamkmeans-cluster.jar}, as {@code flink run} uses it on the docker/
 * stack: Flink comes from outside the jar (the image's {@code lib/}), everything else the job needs
 * comes from inside. Runs after {@code package} (failsafe), on the jar the build just made.
 */
class ClusterJarIT {
    private static final Path BUILD = Path.of(System.getProperty("streamkmeans.build.dir", "target"));
    private static final Path JAR = BUILD.resolve("streamkmeans-cluster.jar");
    /**
     * Artifacts of the test class path that the cluster jar must carry itself (the Flink image has
     * none of them) or must not need (the embedded broker), as local-repository path fragments.
     */
    private static final List<String> NOT_ON_A_FLINK_CLUSTER = List.of(
            "/info/picocli/", "/com/fasterxml/jackson/", "/org/apache/flink/flink-connector-kafka/",
            "/org/apache/kafka/", "/com/github/luben/", "/org/jcuda/", "/org/scala-lang/", "/com/typesafe/");

    @Test
    void holdsTheJobAndWhatFlinkDoesNotShipButNotFlinkOrTheBroker() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " was not built");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("streamkmeans.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            Set<String> entries = jar.stream().map(e -> e.getName()).collect(Collectors.toCollection(TreeSet::new));
            for (String needed : List.of("streamkmeans/cli/Main.class", "streamkmeans/stream/ClusteringFunction.class",
                    "streamkmeans/engine/KMeans.class", "picocli/CommandLine.class",
                    "com/fasterxml/jackson/databind/ObjectMapper.class",
                    "org/apache/flink/connector/kafka/source/KafkaSource.class",
                    "org/apache/kafka/clients/producer/KafkaProducer.class", "com/github/luben/zstd/Zstd.class")) {
                assertTrue(entries.contains(needed), "missing " + needed);
            }
            for (String provided : List.of("org/apache/flink/runtime/", "org/apache/flink/streaming/api/",
                    "org/apache/flink/api/common/", "org/apache/flink/connector/base/",
                    "org/apache/flink/metrics/prometheus/", "org/apache/logging/log4j/", "org/slf4j/",
                    "org/xerial/snappy/", "net/jpountz/", "kafka/server/", "org/apache/kafka/server/common/",
                    "org/apache/kafka/metadata/", "org/apache/kafka/raft/", "scala/")) {
                assertFalse(entries.stream().anyMatch(e -> e.startsWith(provided)), "should not contain " + provided);
            }
            assertFalse(entries.contains("log4j2.properties"), "the cluster configures logging");
        }
        long mib = Files.size(JAR) >> 20;
        assertTrue(mib < 40, "cluster jar is " + mib + " MiB");
    }

    @Test
    @Timeout(240)
    void runsTheJobWithFlinkFromOutsideTheJar() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            kafka.createTopics(1, "points", "labels", "cluster-summaries", "points-dead-letter");
            produce(kafka.bootstrapServers(), 40);

            Path log = Files.createTempFile(BUILD, "cluster-jar-run", ".log");
            Process run = new ProcessBuilder(List.of(javaBinary(), "--add-modules", "jdk.incubator.vector",
                    "-cp", JAR + File.pathSeparator + flinkClassPath(),
                    "streamkmeans.cli.Main", "run", "--bootstrap-servers", kafka.bootstrapServers(), "--bounded",
                    "--k", "2", "--count", "20", "--parallelism", "1", "--checkpoint-interval", "1s",
                    "--checkpoint-dir", BUILD.resolve("cluster-jar-checkpoints").toUri().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                assertTrue(run.waitFor(180, TimeUnit.SECONDS), () -> "the job did not finish: " + tail(log));
            } finally {
                run.destroyForcibly();
            }
            assertEquals(0, run.exitValue(), () -> tail(log));
            assertEquals(40, committed(kafka.bootstrapServers(), "labels", 40).size(), () -> tail(log));
            assertEquals(2, committed(kafka.bootstrapServers(), "cluster-summaries", 2).size(), () -> tail(log));
            Files.delete(log);
        }
    }

    /**
     * The test class path less the project's own output and the artifacts of
     * {@link #NOT_ON_A_FLINK_CLUSTER}: Flink and its dependencies, as the Flink image provides them.
     */
    private static String flinkClassPath() {
        String project = Path.of("").toAbsolutePath().toString();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().startsWith(project))
                .filter(e -> NOT_ON_A_FLINK_CLUSTER.stream().noneMatch(e.replace(File.separatorChar, '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Two blobs as JSON points, 10 ms apart. */
    private static void produce(String bootstrap, int n) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                double x = (i % 2) * 10 + (i % 5) * 0.1;
                String json = "{\"id\":\"p" + i + "\",\"ts\":" + (1_700_000_000_000L + 10L * i)
                        + ",\"features\":[" + x + "," + (-x) + "]}";
                producer.send(new ProducerRecord<>("points", json)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Committed records of {@code topic}, read until {@code expected} arrived or 30 s passed. */
    private static List<String> committed(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-jar-it-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
