package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The K-Means driver: restarts, warm starts, refinement, prediction, and the units of its results. */
class KMeansTest {
    private static Workers two;

    @BeforeAll
    static void start() {
        two = Workers.create(2);
    }

    @AfterAll
    static void stop() {
        two.close();
    }

    private static KMeans kmeans(Workers workers) {
        return new KMeans(new CpuLloydBackend(workers), workers);
    }

    /** Three tight, far-apart groups of {@code per} points around (0,0), (100,0), (0,100). */
    private static PointBlock threeGroups(int per, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] centres = {{0, 0}, {100, 0}, {0, 100}};
        float[] data = new float[3 * per * 2];
        for (int i = 0; i < 3 * per; i++) {
            float[] c = centres[i % 3];
            data[2 * i] = c[0] + (float) rng.nextGaussian();
            data[2 * i + 1] = c[1] + (float) rng.nextGaussian();
        }
        return PointBlock.of(data, 2);
    }

    @Test
    void findsWellSeparatedGroupsWithExactInertia() {
        PointBlock points = threeGroups(200, 1);
        KMeansResult r = kmeans(two).fit(points, KMeansConfig.builder(3).seed(7).build());
        float[][] found = new float[3][];
        for (int j = 0; j < 3; j++) {
            found[j] = Arrays.copyOfRange(r.centroids(), 2 * j, 2 * j + 2);
        }
        Arrays.sort(found, (a, b) -> Float.compare(a[0] + 2 * a[1], b[0] + 2 * b[1]));
        assertArrayEquals(new float[] {0, 0}, found[0], 0.3f);
        assertArrayEquals(new float[] {100, 0}, found[1], 0.3f);
        assertArrayEquals(new float[] {0, 100}, found[2], 0.3f);
        assertArrayEquals(new int[] {200, 200, 200}, Arrays.stream(r.clusterSizes()).sorted().toArray());
        double sse = 0;
        for (int i = 0; i < points.size(); i++) {
            int c = r.labels()[i];
            double dx = (double) points.get(i, 0) - r.centroids()[2 * c];
            double dy = (double) points.get(i, 1) - r.centroids()[2 * c + 1];
            sse += dx * dx + dy * dy;
            assertEquals(Math.sqrt(dx * dx + dy * dy), r.distances()[i], 1e-4);
        }
        assertEquals(sse, r.inertia(), sse * 1e-12);
        assertEquals(10, r.runs());
        assertEquals("greedy-kmeans++", r.seeding());
        assertEquals("cpu", r.backend());
        assertTrue(r.converged());
    }

    @Test
    void keepsTheBestOfTheRestarts() {
        PointBlock points = Datasets.read("a/a2.txt");
        KMeansConfig single = KMeansConfig.builder(35).nInit(1).init(Init.RANDOM).build();
        double worst = 0;
        double bestSingle = Double.MAX_VALUE;
        KMeans km = kmeans(two);
        for (int seed = 0; seed < 5; seed++) {
            double inertia = km.fit(points, single.toBuilder().seed(seed).build()).inertia();
            worst = Math.max(worst, inertia);
            bestSingle = Math.min(bestSingle, inertia);
        }
        double restarts = km.fit(points, single.toBuilder().nInit(5).build()).inertia();
        assertTrue(restarts < worst, "restarts " + restarts + " should beat the worst single run " + worst);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        PointBlock points = Blobs.stationary(4, 6, 3).sample(20_000).points();
        KMeansConfig config = KMeansConfig.builder(6).seed(11).nInit(3).build();
        KMeansResult one = kmeans(Workers.sequential()).fit(points, config);
        KMeansResult many = kmeans(two).fit(points, config);
        assertArrayEquals(one.centroids(), many.centroids());
        assertArrayEquals(one.labels(), many.labels());
        assertEquals(one.inertia(), many.inertia());
        assertEquals(one.iterations(), many.iterations());
    }

    @Test
    void warmStartKeepsTheOrderOfTheGivenCentroids() {
        PointBlock points = threeGroups(100, 2);
        float[] init = {99, 1, 1, 99, 1, 1};
        KMeansResult r = kmeans(two).fitFrom(points, init, KMeansConfig.builder(3).build());
        assertEquals("warm", r.seeding());
        assertEquals(1, r.runs());
        assertArrayEquals(new float[] {100, 0, 0, 100, 0, 0}, r.centroids(), 0.3f);
        assertTrue(r.iterations() <= 3, "a warm start from near the answer converges at once: " + r.iterations());
    }

    @Test
    void predictLabelsNewPointsByTheNearestCentroid() {
        float[] centroids = {0, 0, 10, 10};
        PointBlock fresh = PointBlock.of(new float[] {1, 1, 9, 8, -3, 0, 6, 6}, 2);
        Assignment a = kmeans(two).predict(fresh, centroids, 2);
        assertArrayEquals(new int[] {0, 1, 0, 1}, a.labels());
        assertArrayEquals(new float[] {(float) Math.sqrt(2), (float) Math.sqrt(5), 3, (float) Math.sqrt(32)},
                a.distances(), 1e-6f);
        assertEquals(2 + 5 + 9 + 32, a.inertia(), 1e-9);
        assertArrayEquals(new int[] {2, 2}, a.clusterSizes());
    }

    @Test
    void packedOnceGivesTheSameAnswersAsPackingEachTime() {
        PointBlock points = threeGroups(100, 2);
        PackedPoints packed = PackedPoints.pack(points);
        float[] init = {90, 5, 3, 95, -2, 1};
        KMeansConfig config = KMeansConfig.builder(3).build();
        KMeans kmeans = kmeans(two);
        KMeansResult each = kmeans.fitFrom(points, init, config);
        KMeansResult once = kmeans.fitFrom(points, packed, init, config);
        assertArrayEquals(each.centroids(), once.centroids());
        assertArrayEquals(each.labels(), once.labels());
        assertEquals(each.iterations(), once.iterations());
        Assignment a = kmeans.predict(points, init, 3);
        Assignment b = kmeans.predict(points, packed, init, 3);
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.distances(), b.distances());
        PackedPoints other = PackedPoints.pack(threeGroups(50, 2));
        assertThrows(IllegalArgumentException.class, () -> kmeans.predict(points, other, init, 3));
        assertThrows(IllegalArgumentException.class, () -> kmeans.fitFrom(points, other, init, config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"swap", "split-merge"})
    void refinementRepairsAPoorLocalOptimum(String method) {
        PointBlock points = Datasets.read("a/a3.txt");
        PointBlock gt = Datasets.read("a/a3-gt.txt");
        KMeansConfig plain = KMeansConfig.builder(50).init(Init.RANDOM).nInit(1).seed(3)
                .refinement(Refinement.NONE).build();
        Refinement refinement = switch (Refinement.Method.parse(method)) {
            case RANDOM_SWAP -> Refinement.randomSwap(3000, 0);
            default -> Refinement.splitMerge(10, 0);
        };
        KMeansResult before = kmeans(two).fit(points, plain);
        KMeansResult after = kmeans(two).fit(points, plain.toBuilder().refinement(refinement).build());
        assertTrue(CentroidIndex.between(before.centroids(), gt.data(), 2) > 0, "random init should miss clusters");
        assertTrue(after.inertia() < before.inertia());
        assertTrue(after.swapsAccepted() > 0);
        assertEquals(0, CentroidIndex.between(after.centroids(), gt.data(), 2), method + " finds every cluster");
    }

    @Test
    void predictsFewerPointsThanCentroids() {
        Assignment a = kmeans(two).predict(PointBlock.of(new float[] {9, 9}, 2), new float[] {0, 0, 10, 10, 20, 20}, 3);
        assertArrayEquals(new int[] {1}, a.labels());
        assertArrayEquals(new int[] {0, 1, 0}, a.clusterSizes());
        assertEquals(2, a.inertia(), 1e-9);
    }

    @Test
    void hugeCoordinatesKeepFiniteExactResults() {
        PointBlock base = threeGroups(50, 5);
        float[] data = base.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= 1e28f;
        }
        KMeansResult r = kmeans(two).fit(PointBlock.of(data, 2), KMeansConfig.builder(3).seed(1).build());
        assertTrue(Double.isFinite(r.inertia()) && r.inertia() > 0);
        for (float c : r.centroids()) {
            assertTrue(Float.isFinite(c));
        }
        assertArrayEquals(new int[] {50, 50, 50}, Arrays.stream(r.clusterSizes()).sorted().toArray());
    }

    @Test
    void rejectsMoreClustersThanPoints() {
        PointBlock three = PointBlock.of(new float[] {1, 2, 3}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kmeans(two).fit(three, KMeansConfig.builder(4).build()));
        assertEquals("k = 4 is larger than the number of points (3)", e.getMessage());
    }

    @Test
    void everyPointItsOwnClusterWhenKEqualsN() {
        PointBlock points = PointBlock.of(new float[] {5, 1, 9, 3}, 1);
        KMeansResult r = kmeans(two).fit(points, KMeansConfig.builder(4).build());
        assertEquals(0, r.inertia());
        assertArrayEquals(new int[] {1, 1, 1, 1}, r.clusterSizes());
        float[] sorted = r.centroids().clone();
        Arrays.sort(sorted);
        assertArrayEquals(new float[] {1, 3, 5, 9}, sorted);
    }
}
