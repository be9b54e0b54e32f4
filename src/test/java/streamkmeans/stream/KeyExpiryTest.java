package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/**
 * Idle-key expiry ({@code --key-ttl}): a key idle for its TTL in event time has its pending
 * windows fitted, emits an {@code expired} summary and loses all of its state; it comes back cold.
 */
@SuppressWarnings("try") // the harness's close() may throw InterruptedException
class KeyExpiryTest {
    private static final int K = 3;
    private static final WindowSpec ONE_SECOND = WindowSpec.tumbling(Duration.ofSeconds(1));

    private static ClustererSettings ttl(Duration ttl) {
        return ClustererSettings.builder(K).seed(9).refine(false).backend(Backends.Choice.CPU).keyTtl(ttl).build();
    }

    /** {@code n} blob points of {@code key} at event times from, from + step, ...; ids from key-{@code from}. */
    private static List<Point> points(String key, Blobs.Source source, int n, long from, long step) {
        return ClusteringFunctionTest.points(key, source, n, from, n * step, (int) from);
    }

    @Test
    void aKeySeenOnceExpiresAfterItsWindowAndComesBackCold() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 21).source();
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, ttl(Duration.ofSeconds(5)))) {
            ClusteringFunctionTest.sendAll(run, points("once", source, 10, 0, 100)); // newest event time 900
            run.watermark(999);
            assertEquals(10, run.labels().size());
            assertEquals(3, run.harness.numKeyedStateEntries(), "model, newest event time, expiry timer");
            run.watermark(5899);
            assertEquals(1, run.summaries().size(), "not expired before newest + TTL");
            run.watermark(5900);

            WindowSummary expired = run.summaries().get(1);
            assertEquals(WindowSummary.STATUS_EXPIRED, expired.status());
            assertEquals(900, expired.windowStart());
            assertEquals(5900, expired.windowEnd());
            assertEquals(0, expired.points());
            assertEquals(1, expired.modelVersion(), "the model it had");
            assertNotNull(expired.centroids());
            PathologicalStreamsTest.assertClean(expired.toJsonBytes());
            assertEquals(0, run.harness.numKeyedStateEntries(), "no state left");
            assertEquals(0, run.harness.numEventTimeTimers(), "no timer left");
            assertEquals(1, run.counter("keysExpired"));

            ClusteringFunctionTest.sendAll(run, points("once", source, 10, 7000, 100));
            run.watermark(7999);
            WindowSummary back = run.summaries().get(2);
            assertEquals(WindowSummary.STATUS_OK, back.status());
            assertEquals("kmeans++", back.seeding(), "a returning key starts cold");
            assertEquals(1, back.modelVersion());
            assertEquals(null, back.drift());
            PathologicalStreamsTest.assertSound(run, 20);
        }
    }

    @Test
    void pendingWindowsAreFittedBeforeTheKeyExpiresEvenWhenTheWatermarkJumps() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 22).source();
        // The shortest TTL allowed: the window size; a point at the last millisecond of the last pane.
        WindowSpec sliding = WindowSpec.sliding(Duration.ofSeconds(2), Duration.ofSeconds(1));
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(sliding, ttl(Duration.ofSeconds(2)))) {
            ClusteringFunctionTest.sendAll(run, points("a", source, 50, 0, 20));
            ClusteringFunctionTest.sendAll(run, points("a", source, 50, 1000, 20));
            run.send(new Point("a", "last", 1999, new float[] {0, 0}), 1999);
            run.watermark(Long.MAX_VALUE);

            assertEquals(List.of("ok", "ok", "ok", "expired"),
                    run.summaries().stream().map(WindowSummary::status).toList());
            assertEquals(List.of(-1000L, 0L, 1000L, 1999L),
                    run.summaries().stream().map(WindowSummary::windowStart).toList());
            assertEquals(3999, run.summaries().get(3).windowEnd());
            PathologicalStreamsTest.assertSound(run, 101);
            assertEquals(0, run.harness.numKeyedStateEntries());
        }
    }

    @Test
    void anActiveKeyNeverExpiresAndKeepsOneExpiryTimer() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 23).source();
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, ttl(Duration.ofSeconds(3)))) {
            for (int second = 0; second < 10; second++) {
                ClusteringFunctionTest.sendAll(run, points("a", source, 30, second * 1000L, 30));
                run.watermark(second * 1000L + 999);
                assertTrue(run.harness.numEventTimeTimers() <= 1, "only the expiry timer is pending between windows");
            }
            assertEquals(0, run.counter("keysExpired"));
            assertEquals(10, run.summaries().size());
            run.watermark(9870 + 3000 - 1);
            assertEquals(0, run.counter("keysExpired"), "the newest point was at 9870");
            run.watermark(9870 + 3000);
            assertEquals(1, run.counter("keysExpired"));
            assertEquals(WindowSummary.STATUS_EXPIRED, run.summaries().get(10).status());
            assertEquals(10, run.summaries().get(10).modelVersion());
            PathologicalStreamsTest.assertSound(run, 300);
        }
    }

    @Test
    void anIncompleteCountWindowIsFittedWhenItsKeyExpires() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 24).source();
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(WindowSpec.count(100),
                ttl(Duration.ofSeconds(1)))) {
            ClusteringFunctionTest.sendAll(run, points("a", source, 150, 0, 10)); // newest event time 1490
            assertEquals(1, run.summaries().size());
            assertEquals(100, run.labels().size());
            run.watermark(2490);

            List<WindowSummary> summaries = run.summaries();
            assertEquals(List.of("ok", "ok", "expired"), summaries.stream().map(WindowSummary::status).toList());
            assertEquals(50, summaries.get(1).points());
            assertEquals(1000, summaries.get(1).windowStart());
            assertEquals(1490, summaries.get(1).windowEnd());
            assertEquals(2, summaries.get(2).modelVersion());
            PathologicalStreamsTest.assertSound(run, 150);
            assertEquals(0, run.harness.numKeyedStateEntries());
        }
    }

    @Test
    void expiryTimersSurviveACheckpoint() throws Exception {
        Blobs.Source source = Blobs.stationary(2, K, 25).source();
        ClustererSettings settings = ttl(Duration.ofSeconds(2));
        OperatorSubtaskState snapshot;
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(ONE_SECOND, settings)) {
            ClusteringFunctionTest.sendAll(run, points("a", source, 20, 0, 40));
            run.watermark(999);
            snapshot = run.harness.snapshot(1, 1000);
        }
        try (ClusteringFunctionTest.Run restored = new ClusteringFunctionTest.Run(ONE_SECOND, settings)) {
            restored.harness.setup();
            restored.harness.initializeState(snapshot);
            restored.harness.open();
            restored.watermark(760 + 2000);
            assertEquals(WindowSummary.STATUS_EXPIRED, restored.summaries().get(0).status());
            assertEquals(0, restored.harness.numKeyedStateEntries());
        }
    }

    /**
     * Many keys of one point each, as from ids used as keys: with a TTL the keyed state returns to
     * nothing once they are idle. 5 000 keys here (the harness copies every side output record
     * through a freshly analysed serializer, about 0.3 ms each); with {@code -Dstreamkmeans.big=true}
     * 100 000 keys, with and without a TTL, printing checkpoint and heap bytes per key.
     */
    @Test
    void oneOffKeysLeaveNoStateBehindWithATtl() throws Exception {
        boolean big = Boolean.getBoolean("streamkmeans.big");
        int keys = big ? 100_000 : 5_000;
        KeptState with = stateOfOneOffKeys(keys, big, ClustererSettings.builder(2).backend(Backends.Choice.CPU)
                .keyTtl(Duration.ofSeconds(1)).build());
        assertEquals(3L * keys, with.beforeExpiry(), "model, newest event time and expiry timer per key");
        assertEquals(0, with.entries(), "every key expired");
        assertEquals(0, with.timers());
        assertTrue(with.checkpointBytes() < 4096, "checkpoint of no keys: " + with.checkpointBytes() + " B");
        if (big) {
            KeptState without = stateOfOneOffKeys(keys, true, ClustererSettings.builder(2).backend(Backends.Choice.CPU)
                    .build());
            assertEquals(keys, without.entries(), "without a TTL every key keeps its model");
            System.out.printf("%d one-off keys (d = 2, k = 2, no model fitted). Without TTL: %d entries, "
                    + "checkpoint %d B (%.1f B/key), heap +%d B (%.1f B/key). With TTL, before expiry: "
                    + "heap +%d B (%.1f B/key); after: %d entries, checkpoint %d B, heap +%d B%n", keys,
                    without.entries(), without.checkpointBytes(), without.checkpointBytes() / (double) keys,
                    without.heapBytes(), without.heapBytes() / (double) keys, with.heapBeforeExpiry(),
                    with.heapBeforeExpiry() / (double) keys, with.entries(), with.checkpointBytes(),
                    with.heapBytes());
        }
    }

    /**
     * What is left of {@link #stateOfOneOffKeys}: keyed state entries, and heap growth after GC,
     * once the keys' window closed ({@code beforeExpiry}) and then at the end; pending timers and
     * the checkpoint's state size at the end.
     */
    private record KeptState(long beforeExpiry, long heapBeforeExpiry, long entries, long timers,
            long checkpointBytes, long heapBytes) {
    }

    /**
     * Sends one 2-d point for each of {@code keys} keys (k = 2: each window is too small to fit),
     * closes their window, then moves the watermark 9 s on, past any TTL used here. Heap growth is
     * measured only when {@code measureHeap} (it needs full collections), else 0.
     */
    private static KeptState stateOfOneOffKeys(int keys, boolean measureHeap, ClustererSettings settings)
            throws Exception {
        try (ClusteringFunctionTest.Run run = new ClusteringFunctionTest.Run(ONE_SECOND, settings)) {
            run.harness.setCheckpointStorage(new JobManagerCheckpointStorage(64 << 20));
            run.harness.open();
            long heapBefore = measureHeap ? BigWindowMemoryTest.usedHeapAfterGc() : 0;
            for (int i = 0; i < keys; i++) {
                long ts = i % 1000;
                run.send(new Point("key-" + i, null, ts, new float[] {i, -i}), ts);
            }
            run.watermark(999);
            assertEquals(keys, run.labels().size());
            clearOutputs(run);
            long beforeExpiry = run.harness.numKeyedStateEntries();
            long heapBeforeExpiry = measureHeap ? BigWindowMemoryTest.usedHeapAfterGc() - heapBefore : 0;
            run.watermark(10_000);
            clearOutputs(run);
            return new KeptState(beforeExpiry, heapBeforeExpiry, run.harness.numKeyedStateEntries(),
                    run.harness.numEventTimeTimers(), run.harness.snapshot(1, 10_000).getStateSize(),
                    measureHeap ? BigWindowMemoryTest.usedHeapAfterGc() - heapBefore : 0);
        }
    }

    private static void clearOutputs(ClusteringFunctionTest.Run run) {
        run.harness.getOutput().clear();
        if (run.harness.getSideOutput(ClusteringFunction.SUMMARIES) != null) {
            run.harness.getSideOutput(ClusteringFunction.SUMMARIES).clear();
        }
    }

    @Test
    void aTtlShorterThanTheWindowIsRefused() {
        ClustererSettings short1 = ttl(Duration.ofMillis(999));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClusteringFunction(ONE_SECOND, short1));
        assertTrue(e.getMessage().contains("key TTL (999 ms) must be at least the window size (1000 ms)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> JobSettings.builder().windows(ONE_SECOND).clusterer(short1).build());
        new ClusteringFunction(WindowSpec.count(10), short1);
        assertEquals(0, ClustererSettings.builder(K).build().keyTtlMillis(), "off by default");
    }
}
