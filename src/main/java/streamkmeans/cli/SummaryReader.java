package streamkmeans.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads window summaries, the JSON objects of the summaries topic, for {@code report} and
 * {@code watch}: from a JSON-lines file (what {@code demo --json} prints) or from a Kafka topic
 * with {@code read_committed}. A summary is accepted when it is a JSON object with a textual
 * {@code key} and a numeric {@code window_end}; everything else is up to its reader.
 */
final class SummaryReader {
    /** How {@code --summaries -} names standard input in messages. */
    static final String STDIN = "<stdin>";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SummaryReader() {
    }

    /**
     * The summaries of a JSON-lines file ({@code -}: standard input), blank lines skipped. O(bytes).
     *
     * @throws InputException for an unreadable file, or {@code file:line} of the first line that is
     *                        not a summary
     */
    static List<ObjectNode> readFile(String name) throws InputException {
        if ("-".equals(name)) {
            return readLines(System.in, STDIN);
        }
        Path file = Path.of(name);
        if (Files.isDirectory(file)) {
            throw new InputException(name, "is a directory, not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readLines(in, name);
        } catch (NoSuchFileException e) {
            throw new InputException(name, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new InputException(name, "permission denied", e);
        } catch (IOException e) {
            throw new InputException(name, "cannot read: " + describe(e), e);
        }
    }

    /** The summaries of a stream of JSON lines; {@code source} names it in messages. The stream is not closed. */
    static List<ObjectNode> readLines(InputStream in, String source) throws InputException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        List<ObjectNode> out = new ArrayList<>();
        long number = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(line));
                } catch (IllegalArgumentException e) {
                    throw new InputException(source, number, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new InputException(source, "cannot read: " + describe(e), e);
        }
        return out;
    }

    /**
     * One summary from its JSON text.
     *
     * @throws IllegalArgumentException with a one-line reason when it is not JSON or not a summary
     */
    static ObjectNode parse(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("invalid JSON: " + why);
        }
        if (!(node instanceof ObjectNode o) || !o.path("key").isTextual() || !o.path("window_end").isNumber()) {
            throw new IllegalArgumentException("not a window summary (expected a JSON object with \"key\" and \"window_end\")");
        }
        return o;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The summaries topic, every partition assigned (no consumer group, no offsets committed), read
     * with {@code read_committed} so that only committed windows of the exactly-once job show.
     * Records that are not summaries are skipped and counted. Not thread-safe, except
     * {@link #wakeup()}.
     */
    static final class Topic implements AutoCloseable {
        private final String topic;
        private final String bootstrapServers;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        private long skipped;
        private String firstSkipped;

        /**
         * Connects and positions every partition at its beginning or at its end (the last stable
         * offset).
         *
         * @param client   Kafka client properties (bootstrap servers, security)
         * @param topic    the summaries topic
         * @param earliest start at the beginning instead of the end
         * @param timeout  how long to wait for the broker's answer about the topic
         * @throws InputException when the broker does not answer in time, refuses the credentials or
         *     the topic does not exist
         */
        Topic(Map<String, String> client, String topic, boolean earliest, Duration timeout) throws InputException {
            this.topic = topic;
            this.bootstrapServers = client.getOrDefault(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "?");
            // Credentials and TLS first, with the same one-line errors as the other commands.
            KafkaPreflight.check(client, List.of(), timeout);
            Properties p = new Properties();
            p.putAll(client);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            // Reading must never create the topic on a broker that auto-creates: a typo is an error.
            p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
            p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "streamkmeans-summaries-reader");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw closing(new InputException(topic, "no such topic on " + bootstrapServers));
                }
                infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
                consumer.assign(partitions);
                if (earliest) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
            } catch (TimeoutException e) {
                throw closing(new InputException(bootstrapServers, "no answer about topic " + topic + " within "
                        + timeout.toSeconds() + " s (is Kafka running there, with these client settings?)", e));
            } catch (KafkaException e) {
                throw closing(new InputException(bootstrapServers, "cannot read topic " + topic + ": "
                        + e.getMessage(), e));
            }
        }

        private InputException closing(InputException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return e;
        }

        /** The topic and the bootstrap servers, for messages. */
        String describe() {
            return topic + " on " + bootstrapServers;
        }

        /**
         * The summaries of every partition from the current positions up to the end offsets as they
         * are now (the last stable offsets: committed data only), then returns.
         *
         * @param idle fail when no progress is made for this long
         * @throws InputException when the broker stops answering
         */
        List<ObjectNode> readToEnd(Duration idle) throws InputException {
            try {
                Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
                List<ObjectNode> out = new ArrayList<>();
                long lastProgress = System.nanoTime();
                while (!reached(end)) {
                    List<ObjectNode> batch = poll(Duration.ofMillis(200));
                    if (!batch.isEmpty()) {
                        out.addAll(batch);
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > idle.toNanos()) {
                        throw new InputException(bootstrapServers, "reading topic " + topic + " made no progress for "
                                + idle.toSeconds() + " s");
                    }
                }
                return out;
            } catch (TimeoutException e) {
                throw new InputException(bootstrapServers, "reading topic " + topic + ": " + e.getMessage(), e);
            }
        }

        private boolean reached(Map<TopicPartition, Long> end) {
            for (TopicPartition tp : partitions) {
                // Transaction markers and aborted records move the position past the data, never short of it.
                if (consumer.position(tp) < end.get(tp)) {
                    return false;
                }
            }
            return true;
        }

        /** The summaries of one poll; {@link org.apache.kafka.common.errors.WakeupException} after {@link #wakeup()}. */
        List<ObjectNode> poll(Duration timeout) {
            List<ObjectNode> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                try {
                    out.add(parse(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    if (skipped++ == 0) {
                        firstSkipped = r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage();
                    }
                }
            }
            return out;
        }

        /** Records skipped because they were not summaries. */
        long skipped() {
            return skipped;
        }

        /** Where the first skipped record was and why, or null. */
        String firstSkipped() {
            return firstSkipped;
        }

        /** Makes a poll in progress (or the next one) throw WakeupException; safe from any thread. */
        void wakeup() {
            consumer.wakeup();
        }

        @Override
        public void close() {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}
