package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                int[] scalar = new int[points.blocks() * LANES];
                int[] vector = new int[points.blocks() * LANES];
                AssignKernels.scalar().assign(points.panel(), 0, points.blocks(), panel, scalar);
                AssignKernels.best().assign(points.panel(), 0, points.blocks(), panel, vector);
                assertArrayEquals(scalar, vector, "d=" + d + " k=" + k);
                double[] x = ReferenceLloyd.rows(points);
                double[] c = ReferenceLloyd.widen(centroids);
                for (int i = 0; i < n; i++) {
                    int exact = ReferenceLloyd.nearest(x, i, c, k, d);
                    double gap = ReferenceLloyd.distance(x, i, c, vector[i], d) - ReferenceLloyd.distance(x, i, c, exact, d);
                    assertTrue(gap <= 1e-5 * d, "d=" + d + " k=" + k + " point " + i + " gap " + gap);
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
            int[] labels = new int[points.blocks() * LANES];
            kernels.assign(points.panel(), 0, points.blocks(), panel, labels);
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
            java.util.Arrays.fill(scalar, 0, n, Float.POSITIVE_INFINITY);
            float[] vector = scalar.clone();
            double ps = AssignKernels.scalar().potentialWith(points.panel(), d, 0, points.blocks(), centre, scalar);
            double pv = AssignKernels.best().potentialWith(points.panel(), d, 0, points.blocks(), centre, vector);
            double ls = AssignKernels.scalar().lowerClosest(points.panel(), d, 0, points.blocks(), centre, scalar);
            double lv = AssignKernels.best().lowerClosest(points.panel(), d, 0, points.blocks(), centre, vector);
            assertEquals(ps, pv);
            assertEquals(ls, lv);
            assertEquals(ps, ls);
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

    private static PackedPoints randomPoints(int n, int d, SplittableRandom random) {
        float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return PackedPoints.pack(PointBlock.of(data, d));
    }
}
