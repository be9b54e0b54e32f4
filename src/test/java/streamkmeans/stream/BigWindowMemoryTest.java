package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import streamkmeans.engine.Backends;

/**
 * A manual measurement, run with {@code -Dstreamkmeans.big=true}: the heap that one window of
 * 5 000 000 points takes in the clusterer's state (bytes per buffered point, after GC) and at its
 * peak while the window is fitted (on a 50 000-point sample) and labelled, for d = 2, 4 and 8.
 * Labels are online here so that the harness, which keeps a copy of every output record, does not
 * hold 5 million labels; the window's fit and its arrays are the same as with labels per window.
 * The numbers go to the README's note on memory per buffered point.
 */
@EnabledIfSystemProperty(named = "streamkmeans.big", matches = "true")
@SuppressWarnings("try") // the harness's close() may throw InterruptedException
class BigWindowMemoryTest {
    private static final int POINTS = Integer.getInteger("streamkmeans.big.points", 5_000_000);

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void aFiveMillionPointWindowIsFittedOnASampleWithBoundedMemory(int d) throws Exception {
        ClustererSettings settings = ClustererSettings.builder(8).refine(false).backend(Backends.Choice.CPU)
                .labelMode(ClustererSettings.LabelMode.ONLINE).build();
        WindowSpec windows = WindowSpec.tumbling(Duration.ofSeconds(10));
        SplittableRandom random = new SplittableRandom(d);
        try (ClusteringFunctionTest.Run run = ClusteringFunctionTest.Run.open(windows, settings)) {
            long baseline = usedHeapAfterGc();
            for (int i = 0; i < POINTS; i++) {
                float[] x = new float[d];
                int cluster = i & 7;
                for (int t = 0; t < d; t++) {
                    x[t] = (float) (cluster * 10 + random.nextGaussian());
                }
                long ts = i / (POINTS / 10_000 + 1);
                run.send(new Point("a", "e-" + i, ts, x), ts);
                if (i % 100_000 == 0) {
                    run.harness.getOutput().clear();
                }
            }
            run.harness.getOutput().clear();
            long buffered = usedHeapAfterGc() - baseline;
            resetPeaks();
            long start = System.nanoTime();
            run.watermark(9_999);
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = peakHeap() - baseline;
            WindowSummary summary = run.summaries().get(0);
            assertEquals(POINTS, summary.points());
            assertEquals(WindowSummary.STATUS_OK, summary.status());
            assertTrue(summary.silhouetteMethod().startsWith("sampled:"));
            System.out.printf("BIG d=%d n=%d: buffered %.1f MB (%.1f B/point), peak during fit and labels "
                    + "%.1f MB (%.1f B/point), fit+metrics %.1f s, fit_ms %.0f%n", d, POINTS, buffered / 1e6,
                    buffered / (double) POINTS, peak / 1e6, peak / (double) POINTS, seconds, summary.fitMs());
        }
    }

    /** Heap in use after a few full collections, bytes. */
    static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since {@link #resetPeaks()}: an upper bound of the peak heap. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
