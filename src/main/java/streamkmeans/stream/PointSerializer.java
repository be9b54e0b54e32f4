package streamkmeans.stream;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializer for {@link Point}: key, id, timestamp, features as raw float32, then origin.
 * About 4·d + 30 bytes plus the strings; O(d) per point. A point is immutable, so copies within
 * an operator chain are the point itself.
 *
 * <p>Strings are written as {@link StringValue} writes them. The model key and the topic, which
 * repeat from point to point, are read back as the same {@code String} as the previous point's
 * when their characters match: no new string, and the key's hash code, which keyed state asks for
 * on every point, is already computed.
 */
public final class PointSerializer extends TypeSerializerSingleton<Point> {

    private static final long serialVersionUID = 1L;

    /** The only instance. */
    public static final PointSerializer INSTANCE = new PointSerializer();

    // Created on first use: Java deserialization (Flink ships serializers inside the job) skips
    // field initialisers. A race creates two readers, one of which is dropped: harmless.
    private transient Readers readers;

    private PointSerializer() {
    }

    /** True: points are never modified, so Flink may share them instead of copying. */
    @Override
    public boolean isImmutableType() {
        return true;
    }

    /** A placeholder point (key "default", one zero feature); immutable points are never reused. */
    @Override
    public Point createInstance() {
        return new Point(Point.DEFAULT_KEY, null, Point.NO_TIMESTAMP, new float[1]);
    }

    /** The point itself (immutable). */
    @Override
    public Point copy(Point from) {
        return from;
    }

    /** The point itself (immutable). */
    @Override
    public Point copy(Point from, Point reuse) {
        return from;
    }

    /** -1: the length varies. */
    @Override
    public int getLength() {
        return -1;
    }

    /** Writes the point. O(d). */
    @Override
    public void serialize(Point p, DataOutputView out) throws IOException {
        StringValue.writeString(p.key(), out);
        StringValue.writeString(p.id(), out);
        out.writeLong(p.ts());
        float[] f = p.features();
        out.writeInt(f.length);
        for (float x : f) {
            out.writeFloat(x);
        }
        StringValue.writeString(p.topic(), out);
        out.writeInt(p.partition());
        out.writeLong(p.offset());
    }

    /** Reads a point written by {@link #serialize}. O(d). */
    @Override
    public Point deserialize(DataInputView in) throws IOException {
        Readers r = readers();
        String key = r.keys.read(in);
        String id = StringValue.readString(in);
        long ts = in.readLong();
        float[] f = new float[in.readInt()];
        for (int i = 0; i < f.length; i++) {
            f[i] = in.readFloat();
        }
        String topic = r.topics.read(in);
        int partition = in.readInt();
        long offset = in.readLong();
        return new Point(key, id, ts, f, topic, partition, offset);
    }

    private Readers readers() {
        Readers r = readers;
        if (r == null) {
            r = new Readers();
            readers = r;
        }
        return r;
    }

    /** The repeated-string readers of the key and the topic. */
    private static final class Readers {
        final RepeatedString keys = new RepeatedString();
        final RepeatedString topics = new RepeatedString();
    }

    /** Same as {@link #deserialize(DataInputView)}: points are not reused. */
    @Override
    public Point deserialize(Point reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    /** Copies one serialized point without decoding its features. O(d). */
    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        StringValue.copyString(in, out);
        StringValue.copyString(in, out);
        out.writeLong(in.readLong());
        int dims = in.readInt();
        out.writeInt(dims);
        out.write(in, 4 * dims);
        StringValue.copyString(in, out);
        out.writeInt(in.readInt());
        out.writeLong(in.readLong());
    }

    /** A snapshot that restores this serializer. */
    @Override
    public TypeSerializerSnapshot<Point> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot, kept in checkpoints and savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Point> {
        /** Used by Flink when it restores a snapshot. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
