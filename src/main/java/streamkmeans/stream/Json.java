package streamkmeans.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the job's output records as compact UTF-8 JSON with Jackson's streaming generator, so that
 * field order and number forms are exactly as written: floats in their shortest float32 form,
 * doubles in their shortest double form, absent values as {@code null}.
 */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Writes one JSON value with a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    /** The UTF-8 bytes of what {@code body} writes. */
    static byte[] bytes(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** A field holding {@code v}, or {@code null}. */
    static void field(JsonGenerator g, String name, Long v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v.longValue());
        }
    }

    /** A field holding {@code v}, or {@code null}. */
    static void field(JsonGenerator g, String name, Integer v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v.intValue());
        }
    }

    /** A field holding {@code v}, or {@code null}. */
    static void field(JsonGenerator g, String name, Double v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v.doubleValue());
        }
    }

    /** A field holding {@code v}, or {@code null}. */
    static void field(JsonGenerator g, String name, Float v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v.floatValue());
        }
    }

    /** A field holding {@code v}, or {@code null}. */
    static void field(JsonGenerator g, String name, Boolean v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeBooleanField(name, v);
        }
    }

    /** A number array of {@code values}, or {@code null}. */
    static void array(JsonGenerator g, float[] values) throws IOException {
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (float v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** A number array of {@code values}, or {@code null}. */
    static void array(JsonGenerator g, double[] values) throws IOException {
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (double v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** A number array of {@code values}, or {@code null}. */
    static void array(JsonGenerator g, int[] values) throws IOException {
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** Throws when {@code v} is NaN or infinite: outputs never carry them. */
    static Double finite(String what, Double v) {
        if (v != null && !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite or absent, got " + v);
        }
        return v;
    }
}
