package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    private static final int D = 4;

    /** Points whose features have very different offsets and spreads; feature 3 is constant. */
    private static PointBlock data(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            x[i * D] = (float) (1000 + 3 * random.nextGaussian());
            x[i * D + 1] = (float) (-0.002 * random.nextGaussian());
            x[i * D + 2] = (float) (random.nextDouble() * 1e6);
            x[i * D + 3] = 42f;
        }
        return PointBlock.of(x, D);
    }

    /** Two-pass mean and population variance in double. */
    private static double[][] twoPass(PointBlock points) {
        int n = points.size();
        double[] mean = new double[D];
        double[] var = new double[D];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < D; t++) {
                mean[t] += points.get(i, t);
            }
        }
        for (int t = 0; t < D; t++) {
            mean[t] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < D; t++) {
                double diff = points.get(i, t) - mean[t];
                var[t] += diff * diff;
            }
        }
        for (int t = 0; t < D; t++) {
            var[t] /= n;
        }
        return new double[][] {mean, var};
    }

    private static void assertRelative(double[] expected, double[] actual, double tolerance) {
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], actual[t], tolerance * Math.abs(expected[t]), "feature " + t);
        }
    }

    @Test
    void matchesTwoPassMeanAndVariance() {
        PointBlock points = data(20000, 1);
        Standardizer s = Standardizer.of(points);
        double[][] expected = twoPass(points);
        assertEquals(20000, s.count());
        assertRelative(expected[0], s.mean(), 1e-12);
        assertRelative(expected[1], s.variance(), 1e-12);
        assertEquals(0.0, s.variance()[3]);
    }

    @Test
    void pointUpdatesEqualBlockUpdates() {
        PointBlock points = data(500, 2);
        Standardizer byPoint = new Standardizer(D);
        for (int i = 0; i < points.size(); i++) {
            byPoint.update(points.point(i));
        }
        Standardizer byBlock = Standardizer.of(points);
        assertArrayEquals(byBlock.mean(), byPoint.mean(), 0.0);
        assertArrayEquals(byBlock.variance(), byPoint.variance(), 0.0);
    }

    @Test
    void mergeEqualsSequentialUpdates() {
        PointBlock a = data(3000, 3);
        PointBlock b = data(17, 4);
        PointBlock c = data(9000, 5);
        Standardizer sequential = Standardizer.of(a);
        sequential.update(b);
        sequential.update(c);
        Standardizer merged = Standardizer.of(a);
        Standardizer rest = Standardizer.of(b);
        rest.merge(Standardizer.of(c));
        merged.merge(rest);
        merged.merge(new Standardizer(D));
        assertEquals(sequential.count(), merged.count());
        assertRelative(sequential.mean(), merged.mean(), 1e-12);
        assertRelative(sequential.variance(), merged.variance(), 1e-12);
    }

    @Test
    void copyIsIndependentAndEqual() {
        Standardizer s = Standardizer.of(data(100, 6));
        Standardizer copy = s.copy();
        assertArrayEquals(s.mean(), copy.mean(), 0.0);
        assertArrayEquals(s.variance(), copy.variance(), 0.0);
        copy.update(new float[] {0, 0, 0, 0});
        assertEquals(100, s.count());
        assertEquals(101, copy.count());
    }

    @Test
    void transformGivesZeroMeanUnitVarianceAndConstantFeaturesStayFinite() {
        PointBlock points = data(5000, 7);
        Standardizer s = Standardizer.of(points);
        assertEquals(1.0, s.scale()[3]);
        PointBlock z = s.transform(points);
        double[][] moments = twoPass(z);
        for (int t = 0; t < 3; t++) {
            assertEquals(0.0, moments[0][t], 1e-6);
            assertEquals(1.0, moments[1][t], 1e-5);
        }
        assertEquals(0.0, moments[0][3]);
        assertEquals(0.0, moments[1][3]);
    }

    @Test
    void inverseOfTransformRestoresThePoints() {
        PointBlock points = data(1000, 8);
        Standardizer s = Standardizer.of(points);
        float[] back = s.inverseCentroids(s.transform(points).data(), points.size());
        float[] x = points.data();
        for (int i = 0; i < x.length; i++) {
            int t = i % D;
            // Float32 rounding, relative to the feature's offset and spread.
            double tolerance = 1e-6 * (Math.abs(s.mean()[t]) + s.scale()[t]);
            assertEquals(x[i], back[i], tolerance, "value " + i);
        }
    }

    @Test
    void varianceOfOnePointIsZeroAndScaleIsOne() {
        Standardizer s = new Standardizer(2);
        s.update(new float[] {3, -4});
        assertArrayEquals(new double[] {3, -4}, s.mean(), 0.0);
        assertArrayEquals(new double[] {0, 0}, s.variance(), 0.0);
        assertArrayEquals(new double[] {1, 1}, s.scale(), 0.0);
        assertArrayEquals(new float[] {0, 0}, s.transform(PointBlock.of(new float[] {3, -4}, 2)).data(), 0f);
    }

    @Test
    void rejectsMisuse() {
        Standardizer s = new Standardizer(2);
        assertThrows(IllegalStateException.class, () -> s.transform(PointBlock.of(new float[] {1, 2}, 2)));
        assertThrows(IllegalStateException.class, () -> s.inverseCentroids(new float[] {1, 2}, 1));
        assertThrows(IllegalArgumentException.class, () -> s.update(new float[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> s.update(PointBlock.of(new float[] {1, 2, 3}, 3)));
        assertThrows(IllegalArgumentException.class, () -> s.merge(new Standardizer(3)));
        assertThrows(IllegalArgumentException.class, () -> new Standardizer(0));
    }
}
