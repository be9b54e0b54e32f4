package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static streamkmeans.stream.ClusteringFunctionTest.points;
import static streamkmeans.stream.ClusteringFunctionTest.sendAll;
import static streamkmeans.stream.ClusteringFunctionTest.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.stream.ClusteringFunctionTest.Run;

/**
 * A backend that throws never fails the clusterer: the window is refitted on the CPU, and when
 * that throws too it is reported as {@code fit_failed} with the previous model's labels (or dead
 * letters before a key's first model). Failures are injected through {@link FaultyLloydBackend}.
 */
@SuppressWarnings("try") // the harness's close() may throw InterruptedException
class FitFailureTest {
    private static final WindowSpec TUMBLING = WindowSpec.tumbling(Duration.ofSeconds(1));
    private static final BackendFactory CPU = (workers, device) -> new CpuLloydBackend(workers);

    /** Two windows of key {@code a}: 300 points in [0, 1000), 301 in [1000, 2000). */
    private static void twoWindows(Run run, long seed) throws Exception {
        Blobs.Source source = Blobs.stationary(2, 3, seed).source();
        sendAll(run, points("a", source, 300, 0, 1000, 0));
        sendAll(run, points("a", source, 301, 1000, 1000, 300));
        run.watermark(1999);
    }

    @Test
    void aBackendThatFailsOnceIsReplacedByACpuRefitWithTheCleanFitsLabels() throws Exception {
        ClustererSettings settings = settings().build();
        List<LabelRecord> cleanLabels;
        List<WindowSummary> clean;
        try (Run run = Run.open(TUMBLING, settings)) {
            twoWindows(run, 21);
            cleanLabels = run.labels();
            clean = run.summaries();
        }
        AtomicInteger failures = new AtomicInteger(1);
        FaultyLloydBackend.Fault once = n -> failures.getAndDecrement() > 0
                ? new IllegalStateException("CUDA_ERROR_LAUNCH_FAILED") : null;
        try (Run run = Run.open(new ClusteringFunction(TUMBLING, settings, FaultyLloydBackend.factory("gpu", once),
                CPU))) {
            twoWindows(run, 21);
            assertEquals(cleanLabels, run.labels(), "the same labels, distances and versions as a clean fit");
            List<WindowSummary> summaries = run.summaries();
            assertEquals(2, summaries.size());
            assertEquals("cpu", summaries.get(0).backend(), "refitted on the CPU");
            assertEquals("gpu", summaries.get(1).backend(), "the next window is back on the backend");
            for (int w = 0; w < 2; w++) {
                WindowSummary s = summaries.get(w);
                assertEquals("ok", s.status());
                assertNull(s.error());
                assertEquals(clean.get(w).modelVersion(), s.modelVersion());
                assertEquals(clean.get(w).inertia(), s.inertia());
                assertArrayEquals(clean.get(w).centroids(), s.centroids());
            }
            assertEquals(1, run.counter("cpuRefits"));
            assertEquals(0, run.counter("fitFailures"));
            assertEquals(2, run.counter("windowsFitted"));
        }
    }

    @Test
    void whenTheCpuRefitFailsTooTheWindowKeepsThePreviousModel() throws Exception {
        FaultyLloydBackend.Fault primary = FaultyLloydBackend.onWindowsOf(301, "device lost");
        FaultyLloydBackend.Fault cpu = n -> n == 301 ? new UnsatisfiedLinkError("no libcpu\nin java.library.path")
                : null;
        ClustererSettings settings = settings().build();
        try (Run run = Run.open(new ClusteringFunction(TUMBLING, settings, FaultyLloydBackend.factory("gpu", primary),
                FaultyLloydBackend.factory("cpu", cpu)))) {
            twoWindows(run, 22);
            List<WindowSummary> summaries = run.summaries();
            WindowSummary first = summaries.get(0);
            WindowSummary failed = summaries.get(1);
            assertEquals("ok", first.status());
            assertEquals(WindowSummary.STATUS_FIT_FAILED, failed.status());
            assertEquals("gpu backend: IllegalStateException: device lost (301 points); "
                    + "cpu refit: UnsatisfiedLinkError: no libcpu", failed.error(), "one line, both causes");
            assertEquals(1, failed.modelVersion(), "the version is not bumped");
            assertArrayEquals(first.centroids(), failed.centroids(), "the model is unchanged");
            assertEquals(301, failed.points());
            assertNull(failed.inertia());
            assertNull(failed.seeding());
            assertEquals(301, java.util.Arrays.stream(failed.clusterSizes()).sum());
            JsonNode json = new ObjectMapper().readTree(failed.toJson());
            assertEquals("fit_failed", json.path("status").asText());
            assertEquals(failed.error(), json.path("error").asText());
            assertTrue(new ObjectMapper().readTree(first.toJson()).path("error").isNull());

            List<LabelRecord> labels = run.labels();
            assertEquals(601, labels.size(), "every point labelled");
            for (LabelRecord label : labels.subList(300, 601)) {
                assertEquals(1, label.modelVersion(), "labelled by the previous model");
                assertNotNull(label.distance());
            }
            assertTrue(run.deadLetters().isEmpty());
            assertEquals(0, run.counter("cpuRefits"));
            assertEquals(1, run.counter("fitFailures"));
            assertEquals(1, run.counter("windowsFitted"));
            assertEquals(0, run.counter("windowsSkipped"), "a failed window is not a skipped one");

            // The state was not corrupted: the next window warm-starts from the first model.
            sendAll(run, points("a", Blobs.stationary(2, 3, 22).source(), 300, 2000, 1000, 601));
            run.watermark(2999);
            WindowSummary third = run.summaries().get(2);
            assertEquals("ok", third.status());
            assertEquals("warm", third.seeding());
            assertEquals(2, third.modelVersion());
        }
    }

    @Test
    void aFailedFirstWindowSendsItsPointsToTheDeadLettersAsFitFailed() throws Exception {
        FaultyLloydBackend.Fault fault = FaultyLloydBackend.onWindowsOf(300, "out of device memory");
        try (Run run = Run.open(new ClusteringFunction(TUMBLING, settings().build(),
                FaultyLloydBackend.factory("gpu", fault), FaultyLloydBackend.factory("cpu", fault)))) {
            twoWindows(run, 23);
            List<WindowSummary> summaries = run.summaries();
            WindowSummary failed = summaries.get(0);
            assertEquals(WindowSummary.STATUS_FIT_FAILED, failed.status());
            assertNull(failed.centroids(), "no model to report");
            assertNull(failed.clusterSizes());
            assertEquals(0, failed.modelVersion());
            assertTrue(failed.error().contains("out of device memory"), failed.error());

            List<DeadLetter> dead = run.deadLetters();
            assertEquals(300, dead.size(), "each point of the failed window");
            for (int i = 0; i < dead.size(); i++) {
                DeadLetter d = dead.get(i);
                assertEquals(DeadLetterReason.FIT_FAILED, d.reason());
                assertEquals("a", d.key());
                assertTrue(d.message().contains("out of device memory"), d.message());
                JsonNode payload = new ObjectMapper().readTree(d.payload());
                assertEquals("a-" + i, payload.path("id").asText());
                assertEquals(2, payload.path("features").size());
            }
            // The second window is the key's first model.
            WindowSummary second = summaries.get(1);
            assertEquals("ok", second.status());
            assertEquals("kmeans++", second.seeding());
            assertEquals(1, second.modelVersion());
            assertEquals(301, run.labels().size());
            assertEquals(300 + 301, run.labels().size() + dead.size(), "every point a label or a dead letter");
            assertEquals(1, run.counter("fitFailures"));
            assertEquals(0, run.counter("cpuRefits"));
        }
    }

    @Test
    void inOnlineModeAFailedFirstWindowAddsNothing() throws Exception {
        FaultyLloydBackend.Fault fault = FaultyLloydBackend.onWindowsOf(300, "broken");
        ClustererSettings online = settings().labelMode(ClustererSettings.LabelMode.ONLINE).build();
        try (Run run = Run.open(new ClusteringFunction(TUMBLING, online, FaultyLloydBackend.factory("gpu", fault),
                FaultyLloydBackend.factory("cpu", fault)))) {
            twoWindows(run, 24);
            assertEquals(601, run.labels().size(), "each point was labelled on arrival");
            assertTrue(run.deadLetters().isEmpty(), "so none is a dead letter");
            assertEquals(WindowSummary.STATUS_FIT_FAILED, run.summaries().get(0).status());
            assertFalse(run.summaries().get(1).failed());
        }
    }

    @Test
    void aJvmErrorIsNotCaughtSoTheTaskFailsAndRestores() throws Exception {
        FaultyLloydBackend.Fault oom = n -> new OutOfMemoryError("Java heap space");
        try (Run run = Run.open(new ClusteringFunction(TUMBLING, settings().build(),
                FaultyLloydBackend.factory("gpu", oom), CPU))) {
            sendAll(run, points("a", Blobs.stationary(2, 3, 25).source(), 300, 0, 1000, 0));
            Throwable thrown = assertThrows(Throwable.class, () -> run.watermark(999));
            while (thrown.getCause() != null && !(thrown instanceof OutOfMemoryError)) {
                thrown = thrown.getCause();
            }
            assertInstanceOf(OutOfMemoryError.class, thrown);
            assertEquals(0, run.counter("cpuRefits"));
            assertTrue(run.summaries().isEmpty());
        }
    }

    @Test
    void aFailureIsDescribedInOneShortLine() {
        String long1 = "x".repeat(500);
        String text = FailSafeFitter.describe(new IllegalStateException("first line\tend\nat Foo.bar(Foo.java:1)"));
        assertEquals("IllegalStateException: first line end", text);
        String cut = FailSafeFitter.describe(new RuntimeException(long1));
        assertEquals(FailSafeFitter.MAX_FAILURE_CHARS, cut.length());
        assertTrue(cut.endsWith("..."));
        assertEquals("NullPointerException", FailSafeFitter.describe(new NullPointerException()));
    }
}
