package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Kafka check before a command starts work, where no broker answers or the settings are wrong. */
class KafkaPreflightTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBrokerThatDoesNotAnswerIsOneLineAfterTheTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        InputException e = assertThrows(InputException.class, () -> KafkaPreflight.check(
                Map.of("bootstrap.servers", "127.0.0.1:" + port), List.of("points"), Duration.ofSeconds(2)));
        assertEquals("Kafka at 127.0.0.1:" + port + ": no answer within 2 s (is Kafka running there, and does "
                + "security.protocol=PLAINTEXT match its listener?)", e.getMessage());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void unusableClientSettingsAreOneLineWithoutTheSecret() {
        // A JAAS config without its login module cannot be parsed: the client refuses to start.
        InputException e = assertThrows(InputException.class, () -> KafkaPreflight.check(Map.of(
                "bootstrap.servers", "127.0.0.1:9", "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "username=\"u\" password=\"p-Secret-1\""), List.of(), Duration.ofSeconds(2)));
        assertEquals(-1, e.getMessage().indexOf("p-Secret-1"), e.getMessage());
        assertEquals(true, e.getMessage().startsWith("Kafka at 127.0.0.1:9: invalid Kafka client settings: "),
                e.getMessage());
    }
}
