package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class PointDeserializerTest {

    @Test
    void emitsAPointForAValidRecordWithItsOrigin() throws Exception {
        List<Either<DeadLetter, Point>> out = run(opened(PointFormat.json()),
            record("points", 1, 7L, 1000L, "{\"key\":\"s\",\"id\":\"e\",\"features\":[1,2]}"));
        assertEquals(1, out.size());
        Point p = out.get(0).right();
        assertEquals(new Point("s", "e", Point.NO_TIMESTAMP, new float[] {1f, 2f}, "points", 1, 7L), p);
        assertEquals(1000L, p.eventTime(1000L), "no ts of its own: the Kafka timestamp is the event time");
    }

    @Test
    void emitsADeadLetterWithTheOriginalBytesAndOrigin() throws Exception {
        String bad = "{\"key\":\"s\",\"features\":[NaN]}";
        List<Either<DeadLetter, Point>> out = run(opened(PointFormat.json()), record("points", 0, 3L, 55L, bad));
        DeadLetter d = out.get(0).left();
        assertEquals(DeadLetterReason.NON_FINITE_FEATURE, d.reason());
        assertEquals("points", d.topic());
        assertEquals(0, d.partition());
        assertEquals(3L, d.offset());
        assertEquals(55L, d.timestamp());
        assertEquals("s", d.key());
        assertArrayEquals(bad.getBytes(StandardCharsets.UTF_8), d.payload());
    }

    @Test
    void aTombstoneIsAnEmptyRecord() throws Exception {
        ConsumerRecord<byte[], byte[]> tombstone = new ConsumerRecord<>("points", 0, 9L, 1L, TimestampType.CREATE_TIME,
            0, 0, "k".getBytes(StandardCharsets.UTF_8), null, new RecordHeaders(), Optional.empty());
        DeadLetter d = run(opened(PointFormat.json()), tombstone).get(0).left();
        assertEquals(DeadLetterReason.EMPTY_RECORD, d.reason());
        assertEquals(0, d.payload().length);
    }

    @Test
    void everyCorpusRecordBecomesExactlyOneElementWithoutThrowing() throws Exception {
        PointDeserializer json = opened(PointFormat.json());
        PointDeserializer csv = opened(PointFormat.csv());
        long offset = 0;
        for (BadInputCorpus.Case c : BadInputCorpus.cases()) {
            List<Either<DeadLetter, Point>> out = run(c.csv() ? csv : json, record("points", 0, offset++, 0L, c.value()));
            assertEquals(1, out.size(), c.name());
            // Job-stage cases parse; the job rejects them later.
            assertEquals(!c.jobStage(), out.get(0).isLeft(), c.name());
            if (out.get(0).isLeft()) {
                assertEquals(c.reason(), out.get(0).left().reason(), c.name());
            }
        }
    }

    @Test
    void readsCsvWhenConfigured() throws Exception {
        Point p = run(opened(PointFormat.csv()), record("in", 2, 1L, 5L, "k,42,1.5,2.5")).get(0).right();
        assertEquals("k", p.key());
        assertEquals(42L, p.ts());
        assertArrayEquals(new float[] {1.5f, 2.5f}, p.features());
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        PointDeserializer original = new PointDeserializer(PointFormat.csv(), ParserLimits.DEFAULTS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        PointDeserializer copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (PointDeserializer) in.readObject();
        }
        assertNotSame(original, copy);
        copy.open(context());
        assertEquals(2, run(copy, record("in", 0, 0L, 0L, "k,1,3,4")).get(0).right().dims());
    }

    @Test
    void producesTheUnionOfDeadLettersAndPoints() throws Exception {
        TypeInformation<Either<DeadLetter, Point>> type = opened(PointFormat.json()).getProducedType();
        assertEquals(StreamTypes.PARSED, type);
        TypeSerializer<Either<DeadLetter, Point>> serializer = type.createSerializer(new SerializerConfigImpl());
        Point p = new Point("k", null, 5L, new float[] {1f}, "t", 0, 1L);
        DeadLetter d = new DeadLetter(DeadLetterReason.LATE, "late", "t", 0, 2L, 3L, "k", new byte[] {1});
        assertEquals(p, StreamTypesTest.roundTrip(serializer, Either.Right(p)).right());
        assertEquals(d, StreamTypesTest.roundTrip(serializer, Either.Left(d)).left());
    }

    private static PointDeserializer opened(PointFormat format) throws Exception {
        PointDeserializer d = new PointDeserializer(format, ParserLimits.DEFAULTS);
        d.open(context());
        return d;
    }

    private static DeserializationSchema.InitializationContext context() {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(PointDeserializerTest.class.getClassLoader());
            }
        };
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, long timestamp,
                                                         String value) {
        return record(topic, partition, offset, timestamp, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, long timestamp,
                                                         byte[] value) {
        return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, 0,
            value.length, null, value, new RecordHeaders(), Optional.empty());
    }

    private static List<Either<DeadLetter, Point>> run(PointDeserializer d, ConsumerRecord<byte[], byte[]> r) {
        List<Either<DeadLetter, Point>> out = new ArrayList<>();
        d.deserialize(r, new Collector<>() {
            @Override
            public void collect(Either<DeadLetter, Point> e) {
                out.add(e);
            }

            @Override
            public void close() {
            }
        });
        return out;
    }
}
