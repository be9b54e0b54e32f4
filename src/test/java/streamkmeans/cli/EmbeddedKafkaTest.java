package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {

    @Test
    void producesAndConsumesEveryRecordAndDeletesItsDirectoryOnClose() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            dir = kafka.logDir();
            assertTrue(Files.isDirectory(dir));
            assertTrue(kafka.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), kafka.bootstrapServers());
            kafka.createTopics(2, "points");

            produce(kafka.bootstrapServers(), "points", 0, 1000);
            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), "points", 1000);

            assertEquals(1000, records.size());
            Set<String> values = new TreeSet<>();
            Set<Integer> partitions = new TreeSet<>();
            for (ConsumerRecord<String, String> r : records) {
                values.add(r.value());
                partitions.add(r.partition());
                assertEquals("v" + r.key().substring(1), r.value());
            }
            assertEquals(1000, values.size(), "every record exactly once");
            assertEquals(Set.of(0, 1), partitions, "keys spread over both partitions");
        }
        assertFalse(Files.exists(dir), "log directory deleted on close");
    }

    @Test
    void keepsDataAndAddressAcrossStopAndStart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            String address = kafka.bootstrapServers();
            kafka.createTopics(1, "kept");
            produce(address, "kept", 0, 50);

            kafka.stop();
            assertFalse(kafka.isRunning());
            assertThrows(IllegalStateException.class, () -> kafka.createTopics(1, "refused"));
            kafka.start();

            assertTrue(kafka.isRunning());
            assertEquals(address, kafka.bootstrapServers());
            produce(address, "kept", 50, 50);
            assertEquals(100, consume(address, "kept", 100).size());
        }
    }

    @Test
    void createTopicsToleratesExistingTopics() {
        try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
            kafka.createTopics(3, "a", "b");
            kafka.createTopics(3, "a");
            assertThrows(IllegalArgumentException.class, () -> kafka.createTopics(0, "c"));
        }
    }

    @Test
    void refusesToStartAfterClose() {
        EmbeddedKafka kafka = EmbeddedKafka.launch();
        kafka.close();
        kafka.close();
        assertFalse(kafka.isRunning());
        assertThrows(IllegalStateException.class, kafka::start);
    }

    /** Sends {@code count} records k{i} -> v{i} and fails on the first send error. */
    private static void produce(String bootstrap, String topic, int from, int count) throws Exception {
        Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        CountDownLatch acked = new CountDownLatch(count);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.countDown();
                });
            }
            producer.flush();
        }
        assertTrue(acked.await(30, TimeUnit.SECONDS), "every send acknowledged");
        assertNull(failure.get(), "no send failed");
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // One more poll: anything beyond the expected count would be a duplicate.
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }
}
