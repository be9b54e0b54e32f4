package streamkmeans.stream;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one output element as one Kafka record: the model key as record key (so a key's outputs
 * stay ordered in one partition), the element's JSON as value, and an explicit record timestamp
 * (null where the element has no real one, e.g. count-window results, whose Flink timestamp
 * {@code Long.MAX_VALUE} Kafka would reject). O(size of the JSON).
 *
 * @param <T> the output type
 */
public final class JsonRecordSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, byte[]> value;
    private final SerializableFunction<T, Long> timestamp;
    // The last key and its bytes: a sink's consecutive elements mostly share their model key.
    private transient String lastKey;
    private transient byte[] lastKeyBytes;

    /**
     * @param topic     target topic
     * @param key       the element's model key (may return null)
     * @param value     the element's JSON bytes
     * @param timestamp the element's record timestamp, epoch ms, or null for the broker's time
     */
    public JsonRecordSchema(String topic, SerializableFunction<T, String> key, SerializableFunction<T, byte[]> value,
            SerializableFunction<T, Long> timestamp) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long flinkTimestamp) {
        String k = key.apply(element);
        Long ts = timestamp.apply(element);
        return new ProducerRecord<>(topic, null, ts != null && ts >= 0 ? ts : null, keyBytes(k), value.apply(element));
    }

    /** UTF-8 of {@code k}; the same (never modified) array as last time when the key repeats. */
    private byte[] keyBytes(String k) {
        if (k == null) {
            return null;
        }
        if (!k.equals(lastKey)) {
            lastKeyBytes = k.getBytes(StandardCharsets.UTF_8);
            lastKey = k;
        }
        return lastKeyBytes;
    }
}
