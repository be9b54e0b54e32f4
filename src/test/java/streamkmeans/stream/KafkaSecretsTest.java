package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The masking rule for Kafka client properties and the redaction of free text. */
class KafkaSecretsTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"svc-kmeans\" password=\"s3cr3t-Pw\";";

    @Test
    void secretPropertiesOfKafkaTlsSaslAndSchemaRegistry() {
        for (String name : List.of("sasl.jaas.config", "ssl.key.password", "ssl.keystore.password",
                "ssl.truststore.password", "ssl.keystore.key", "ssl.keystore.certificate.chain.key",
                "sasl.oauthbearer.client.credentials.client.secret", "sasl.login.callback.token",
                "basic.auth.user.info", "schema.registry.basic.auth.user.info", "bearer.auth.token",
                "sasl.oauthbearer.assertion.private.key.passphrase", "confluent.apikey",
                "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", "SSL.KEY.PASSWORD")) {
            assertTrue(KafkaSecrets.isSecret(name), name);
        }
    }

    @Test
    void ordinaryPropertiesAreShown() {
        for (String name : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "ssl.truststore.location", "ssl.truststore.type", "ssl.endpoint.identification.algorithm",
                "key.serializer", "key.deserializer", "batch.size", "max.partition.fetch.bytes", "client.id",
                "sasl.kerberos.service.name", "ssl.keystore.location")) {
            assertFalse(KafkaSecrets.isSecret(name), name);
        }
    }

    @Test
    void maskedKeepsOrderAndReplacesOnlySecretValues() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.jaas.config", JAAS);
        props.put("ssl.truststore.password", "changeit-42");
        props.put("bootstrap.servers", "broker:9093");
        Map<String, String> masked = KafkaSecrets.masked(props);
        assertEquals(List.of("security.protocol", "sasl.jaas.config", "ssl.truststore.password", "bootstrap.servers"),
                List.copyOf(masked.keySet()));
        assertEquals(List.of("SASL_SSL", "****", "****", "broker:9093"), List.copyOf(masked.values()));
        assertEquals("****", KafkaSecrets.shown("sasl.jaas.config", JAAS));
        assertEquals("PLAIN", KafkaSecrets.shown("sasl.mechanism", "PLAIN"));
    }

    @Test
    void redactRemovesSecretValuesAndJaasPasswordsFromText() {
        Map<String, String> props = Map.of("sasl.jaas.config", JAAS, "ssl.key.password", "key-Pw-77",
                "sasl.mechanism", "SCRAM-SHA-512");
        String text = "login failed for " + JAAS + "; key key-Pw-77; password 's3cr3t-Pw' rejected (SCRAM-SHA-512)";
        String redacted = KafkaSecrets.redact(text, props);
        assertFalse(redacted.contains("s3cr3t-Pw"), redacted);
        assertFalse(redacted.contains("key-Pw-77"), redacted);
        assertTrue(redacted.contains("SCRAM-SHA-512"), "non-secret values stay: " + redacted);
        assertTrue(redacted.startsWith("login failed for ****"), redacted);
        // JAAS settings that did not come from these properties (a broker's user list, say).
        assertEquals("PlainLoginModule required username=\"a\" password=**** user_bob=****;",
                KafkaSecrets.redact("PlainLoginModule required username=\"a\" password=\"x y\" user_bob=\"b-pw\";",
                        Map.of()));
        assertNull(KafkaSecrets.redact(null, props));
    }

    @Test
    void jobSettingsPrintTheirKafkaPropertiesMasked() {
        JobSettings settings = JobSettings.builder()
                .kafka(Map.of("bootstrap.servers", "broker:9093", "sasl.jaas.config", JAAS))
                .build();
        String shown = settings.toString();
        assertFalse(shown.contains("s3cr3t-Pw"), shown);
        assertTrue(shown.contains("sasl.jaas.config=****") && shown.contains("bootstrap.servers=broker:9093"), shown);
        assertEquals(JAAS, settings.kafka().get("sasl.jaas.config"), "the job itself gets the real value");
    }
}
