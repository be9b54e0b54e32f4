package streamkmeans.engine;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * K-Means by Lloyd's algorithm: seeding ({@link Init}), {@code n-init} restarts keeping the lowest
 * inertia, optional random-swap refinement, and exact final distances in the data's own units.
 *
 * <p>The heavy work runs in a {@link LloydBackend} on {@link PackedPoints}; this class steers it.
 * Cost: O(nInit · (seeding + iterations · n·k·d)) time, O(n·d) extra memory for the packed copy.
 * Results depend only on the data, the configuration and the seed, never on the thread count.
 * Instances are not thread-safe: use one per thread (the workers are already parallel).
 */
public final class KMeans {
    private final LloydBackend backend;
    private final Workers workers;

    /** A K-Means driver that runs Lloyd on {@code backend} and seeding on {@code workers}. */
    public KMeans(LloydBackend backend, Workers workers) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    /** The backend Lloyd runs on. */
    public LloydBackend backend() {
        return backend;
    }

    /**
     * Fits {@code config.k()} clusters from scratch: {@code nInit} seeded runs, the lowest inertia
     * kept, then the refinement if configured.
     *
     * @throws IllegalArgumentException when the block is empty or k exceeds the number of points
     */
    public KMeansResult fit(PointBlock points, KMeansConfig config) {
        checkSizes(points, config.k());
        PackedPoints packed = PackedPoints.pack(points);
        LloydSettings settings = LloydSettings.relative(packed, config.maxIterations(), config.tolerance());
        SplittableRandom root = new SplittableRandom(config.seed());
        int k = config.k();
        LloydResult best = null;
        long seedingNanos = 0;
        long lloydNanos = 0;
        for (int run = 0; run < config.nInit(); run++) {
            SplittableRandom rng = root.split();
            long t0 = System.nanoTime();
            float[] init = backend.seed(packed, k, config.init(), config.effectiveCandidates(), rng, workers);
            long t1 = System.nanoTime();
            LloydResult result = backend.run(packed, init, k, settings);
            long t2 = System.nanoTime();
            seedingNanos += t1 - t0;
            lloydNanos += t2 - t1;
            if (best == null || result.inertia() < best.inertia()) {
                best = result;
            }
        }
        int accepted = 0;
        if (config.refinement().enabled()) {
            long t0 = System.nanoTime();
            LocalSearch.Outcome refined = LocalSearch.refine(backend, packed, best, k, settings,
                    config.refinement(), root.split());
            lloydNanos += System.nanoTime() - t0;
            best = refined.result();
            accepted = refined.accepted();
        }
        return finish(points, packed, best, config.nInit(), config.init().label(), seedingNanos, lloydNanos,
                accepted);
    }

    /**
     * Fits from given centroids (a warm start, e.g. the previous window's model): one Lloyd run, no
     * seeding, no restarts. {@code initialCentroids} are k·d floats in the data's units.
     */
    public KMeansResult fitFrom(PointBlock points, float[] initialCentroids, KMeansConfig config) {
        checkSizes(points, config.k());
        return fitFrom(points, PackedPoints.pack(points), initialCentroids, config);
    }

    /**
     * {@link #fitFrom(PointBlock, float[], KMeansConfig)} on points already packed: {@code packed}
     * must be {@link PackedPoints#pack(PointBlock) pack(points)}. Saves the O(n·d) packing when the
     * caller also {@link #predict(PointBlock, PackedPoints, float[], int) predicts} the same block.
     */
    public KMeansResult fitFrom(PointBlock points, PackedPoints packed, float[] initialCentroids, KMeansConfig config) {
        int k = config.k();
        checkSizes(points, k);
        checkPacked(points, packed);
        if (initialCentroids.length != k * points.dimension()) {
            throw new IllegalArgumentException("expected " + k + " initial centroids of dimension "
                    + points.dimension() + " (" + k * points.dimension() + " values), got "
                    + initialCentroids.length + " values");
        }
        LloydSettings settings = LloydSettings.relative(packed, config.maxIterations(), config.tolerance());
        long t0 = System.nanoTime();
        LloydResult result = backend.run(packed, packed.toPacked(initialCentroids, k), k, settings);
        long lloydNanos = System.nanoTime() - t0;
        return finish(points, packed, result, 1, "warm", 0, lloydNanos, 0);
    }

    /**
     * Nearest of {@code k} centroids (data units, row-major) for every point of {@code points},
     * with exact distances. O(n·k·d).
     */
    public Assignment predict(PointBlock points, float[] centroids, int k) {
        checkCentroids(points, centroids, k);
        if (points.size() == 0) {
            return new Assignment(new int[0], new float[0], new int[k], 0);
        }
        return predict(points, PackedPoints.pack(points), centroids, k);
    }

    /**
     * {@link #predict(PointBlock, float[], int)} on points already packed: {@code packed} must be
     * {@link PackedPoints#pack(PointBlock) pack(points)}. O(n·k·d).
     */
    public Assignment predict(PointBlock points, PackedPoints packed, float[] centroids, int k) {
        checkCentroids(points, centroids, k);
        checkPacked(points, packed);
        int[] labels = new int[points.size()];
        backend.assign(packed, packed.toPacked(centroids, k), k, labels);
        return Assignment.exact(points, centroids, k, labels);
    }

    private KMeansResult finish(PointBlock points, PackedPoints packed, LloydResult run, int runs, String seeding,
            long seedingNanos, long lloydNanos, int accepted) {
        int k = run.clusterSizes().length;
        float[] centroids = packed.toOriginal(run.centroids(), k);
        Assignment exact = Assignment.exact(points, centroids, k, run.labels());
        return new KMeansResult(centroids, k, points.dimension(), run.labels(), exact.distances(),
                exact.clusterSizes(), exact.inertia(), run.iterations(), run.converged(), runs, seeding,
                backend.name(), seedingNanos, lloydNanos, accepted, packed, run.centroids());
    }

    private static void checkCentroids(PointBlock points, float[] centroids, int k) {
        if (centroids.length != k * points.dimension()) {
            throw new IllegalArgumentException("centroids have " + centroids.length + " values, expected k·d = "
                    + k * points.dimension());
        }
    }

    private static void checkPacked(PointBlock points, PackedPoints packed) {
        if (packed.size() != points.size() || packed.dimension() != points.dimension()) {
            throw new IllegalArgumentException("packed points (" + packed.size() + " × " + packed.dimension()
                    + ") are not the " + points.size() + " × " + points.dimension() + " points given");
        }
    }

    private static void checkSizes(PointBlock points, int k) {
        if (points.size() == 0) {
            throw new IllegalArgumentException("no points to cluster");
        }
        if (k > points.size()) {
            throw new IllegalArgumentException("k = " + k + " is larger than the number of points ("
                    + points.size() + ")");
        }
    }
}
