package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterIndicesTest {
    private static Workers two;

    @BeforeAll
    static void start() {
        two = Workers.create(2);
    }

    @AfterAll
    static void stop() {
        two.close();
    }

    private static ClusterIndices of(float[] x, int d, int[] labels, int k) {
        return ClusterIndices.compute(PackedPoints.pack(PointBlock.of(x, d)), labels, k, two);
    }

    @Test
    void handComputedLine() {
        // 0, 1 | 4, 6: means 0.5 and 5, spreads 0.5 and 1, separation 4.5 -> DB = 1.5/4.5.
        // Overall mean 2.75: B = 2·2.25² + 2·2.25² = 20.25, W = 2.5 -> CH = 20.25·2 / 2.5.
        ClusterIndices r = of(new float[] {0, 1, 4, 6}, 1, new int[] {0, 0, 1, 1}, 2);
        assertTrue(r.defined());
        assertEquals(2, r.clusters());
        assertEquals(1.0 / 3, r.daviesBouldin(), 1e-12);
        assertEquals(16.2, r.calinskiHarabasz(), 1e-10);
    }

    @Test
    void handComputedPlaneWithThreeClusters() {
        // A: (0,0),(2,0) mean (1,0) spread 1; B: (10,0),(10,4) mean (10,2) spread 2;
        // C: (0,10),(0,12) mean (0,11) spread 1.
        float[] x = {0, 0, 2, 0, 10, 0, 10, 4, 0, 10, 0, 12};
        ClusterIndices r = of(x, 2, new int[] {0, 0, 1, 1, 2, 2}, 3);
        double ab = Math.sqrt(85);
        double ac = Math.sqrt(122);
        double bc = Math.sqrt(181);
        double db = (Math.max(3 / ab, 2 / ac) + Math.max(3 / ab, 3 / bc) + Math.max(2 / ac, 3 / bc)) / 3;
        // Packing rounds the centred coordinates to float32: agreement to ~1e-7 relative.
        assertEquals(db, r.daviesBouldin(), 1e-6 * db);
        double mx = 22.0 / 6;
        double my = 26.0 / 6;
        double between = 2 * (sq(1 - mx) + sq(0 - my)) + 2 * (sq(10 - mx) + sq(2 - my)) + 2 * (sq(0 - mx) + sq(11 - my));
        double within = 1 + 1 + 4 + 4 + 1 + 1;
        double ch = between * (6 - 3) / (within * (3 - 1));
        assertEquals(ch, r.calinskiHarabasz(), 1e-6 * ch);
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void matchesDirectDefinitionsOnRandomData() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 20000;
        int d = 5;
        int k = 7;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(k);
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (labels[i] * (t + 1) + 100 + 2 * random.nextGaussian());
            }
        }
        double[] means = new double[k * d];
        double[] mean = new double[d];
        int[] sizes = new int[k];
        for (int i = 0; i < n; i++) {
            sizes[labels[i]]++;
            for (int t = 0; t < d; t++) {
                means[labels[i] * d + t] += x[i * d + t];
                mean[t] += x[i * d + t] / (double) n;
            }
        }
        for (int j = 0; j < k * d; j++) {
            means[j] /= sizes[j / d];
        }
        double[] spread = new double[k];
        double within = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < d; t++) {
                s += sq(x[i * d + t] - means[labels[i] * d + t]);
            }
            within += s;
            spread[labels[i]] += Math.sqrt(s) / sizes[labels[i]];
        }
        double between = 0;
        double db = 0;
        for (int i = 0; i < k; i++) {
            double worst = 0;
            double b = 0;
            for (int t = 0; t < d; t++) {
                b += sq(means[i * d + t] - mean[t]);
            }
            between += sizes[i] * b;
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    double s = 0;
                    for (int t = 0; t < d; t++) {
                        s += sq(means[i * d + t] - means[j * d + t]);
                    }
                    worst = Math.max(worst, (spread[i] + spread[j]) / Math.sqrt(s));
                }
            }
            db += worst / k;
        }
        PackedPoints packed = PackedPoints.pack(PointBlock.of(x, d));
        ClusterIndices r = ClusterIndices.compute(packed, labels, k, two);
        assertEquals(db, r.daviesBouldin(), 1e-6 * db);
        double ch = between * (n - k) / (within * (k - 1));
        assertEquals(ch, r.calinskiHarabasz(), 1e-6 * ch);
        // Several chunks: the result must not depend on the thread count.
        assertEquals(r, ClusterIndices.compute(packed, labels, k, Workers.sequential()));
    }

    @Test
    void invariantToTranslationAndUniformScaling() {
        float[] x = {0, 0, 2, 0, 10, 0, 10, 4, 0, 10, 0, 12, 3, 3};
        float[] moved = x.clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] = moved[i] * 1e6f - 3e5f;
        }
        int[] labels = {0, 0, 1, 1, 2, 2, 0};
        ClusterIndices a = of(x, 2, labels, 3);
        ClusterIndices b = of(moved, 2, labels, 3);
        assertEquals(a.daviesBouldin(), b.daviesBouldin(), 1e-6 * a.daviesBouldin());
        assertEquals(a.calinskiHarabasz(), b.calinskiHarabasz(), 1e-6 * a.calinskiHarabasz());
    }

    @Test
    void zeroWithinDispersionGivesZeroAndOneWithoutNaN() {
        ClusterIndices r = of(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 2, new int[] {0, 0, 1, 1}, 2);
        assertTrue(r.defined());
        assertEquals(0.0, r.daviesBouldin());
        assertEquals(1.0, r.calinskiHarabasz());
    }

    @Test
    void clustersWithEqualMeansContributeNothing() {
        // Two clusters centred on 0, one on 10 and one on -10 (values chosen so packing is exact):
        // spreads 1, 2, 1, 1; the pair with equal means (separation 0) is skipped.
        float[] x = {-1, 1, -2, 2, 9, 11, -9, -11};
        ClusterIndices r = of(x, 1, new int[] {0, 0, 1, 1, 2, 2, 3, 3}, 4);
        double expected = (2.0 / 10 + 3.0 / 10 + 3.0 / 10 + 3.0 / 10) / 4;
        assertEquals(expected, r.daviesBouldin(), 1e-12);
    }

    @Test
    void undefinedForOneClusterOrOnlySingletons() {
        ClusterIndices one = of(new float[] {0, 1, 2}, 1, new int[] {1, 1, 1}, 3);
        assertFalse(one.defined());
        assertEquals(1, one.clusters());
        assertEquals(0.0, one.daviesBouldin());
        assertEquals(0.0, one.calinskiHarabasz());
        assertFalse(of(new float[] {0, 1, 2}, 1, new int[] {0, 1, 2}, 3).defined());
    }

    @Test
    void emptyClustersAreIgnored() {
        float[] x = {0, 1, 4, 6};
        assertEquals(of(x, 1, new int[] {0, 0, 1, 1}, 2), of(x, 1, new int[] {3, 3, 1, 1}, 5));
    }

    @Test
    void rejectsBadLabels() {
        assertThrows(IllegalArgumentException.class, () -> of(new float[] {0, 1}, 1, new int[] {0, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> of(new float[] {0, 1}, 1, new int[] {0}, 2));
    }
}
