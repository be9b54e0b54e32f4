package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Backends;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.Refinement;

class ClustererSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ClustererSettings s = ClustererSettings.builder(8).build();
        assertEquals(3, s.nInit());
        assertEquals(2.0, s.reseedFactor());
        assertEquals(5, s.halfLifeWindows());
        assertEquals(2000, s.silhouetteExactLimit());
        assertEquals(1000, s.silhouetteSample());
        assertEquals(50_000, s.maxFitPoints());
        assertEquals(ClustererSettings.LabelMode.WINDOW, s.labelMode());
        assertEquals(1, s.fitThreads());
        assertEquals(Backends.Choice.AUTO, s.backend());
        assertEquals(KMeansConfig.DEFAULT_REFINEMENT, s.refinement());
        assertEquals(Refinement.NONE, s.toBuilder().refine(false).build().refinement());
        KMeansConfig config = s.kmeansConfig(99);
        assertEquals(8, config.k());
        assertEquals(3, config.nInit());
        assertEquals(99, config.seed());
        assertEquals(0.5, ClustererSettings.builder(2).halfLifeWindows(1).build().rollingAlpha());
        assertEquals(s, s.toBuilder().build());
        assertEquals(0, s.keyTtlMillis());
        ClustererSettings ttl = s.toBuilder().keyTtl(java.time.Duration.ofHours(1)).build();
        assertEquals(3_600_000, ttl.keyTtlMillis());
        assertTrue(ttl.expiresKeys());
        assertEquals(ttl, ttl.toBuilder().build());
    }

    @Test
    void refusesInvalidSettingsWithTheirName() {
        assertMessage("k must be at least 1", () -> ClustererSettings.builder(0).build());
        assertMessage("reseed factor", () -> ClustererSettings.builder(2).reseedFactor(1).build());
        assertMessage("half-life", () -> ClustererSettings.builder(2).halfLifeWindows(Double.NaN).build());
        assertMessage("silhouette sample", () -> ClustererSettings.builder(2).silhouetteSample(1).build());
        assertMessage("max fit points", () -> ClustererSettings.builder(20).maxFitPoints(10).build());
        assertMessage("fit threads", () -> ClustererSettings.builder(2).fitThreads(0).build());
        assertMessage("key TTL must be >= 0",
                () -> ClustererSettings.builder(2).keyTtl(java.time.Duration.ofMillis(-1)).build());
    }

    @Test
    void settingsAndWindowsSurviveJavaSerialization() throws Exception {
        ClustererSettings s = ClustererSettings.builder(4).seed(5).labelMode(ClustererSettings.LabelMode.ONLINE)
                .build();
        WindowSpec w = WindowSpec.parse("10s", "5s");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
            out.writeObject(w);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(s, in.readObject());
            assertEquals(w, in.readObject());
        }
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
