package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    /** The hand-written label writer must give exactly the bytes Jackson's generator gave. */
    @Test
    void labelBytesAreJacksonsForAnyStringsAndNumbers() {
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
            assertEquals(new String(jackson, StandardCharsets.UTF_8), label.toJson());
            assertArrayEquals(jackson, label.toJsonBytes(), label.toString());
        }
    }

    private static String randomString(Random random, String[] pieces) {
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            sb.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }
}
