package streamkmeans.stream;

import java.io.IOException;
import java.util.OptionalDouble;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ModelState}, the clusterer's keyed state. Size: {@code 4·k·d + 43}
 * bytes per key.
 *
 * <p>Format version 1: dims (int), k (int), model version (long), windows seen (long), whether
 * centroids follow (boolean) and then k·d floats, then each rolling value as a presence flag
 * (boolean) and a double. The version is kept in the checkpoint through {@link Snapshot}; a
 * future format bumps {@link Snapshot#CURRENT_VERSION}, keeps a reader for the old one and lets
 * {@link Snapshot#resolveSchemaCompatibility} ask Flink to migrate.
 */
public final class ModelStateSerializer extends TypeSerializer<ModelState> {
    private static final long serialVersionUID = 1L;

    /** The serializer; stateless, so one instance may be shared. */
    public static final ModelStateSerializer INSTANCE = new ModelStateSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<ModelState> duplicate() {
        return this;
    }

    @Override
    public ModelState createInstance() {
        return ModelState.initial(1, 1);
    }

    @Override
    public ModelState copy(ModelState from) {
        return from;
    }

    @Override
    public ModelState copy(ModelState from, ModelState reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ModelState s, DataOutputView out) throws IOException {
        out.writeInt(s.dims());
        out.writeInt(s.k());
        out.writeLong(s.modelVersion());
        out.writeLong(s.windowsSeen());
        out.writeBoolean(s.hasModel());
        if (s.hasModel()) {
            for (float c : s.centroids()) {
                out.writeFloat(c);
            }
        }
        writeOptional(s.rollingInertiaPerPoint(), out);
        writeOptional(s.rollingSilhouette(), out);
    }

    @Override
    public ModelState deserialize(DataInputView in) throws IOException {
        int dims = in.readInt();
        int k = in.readInt();
        long version = in.readLong();
        long windows = in.readLong();
        float[] centroids = null;
        if (in.readBoolean()) {
            centroids = new float[Math.multiplyExact(k, dims)];
            for (int i = 0; i < centroids.length; i++) {
                centroids[i] = in.readFloat();
            }
        }
        OptionalDouble inertia = readOptional(in);
        OptionalDouble silhouette = readOptional(in);
        try {
            return ModelState.of(dims, k, centroids, version, inertia, silhouette, windows);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt model state: " + e.getMessage(), e);
        }
    }

    @Override
    public ModelState deserialize(ModelState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelStateSerializer;
    }

    @Override
    public int hashCode() {
        return ModelStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ModelState> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeOptional(OptionalDouble v, DataOutputView out) throws IOException {
        out.writeBoolean(v.isPresent());
        out.writeDouble(v.orElse(0));
    }

    private static OptionalDouble readOptional(DataInputView in) throws IOException {
        boolean present = in.readBoolean();
        double v = in.readDouble();
        return present ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    /** The serializer's snapshot in checkpoints: only its format version. */
    public static final class Snapshot implements TypeSerializerSnapshot<ModelState> {
        /** The format {@link ModelStateSerializer} writes. */
        public static final int CURRENT_VERSION = 1;

        /** Public no-argument constructor: Flink instantiates snapshots reflectively. */
        public Snapshot() {
        }

        @Override
        public int getCurrentVersion() {
            return CURRENT_VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version Flink writes in front of the snapshot is all there is.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion != CURRENT_VERSION) {
                throw new IOException("model state was written in format version " + readVersion
                        + ", this build reads version " + CURRENT_VERSION);
            }
        }

        @Override
        public TypeSerializer<ModelState> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<ModelState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ModelState> oldSnapshot) {
            return oldSnapshot instanceof Snapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
