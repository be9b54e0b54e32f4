package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesReasonOriginAndTextPayload() throws Exception {
        byte[] value = "{\"key\":\"sensor-7\",\"features\":[1e40]}".getBytes(StandardCharsets.UTF_8);
        Rejection r = (Rejection) PointParser.json().parse(value);
        JsonNode json = MAPPER.readTree(DeadLetter.of(r, value, "points", 2, 17L, 1764370000000L).toJson());

        assertEquals("non_finite_feature", json.get("reason").asText());
        assertEquals(r.message(), json.get("message").asText());
        assertEquals("points", json.get("topic").asText());
        assertEquals(2, json.get("partition").asInt());
        assertEquals(17L, json.get("offset").asLong());
        assertEquals(1764370000000L, json.get("timestamp").asLong());
        assertEquals("sensor-7", json.get("key").asText());
        assertEquals("utf8", json.get("payload_encoding").asText());
        assertEquals(new String(value, StandardCharsets.UTF_8), json.get("payload").asText());
        assertEquals(value.length, json.get("payload_bytes").asInt());
        assertFalse(json.get("payload_truncated").asBoolean());
    }

    @Test
    void unknownOriginAndKeyAreNull() throws Exception {
        DeadLetter d = new DeadLetter(DeadLetterReason.EMPTY_RECORD, "record is empty", null, -1, -1L, -1L, null, null);
        JsonNode json = MAPPER.readTree(d.toJson());
        assertTrue(json.get("topic").isNull());
        assertTrue(json.get("timestamp").isNull());
        assertTrue(json.get("key").isNull());
        assertEquals(-1, json.get("partition").asInt());
        assertEquals("", json.get("payload").asText());
        assertEquals(0, json.get("payload_bytes").asInt());
    }

    @Test
    void invalidUtf8PayloadIsBase64AndExact() throws Exception {
        byte[] value = {'{', '"', (byte) 0xff, 0, '\n', '"', '}'};
        Rejection r = (Rejection) PointParser.json().parse(value);
        JsonNode json = MAPPER.readTree(DeadLetter.of(r, value, "points", 0, 1L, 5L).toJson());
        assertEquals("invalid_utf8", json.get("reason").asText());
        assertEquals("base64", json.get("payload_encoding").asText());
        assertArrayEquals(value, Base64.getDecoder().decode(json.get("payload").asText()));
    }

    @Test
    void controlCharactersAndQuotesInTextPayloadSurviveEscaping() throws Exception {
        String text = "a\"b\\c\u0000d\te\u00e9\u20ac";
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        DeadLetter d = new DeadLetter(DeadLetterReason.INVALID_JSON, "m", "t", 0, 0L, 0L, null, value);
        JsonNode json = MAPPER.readTree(d.toJson());
        assertEquals("utf8", json.get("payload_encoding").asText());
        assertEquals(text, json.get("payload").asText());
    }

    @Test
    void largePayloadIsCutAtACharacterBoundary() throws Exception {
        // 3-byte characters: 65536 is not a multiple of 3, so the cut must step back to 65535.
        byte[] value = "\u20ac".repeat(30_000).getBytes(StandardCharsets.UTF_8);
        DeadLetter d = new DeadLetter(DeadLetterReason.RECORD_TOO_LARGE, "m", "t", 0, 0L, 0L, null, value);
        JsonNode json = MAPPER.readTree(d.toJson());
        assertTrue(json.get("payload_truncated").asBoolean());
        assertEquals(90_000, json.get("payload_bytes").asInt());
        assertEquals("\u20ac".repeat(65_535 / 3), json.get("payload").asText());
        assertEquals(90_000, d.payload().length, "the record itself keeps every byte");
    }

    @Test
    void largeBinaryPayloadKeepsTheFirst64KiB() throws Exception {
        byte[] value = new byte[100_000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (0x80 | i);
        }
        DeadLetter d = new DeadLetter(DeadLetterReason.INVALID_UTF8, "m", "t", 0, 0L, 0L, null, value);
        JsonNode json = MAPPER.readTree(d.toJson());
        byte[] kept = Base64.getDecoder().decode(json.get("payload").asText());
        assertEquals(DeadLetter.MAX_PAYLOAD_BYTES, kept.length);
        assertEquals(value[DeadLetter.MAX_PAYLOAD_BYTES - 1], kept[DeadLetter.MAX_PAYLOAD_BYTES - 1]);
        assertTrue(json.get("payload_truncated").asBoolean());
    }

    @Test
    void pointDeadLetterPayloadParsesBackToThePoint() throws Exception {
        float[] features = {0.1f, -3.4028235e38f, 1.4e-45f, 0f, 123456.79f};
        Point point = new Point("sensor-7", "e-1", 1764370000000L, features, "points", 4, 99L);
        DeadLetter d = DeadLetter.ofPoint(point, DeadLetterReason.DIMENSION_MISMATCH, "5 features, model has 3", 7L);

        assertEquals("points", d.topic());
        assertEquals(4, d.partition());
        assertEquals(99L, d.offset());
        assertEquals("sensor-7", d.key());
        Point back = (Point) PointParser.json().parse(d.payload(), "points", 4, 99L);
        assertEquals(point, back, "features bit for bit");

        JsonNode json = MAPPER.readTree(d.toJson());
        assertEquals("dimension_mismatch", json.get("reason").asText());
        assertEquals(7L, json.get("timestamp").asLong());
    }

    @Test
    void pointWithoutIdOrTimestampOmitsThem() throws Exception {
        Point point = new Point("k", null, Point.NO_TIMESTAMP, new float[] {1f});
        JsonNode payload = MAPPER.readTree(DeadLetter.ofPoint(point, DeadLetterReason.LATE, "late", -1L).payload());
        assertEquals(Set.of("key", "features"), fieldNames(payload));
    }

    @Test
    void reasonCodesAreUniqueSnakeCaseAndRoundTrip() {
        Set<String> codes = new HashSet<>();
        for (DeadLetterReason r : DeadLetterReason.values()) {
            assertTrue(r.code().matches("[a-z0-9]+(_[a-z0-9]+)*"), r.code());
            assertTrue(codes.add(r.code()), "duplicate " + r.code());
            assertEquals(r, DeadLetterReason.fromCode(r.code()));
            assertEquals(r.name().toLowerCase(java.util.Locale.ROOT), r.code());
        }
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReason.fromCode("nope"));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
