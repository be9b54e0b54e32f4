package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SeedingTest {
    private static Workers two;

    @BeforeAll
    static void startWorkers() {
        // The vector kernels replace the scalar ones once compiled: test them, not the stand-ins.
        Simd.awaitVectorReady();
        two = Workers.create(2);
    }

    @AfterAll
    static void stopWorkers() {
        two.close();
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void sameSeedGivesTheSameCentresWhateverTheThreadsAndKernels(Init init) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(7, 12, 3).sample(30_001).points());
        float[] reference = Seeding.seed(points, 12, init, 0, new SplittableRandom(42), Workers.sequential(),
                AssignKernels.scalar());
        assertArrayEquals(reference, Seeding.seed(points, 12, init, 0, new SplittableRandom(42), two));
        assertArrayEquals(reference, Seeding.seed(points, 12, init, 0, new SplittableRandom(42), Workers.sequential()));
        assertFalse(Arrays.equals(reference, Seeding.seed(points, 12, init, 0, new SplittableRandom(43), two)));
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void centresAreDistinctDataPoints(Init init) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(3, 5, 8).sample(2_000).points());
        Set<List<Float>> data = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            data.add(row(points, i));
        }
        for (int seed = 0; seed < 20; seed++) {
            float[] centres = Seeding.seed(points, 25, init, 0, new SplittableRandom(seed), two);
            Set<List<Float>> seen = new HashSet<>();
            for (int j = 0; j < 25; j++) {
                List<Float> c = List.of(centres[j * 3], centres[j * 3 + 1], centres[j * 3 + 2]);
                assertTrue(data.contains(c), "centre " + j + " is not a data point");
                assertTrue(seen.add(c), "centre " + j + " repeats an earlier one");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void asManyCentresAsPointsTakesEveryPoint(Init init) {
        PackedPoints points = PackedPoints.pack(Blobs.stationary(2, 3, 1).sample(13).points());
        float[] centres = Seeding.seed(points, 13, init, 0, new SplittableRandom(9), two);
        Set<List<Float>> seen = new HashSet<>();
        for (int j = 0; j < 13; j++) {
            seen.add(List.of(centres[j * 2], centres[j * 2 + 1]));
        }
        Set<List<Float>> all = new HashSet<>();
        for (int i = 0; i < 13; i++) {
            all.add(row(points, i));
        }
        assertEquals(all, seen);
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void identicalPointsGiveCopiesOfThatPoint(Init init) {
        float[] data = new float[40 * 2];
        Arrays.fill(data, 3.25f);
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 2));
        float[] centres = Seeding.seed(points, 6, init, 0, new SplittableRandom(1), two);
        assertArrayEquals(new float[12], centres);
    }

    @Test
    void greedySeedingPutsOneCentreInEachSeparatedBlob() {
        // Ten tight blobs far apart: D² sampling almost never picks two centres in one blob.
        int k = 10;
        int perBlob = 300;
        SplittableRandom random = new SplittableRandom(77);
        float[] data = new float[k * perBlob * 2];
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < perBlob; p++) {
                int i = j * perBlob + p;
                data[i * 2] = (float) (100 * j + random.nextGaussian());
                data[i * 2 + 1] = (float) (100 * (j % 3) + random.nextGaussian());
            }
        }
        PackedPoints points = PackedPoints.pack(PointBlock.of(data, 2));
        int greedyHits = 0;
        int plainHits = 0;
        for (int seed = 0; seed < 100; seed++) {
            greedyHits += oneCentrePerBlob(points, Seeding.seed(points, k, Init.GREEDY_KMEANS_PLUS_PLUS, 0,
                    new SplittableRandom(seed), two), k, perBlob) ? 1 : 0;
            plainHits += oneCentrePerBlob(points, Seeding.seed(points, k, Init.KMEANS_PLUS_PLUS, 0,
                    new SplittableRandom(seed), two), k, perBlob) ? 1 : 0;
        }
        assertTrue(greedyHits >= 98, "greedy: " + greedyHits + "/100");
        assertTrue(plainHits >= 80, "plain: " + plainHits + "/100");
    }

    @Test
    void secondCentreIsDrawnWithProbabilityProportionalToSquaredDistance() {
        // Points 0, 1 and 3 on a line. After a first centre at 0, D² is 1 for 1 and 9 for 3.
        PackedPoints points = PackedPoints.pack(PointBlock.of(new float[] {0, 1, 3}, 1));
        float zero = points.get(0, 0);
        float three = points.get(2, 0);
        int afterZero = 0;
        int threeSecond = 0;
        for (int seed = 0; seed < 6_000; seed++) {
            float[] c = Seeding.seed(points, 2, Init.KMEANS_PLUS_PLUS, 0, new SplittableRandom(seed), Workers.sequential());
            if (c[0] == zero) {
                afterZero++;
                threeSecond += c[1] == three ? 1 : 0;
            }
        }
        assertEquals(2_000, afterZero, 150);
        assertEquals(0.9, threeSecond / (double) afterZero, 0.03);
    }

    @Test
    void rejectsMoreCentresThanPoints() {
        PackedPoints points = PackedPoints.pack(PointBlock.of(new float[] {1, 2, 3}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Seeding.seed(points, 4, Init.RANDOM, 0, new SplittableRandom(0), two));
        assertThrows(IllegalArgumentException.class,
                () -> Seeding.seed(points, 0, Init.KMEANS_PLUS_PLUS, 0, new SplittableRandom(0), two));
    }

    @Test
    void handlesOneAndFiveHundredTwelveDimensions() {
        for (int d : new int[] {1, 512}) {
            PackedPoints points = PackedPoints.pack(Blobs.stationary(d, 4, 2).sample(1_003).points());
            float[] centres = Seeding.seed(points, 4, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(1), two);
            assertEquals(4 * d, centres.length);
            for (float v : centres) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    private static List<Float> row(PackedPoints points, int i) {
        Float[] r = new Float[points.dimension()];
        for (int t = 0; t < r.length; t++) {
            r[t] = points.get(i, t);
        }
        return List.of(r);
    }

    /** Whether each blob (points {@code [j·perBlob, (j+1)·perBlob)}) holds exactly one centre. */
    private static boolean oneCentrePerBlob(PackedPoints points, float[] centres, int k, int perBlob) {
        boolean[] hit = new boolean[k];
        for (int j = 0; j < k; j++) {
            int blob = -1;
            for (int i = 0; i < points.size() && blob < 0; i++) {
                if (points.get(i, 0) == centres[j * 2] && points.get(i, 1) == centres[j * 2 + 1]) {
                    blob = i / perBlob;
                }
            }
            if (blob < 0 || hit[blob]) {
                return false;
            }
            hit[blob] = true;
        }
        return true;
    }
}
