package streamkmeans.engine;

/**
 * Settings of one K-Means fit. Immutable; build with {@link #builder(int)}.
 *
 * @param k             number of clusters (at least 1)
 * @param init          seeding method
 * @param candidates    D² candidates per greedy K-Means++ step; 0 means {@code 2 + floor(ln k)}
 * @param nInit         independent seeded runs; the one with the lowest inertia is kept
 * @param maxIterations Lloyd passes per run at most
 * @param tolerance     convergence threshold on the summed squared centroid shift, relative to the
 *                      mean per-feature variance of the data (scikit-learn's {@code tol})
 * @param seed          random seed; equal seeds give equal results whatever the thread count
 * @param refinement    local search after the best run ({@link Refinement#NONE} for none)
 */
public record KMeansConfig(
        int k,
        Init init,
        int candidates,
        int nInit,
        int maxIterations,
        double tolerance,
        long seed,
        Refinement refinement) {

    public KMeansConfig {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (init == null) {
            throw new IllegalArgumentException("init must be given");
        }
        if (candidates < 0) {
            throw new IllegalArgumentException("candidates must be >= 0, got " + candidates);
        }
        if (nInit < 1) {
            throw new IllegalArgumentException("n-init must be at least 1, got " + nInit);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("max-iter must be at least 1, got " + maxIterations);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tol must be a finite number >= 0, got " + tolerance);
        }
        if (refinement == null) {
            refinement = Refinement.NONE;
        }
    }

    /** Greedy K-Means++ candidates actually used: {@code candidates}, or {@code 2 + floor(ln k)}. */
    public int effectiveCandidates() {
        return candidates > 0 ? candidates : 2 + (int) Math.log(k);
    }

    /** The default local search: split-merge until 10 moves in a row fail, no time limit. */
    public static final Refinement DEFAULT_REFINEMENT = Refinement.splitMerge(10, 0);

    /**
     * Defaults: greedy K-Means++, 10 runs, 300 iterations, tol 1e-4, seed 0, then split-merge
     * refinement ({@link #DEFAULT_REFINEMENT}). Up to the refinement this is scikit-learn's
     * {@code KMeans(n_init=10)}; the refinement finds the clusters its restarts miss on data with
     * many clusters, for a few dozen extra Lloyd runs.
     */
    public static Builder builder(int k) {
        return new Builder(k);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(k).init(init).candidates(candidates).nInit(nInit).maxIterations(maxIterations)
                .tolerance(tolerance).seed(seed).refinement(refinement);
    }

    /** Mutable builder of {@link KMeansConfig}. */
    public static final class Builder {
        private int k;
        private Init init = Init.GREEDY_KMEANS_PLUS_PLUS;
        private int candidates;
        private int nInit = 10;
        private int maxIterations = 300;
        private double tolerance = 1e-4;
        private long seed;
        private Refinement refinement = DEFAULT_REFINEMENT;

        private Builder(int k) {
            this.k = k;
        }

        public Builder k(int v) {
            k = v;
            return this;
        }

        public Builder init(Init v) {
            init = v;
            return this;
        }

        public Builder candidates(int v) {
            candidates = v;
            return this;
        }

        public Builder nInit(int v) {
            nInit = v;
            return this;
        }

        public Builder maxIterations(int v) {
            maxIterations = v;
            return this;
        }

        public Builder tolerance(double v) {
            tolerance = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder refinement(Refinement v) {
            refinement = v;
            return this;
        }

        public KMeansConfig build() {
            return new KMeansConfig(k, init, candidates, nInit, maxIterations, tolerance, seed, refinement);
        }
    }
}
