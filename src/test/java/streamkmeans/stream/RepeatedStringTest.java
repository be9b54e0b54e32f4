package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

class RepeatedStringTest {

    @Test
    void readsWhatStringValueWritesAndReusesTheRepeatedInstance() throws IOException {
        List<String> written = List.of("default", "default", "defaulu", "default", "", "", "sensor-\u00e9\u4e2d",
                "sensor-\u00e9\u4e2d", "\ud83d\ude00x", "\ud83d\ude00y", "a".repeat(300), "a".repeat(300));
        List<String> read = roundTrip(written);
        assertEquals(written, read);
        assertSame(read.get(0), read.get(1), "a repeated key is the previous instance");
        assertNotSame(read.get(1), read.get(3), "after another key in between, a new instance");
        assertSame(read.get(4), read.get(5));
        assertSame(read.get(6), read.get(7));
        assertSame(read.get(10), read.get(11));
    }

    @Test
    void nullsAndRandomStringsRoundTripAtTheRightBoundaries() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        List<String> written = new ArrayList<>();
        String[] pool = {"k", "kk", "key-1", "key-2", null, "\u0080\u07ff\u0800\uffff"};
        for (int i = 0; i < 5_000; i++) {
            if (rng.nextInt(4) == 0) {
                char[] chars = new char[rng.nextInt(0, 12)];
                for (int c = 0; c < chars.length; c++) {
                    chars[c] = (char) rng.nextInt(0, 0x10000);
                }
                written.add(new String(chars));
            } else {
                written.add(pool[rng.nextInt(pool.length)]);
            }
        }
        assertEquals(written, roundTrip(written));
        // Each string must consume exactly its own bytes: interleave with a marker.
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String s : written) {
            StringValue.writeString(s, out);
            out.writeInt(0x5eed);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        RepeatedString reader = new RepeatedString();
        for (String s : written) {
            String back = reader.read(in);
            assertEquals(s, back);
            assertEquals(0x5eed, in.readInt());
        }
        assertEquals(0, in.available());
    }

    @Test
    void aNullDoesNotForgetThePreviousString() throws IOException {
        List<String> read = roundTrip(java.util.Arrays.asList("points", null, "points"));
        assertNull(read.get(1));
        assertSame(read.get(0), read.get(2));
    }

    private static List<String> roundTrip(List<String> strings) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String s : strings) {
            StringValue.writeString(s, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        RepeatedString reader = new RepeatedString();
        List<String> read = new ArrayList<>();
        for (int i = 0; i < strings.size(); i++) {
            read.add(reader.read(in));
        }
        assertEquals(0, in.available());
        return read;
    }
}
