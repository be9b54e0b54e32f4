package streamkmeans.stream;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializer for {@link DeadLetter}. The reason is written as its stable code, so that
 * reordering the enum cannot change the meaning of a checkpoint. O(payload bytes).
 */
public final class DeadLetterSerializer extends TypeSerializerSingleton<DeadLetter> {

    private static final long serialVersionUID = 1L;

    /** The only instance. */
    public static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

    private DeadLetterSerializer() {
    }

    /** True: dead letters are never modified. */
    @Override
    public boolean isImmutableType() {
        return true;
    }

    /** A placeholder dead letter with an empty payload; immutable dead letters are never reused. */
    @Override
    public DeadLetter createInstance() {
        return new DeadLetter(DeadLetterReason.EMPTY_RECORD, "", null, -1, -1L, -1L, null, null);
    }

    /** The dead letter itself (immutable). */
    @Override
    public DeadLetter copy(DeadLetter from) {
        return from;
    }

    /** The dead letter itself (immutable). */
    @Override
    public DeadLetter copy(DeadLetter from, DeadLetter reuse) {
        return from;
    }

    /** -1: the length varies. */
    @Override
    public int getLength() {
        return -1;
    }

    /** Writes the dead letter with its complete payload. */
    @Override
    public void serialize(DeadLetter d, DataOutputView out) throws IOException {
        StringValue.writeString(d.reason().code(), out);
        StringValue.writeString(d.message(), out);
        StringValue.writeString(d.topic(), out);
        out.writeInt(d.partition());
        out.writeLong(d.offset());
        out.writeLong(d.timestamp());
        StringValue.writeString(d.key(), out);
        out.writeInt(d.payload().length);
        out.write(d.payload());
    }

    /** Reads a dead letter written by {@link #serialize}. */
    @Override
    public DeadLetter deserialize(DataInputView in) throws IOException {
        DeadLetterReason reason = DeadLetterReason.fromCode(StringValue.readString(in));
        String message = StringValue.readString(in);
        String topic = StringValue.readString(in);
        int partition = in.readInt();
        long offset = in.readLong();
        long timestamp = in.readLong();
        String key = StringValue.readString(in);
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new DeadLetter(reason, message, topic, partition, offset, timestamp, key, payload);
    }

    /** Same as {@link #deserialize(DataInputView)}: dead letters are not reused. */
    @Override
    public DeadLetter deserialize(DeadLetter reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    /** Copies one serialized dead letter. */
    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** A snapshot that restores this serializer. */
    @Override
    public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot, kept in checkpoints and savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
        /** Used by Flink when it restores a snapshot. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
