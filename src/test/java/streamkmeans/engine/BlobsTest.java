package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlobsTest {

    @Test
    void sameSeedGivesSamePointsAndOtherSeedsDiffer() {
        Blobs.Sample a = Blobs.stationary(8, 16, 42).sample(5_000);
        Blobs.Sample b = Blobs.stationary(8, 16, 42).sample(5_000);
        Blobs.Sample c = Blobs.stationary(8, 16, 43).sample(5_000);
        assertArrayEquals(a.points().data(), b.points().data());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.trueCentres(), b.trueCentres());
        assertFalse(Arrays.equals(a.points().data(), c.points().data()));
        assertFalse(Arrays.equals(a.trueCentres(), c.trueCentres()));
    }

    @Test
    void streamingInPiecesEqualsOneSample() {
        Blobs blobs = Blobs.drifting(3, 5, 7);
        Blobs.Source source = blobs.source();
        Blobs.Sample first = source.take(1_234);
        Blobs.Sample second = source.take(766);
        Blobs.Sample whole = blobs.sample(2_000);
        assertEquals(0, first.firstIndex());
        assertEquals(1_234, second.firstIndex());
        assertEquals(2_000, source.position());
        assertArrayEquals(whole.points().data(), concat(first.points().data(), second.points().data()));
        assertArrayEquals(Arrays.copyOfRange(whole.labels(), 1_234, 2_000), second.labels());
        assertArrayEquals(whole.centreOf(1_500), second.centreOf(266));
    }

    @Test
    void stationaryAndDriftingOfOneSeedShareCentresAndNoise() {
        Blobs.Sample still = Blobs.stationary(4, 6, 11).sample(100);
        Blobs.Sample moving = Blobs.drifting(4, 6, 11).sample(100);
        assertArrayEquals(still.trueCentres(), moving.trueCentres());
        assertArrayEquals(still.labels(), moving.labels());
        float[] x = still.points().data();
        float[] y = moving.points().data();
        for (int i = 0; i < 100; i++) {
            double[] shift = moving.centreOf(i);
            double[] base = still.centreOf(i);
            for (int t = 0; t < 4; t++) {
                assertEquals(x[i * 4 + t] - base[t], y[i * 4 + t] - shift[t], 1e-5);
            }
        }
    }

    @Test
    void centresLieInTheBox() {
        float[] centres = Blobs.stationary(32, 64, 3).centresAt(0);
        assertEquals(64 * 32, centres.length);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float v : centres) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -Blobs.BOX && max <= Blobs.BOX, min + " .. " + max);
        // 2048 uniform draws reach close to both ends of the box.
        assertTrue(min < -9.5 && max > 9.5, min + " .. " + max);
    }

    @Test
    void everyPrefixHasEqualShares() {
        int k = 7;
        Blobs.Sample s = Blobs.stationary(2, k, 5).sample(10_003);
        int[] counts = new int[k];
        for (int i = 0; i < s.size(); i++) {
            counts[s.labels()[i]]++;
            if ((i + 1) % 1_000 == 0) {
                int lo = (i + 1) / k;
                for (int c : counts) {
                    assertTrue(c == lo || c == lo + 1, "prefix " + (i + 1) + ": " + Arrays.toString(counts));
                }
            }
        }
        assertEquals(10_003, Arrays.stream(counts).sum());
    }

    @Test
    void noiseAroundTheCentresHasUnitStandardDeviation() {
        int n = 50_000;
        int d = 4;
        Blobs.Sample s = Blobs.drifting(d, 10, 9).sample(n);
        float[] x = s.points().data();
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        for (int i = 0; i < n; i++) {
            double[] c = s.centreOf(i);
            for (int t = 0; t < d; t++) {
                double r = x[i * d + t] - c[t];
                sum[t] += r;
                sumSq[t] += r * r;
            }
        }
        for (int t = 0; t < d; t++) {
            double mean = sum[t] / n;
            double std = Math.sqrt(sumSq[t] / n - mean * mean);
            // Standard error of the mean is 1/sqrt(n) ≈ 0.0045, of the std ≈ 0.003.
            assertEquals(0, mean, 0.02, "mean of feature " + t);
            assertEquals(Blobs.STD, std, 0.015, "std of feature " + t);
        }
        // Oracle SSE is a chi-square with n·d degrees of freedom: mean n·d, std sqrt(2·n·d) ≈ 632.
        assertEquals(n * d, s.oracleSse(), 4_000);
    }

    @Test
    void driftMovesEveryCentreTenUnitsPerMillionPoints() {
        Blobs blobs = Blobs.drifting(8, 16, 1);
        float[] start = blobs.centresAt(0);
        float[] later = blobs.centresAt(1_000_000);
        for (int j = 0; j < 16; j++) {
            double dist = 0;
            double unit = 0;
            double[] u = blobs.direction(j);
            for (int t = 0; t < 8; t++) {
                double diff = later[j * 8 + t] - start[j * 8 + t];
                dist += diff * diff;
                unit += u[t] * u[t];
                assertEquals(10 * u[t], diff, 1e-5, "centre " + j + " moves along its direction");
            }
            assertEquals(10.0, Math.sqrt(dist), 1e-4, "centre " + j);
            assertEquals(1.0, unit, 1e-12);
        }
        assertArrayEquals(start, Blobs.stationary(8, 16, 1).centresAt(1_000_000));
    }

    @Test
    void driftingSampleTracksTheMovingCentres() {
        Blobs.Sample s = Blobs.withDrift(2, 3, 1e-3, 4).sample(3_000);
        float[] end = s.finalCentres();
        double[] last = s.centreOf(2_999);
        int j = s.labels()[2_999];
        assertEquals(end[j * 2], last[0], 1e-5);
        assertEquals(end[j * 2 + 1], last[1], 1e-5);
        double moved = Math.hypot(end[0] - s.trueCentres()[0], end[1] - s.trueCentres()[1]);
        assertEquals(2_999 * 1e-3, moved, 1e-4);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Blobs.stationary(0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> Blobs.stationary(2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Blobs.withDrift(2, 3, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Blobs.stationary(2, 3, 1).source().take(-1));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
