package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StreamTypesTest {

    @Test
    void typeExtractionFindsTheCustomTypesThroughTheAnnotations() {
        assertEquals(StreamTypes.POINT, TypeInformation.of(Point.class));
        assertEquals(StreamTypes.DEAD_LETTER, TypeInformation.of(DeadLetter.class));
    }

    @Test
    void pointRoundTripsWithAndWithoutOptionalFields() throws IOException {
        Point full = new Point("sensor-\u00e9", "e-1", 1764370000000L,
            new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE}, "points", 3, 123_456_789_012L);
        Point bare = new Point("k", null, Point.NO_TIMESTAMP, new float[] {2f});
        assertEquals(full, roundTrip(PointSerializer.INSTANCE, full));
        assertEquals(bare, roundTrip(PointSerializer.INSTANCE, bare));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(roundTrip(PointSerializer.INSTANCE, full).features()[1]));
    }

    @Test
    void deadLetterRoundTripsWithItsWholePayload() throws IOException {
        byte[] payload = new byte[200_000];
        payload[199_999] = 7;
        DeadLetter d = new DeadLetter(DeadLetterReason.RECORD_TOO_LARGE, "too big", "points", 1, 2L, 3L, null, payload);
        DeadLetter back = roundTrip(DeadLetterSerializer.INSTANCE, d);
        assertEquals(d, back);
        assertArrayEquals(payload, back.payload());
        DeadLetter minimal = new DeadLetter(DeadLetterReason.EMPTY_RECORD, "m", null, -1, -1L, -1L, null, null);
        assertEquals(minimal, roundTrip(DeadLetterSerializer.INSTANCE, minimal));
    }

    @Test
    void streamCopyEqualsSerializingAgain() throws IOException {
        Point p = new Point("k", "i", 9L, new float[] {1f, 2f, 3f}, "t", 1, 2L);
        DataOutputSerializer first = new DataOutputSerializer(64);
        PointSerializer.INSTANCE.serialize(p, first);
        first.writeInt(0x5eed); // the copy must stop exactly at the end of the point
        DataInputDeserializer in = new DataInputDeserializer(first.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        PointSerializer.INSTANCE.copy(in, copied);
        assertEquals(0x5eed, in.readInt());
        DataOutputSerializer expected = new DataOutputSerializer(64);
        PointSerializer.INSTANCE.serialize(p, expected);
        assertArrayEquals(expected.getCopyOfBuffer(), copied.getCopyOfBuffer());
    }

    @Test
    void immutableRecordsAreSharedNotCopied() {
        Point p = new Point("k", null, 1L, new float[] {1f});
        assertTrue(PointSerializer.INSTANCE.isImmutableType());
        assertSame(p, PointSerializer.INSTANCE.copy(p));
        DeadLetter d = new DeadLetter(DeadLetterReason.LATE, "m", null, -1, -1L, -1L, null, null);
        assertSame(d, DeadLetterSerializer.INSTANCE.copy(d));
    }

    @Test
    void placeholderInstancesSerialize() throws IOException {
        Point p = PointSerializer.INSTANCE.createInstance();
        assertEquals(p, roundTrip(PointSerializer.INSTANCE, p));
        DeadLetter d = DeadLetterSerializer.INSTANCE.createInstance();
        assertEquals(d, roundTrip(DeadLetterSerializer.INSTANCE, d));
    }

    @Test
    void snapshotsRestoreTheSameSerializer() throws IOException {
        assertSame(PointSerializer.INSTANCE, restore(PointSerializer.INSTANCE.snapshotConfiguration()));
        assertSame(DeadLetterSerializer.INSTANCE, restore(DeadLetterSerializer.INSTANCE.snapshotConfiguration()));
    }

    private static <T> TypeSerializer<T> restore(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), StreamTypesTest.class.getClassLoader());
        assertTrue(read.resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
        return read.restoreSerializer();
    }

    static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertEquals(0, in.available(), "read exactly what was written");
        return back;
    }
}
