package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalDouble;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class ModelStateSerializerTest {
    private static final ModelStateSerializer SERIALIZER = ModelStateSerializer.INSTANCE;
    /** States serialised by format version 1, back to back (checked in; see savepoints/README.md). */
    private static final String STATES_V1 = "model-state-v1.bin";
    /** The serializer's snapshot as Flink writes it into a savepoint: class name, version 1, no payload. */
    private static final String SNAPSHOT_V1 = "model-state-serializer-snapshot-v1.bin";

    /** The states of {@link #STATES_V1}: without a model, and with one and every optional value. */
    private static ModelState[] knownStates() {
        return new ModelState[] {
            ModelState.initial(4, 3),
            ModelState.of(3, 2, new float[] {1.5f, -2f, 0.25f, 1e-3f, 7f, -0.5f}, 5, OptionalDouble.of(2.25),
                    OptionalDouble.of(0.625), 6),
            ModelState.of(2, 1, new float[] {-3.75f, 1e6f}, 1, OptionalDouble.of(0.0), OptionalDouble.empty(), 9),
        };
    }

    @Test
    void bytesWrittenByFormatVersionOneStillDeserialize() throws IOException {
        byte[] bytes = resource(STATES_V1);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        DataOutputSerializer again = new DataOutputSerializer(256);
        for (ModelState expected : knownStates()) {
            ModelState restored = SERIALIZER.deserialize(in);
            assertEquals(expected, restored);
            SERIALIZER.serialize(restored, again);
        }
        assertEquals(0, in.available(), "nothing left over");
        assertTrue(Arrays.equals(bytes, again.getCopyOfBuffer()),
                "this build still writes format 1; a new format needs a new snapshot version and a reader for 1");
    }

    @Test
    void theVersionOneSnapshotOfASavepointResolvesAsCompatible() throws IOException {
        TypeSerializerSnapshot<ModelState> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(resource(SNAPSHOT_V1)), getClass().getClassLoader());
        assertInstanceOf(ModelStateSerializer.Snapshot.class, restored);
        assertSame(SERIALIZER, restored.restoreSerializer());
        assertTrue(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs());
        // A state that another serializer wrote cannot be read as a model state.
        TypeSerializerSchemaCompatibility<ModelState> foreign = SERIALIZER.snapshotConfiguration()
                .resolveSchemaCompatibility(castSnapshot(IntSerializer.INSTANCE.snapshotConfiguration()));
        assertTrue(foreign.isIncompatible());
    }

    /**
     * Rewrites the byte fixtures. Disabled unless {@code streamkmeans.writeFixtures} names the
     * test resources' {@code savepoints} folder; see the README there before using it.
     */
    @Test
    @EnabledIfSystemProperty(named = SavepointCompatibilityTest.WRITE_PROPERTY, matches = ".+")
    void writeTheByteFixtures() throws IOException {
        Path folder = Path.of(System.getProperty(SavepointCompatibilityTest.WRITE_PROPERTY));
        DataOutputSerializer states = new DataOutputSerializer(256);
        for (ModelState state : knownStates()) {
            SERIALIZER.serialize(state, states);
        }
        Files.write(folder.resolve(STATES_V1), states.getCopyOfBuffer());
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, SERIALIZER.snapshotConfiguration());
        Files.write(folder.resolve(SNAPSHOT_V1), snapshot.getCopyOfBuffer());
    }

    @SuppressWarnings("unchecked")
    private static TypeSerializerSnapshot<ModelState> castSnapshot(TypeSerializerSnapshot<?> snapshot) {
        return (TypeSerializerSnapshot<ModelState>) snapshot;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelStateSerializerTest.class.getResourceAsStream("/savepoints/" + name)) {
            assertNotNull(in, "missing test resource savepoints/" + name);
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripsStatesWithAndWithoutAModel() throws IOException {
        ModelState initial = ModelState.initial(3, 2);
        ModelState fitted = initial.withFit(new float[] {1, 2, 3, -4, 5.5f, Float.MIN_VALUE},
                OptionalDouble.of(2.25), OptionalDouble.empty());
        ModelState later = fitted.withWindowSkipped().withFit(new float[] {0, 0, 0, 1, 1, 1}, OptionalDouble.of(1e-300),
                OptionalDouble.of(-0.5));
        for (ModelState state : new ModelState[] {initial, fitted, later}) {
            byte[] bytes = serialize(state);
            assertEquals(43 + (state.hasModel() ? 4 * 6 : 0), bytes.length);
            ModelState back = SERIALIZER.deserialize(new DataInputDeserializer(bytes));
            assertEquals(state, back);
            DataOutputSerializer copy = new DataOutputSerializer(64);
            SERIALIZER.copy(new DataInputDeserializer(bytes), copy);
            assertEquals(state, SERIALIZER.deserialize(new DataInputDeserializer(copy.getCopyOfBuffer())));
        }
        assertEquals(3, later.windowsSeen());
        assertEquals(2, later.modelVersion());
    }

    @Test
    void refusesCorruptBytes() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(2);
        out.writeInt(2);
        out.writeLong(0);
        out.writeLong(0);
        out.writeBoolean(true);
        for (int i = 0; i < 4; i++) {
            out.writeFloat(i);
        }
        out.writeBoolean(false);
        out.writeDouble(0);
        out.writeBoolean(false);
        out.writeDouble(0);
        IOException e = assertThrows(IOException.class,
                () -> SERIALIZER.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
        assertTrue(e.getMessage().contains("corrupt model state"), e.getMessage());
    }

    @Test
    void theSnapshotCarriesFormatVersionOne() throws IOException {
        TypeSerializerSnapshot<ModelState> snapshot = SERIALIZER.snapshotConfiguration();
        assertEquals(1, snapshot.getCurrentVersion());
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<ModelState> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertInstanceOf(ModelStateSerializer.Snapshot.class, restored);
        assertSame(SERIALIZER, restored.restoreSerializer());
        TypeSerializerSchemaCompatibility<ModelState> compatibility =
                SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertTrue(compatibility.isCompatibleAsIs());
        IOException e = assertThrows(IOException.class,
                () -> new ModelStateSerializer.Snapshot().readSnapshot(2, new DataInputDeserializer(new byte[0]),
                        getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void statesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> ModelState.of(2, 2, new float[3], 1,
                OptionalDouble.empty(), OptionalDouble.empty(), 1));
        assertThrows(IllegalArgumentException.class, () -> ModelState.of(2, 1, new float[2], 1,
                OptionalDouble.of(Double.NaN), OptionalDouble.empty(), 1));
        assertThrows(IllegalStateException.class, () -> ModelState.initial(2, 2).centroids());
        float[] centroids = {0, 0, 10, 0};
        ModelState state = ModelState.initial(2, 2).withFit(centroids, OptionalDouble.of(1), OptionalDouble.empty());
        centroids[0] = 99;
        assertEquals(0, state.centroids()[0], "the state keeps its own copy");
        assertEquals(1, state.nearest(new float[] {6, 1}));
        assertEquals(5f, state.distance(new float[] {3, 4}, 0));
    }

    private static byte[] serialize(ModelState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(state, out);
        return out.getCopyOfBuffer();
    }
}
