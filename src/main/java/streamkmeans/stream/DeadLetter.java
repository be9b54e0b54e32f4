package streamkmeans.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A record that could not be clustered, as written to the dead-letter topic: the original bytes,
 * the reason and where the record came from.
 *
 * <p>JSON form ({@link #toJson()}), one object per dead letter:
 * <pre>{"reason":"non_finite_feature","message":"feature 0 is 1e40, ...","topic":"points",
 * "partition":0,"offset":17,"timestamp":1764370000000,"key":"sensor-7",
 * "payload":"{\"features\":[1e40]}","payload_encoding":"utf8","payload_bytes":19,
 * "payload_truncated":false}</pre>
 * <ul>
 *   <li>{@code payload} holds the original bytes: as text when they are valid UTF-8
 *       ({@code payload_encoding} {@code utf8}; JSON escaping keeps it exact), else as standard
 *       base64 ({@code base64}). Readable in the common case and lossless in both.</li>
 *   <li>At most {@link #MAX_PAYLOAD_BYTES} bytes are kept, so that the dead letter of an
 *       oversized record still fits in a Kafka message; {@code payload_bytes} is the original
 *       length and {@code payload_truncated} says whether the payload was cut (UTF-8 text is cut
 *       at a character boundary).</li>
 *   <li>{@code topic}, {@code timestamp} (the Kafka record timestamp, epoch ms) and {@code key}
 *       are null when unknown; {@code partition} and {@code offset} are -1.</li>
 * </ul>
 * For the job's own rejections ({@code dimension_mismatch}, {@code late}, {@code fit_failed}) the
 * original bytes are no longer at hand: {@link #ofPoint} writes the point back in the JSON input
 * format instead. A {@code fit_failed} point waited in a window, which keeps no record origin: its
 * topic is null and its partition and offset -1 (its key, id and event time identify it).
 *
 * <p>In Flink it travels with {@link DeadLetterSerializer}, complete (the 64 KiB cut applies to
 * the JSON form only).
 */
@TypeInfo(StreamTypes.DeadLetterInfoFactory.class)
public final class DeadLetter {

    /** The most payload bytes a dead letter keeps: 64 KiB. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private final DeadLetterReason reason;
    private final String message;
    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final String key;
    private final byte[] payload;

    /**
     * A dead letter.
     *
     * @param reason why the record was rejected
     * @param message a human-readable explanation
     * @param topic source topic, or null
     * @param partition source partition, or -1
     * @param offset source offset, or -1
     * @param timestamp Kafka record timestamp in epoch ms, or a negative value when unknown
     * @param key model key when known, or null
     * @param payload the original record bytes (null for a tombstone); not copied, not to be modified
     */
    public DeadLetter(DeadLetterReason reason, String message, String topic, int partition, long offset,
                      long timestamp, String key, byte[] payload) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.message = Objects.requireNonNull(message, "message");
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.payload = payload == null ? new byte[0] : payload;
    }

    /**
     * The dead letter of a record the parser rejected.
     *
     * @param rejection the parser's verdict
     * @param value the record value
     * @param topic source topic
     * @param partition source partition
     * @param offset source offset
     * @param timestamp Kafka record timestamp in epoch ms (negative when unknown)
     */
    public static DeadLetter of(Rejection rejection, byte[] value, String topic, int partition, long offset,
                                long timestamp) {
        return new DeadLetter(rejection.reason(), rejection.message(), topic, partition, offset, timestamp,
            rejection.key(), value);
    }

    /**
     * The dead letter of a point that parsed but was rejected by the job. Its payload is the point
     * in the JSON input format (features as shortest float32 decimal forms), its origin the
     * point's. O(d).
     *
     * @param point the rejected point
     * @param reason why: {@link DeadLetterReason#DIMENSION_MISMATCH}, {@link DeadLetterReason#LATE} or
     *               {@link DeadLetterReason#FIT_FAILED}
     * @param message a human-readable explanation
     * @param timestamp Kafka record timestamp in epoch ms (negative when unknown)
     */
    public static DeadLetter ofPoint(Point point, DeadLetterReason reason, String message, long timestamp) {
        return new DeadLetter(reason, message, point.topic(), point.partition(), point.offset(), timestamp,
            point.key(), pointJson(point));
    }

    /** The reason. */
    public DeadLetterReason reason() {
        return reason;
    }

    /** The human-readable explanation. */
    public String message() {
        return message;
    }

    /** The source topic, or null. */
    public String topic() {
        return topic;
    }

    /** The source partition, or -1. */
    public int partition() {
        return partition;
    }

    /** The source offset, or -1. */
    public long offset() {
        return offset;
    }

    /** The Kafka record timestamp in epoch ms, negative when unknown. */
    public long timestamp() {
        return timestamp;
    }

    /** The model key when known, else null. */
    public String key() {
        return key;
    }

    /** The original bytes, complete (shared, do not modify). */
    public byte[] payload() {
        return payload;
    }

    /** The JSON form described in the class comment, as UTF-8 bytes. O(payload bytes). */
    public byte[] toJson() {
        ByteArrayBuilder out = new ByteArrayBuilder(Math.min(payload.length, MAX_PAYLOAD_BYTES) * 4 / 3 + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("reason", reason.code());
            g.writeStringField("message", message);
            g.writeStringField("topic", topic);
            g.writeNumberField("partition", partition);
            g.writeNumberField("offset", offset);
            if (timestamp >= 0) {
                g.writeNumberField("timestamp", timestamp);
            } else {
                g.writeNullField("timestamp");
            }
            g.writeStringField("key", key);
            boolean text = Utf8.firstInvalid(payload, 0, payload.length) < 0;
            int kept = text ? Utf8.prefixLength(payload, 0, payload.length, MAX_PAYLOAD_BYTES)
                : Math.min(payload.length, MAX_PAYLOAD_BYTES);
            g.writeFieldName("payload");
            if (text) {
                g.writeUTF8String(payload, 0, kept);
            } else {
                g.writeString(Base64.getEncoder().encodeToString(Arrays.copyOf(payload, kept)));
            }
            g.writeStringField("payload_encoding", text ? "utf8" : "base64");
            g.writeNumberField("payload_bytes", payload.length);
            g.writeBooleanField("payload_truncated", kept < payload.length);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a dead letter to memory", e);
        }
        return out.toByteArray();
    }

    /** Equal when every field is equal, payload bytes included. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter d)) {
            return false;
        }
        return reason == d.reason && partition == d.partition && offset == d.offset && timestamp == d.timestamp
            && message.equals(d.message) && Objects.equals(topic, d.topic) && Objects.equals(key, d.key)
            && Arrays.equals(payload, d.payload);
    }

    /** Hash of reason, origin and payload. */
    @Override
    public int hashCode() {
        return 31 * Objects.hash(reason, topic, partition, offset) + Arrays.hashCode(payload);
    }

    /** For logs: reason, origin and message, not the payload. */
    @Override
    public String toString() {
        return "DeadLetter{" + reason.code() + " at " + topic + "-" + partition + "@" + offset + ": " + message + "}";
    }

    private static byte[] pointJson(Point point) {
        ByteArrayBuilder out = new ByteArrayBuilder(64 + 12 * point.dims());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("key", point.key());
            if (point.id() != null) {
                g.writeStringField("id", point.id());
            }
            if (point.hasTimestamp()) {
                g.writeNumberField("ts", point.ts());
            }
            g.writeFieldName("features");
            g.writeStartArray();
            for (float f : point.features()) {
                g.writeNumber(f);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a point to memory", e);
        }
        return out.toByteArray();
    }
}
