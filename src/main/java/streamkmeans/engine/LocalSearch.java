package streamkmeans.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The local searches of {@link Refinement}: random swap and split-merge. Each move is tried from
 * the best solution so far and kept only when it lowers the inertia, so the result is never worse
 * than the Lloyd run it starts from.
 */
final class LocalSearch {
    /** Lloyd passes after each random swap, as in Fränti's paper. */
    private static final int SWAP_PASSES = 2;

    /** The refined run and how many moves were kept. */
    record Outcome(LloydResult result, int accepted) {
    }

    private LocalSearch() {
    }

    static Outcome refine(LloydBackend backend, PackedPoints packed, LloydResult start, int k,
            LloydSettings converge, Refinement refinement, SplittableRandom rng) {
        if (k < 2 || packed.size() <= k || !refinement.enabled()) {
            return new Outcome(start, 0);
        }
        long deadline = refinement.budgetMillis() > 0
                ? System.nanoTime() + refinement.budgetMillis() * 1_000_000L
                : Long.MAX_VALUE;
        return switch (refinement.method()) {
            case RANDOM_SWAP -> randomSwap(backend, packed, start, k, converge, refinement.trials(), deadline, rng);
            case SPLIT_MERGE -> splitMerge(backend, packed, start, k, converge, refinement.trials(), deadline, rng);
            case NONE -> new Outcome(start, 0);
        };
    }

    private static Outcome randomSwap(LloydBackend backend, PackedPoints packed, LloydResult start, int k,
            LloydSettings converge, int swaps, long deadline, SplittableRandom rng) {
        int n = packed.size();
        int d = packed.dimension();
        LloydSettings trial = new LloydSettings(SWAP_PASSES, 0);
        LloydResult current = start;
        int accepted = 0;
        float[] candidate = new float[k * d];
        for (int s = 0; s < swaps && System.nanoTime() < deadline; s++) {
            System.arraycopy(current.centroids(), 0, candidate, 0, k * d);
            packed.copyPoint(rng.nextInt(n), candidate, rng.nextInt(k) * d);
            LloydResult result = backend.run(packed, candidate, k, trial);
            if (result.inertia() < current.inertia()) {
                current = result;
                accepted++;
            }
        }
        if (accepted > 0) {
            LloydResult polished = backend.run(packed, current.centroids(), k, converge);
            if (polished.inertia() <= current.inertia()) {
                current = polished;
            }
        }
        return new Outcome(current, accepted);
    }

    private static Outcome splitMerge(LloydBackend backend, PackedPoints packed, LloydResult start, int k,
            LloydSettings converge, int patience, long deadline, SplittableRandom rng) {
        int d = packed.dimension();
        LloydResult current = start;
        double[] squared = squaredDistances(packed, current);
        boolean[] triedTarget = new boolean[k];
        int accepted = 0;
        int rejectedInARow = 0;
        while (rejectedInARow < patience && System.nanoTime() < deadline) {
            int target = worstCluster(current, squared, triedTarget);
            if (target < 0) {
                break;
            }
            int victim = cheapestMerge(current.centroids(), current.clusterSizes(), k, d, target);
            float[] candidate = current.centroids().clone();
            packed.copyPoint(sampleInCluster(current.labels(), squared, target, rng), candidate, victim * d);
            LloydResult result = backend.run(packed, candidate, k, converge);
            if (result.inertia() < current.inertia()) {
                current = result;
                squared = squaredDistances(packed, current);
                Arrays.fill(triedTarget, false);
                accepted++;
                rejectedInARow = 0;
            } else {
                triedTarget[target] = true;
                rejectedInARow++;
            }
        }
        return new Outcome(current, accepted);
    }

    /** Squared distance of each point to its centroid, packed units, in double. O(n·d). */
    private static double[] squaredDistances(PackedPoints packed, LloydResult run) {
        int n = packed.size();
        int d = packed.dimension();
        float[] c = run.centroids();
        int[] labels = run.labels();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int off = labels[i] * d;
            double s = 0;
            for (int t = 0; t < d; t++) {
                double diff = packed.get(i, t) - c[off + t];
                s += diff * diff;
            }
            out[i] = s;
        }
        return out;
    }

    /** The untried cluster of two or more points with the largest squared error; -1 if none. */
    private static int worstCluster(LloydResult run, double[] squared, boolean[] tried) {
        int k = tried.length;
        double[] error = new double[k];
        int[] labels = run.labels();
        for (int i = 0; i < labels.length; i++) {
            error[labels[i]] += squared[i];
        }
        int worst = -1;
        for (int j = 0; j < k; j++) {
            if (!tried[j] && run.clusterSizes()[j] > 1 && error[j] > 0 && (worst < 0 || error[j] > error[worst])) {
                worst = j;
            }
        }
        return worst;
    }

    /**
     * The centroid (other than {@code target}) whose merge into its nearest other centroid costs
     * least by Ward's criterion {@code n_a·n_b/(n_a+n_b)·||c_a − c_b||²}. O(k²·d).
     */
    private static int cheapestMerge(float[] c, int[] sizes, int k, int d, int target) {
        int best = -1;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            if (a == target) {
                continue;
            }
            double cost = Double.POSITIVE_INFINITY;
            for (int b = 0; b < k; b++) {
                if (b == a) {
                    continue;
                }
                double dist = 0;
                for (int t = 0; t < d; t++) {
                    double diff = c[a * d + t] - c[b * d + t];
                    dist += diff * diff;
                }
                double na = sizes[a];
                double nb = sizes[b];
                double ward = na + nb == 0 ? 0 : na * nb / (na + nb) * dist;
                cost = Math.min(cost, ward);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = a;
            }
        }
        return best;
    }

    /** A point of {@code cluster} drawn with probability proportional to its squared error. */
    private static int sampleInCluster(int[] labels, double[] squared, int cluster, SplittableRandom rng) {
        double total = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == cluster) {
                total += squared[i];
            }
        }
        double target = rng.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == cluster && squared[i] > 0) {
                last = i;
                target -= squared[i];
                if (target < 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
