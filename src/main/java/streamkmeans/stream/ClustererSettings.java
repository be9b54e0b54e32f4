package streamkmeans.stream;

import java.io.Serializable;
import java.time.Duration;
import streamkmeans.engine.Backends;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.Refinement;

/**
 * Settings of the window clusterer, the same for every key. Immutable; build with
 * {@link #builder(int)}.
 *
 * @param k                    clusters per window (at least 1)
 * @param nInit                seeded runs of a fresh fit (first window and reseeds); the lowest
 *                             inertia is kept
 * @param seed                 random seed; each window derives its own from it and the window's
 *                             index, so a replay gives the same models
 * @param maxIterations        Lloyd passes per run at most
 * @param tolerance            convergence threshold, relative to the data's variance (as
 *                             {@link KMeansConfig#tolerance()})
 * @param refine               whether a fresh fit runs {@link KMeansConfig#DEFAULT_REFINEMENT}
 *                             after its restarts (warm fits never do)
 * @param reseedFactor         a warm fit whose inertia per point exceeds this factor times the
 *                             rolling inertia per point triggers a fresh fit (greater than 1)
 * @param halfLifeWindows      half-life of the rolling averages, in windows: each window's value
 *                             gets weight {@code 1 − 2^(−1/halfLife)}
 * @param silhouetteExactLimit windows with at most this many fitted points get the exact silhouette
 * @param silhouetteSample     larger windows get the silhouette of this many sampled points; 0
 *                             means the simplified (centroid) silhouette instead
 * @param maxFitPoints         windows with more points fit on a uniform sample of this many;
 *                             every point is still labelled
 * @param labelMode            when points are labelled
 * @param fitThreads           worker threads per clusterer instance for fitting and metrics
 * @param backend              where Lloyd runs: {@code AUTO}, {@code CPU} or {@code GPU}
 * @param keyMetrics           keys per clusterer subtask that get their own metric group (label
 *                             {@code key}); later keys report together as {@code key="_other"}, so
 *                             that the number of metric series stays bounded however many keys
 *                             there are. 0 reports every key as {@code _other}
 * @param keyTtlMillis         idle-key expiry, event-time milliseconds, 0 for none: a key whose
 *                             newest point is this much older than the watermark has its pending
 *                             windows fitted and then all of its state dropped (see
 *                             {@link ClusteringFunction}); at least the window size (time windows)
 * @param gpuDevice            CUDA device ordinal of the GPU backend when Flink's external
 *                             resource {@code gpu} assigns none to the task;
 *                             {@link #DEFAULT_GPU_DEVICE} for the GPU backend's own default
 *                             (device 0, or the {@code streamkmeans.gpu.device} system property)
 */
public record ClustererSettings(
        int k,
        int nInit,
        long seed,
        int maxIterations,
        double tolerance,
        boolean refine,
        double reseedFactor,
        double halfLifeWindows,
        int silhouetteExactLimit,
        int silhouetteSample,
        int maxFitPoints,
        LabelMode labelMode,
        int fitThreads,
        Backends.Choice backend,
        int keyMetrics,
        long keyTtlMillis,
        int gpuDevice) implements Serializable {

    private static final long serialVersionUID = 1L;
    /** {@link #gpuDevice()} when none is given. */
    public static final int DEFAULT_GPU_DEVICE = -1;

    /** When each point's label is emitted. */
    public enum LabelMode {
        /**
         * When the first window that holds the point is fitted, with that window's model: each point
         * is labelled exactly once, also with sliding windows.
         */
        WINDOW,
        /**
         * On arrival, with the key's current model (cluster −1 before the first one); windows are
         * still fitted to update the model.
         */
        ONLINE
    }

    /** Checks every setting; messages name the offending value. */
    public ClustererSettings {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
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
        if (!(reseedFactor > 1) || Double.isInfinite(reseedFactor)) {
            throw new IllegalArgumentException("reseed factor must be a finite number > 1, got " + reseedFactor);
        }
        if (!(halfLifeWindows > 0) || Double.isInfinite(halfLifeWindows)) {
            throw new IllegalArgumentException("half-life must be a finite number of windows > 0, got "
                    + halfLifeWindows);
        }
        if (silhouetteExactLimit < 0) {
            throw new IllegalArgumentException("silhouette exact limit must be >= 0, got " + silhouetteExactLimit);
        }
        if (silhouetteSample < 0 || silhouetteSample == 1) {
            throw new IllegalArgumentException("silhouette sample must be 0 (simplified) or at least 2, got "
                    + silhouetteSample);
        }
        if (maxFitPoints < k) {
            throw new IllegalArgumentException("max fit points (" + maxFitPoints + ") must be at least k (" + k + ")");
        }
        if (labelMode == null) {
            throw new IllegalArgumentException("label mode must be given");
        }
        if (fitThreads < 1) {
            throw new IllegalArgumentException("fit threads must be at least 1, got " + fitThreads);
        }
        if (backend == null) {
            throw new IllegalArgumentException("backend must be given");
        }
        if (keyMetrics < 0) {
            throw new IllegalArgumentException("key metrics must be >= 0, got " + keyMetrics);
        }
        if (keyTtlMillis < 0) {
            throw new IllegalArgumentException("key TTL must be >= 0 (0: keys never expire), got " + keyTtlMillis
                    + " ms");
        }
        if (gpuDevice < DEFAULT_GPU_DEVICE) {
            throw new IllegalArgumentException("GPU device must be >= 0, got " + gpuDevice);
        }
    }

    /** Whether idle keys expire ({@link #keyTtlMillis()} positive). */
    public boolean expiresKeys() {
        return keyTtlMillis > 0;
    }

    /**
     * Checks that idle keys outlive their windows: a key's TTL must be at least the window size,
     * so that every window holding a key's newest point closes before the key expires.
     *
     * @throws IllegalArgumentException when a positive TTL is shorter than a time window
     */
    public void checkKeyTtlCovers(WindowSpec windows) {
        if (expiresKeys() && windows.isTime() && keyTtlMillis < windows.sizeMillis()) {
            throw new IllegalArgumentException("key TTL (" + keyTtlMillis + " ms) must be at least the window size ("
                    + windows.sizeMillis() + " ms)");
        }
    }

    /**
     * Defaults: 3 runs per fresh fit, seed 0, 300 iterations, tol 1e-4, refinement on, reseed
     * factor 2, half-life 5 windows, exact silhouette up to 2000 points and 1000 sampled above,
     * fits on at most 50 000 points, labels per window, 1 thread, backend {@code AUTO}, metric
     * groups for 10 keys per subtask, keys never expire.
     */
    public static Builder builder(int k) {
        return new Builder(k);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(k).nInit(nInit).seed(seed).maxIterations(maxIterations).tolerance(tolerance)
                .refine(refine).reseedFactor(reseedFactor).halfLifeWindows(halfLifeWindows)
                .silhouetteExactLimit(silhouetteExactLimit).silhouetteSample(silhouetteSample)
                .maxFitPoints(maxFitPoints).labelMode(labelMode).fitThreads(fitThreads).backend(backend)
                .keyMetrics(keyMetrics).keyTtl(Duration.ofMillis(keyTtlMillis)).gpuDevice(gpuDevice);
    }

    /** The local search of a fresh fit: {@link KMeansConfig#DEFAULT_REFINEMENT} or {@link Refinement#NONE}. */
    public Refinement refinement() {
        return refine ? KMeansConfig.DEFAULT_REFINEMENT : Refinement.NONE;
    }

    /** Weight of the newest window in the rolling averages: {@code 1 − 2^(−1/halfLifeWindows)}. */
    public double rollingAlpha() {
        return 1 - Math.pow(2, -1 / halfLifeWindows);
    }

    /** The engine configuration of a fit of this window, seeded with {@code windowSeed}. */
    public KMeansConfig kmeansConfig(long windowSeed) {
        return KMeansConfig.builder(k).nInit(nInit).maxIterations(maxIterations).tolerance(tolerance)
                .seed(windowSeed).refinement(refinement()).build();
    }

    /** Mutable builder of {@link ClustererSettings}. */
    public static final class Builder {
        private int k;
        private int nInit = 3;
        private long seed;
        private int maxIterations = 300;
        private double tolerance = 1e-4;
        private boolean refine = true;
        private double reseedFactor = 2.0;
        private double halfLifeWindows = 5;
        private int silhouetteExactLimit = 2000;
        private int silhouetteSample = 1000;
        private int maxFitPoints = 50_000;
        private LabelMode labelMode = LabelMode.WINDOW;
        private int fitThreads = 1;
        private Backends.Choice backend = Backends.Choice.AUTO;
        private int keyMetrics = 10;
        private long keyTtlMillis;
        private int gpuDevice = DEFAULT_GPU_DEVICE;

        private Builder(int k) {
            this.k = k;
        }

        public Builder k(int v) {
            k = v;
            return this;
        }

        public Builder nInit(int v) {
            nInit = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
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

        public Builder refine(boolean v) {
            refine = v;
            return this;
        }

        public Builder reseedFactor(double v) {
            reseedFactor = v;
            return this;
        }

        public Builder halfLifeWindows(double v) {
            halfLifeWindows = v;
            return this;
        }

        public Builder silhouetteExactLimit(int v) {
            silhouetteExactLimit = v;
            return this;
        }

        public Builder silhouetteSample(int v) {
            silhouetteSample = v;
            return this;
        }

        public Builder maxFitPoints(int v) {
            maxFitPoints = v;
            return this;
        }

        public Builder labelMode(LabelMode v) {
            labelMode = v;
            return this;
        }

        public Builder fitThreads(int v) {
            fitThreads = v;
            return this;
        }

        public Builder backend(Backends.Choice v) {
            backend = v;
            return this;
        }

        public Builder keyMetrics(int v) {
            keyMetrics = v;
            return this;
        }

        /** Idle-key expiry in event time, whole milliseconds; {@link Duration#ZERO}: never. */
        public Builder keyTtl(Duration v) {
            keyTtlMillis = v.toMillis();
            return this;
        }

        /** CUDA device ordinal for the GPU backend, or {@link #DEFAULT_GPU_DEVICE}. */
        public Builder gpuDevice(int v) {
            gpuDevice = v;
            return this;
        }

        /** The settings; throws {@link IllegalArgumentException} for an invalid value. */
        public ClustererSettings build() {
            return new ClustererSettings(k, nInit, seed, maxIterations, tolerance, refine, reseedFactor,
                    halfLifeWindows, silhouetteExactLimit, silhouetteSample, maxFitPoints, labelMode, fitThreads,
                    backend, keyMetrics, keyTtlMillis, gpuDevice);
        }
    }
}
