package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.cli.FitCommandTest.Run;
import streamkmeans.stream.KafkaTestSupport;

/**
 * {@code run} against a broker that requires SASL/PLAIN authentication (one embedded broker for
 * both cases, it is slow to start): with the right credentials in a properties file the job reads
 * the points and writes a label for each; with a wrong password the command ends at once with one
 * line and exit code 2, as do {@code generate}, {@code watch} and {@code report}. In every run,
 * neither password appears in anything logged (every logger at INFO) or printed.
 */
class SaslKafkaTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-Pw-7f3c9e";
    private static final String WRONG_PASSWORD = "wrong-Pw-d41b2a";
    private static final String[] TOPICS = {"points", "labels", "cluster-summaries", "points-dead-letter"};
    private static final int POINTS = 300;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.launch(0, Map.of(USER, PASSWORD, "admin", "admin-Pw-0a9b8c"));
        kafka.createTopics(1, TOPICS);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void runsEndToEndWithTheRightCredentials(@TempDir Path dir) throws Exception {
        KafkaTestSupport.produce(kafka.bootstrapServers(), points(), Map.copyOf(client(PASSWORD)));
        Path properties = propertiesFile(dir, PASSWORD);

        Run run;
        String captured;
        try (CapturedOutput output = new CapturedOutput(Level.INFO)) {
            run = FitCommandTest.run("run", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties-file",
                    properties.toString(), "--bounded", "--k", "3", "--count", "100", "--parallelism", "1",
                    "--checkpoint-interval", "1s", "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                    "--job-name", "sasl-test");
            captured = output.text();
        }
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("sasl.jaas.config=****"), "the printed configuration masks the JAAS config: "
                + run.err());
        // The capture really saw the Kafka clients' configuration dumps, where the JAAS config is [hidden].
        assertTrue(captured.contains("sasl.jaas.config = [hidden]"), "Kafka client configs were not captured");
        assertNoPassword(captured + run.out() + run.err());

        Map<String, String> reader = client(PASSWORD);
        Duration patience = Duration.ofSeconds(60);
        List<ConsumerRecord<byte[], byte[]>> labels = KafkaTestSupport.readAll(reader, "labels", patience);
        assertEquals(POINTS, labels.size(), "one label per point");
        Set<String> ids = new HashSet<>();
        Set<Integer> clusters = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : labels) {
            JsonNode label = KafkaTestSupport.json(r);
            ids.add(label.get("id").asText());
            clusters.add(label.get("cluster").asInt());
        }
        assertEquals(POINTS, ids.size(), "every point labelled once");
        assertEquals(Set.of(0, 1, 2), clusters);
        assertEquals(POINTS / 100, KafkaTestSupport.readAll(reader, "cluster-summaries", patience).size());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void failsFastWithOneLineOnAWrongPassword(@TempDir Path dir) throws Exception {
        Path properties = propertiesFile(dir, WRONG_PASSWORD);
        Run run;
        String captured;
        String logs;
        try (CapturedOutput output = new CapturedOutput(Level.INFO)) {
            run = FitCommandTest.run("run", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties-file",
                    properties.toString(), "--bounded", "--k", "3", "--count", "100", "--parallelism", "1");
            captured = output.text();
            logs = output.logs();
        }
        assertEquals(Main.USER_ERROR, run.code(), run.err());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr: " + run.err());
        assertTrue(lines.get(0).startsWith("streamkmeans run: Kafka at " + kafka.bootstrapServers()
                + ": authentication failed (SASL_PLAINTEXT, SASL PLAIN): "), lines.get(0));
        assertTrue(lines.get(0).contains("Invalid username or password"), "the broker's reason: " + lines.get(0));
        assertFalse(captured.contains("JobExecutionException"), "no job was started");
        // The jar's logging configuration drops the check's own admin client lines: nothing else warned.
        List<String> warnings = logs.lines().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR"))
                .filter(l -> !l.contains("clientId=streamkmeans-preflight]")).toList();
        assertEquals(List.of(), warnings);
        assertNoPassword(captured + run.out() + run.err());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theOtherKafkaCommandsReportAWrongPasswordInOneLine(@TempDir Path dir) throws Exception {
        Path properties = propertiesFile(dir, WRONG_PASSWORD);
        String file = properties.toString();
        String bootstrap = kafka.bootstrapServers();
        List<String[]> commands = List.of(
                new String[] {"generate", "--bootstrap-servers", bootstrap, "--kafka-properties-file", file,
                    "--count", "10"},
                new String[] {"watch", "--once", "--bootstrap-servers", bootstrap, "--kafka-properties-file", file},
                new String[] {"report", "--out", dir.resolve("r.html").toString(), "--bootstrap-servers", bootstrap,
                    "--kafka-property", "sasl.jaas.config=" + jaas(WRONG_PASSWORD),
                    "--kafka-property", "security.protocol=SASL_PLAINTEXT",
                    "--kafka-property", "sasl.mechanism=PLAIN"});
        for (String[] args : commands) {
            Run run;
            String captured;
            try (CapturedOutput output = new CapturedOutput(Level.INFO)) {
                run = FitCommandTest.run(args);
                captured = output.text();
            }
            assertEquals(Main.USER_ERROR, run.code(), args[0] + ": " + run.err());
            assertEquals(List.of("streamkmeans " + args[0] + ": Kafka at " + bootstrap
                    + ": authentication failed (SASL_PLAINTEXT, SASL PLAIN): "
                    + "Authentication failed: Invalid username or password"), run.err().lines().toList());
            assertNoPassword(captured + run.out() + run.err());
        }
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void runNamesAMissingTopicInOneLine(@TempDir Path dir) throws Exception {
        Run run = FitCommandTest.run("run", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties-file",
                propertiesFile(dir, PASSWORD).toString(), "--input-topic", "no-such-points",
                "--dead-letter-topic", "no-such-dead-letters");
        assertEquals(Main.USER_ERROR, run.code(), run.err());
        assertEquals(List.of("streamkmeans run: Kafka at " + kafka.bootstrapServers()
                + ": topics no-such-points, no-such-dead-letters do not exist; create them first"),
                run.err().lines().toList());
    }

    @Test
    void theKafkaCommandRefusesAUserNameTheJaasConfigCannotHold() {
        Run run = FitCommandTest.run("kafka", "--port", "0", "--sasl-plain-user", "bob smith=pw");
        assertEquals(Main.USER_ERROR, run.code(), run.err());
        assertEquals(List.of("streamkmeans kafka: a SASL user name may hold only letters, digits, '.', '_' and '-', "
                + "got 'bob smith' (see 'streamkmeans kafka --help')"), run.err().lines().toList());
    }

    private static void assertNoPassword(String text) {
        assertFalse(text.contains(PASSWORD), "the password appears in the output or the logs");
        assertFalse(text.contains(WRONG_PASSWORD), "the wrong password appears in the output or the logs");
    }

    private static Map<String, String> client(String password) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", jaas(password));
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    private static Path propertiesFile(Path dir, String password) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
                + jaas(password).replace("\\", "\\\\") + "\n");
        return file;
    }

    /** Three well separated blobs in 2-d, interleaved, with increasing event times. */
    private static List<ProducerRecord<byte[], byte[]>> points() {
        float[][] centres = {{0, 0}, {10, 10}, {-10, 10}};
        Random random = new Random(7);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // Recent event times: labels carry them as record timestamps, and the broker's retention
        // (7 days) would delete records stamped long ago.
        long start = System.currentTimeMillis() - POINTS;
        for (int i = 0; i < POINTS; i++) {
            float[] c = centres[i % 3];
            float[] f = {c[0] + (float) random.nextGaussian() * 0.5f, c[1] + (float) random.nextGaussian() * 0.5f};
            records.add(KafkaTestSupport.record("points", 0, "default",
                    KafkaTestSupport.pointJson("default", "p-" + i, start + i, f)));
        }
        return records;
    }
}
