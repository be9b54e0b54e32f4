package streamkmeans.stream;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;

/**
 * Flink type information for the stream's records. {@link Point} and {@link DeadLetter} carry
 * {@code @TypeInfo} annotations that point here, so Flink's type extraction finds these on its
 * own (in lambdas too) and never falls back to Kryo.
 */
public final class StreamTypes {

    /** Points, serialized by {@link PointSerializer}. */
    public static final TypeInformation<Point> POINT = new SingletonTypeInfo<>(Point.class, PointSerializer.INSTANCE);

    /** Dead letters, serialized by {@link DeadLetterSerializer}. */
    public static final TypeInformation<DeadLetter> DEAD_LETTER =
        new SingletonTypeInfo<>(DeadLetter.class, DeadLetterSerializer.INSTANCE);

    /** What {@link PointDeserializer} emits: a dead letter (left) or a point (right). */
    public static final TypeInformation<Either<DeadLetter, Point>> PARSED = new EitherTypeInfo<>(DEAD_LETTER, POINT);

    private StreamTypes() {
    }

    /** Found through {@code @TypeInfo} on {@link Point}. */
    public static final class PointInfoFactory extends TypeInfoFactory<Point> {
        /** {@link #POINT}. */
        @Override
        public TypeInformation<Point> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return POINT;
        }
    }

    /** Found through {@code @TypeInfo} on {@link DeadLetter}. */
    public static final class DeadLetterInfoFactory extends TypeInfoFactory<DeadLetter> {
        /** {@link #DEAD_LETTER}. */
        @Override
        public TypeInformation<DeadLetter> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return DEAD_LETTER;
        }
    }

    /** An atomic, non-key type with one stateless serializer. */
    private static final class SingletonTypeInfo<T> extends TypeInformation<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private final TypeSerializer<T> serializer;

        SingletonTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<T> getTypeClass() {
            return type;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<T> createSerializer(SerializerConfig config) {
            return serializer;
        }

        @Override
        public String toString() {
            return type.getSimpleName();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SingletonTypeInfo<?> other && other.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof SingletonTypeInfo<?>;
        }
    }
}
