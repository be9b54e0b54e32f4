package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Kafka client properties from a file and the command line, and how they are printed. */
class KafkaClientOptionsTest {

    @Test
    void fileThenPropertiesThenBootstrapWithSecretsMaskedWhenPrinted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-256
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="svc" password="file-Pw-1";
                ssl.truststore.password=trust-Pw-2
                """);
        KafkaClientOptions options = parse("--bootstrap-servers", "b1:9093,b2:9093", "--kafka-properties-file",
                file.toString(), "--kafka-property", "sasl.mechanism=SCRAM-SHA-512", "--kafka-property", "linger.ms=5");
        Map<String, String> client = options.clientProperties();
        assertEquals(List.of("sasl.jaas.config", "sasl.mechanism", "security.protocol", "ssl.truststore.password",
                "linger.ms", "bootstrap.servers"), List.copyOf(client.keySet()));
        assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"), "--kafka-property wins over the file");
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" "
                + "password=\"file-Pw-1\";", client.get("sasl.jaas.config"), "the clients get the real value");
        assertEquals("sasl.jaas.config=****, sasl.mechanism=SCRAM-SHA-512, security.protocol=SASL_SSL, "
                + "ssl.truststore.password=****, linger.ms=5, bootstrap.servers=b1:9093,b2:9093", options.describe());
    }

    @Test
    void malformedPropertiesAreOneLineUsageErrorsWithoutTheirValue(@TempDir Path dir) {
        IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
                () -> parse("--kafka-property", "=bare-Pw-3").clientProperties());
        assertEquals("--kafka-property expects NAME=VALUE, got '=****'", noName.getMessage());
        IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
                () -> parse("--kafka-property", "security.protocol").clientProperties());
        assertEquals("--kafka-property expects NAME=VALUE, got 'security.protocol'", noValue.getMessage());
        Path missing = dir.resolve("missing.properties");
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> parse("--kafka-properties-file", missing.toString()).clientProperties());
        assertFalse(unreadable.getMessage().contains("\n"), unreadable.getMessage());
        assertEquals(true, unreadable.getMessage().startsWith("--kafka-properties-file: cannot read " + missing),
                unreadable.getMessage());
    }

    @Test
    void aCommandReportsAnUnreadablePropertiesFileAsAUsageError(@TempDir Path dir) {
        FitCommandTest.Run run = FitCommandTest.run("run", "--kafka-properties-file",
                dir.resolve("missing.properties").toString());
        assertEquals(Main.USER_ERROR, run.code(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertEquals(true, run.err().startsWith("streamkmeans run: --kafka-properties-file: cannot read "), run.err());
    }

    private static KafkaClientOptions parse(String... args) {
        KafkaClientOptions options = new KafkaClientOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
