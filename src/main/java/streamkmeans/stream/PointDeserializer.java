package streamkmeans.stream;

import java.util.Objects;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads point records for a Flink {@code KafkaSource}. Every record yields exactly one element:
 * {@code Either.Right(point)} or, when the value is not a valid point, {@code Either.Left(deadLetter)}
 * with the original bytes, the reason, and the record's topic, partition, offset and timestamp.
 * It never throws on a record's content, so bad input cannot fail or restart the job.
 *
 * <p>Why a union and not a side output: a deserialization schema has only one collector. The job
 * splits the stream right after the source (points on, dead letters to a side output for the
 * dead-letter sink); the split is chained to the source, and both types are immutable, so the
 * union costs one small wrapper object per record and no copying.
 *
 * <p>The record key is not read: the model key comes from the value. A point without its own
 * {@code ts} keeps {@link Point#NO_TIMESTAMP}; the source stamps each element with the Kafka
 * record timestamp, which {@link Point#eventTime(long)} falls back on.
 */
public final class PointDeserializer implements KafkaRecordDeserializationSchema<Either<DeadLetter, Point>> {

    private static final long serialVersionUID = 1L;

    private final PointFormat format;
    private final ParserLimits limits;
    private transient PointParser parser;

    /**
     * A deserializer for one record format.
     *
     * @param format JSON or CSV layout of the record values
     * @param limits size and range limits; a record over a limit becomes a dead letter
     */
    public PointDeserializer(PointFormat format, ParserLimits limits) {
        this.format = Objects.requireNonNull(format, "format");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Creates this subtask's parser. */
    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new PointParser(format, limits);
    }

    /** Emits one point or one dead letter for the record. O(value bytes). */
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, Point>> out) {
        byte[] value = record.value();
        ParseResult result = parser.parse(value, record.topic(), record.partition(), record.offset());
        if (result instanceof Point point) {
            out.collect(Either.Right(point));
        } else {
            out.collect(Either.Left(DeadLetter.of((Rejection) result, value, record.topic(), record.partition(),
                record.offset(), record.timestamp())));
        }
    }

    /** {@link StreamTypes#PARSED}. */
    @Override
    public TypeInformation<Either<DeadLetter, Point>> getProducedType() {
        return StreamTypes.PARSED;
    }
}
