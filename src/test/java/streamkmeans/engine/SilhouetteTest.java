package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SilhouetteTest {
    private static Workers two;

    @BeforeAll
    static void start() {
        two = Workers.create(2);
    }

    @AfterAll
    static void stop() {
        two.close();
    }

    /** scikit-learn's definition, straight from the formula, in double on the original floats. */
    static double reference(PointBlock points, int[] labels, int k) {
        int n = points.size();
        int d = points.dimension();
        int[] sizes = new int[k];
        for (int label : labels) {
            sizes[label]++;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] sums = new double[k];
            for (int j = 0; j < n; j++) {
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) points.get(i, t) - points.get(j, t);
                    sq += diff * diff;
                }
                sums[labels[j]] += Math.sqrt(sq);
            }
            int own = labels[i];
            if (sizes[own] < 2) {
                continue;
            }
            double a = sums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && sizes[c] > 0) {
                    b = Math.min(b, sums[c] / sizes[c]);
                }
            }
            double max = Math.max(a, b);
            total += max > 0 ? (b - a) / max : 0;
        }
        return total / n;
    }

    private static PointBlock random(int n, int d, double offset, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (offset + spread * random.nextGaussian());
        }
        return PointBlock.of(x, d);
    }

    private static int[] randomLabels(int n, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> random.nextInt(k));
        return labels;
    }

    @Test
    void exactMatchesTheDoubleReferenceOnRandomData() {
        for (int d : new int[] {1, 3, 8, 13}) {
            PointBlock points = random(611, d, 50, 4, d);
            int[] labels = randomLabels(611, 5, 100 + d);
            SilhouetteResult r = Silhouette.exact(PackedPoints.pack(points), labels, 5, two);
            assertTrue(r.defined());
            assertEquals("exact", r.method());
            assertEquals(611, r.sampleSize());
            assertEquals(reference(points, labels, 5), r.value(), 1e-6, "d=" + d);
        }
    }

    @Test
    void exactMatchesTheDoubleReferenceOnBlobsWithEmptyAndSingletonClusters() {
        Blobs.Sample s = Blobs.stationary(4, 6, 7).sample(1500);
        int[] labels = s.labels().clone();
        // Cluster 6 stays empty and cluster 7 holds one point: both must be handled as scikit-learn does.
        labels[42] = 7;
        SilhouetteResult r = Silhouette.exact(PackedPoints.pack(s.points()), labels, 8, two);
        double expected = reference(s.points(), labels, 8);
        assertEquals(expected, r.value(), 1e-6);
        assertTrue(r.value() > 0.3, "well separated blobs have a clearly positive silhouette, got " + r.value());
    }

    @Test
    void handComputedLine() {
        // 0, 1 | 4, 6: s = 4/5, 3/4, 1.5/3.5, 3.5/5.5.
        PointBlock points = PointBlock.of(new float[] {0, 1, 4, 6}, 1);
        SilhouetteResult r = Silhouette.exact(PackedPoints.pack(points), new int[] {0, 0, 1, 1}, 2, two);
        assertEquals((0.8 + 0.75 + 3.0 / 7 + 7.0 / 11) / 4, r.value(), 1e-7);
    }

    @Test
    void handComputedPlaneWithThreeClusters() {
        // (0,0), (0,3) | (4,0) | (4,3), (8,3): distances 3, 4, 5 triangles.
        PointBlock points = PointBlock.of(new float[] {0, 0, 0, 3, 4, 0, 4, 3, 8, 3}, 2);
        int[] labels = {0, 0, 1, 2, 2};
        // p0: a=3, b=min(4, (5+sqrt(73))/2)=4 -> 1/4; p1: a=3, b=min(5, (4+8)/2)=5 -> 2/5;
        // p2: singleton -> 0; p3: a=4, b=min((5+4)/2, 3)=3 -> -1/4; p4: a=4, b=min(5, (sqrt(73)+8)/2)=5 -> 1/5.
        double b4 = Math.min(Math.sqrt(16 + 9), (Math.sqrt(64 + 9) + Math.sqrt(64)) / 2);
        double expected = (0.25 + 0.4 + 0 - 0.25 + (b4 - 4) / Math.max(4, b4)) / 5;
        SilhouetteResult r = Silhouette.exact(PackedPoints.pack(points), labels, 3, two);
        assertEquals(expected, r.value(), 1e-7);
        assertEquals(reference(points, labels, 3), r.value(), 1e-7);
    }

    @Test
    void singletonClusterScoresZero() {
        PointBlock points = PointBlock.of(new float[] {0, 1, 10}, 1);
        SilhouetteResult r = Silhouette.exact(PackedPoints.pack(points), new int[] {0, 0, 1}, 2, two);
        assertTrue(r.defined());
        assertEquals((0.9 + 8.0 / 9 + 0) / 3, r.value(), 1e-7);
    }

    @Test
    void undefinedWithOneClusterOrOnlySingletons() {
        PackedPoints points = PackedPoints.pack(random(50, 2, 0, 1, 3));
        SilhouetteResult one = Silhouette.exact(points, new int[50], 4, two);
        assertFalse(one.defined());
        assertEquals(0.0, one.value());
        int[] own = new int[50];
        Arrays.setAll(own, i -> i);
        SilhouetteResult singletons = Silhouette.exact(points, own, 50, two);
        assertFalse(singletons.defined());
        assertEquals(0.0, singletons.value());
        assertFalse(Silhouette.simplified(points, new int[50], 1, new float[2], two).defined());
    }

    @Test
    void identicalPointsScoreZeroWithoutNaN() {
        float[] x = new float[40 * 3];
        Arrays.fill(x, 2.5f);
        int[] labels = randomLabels(40, 3, 9);
        SilhouetteResult r = Silhouette.exact(PackedPoints.pack(PointBlock.of(x, 3)), labels, 3, two);
        assertTrue(r.defined());
        assertEquals(0.0, r.value());
    }

    @Test
    void emptyClustersAreIgnored() {
        PointBlock points = random(200, 2, 0, 1, 4);
        int[] labels = randomLabels(200, 2, 5);
        int[] spread = labels.clone();
        for (int i = 0; i < spread.length; i++) {
            spread[i] = spread[i] == 0 ? 1 : 4;
        }
        PackedPoints packed = PackedPoints.pack(points);
        assertEquals(Silhouette.exact(packed, labels, 2, two).value(), Silhouette.exact(packed, spread, 6, two).value());
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        Blobs.Sample s = Blobs.stationary(3, 5, 11).sample(2100);
        PackedPoints packed = PackedPoints.pack(s.points());
        double one = Silhouette.exact(packed, s.labels(), 5, Workers.sequential()).value();
        double many = Silhouette.exact(packed, s.labels(), 5, two).value();
        assertEquals(one, many, 0.0);
    }

    @Test
    void invariantToTranslationAndUniformScaling() {
        PointBlock points = random(300, 3, 0, 1, 12);
        float[] moved = points.data().clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] = moved[i] * 1000f + 7000f;
        }
        int[] labels = randomLabels(300, 4, 13);
        double base = Silhouette.exact(PackedPoints.pack(points), labels, 4, two).value();
        double scaled = Silhouette.exact(PackedPoints.pack(PointBlock.of(moved, 3)), labels, 4, two).value();
        assertEquals(base, scaled, 1e-6);
    }

    @Test
    void vectorAndScalarKernelsAreBitIdentical() {
        assumeTrue(Simd.vectorAvailable(), "Vector API not available in this JVM");
        SplittableRandom random = new SplittableRandom(21);
        for (int d : new int[] {1, 2, 5, 8, 17}) {
            // Cluster sizes cover empty, partial blocks and more than one fold group.
            int[] count = {0, 1, 7, 8, 9, 300, SilhouetteKernels.FOLD_BLOCKS * 8 + 3};
            int[] firstBlock = new int[count.length];
            int blocks = 0;
            for (int c = 0; c < count.length; c++) {
                firstBlock[c] = blocks;
                blocks += (count[c] + 7) / 8;
            }
            float[] panel = new float[blocks * d * 8];
            for (int c = 0; c < count.length; c++) {
                for (int p = 0; p < count[c]; p++) {
                    for (int t = 0; t < d; t++) {
                        panel[((firstBlock[c] + p / 8) * d + t) * 8 + p % 8] = (float) random.nextGaussian();
                    }
                }
            }
            int points = 7;
            float[] queries = new float[points * d];
            for (int i = 0; i < queries.length; i++) {
                queries[i] = (float) (3 * random.nextGaussian());
            }
            double[] scalar = new double[points * count.length];
            double[] vector = new double[points * count.length];
            SilhouetteKernels.clusterDistanceSums(panel, d, firstBlock, count, queries, points, scalar);
            VectorSilhouetteKernels.clusterDistanceSums(panel, d, firstBlock, count, queries, points, vector);
            assertArrayEquals(scalar, vector, 0.0, "d=" + d);
            assertEquals(0.0, scalar[0]);
            assertNotEquals(0.0, scalar[1]);
        }
    }

    @Test
    void wholeSilhouetteIsBitIdenticalWithEitherKernel() {
        assumeTrue(Simd.vectorAvailable(), "Vector API not available in this JVM");
        Blobs.Sample s = Blobs.stationary(6, 4, 31).sample(999);
        PackedPoints packed = PackedPoints.pack(s.points());
        int[] all = new int[999];
        Arrays.setAll(all, i -> i);
        double vector = Silhouette.ofMembers(packed, s.labels(), 4, all, "exact", two, true).value();
        double scalar = Silhouette.ofMembers(packed, s.labels(), 4, all, "exact", two, false).value();
        assertEquals(scalar, vector, 0.0);
    }

    @Test
    void sampleIsDeterministicUniformAndWithoutReplacement() {
        int[] a = Silhouette.sample(1000, 100, 5);
        assertArrayEquals(a, Silhouette.sample(1000, 100, 5));
        assertFalse(Arrays.equals(a, Silhouette.sample(1000, 100, 6)));
        assertEquals(100, a.length);
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1], "sorted and distinct");
        }
        assertTrue(a[0] >= 0 && a[99] < 1000);
        // Uniform: over many draws every index is picked about m/n of the time.
        int[] hits = new int[20];
        for (long seed = 0; seed < 4000; seed++) {
            for (int i : Silhouette.sample(20, 5, seed)) {
                hits[i]++;
            }
        }
        for (int h : hits) {
            assertEquals(1000, h, 120);
        }
    }

    @Test
    void sampledIsTheExactSilhouetteOfTheSample() {
        Blobs.Sample s = Blobs.stationary(3, 4, 17).sample(3000);
        PackedPoints packed = PackedPoints.pack(s.points());
        SilhouetteResult r = Silhouette.sampled(packed, s.labels(), 4, 400, 99, two);
        assertEquals("sampled:400", r.method());
        assertEquals(400, r.sampleSize());
        assertEquals(r, Silhouette.sampled(packed, s.labels(), 4, 400, 99, two));
        int[] picked = Silhouette.sample(3000, 400, 99);
        int[] pickedLabels = new int[picked.length];
        Arrays.setAll(pickedLabels, i -> s.labels()[picked[i]]);
        assertEquals(reference(s.points().select(picked), pickedLabels, 4), r.value(), 1e-6);
        double exact = Silhouette.exact(packed, s.labels(), 4, two).value();
        assertEquals(exact, r.value(), 0.05);
    }

    @Test
    void sampledWithTheWholeWindowIsExact() {
        PackedPoints packed = PackedPoints.pack(random(100, 2, 0, 1, 8));
        int[] labels = randomLabels(100, 3, 8);
        assertEquals(Silhouette.exact(packed, labels, 3, two), Silhouette.sampled(packed, labels, 3, 100, 1, two));
        assertThrows(IllegalArgumentException.class, () -> Silhouette.sampled(packed, labels, 3, 1, 1, two));
    }

    @Test
    void simplifiedHandComputed() {
        // 0, 1 | 4, 6 with centroids 0.5 and 5: s = 4.5/5, 3.5/4, 2.5/3.5, 4.5/5.5.
        PackedPoints packed = PackedPoints.pack(PointBlock.of(new float[] {0, 1, 4, 6}, 1));
        float[] centroids = packed.toPacked(new float[] {0.5f, 5f}, 2);
        SilhouetteResult r = Silhouette.simplified(packed, new int[] {0, 0, 1, 1}, 2, centroids, two);
        assertEquals("simplified", r.method());
        assertEquals(4, r.sampleSize());
        assertEquals((0.9 + 0.875 + 2.5 / 3.5 + 4.5 / 5.5) / 4, r.value(), 1e-9);
    }

    @Test
    void simplifiedIsCloseToExactOnSeparatedBlobsAndThreadIndependent() {
        Blobs.Sample s = Blobs.stationary(2, 8, 1).sample(3000);
        PackedPoints packed = PackedPoints.pack(s.points());
        float[] centroids = packed.toPacked(s.trueCentres(), 8);
        double simplified = Silhouette.simplified(packed, s.labels(), 8, centroids, two).value();
        assertEquals(simplified, Silhouette.simplified(packed, s.labels(), 8, centroids, Workers.sequential()).value(), 0.0);
        double exact = Silhouette.exact(packed, s.labels(), 8, two).value();
        // The simplified silhouette of compact blobs overestimates the exact one a little.
        assertTrue(simplified > exact && simplified < exact + 0.15, simplified + " vs " + exact);
    }

    @Test
    void autoChoosesByWindowSize() {
        Blobs.Sample s = Blobs.stationary(2, 3, 2).sample(500);
        PackedPoints packed = PackedPoints.pack(s.points());
        float[] centroids = packed.toPacked(s.trueCentres(), 3);
        assertEquals("exact", Silhouette.auto(packed, s.labels(), 3, centroids, 500, 100, 1, two).method());
        assertEquals("sampled:100", Silhouette.auto(packed, s.labels(), 3, centroids, 499, 100, 1, two).method());
        assertEquals("simplified", Silhouette.auto(packed, s.labels(), 3, centroids, 499, 0, 1, two).method());
    }

    @Test
    void rejectsBadLabels() {
        PackedPoints packed = PackedPoints.pack(random(10, 2, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Silhouette.exact(packed, new int[9], 2, two));
        int[] labels = new int[10];
        labels[3] = 2;
        assertThrows(IllegalArgumentException.class, () -> Silhouette.exact(packed, labels, 2, two));
        assertThrows(IllegalArgumentException.class,
                () -> Silhouette.simplified(packed, new int[10], 2, new float[3], two));
    }
}
