package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static WindowSummary summary(Double silhouette, WindowSummary.Drift drift) {
        return new WindowSummary("sensor-7", 1000, 2000, "ok", 4, 2, 2, "cpu", "warm", 3, true, 2.5, 0.625, 0.7,
                silhouette, "exact", null, new float[][] {{0.1f, 2}, {-3, 4.25f}}, new int[] {3, 1}, drift, 0.25,
                1.5, 7);
    }

    @Test
    void theSummaryHasTheDesignFieldsInOrder() throws Exception {
        WindowSummary s = summary(0.5, new WindowSummary.Drift(new double[] {0.5, 1.5}, 1.5, 1.0));
        JsonNode json = MAPPER.readTree(s.toJson());
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("key", "window_start", "window_end", "status", "error", "points", "dims", "k", "backend",
                "seeding", "iterations", "converged", "inertia", "mean_sq_distance", "rolling_inertia", "silhouette",
                "silhouette_method", "rolling_silhouette", "centroids", "cluster_sizes", "drift", "label_churn",
                "fit_ms", "model_version"), names);
        assertEquals("sensor-7", json.get("key").asText());
        assertEquals(1000, json.get("window_start").asLong());
        assertEquals(0.625, json.get("mean_sq_distance").asDouble());
        assertEquals("[[0.1,2.0],[-3.0,4.25]]", json.get("centroids").toString(), "floats in their float32 form");
        assertEquals("{\"per_cluster\":[0.5,1.5],\"max\":1.5,\"mean\":1.0}", json.get("drift").toString());
        assertEquals(true, json.get("rolling_silhouette").isNull());
        assertEquals(7, json.get("model_version").asLong());
        assertEquals(true, json.get("error").isNull(), "only a failed window has an error");
        assertArrayEquals(s.toJson().getBytes(StandardCharsets.UTF_8), s.toJsonBytes());
    }

    @Test
    void absentValuesAreNullAndNaNIsRefused() throws Exception {
        JsonNode json = MAPPER.readTree(summary(null, null).toJson());
        assertEquals(true, json.get("silhouette").isNull());
        assertEquals(true, json.get("drift").isNull());
        assertThrows(IllegalArgumentException.class, () -> new WindowSummary("k", 0, 1, "ok", 1, 1, 1, "cpu", "warm",
                1, true, Double.NaN, null, null, null, null, null, null, null, null, null, null, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new WindowSummary.Drift(new double[] {Double.POSITIVE_INFINITY}, 0, 0));
    }

    @Test
    void aLabelHasTheDesignFields() {
        LabelRecord label = new LabelRecord("sensor-7", "e-1041", 1764370000000L, 1764369990000L, 1764370000000L, 3,
                0.8123f, 12);
        assertEquals("{\"key\":\"sensor-7\",\"id\":\"e-1041\",\"ts\":1764370000000,\"window_start\":1764369990000,"
                + "\"window_end\":1764370000000,\"cluster\":3,\"distance\":0.8123,\"model_version\":12}",
                label.toJson());
        LabelRecord unlabelled = new LabelRecord("k", null, 5, null, null, -1, null, 0);
        assertEquals("{\"key\":\"k\",\"id\":null,\"ts\":5,\"window_start\":null,\"window_end\":null,"
                + "\"cluster\":-1,\"distance\":null,\"model_version\":0}", unlabelled.toJson());
        assertThrows(IllegalArgumentException.class, () -> new LabelRecord("k", null, 5, null, null, 2, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new LabelRecord("k", null, 5, null, null, -1, 1f, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new LabelRecord("k", null, 5, null, null, 0, Float.NaN, 1));
    }
    @Test
    void aLabelsDistanceIsTheShortestFloatText() {
        // Java 17's Float.toString (and Jackson) write 1.17549435E-38 and 5.2265445E25.
        LabelRecord label = new LabelRecord("k", null, 5, null, null, 0, Float.MIN_NORMAL, 1);
        assertEquals("{\"key\":\"k\",\"id\":null,\"ts\":5,\"window_start\":null,\"window_end\":null,"
                + "\"cluster\":0,\"distance\":1.1754944E-38,\"model_version\":1}", label.toJson());
        assertEquals("5.2265446E25", distanceText(
                new LabelRecord("k", null, 5, null, null, 0, 5.2265445E25f, 1).toJsonBytes()));
    }

    private static final byte[] DISTANCE = "\"distance\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL_VERSION = ",\"model_version\":".getBytes(StandardCharsets.US_ASCII);

    /** Where the distance's text starts and ends in a label's bytes. */
    private static int[] distanceSpan(byte[] label) {
        // model_version's value is a number, so its name's last occurrence is the field's; the
        // distance's name is the one before it (a quote in a string would be escaped).
        int end = lastIndexOf(label, MODEL_VERSION, label.length);
        int start = lastIndexOf(label, DISTANCE, end) + DISTANCE.length;
        return new int[] {start, end};
    }

    private static String distanceText(byte[] label) {
        int[] span = distanceSpan(label);
        return new String(label, span[0], span[1] - span[0], StandardCharsets.US_ASCII);
    }

    private static int lastIndexOf(byte[] hay, byte[] needle, int before) {
        for (int i = before - needle.length; i >= 0; i--) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(new String(needle, StandardCharsets.US_ASCII) + " not in "
                + new String(hay, StandardCharsets.UTF_8));
    }

    /**
     * The hand-written label writer must give the bytes Jackson's generator gave, but for the
     * distance: Jackson writes Java 17's Float.toString, ours the shortest text (FloatTextTest),
     * so the distance must read back as the same float, be no longer, and be Jackson's text for
     * most floats.
     */
    @Test
    void labelBytesAreJacksonsForAnyStringsAndNumbers() {
        int distances = 0;
        int otherDistanceText = 0;
        Random random = new Random(11);
        String[] pieces = {"", "a", "sensor-7", "\"", "\\", "/", "\b", "\t", "\n", "\f", "\r", "\u0000", "\u001f",
            "\u007f", "é", "ß", "\u07ff", "\u0800", "€", "\uffff", "😀", "\ud83d", "\ude00", "e-1041"};
        long[] longs = {0, 1, -1, 9, 10, 99, 100, 1764370000000L, Long.MAX_VALUE, Long.MIN_VALUE, -1764370000000L};
        float[] floats = {0f, -0f, 0.8123f, 1f, 1e-7f, 1.17549435E-38f, Float.MIN_VALUE, 3.4e38f, 1234567.9f, 0.001f,
            1e7f, 123.456f};
        for (int i = 0; i < 5000; i++) {
            String key = randomString(random, pieces);
            String id = random.nextInt(5) == 0 ? null : randomString(random, pieces);
            long ts = i < 200 ? longs[i % longs.length] : random.nextLong();
            Long start = random.nextInt(4) == 0 ? null : longs[random.nextInt(longs.length)];
            Long end = random.nextInt(4) == 0 ? null : random.nextLong();
            int cluster = random.nextInt(6) - 1;
            Float distance = cluster < 0 ? null
                    : random.nextBoolean() ? floats[random.nextInt(floats.length)]
                    : Float.intBitsToFloat(random.nextInt(0x7f800000));
            long version = random.nextBoolean() ? random.nextInt(100) : random.nextLong();
            LabelRecord label = new LabelRecord(key, id, ts, start, end, cluster, distance, version);
            byte[] jackson = Json.bytes(g -> {
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeStringField("id", id);
                g.writeNumberField("ts", ts);
                Json.field(g, "window_start", start);
                Json.field(g, "window_end", end);
                g.writeNumberField("cluster", cluster);
                Json.field(g, "distance", distance);
                g.writeNumberField("model_version", version);
                g.writeEndObject();
            });
            byte[] ours = label.toJsonBytes();
            assertEquals(new String(ours, StandardCharsets.UTF_8), label.toJson());
            int[] j = distanceSpan(jackson);
            int[] o = distanceSpan(ours);
            assertArrayEquals(Arrays.copyOfRange(jackson, 0, j[0]), Arrays.copyOfRange(ours, 0, o[0]),
                    label.toString());
            assertArrayEquals(Arrays.copyOfRange(jackson, j[1], jackson.length),
                    Arrays.copyOfRange(ours, o[1], ours.length), label.toString());
            String jacksonDistance = distanceText(jackson);
            String ourDistance = distanceText(ours);
            if (distance == null) {
                assertEquals("null", ourDistance);
                continue;
            }
            distances++;
            assertEquals(Float.floatToRawIntBits(distance), Float.floatToRawIntBits(Float.parseFloat(ourDistance)),
                    ourDistance + " for " + jacksonDistance);
            assertTrue(ourDistance.length() <= jacksonDistance.length(), ourDistance + " for " + jacksonDistance);
            if (!ourDistance.equals(jacksonDistance)) {
                otherDistanceText++;
            }
        }
        assertTrue(distances > 3000, "distances " + distances);
        // Half the distances are from the list (one of twelve differs), half random bit patterns
        // (about one in ten differs).
        assertTrue(otherDistanceText > 0 && otherDistanceText < distances / 5,
                otherDistanceText + " of " + distances + " distances differ from Jackson's");
    }

    private static String randomString(Random random, String[] pieces) {
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            sb.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }
}
