package streamkmeans.engine;

import java.util.Arrays;

/**
 * A deliberately plain double-precision Lloyd on row-major data, the yardstick for every
 * {@link LloydBackend}: scikit-learn's {@code lloyd} loop written out point by point, with exact
 * {@code (x − c)²} distances, ties to the lowest index and the same empty-cluster repair.
 */
final class ReferenceLloyd {

    /** Outcome of one reference run; centroids row-major, inertia in the data's squared units. */
    record Result(double[] centroids, int[] labels, double inertia, int iterations, boolean converged,
                  int emptyRepairs) {
    }

    private ReferenceLloyd() {
    }

    /** The packed points as row-major doubles (packed units), the data the reference runs on. */
    static double[] rows(PackedPoints points) {
        int n = points.size();
        int d = points.dimension();
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i * d + t] = points.get(i, t);
            }
        }
        return x;
    }

    /** Floats widened to doubles. */
    static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** Squared distance between row {@code i} of {@code x} and row {@code j} of {@code c}. */
    static double distance(double[] x, int i, double[] c, int j, int d) {
        double sum = 0;
        for (int t = 0; t < d; t++) {
            double diff = x[i * d + t] - c[j * d + t];
            sum += diff * diff;
        }
        return sum;
    }

    /** Index of the nearest row of {@code c} to row {@code i} of {@code x}, lowest on ties. */
    static int nearest(double[] x, int i, double[] c, int k, int d) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double dist = distance(x, i, c, j, d);
            if (dist < bestDistance) {
                bestDistance = dist;
                best = j;
            }
        }
        return best;
    }

    /** Lloyd from {@code initial} (k·d) with the stopping rule of {@link LloydBackend}. */
    static Result run(double[] x, int d, double[] initial, int k, int maxIterations, double shiftTolerance) {
        int n = x.length / d;
        double[] centres = initial.clone();
        int[] labels = new int[n];
        int[] previous = new int[n];
        Arrays.fill(previous, -1);
        boolean strict = false;
        boolean converged = false;
        int repairs = 0;
        int iterations = 0;
        while (iterations < maxIterations) {
            iterations++;
            for (int i = 0; i < n; i++) {
                labels[i] = nearest(x, i, centres, k, d);
            }
            double[] sums = new double[k * d];
            long[] sizes = new long[k];
            for (int i = 0; i < n; i++) {
                sizes[labels[i]]++;
                for (int t = 0; t < d; t++) {
                    sums[labels[i] * d + t] += x[i * d + t];
                }
            }
            repairs += relocate(x, d, centres, labels, sums, sizes);
            double shift = 0;
            double[] next = new double[k * d];
            for (int j = 0; j < k; j++) {
                for (int t = 0; t < d; t++) {
                    next[j * d + t] = sizes[j] > 0 ? sums[j * d + t] / sizes[j] : centres[j * d + t];
                    double diff = next[j * d + t] - centres[j * d + t];
                    shift += diff * diff;
                }
            }
            centres = next;
            if (Arrays.equals(labels, previous)) {
                strict = true;
                converged = true;
                break;
            }
            if (shift <= shiftTolerance) {
                converged = true;
                break;
            }
            System.arraycopy(labels, 0, previous, 0, n);
        }
        if (!strict) {
            for (int i = 0; i < n; i++) {
                labels[i] = nearest(x, i, centres, k, d);
            }
        }
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            inertia += distance(x, i, centres, labels[i], d);
        }
        return new Result(centres, labels, inertia, iterations, converged, repairs);
    }

    /** Empty clusters, in index order, take the farthest point of a cluster that can spare one. */
    private static int relocate(double[] x, int d, double[] oldCentres, int[] labels, double[] sums, long[] sizes) {
        int n = labels.length;
        double[] distance = new double[n];
        for (int i = 0; i < n; i++) {
            distance[i] = distance(x, i, oldCentres, labels[i], d);
        }
        boolean[] taken = new boolean[n];
        int repaired = 0;
        for (int j = 0; j < sizes.length; j++) {
            if (sizes[j] != 0) {
                continue;
            }
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && sizes[labels[i]] > 1 && (far < 0 || distance[i] > distance[far])) {
                    far = i;
                }
            }
            taken[far] = true;
            int donor = labels[far];
            for (int t = 0; t < d; t++) {
                sums[donor * d + t] -= x[far * d + t];
                sums[j * d + t] = x[far * d + t];
            }
            sizes[donor]--;
            sizes[j] = 1;
            repaired++;
        }
        return repaired;
    }
}
