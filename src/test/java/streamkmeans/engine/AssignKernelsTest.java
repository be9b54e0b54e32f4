package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector kernels against the scalar ones (bit for bit) and against exact double arithmetic. */
class AssignKernelsTest {
    private static final int LANES = PackedPoints.LANES;

    @Test
    void vectorKernelsAreAvailableInTheTestJvm() {
        // Surefire starts the tests with the Vector API module on this AVX2 machine.
        assertTrue(Simd.vectorAvailable());
        assertTrue(AssignKernels.best().vectorized());
    }

    @Test
    void vectorAssignmentMatchesScalarAndExactNearest() {
        SplittableRandom random = new SplittableRandom(5);
        for (int d : new int[] {1, 2, 3, 7, 8, 9, 16, 31, 64, 129}) {
            for (int k : new int[] {1, 2, 3, 4, 5, 11, 16, 33}) {
                int n = 1 + random.nextInt(200);
                PackedPoints points = randomPoints(n, d, random);
                float[] centroids = new float[k * d];
                for (int i = 0; i < centroids.length; i++) {
                    centroids[i] = (float) random.nextDouble(-1, 1);
                }
                CentroidPanel panel = new CentroidPanel(k, d);
                panel.load(centroids);
                int padded = points.blocks() * LANES;
                int[] scalar = new int[padded];
                int[] vector = new int[padded];
                float[] scalarBest = new float[padded];
                float[] vectorBest = new float[padded];
                AssignKernels.scalar().assign(points.panel(), 0, points.blocks(), panel, scalar, scalarBest);
                AssignKernels.best().assign(points.panel(), 0, points.blocks(), panel, vector, vectorBest);
                String where = "d=" + d + " k=" + k;
                assertArrayEquals(scalar, vector, where);
                assertArrayEquals(scalarBest, vectorBest, where);
                double[] x = ReferenceLloyd.rows(points);
                double[] c = ReferenceLloyd.widen(centroids);
                for (int i = 0; i < n; i++) {
                    int exact = ReferenceLloyd.nearest(x, i, c, k, d);
                    double nearest = ReferenceLloyd.distance(x, i, c, exact, d);
                    double gap = ReferenceLloyd.distance(x, i, c, vector[i], d) - nearest;
                    assertTrue(gap <= 1e-5 * d, where + " point " + i + " gap " + gap);
                    double norm = ReferenceLloyd.distance(x, i, new double[d], 0, d);
                    assertEquals(nearest, norm + vectorBest[i], 1e-5 * d, where + " best score");
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowestIndex() {
        PackedPoints points = randomPoints(20, 3, new SplittableRandom(1));
        float[] centroids = new float[4 * 3];
        points.copyPoint(7, centroids, 3);
        points.copyPoint(7, centroids, 6);
        points.copyPoint(7, centroids, 9);
        centroids[0] = 50f;
        CentroidPanel panel = new CentroidPanel(4, 3);
        panel.load(centroids);
        for (AssignKernels kernels : new AssignKernels[] {AssignKernels.scalar(), AssignKernels.best()}) {
            int padded = points.blocks() * LANES;
            int[] labels = new int[padded];
            float[] best = new float[padded];
            kernels.assign(points.panel(), 0, points.blocks(), panel, labels, best);
            for (int i = 0; i < 20; i++) {
                assertEquals(1, labels[i]);
            }
        }
    }

    @Test
    void closestDistancesMatchScalarAndDouble() {
        SplittableRandom random = new SplittableRandom(9);
        for (int d : new int[] {1, 4, 8, 13, 100}) {
            int n = 301;
            PackedPoints points = randomPoints(n, d, random);
            float[] centre = new float[d];
            points.copyPoint(17, centre, 0);
            float[] scalar = new float[points.blocks() * LANES];
            Arrays.fill(scalar, 0, n, Float.POSITIVE_INFINITY);
            float[] vector = scalar.clone();
            double ls = AssignKernels.scalar().lowerClosest(points.panel(), d, 0, points.blocks(), centre, scalar);
            double lv = AssignKernels.best().lowerClosest(points.panel(), d, 0, points.blocks(), centre, vector);
            assertEquals(ls, lv);
            assertArrayEquals(scalar, vector);
            assertEquals(0f, vector[17]);
            double[] x = ReferenceLloyd.rows(points);
            double[] c = ReferenceLloyd.widen(centre);
            double exact = 0;
            for (int i = 0; i < n; i++) {
                double e = ReferenceLloyd.distance(x, i, c, 0, d);
                assertEquals(e, vector[i], 1e-6 * (1 + e));
                exact += e;
            }
            assertEquals(exact, ls, 1e-6 * exact);
            for (int i = n; i < vector.length; i++) {
                assertEquals(0f, vector[i], "padding lane " + i);
            }
        }
    }

    @Test
    void candidatePotentialsMatchScalarAndLowering() {
        SplittableRandom random = new SplittableRandom(3);
        for (int d : new int[] {1, 6, 8, 40}) {
            PackedPoints points = randomPoints(203, d, random);
            float[] closest = new float[points.blocks() * LANES];
            float[] first = new float[d];
            points.copyPoint(0, first, 0);
            Arrays.fill(closest, 0, 203, Float.POSITIVE_INFINITY);
            AssignKernels.scalar().lowerClosest(points.panel(), d, 0, points.blocks(), first, closest);
            for (int count = 1; count <= 6; count++) {
                float[][] candidates = new float[count][d];
                for (int l = 0; l < count; l++) {
                    points.copyPoint(1 + 29 * l, candidates[l], 0);
                }
                double[] scalar = new double[count];
                double[] vector = new double[count];
                AssignKernels.scalar().potentialsWith(points.panel(), d, 0, points.blocks(), candidates, closest, scalar);
                AssignKernels.best().potentialsWith(points.panel(), d, 0, points.blocks(), candidates, closest, vector);
                assertArrayEquals(scalar, vector, "d=" + d + " candidates=" + count);
                for (int l = 0; l < count; l++) {
                    double lowered = AssignKernels.scalar().lowerClosest(points.panel(), d, 0, points.blocks(),
                            candidates[l], closest.clone());
                    assertEquals(lowered, vector[l]);
                }
            }
        }
    }

    private static PackedPoints randomPoints(int n, int d, SplittableRandom random) {
        float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return PackedPoints.pack(PointBlock.of(data, d));
    }
}
