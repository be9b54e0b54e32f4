package streamkmeans.gpu;

import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import streamkmeans.engine.Init;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Workers;

/**
 * The GPU backend with the CPU as its safety net: what {@code --backend auto|gpu} gets when a GPU is
 * usable. Nothing is lost when the GPU fails; the window is fitted on the CPU instead.
 *
 * <p>Routing, per call:
 * <ul>
 *   <li>Windows whose Lloyd pass costs fewer than {@link GpuSettings#minWork()} multiply-adds
 *       (n·k·d) run on the CPU, where they are faster. This is not a fallback.</li>
 *   <li>Otherwise the GPU runs it, its context created on first use. Any failure there (no memory,
 *       a launch or kernel fault, a lost device, the context or the kernels failing to load) sends
 *       the call, and every later call on the same window, to the CPU, and counts one fallback for
 *       the window ({@link #fallbacks()}). The failed context is destroyed.</li>
 *   <li>Retry rule: after a failure the next {@code c} windows run on the CPU (each also counted
 *       as a fallback), then the GPU is tried again with a fresh context; {@code c} starts at 1 and
 *       doubles with each failure up to {@value #MAX_COOLDOWN}, and falls back to 1 after a call
 *       the GPU completes. A window is one {@link PackedPoints} (restarts and refinement of one
 *       fit are calls on the same window).</li>
 *   <li>With {@link GpuSettings#strict()} failures are thrown instead (tests, the check kit).</li>
 * </ul>
 * The first failure of each cause (the CUDA error name) is logged as a warning, once per JVM; the
 * results of a call are those of the backend that completed it, and {@link #name()} says which.
 * Not thread-safe (one instance per fitting thread, as {@link streamkmeans.engine.KMeans}).
 */
public final class FallbackLloydBackend implements LloydBackend {
    /** Most windows sent to the CPU after a failure before the GPU is tried again. */
    public static final int MAX_COOLDOWN = 64;

    private static final Logger LOG = LoggerFactory.getLogger(FallbackLloydBackend.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private final LloydBackend cpu;
    private final Supplier<? extends LloydBackend> gpuFactory;
    private final GpuSettings settings;
    private final Consumer<String> warnings;
    private final Set<String> logged;
    private LloydBackend gpu;
    private String last = "gpu";
    /** Read by metric reporters on other threads. */
    private final AtomicLong fallbacks = new AtomicLong();
    /** The panel of the window in progress (weakly: the backend must not keep windows alive). */
    private WeakReference<float[]> window = new WeakReference<>(null);
    private boolean windowOnCpu;
    private int skip;
    private int cooldown = 1;

    /**
     * A backend that fits on the GPU made by {@code gpuFactory} (called again after each failure)
     * and on {@code cpu} when the GPU cannot; warnings go to this class's logger.
     */
    public FallbackLloydBackend(LloydBackend cpu, Supplier<? extends LloydBackend> gpuFactory, GpuSettings settings) {
        this(cpu, gpuFactory, settings, LOG::warn, LOGGED);
    }

    /** As the public constructor, with the warnings and the set of causes already logged given. */
    FallbackLloydBackend(LloydBackend cpu, Supplier<? extends LloydBackend> gpuFactory, GpuSettings settings,
            Consumer<String> warnings, Set<String> logged) {
        this.cpu = cpu;
        this.gpuFactory = gpuFactory;
        this.settings = settings;
        this.warnings = warnings;
        this.logged = logged;
    }

    /** The backend that completed the last call: {@code "gpu"} or {@code "cpu"}; {@code "gpu"} before any. */
    @Override
    public String name() {
        return last;
    }

    /** Windows fitted on the CPU because the GPU failed or was pausing after a failure (any thread may read). */
    @Override
    public long fallbacks() {
        return fallbacks.get();
    }

    /** {@link LloydBackend#run} on the GPU, or on the CPU as the class comment says. */
    @Override
    public LloydResult run(PackedPoints points, float[] initialCentroids, int k, LloydSettings lloyd) {
        return dispatch(points, k, b -> b.run(points, initialCentroids, k, lloyd));
    }

    /** {@link LloydBackend#assign} on the GPU, or on the CPU as the class comment says. */
    @Override
    public double assign(PackedPoints points, float[] centroids, int k, int[] labels) {
        return dispatch(points, k, b -> b.assign(points, centroids, k, labels));
    }

    /**
     * {@link LloydBackend#seed} on the GPU, or on the CPU as the class comment says. A GPU failure
     * part-way leaves {@code rng} advanced, so the CPU then draws other (equally valid) centres.
     */
    @Override
    public float[] seed(PackedPoints points, int k, Init init, int candidates, SplittableRandom rng, Workers workers) {
        return dispatch(points, k, b -> b.seed(points, k, init, candidates, rng, workers));
    }

    /**
     * {@link LloydBackend#exactSilhouette} on the GPU, or on the CPU as the class comment says; its
     * O(n²·d) work counts as n·n·d against {@link GpuSettings#minWork()}.
     */
    @Override
    public SilhouetteResult exactSilhouette(PackedPoints points, int[] labels, int k, Workers workers) {
        return dispatch(points, points.size(), b -> b.exactSilhouette(points, labels, k, workers));
    }

    /**
     * Runs {@code call} on the GPU or the CPU; {@code width} is the number of centres each point
     * meets in one pass (k for Lloyd and seeding, n for the exact silhouette).
     */
    private <T> T dispatch(PackedPoints points, int width, Function<LloydBackend, T> call) {
        if ((long) points.size() * width * points.dimension() < settings.minWork()) {
            last = "cpu";
            return call.apply(cpu);
        }
        if (window.get() != points.panel()) {
            window = new WeakReference<>(points.panel());
            windowOnCpu = skip > 0;
            if (windowOnCpu) {
                skip--;
                fallbacks.incrementAndGet();
            }
        }
        if (!windowOnCpu) {
            try {
                if (gpu == null) {
                    gpu = gpuFactory.get();
                }
                T result = call.apply(gpu);
                cooldown = 1;
                last = "gpu";
                return result;
            } catch (IllegalArgumentException e) {
                // Invalid arguments: the CPU would refuse them too.
                throw e;
            } catch (RuntimeException | LinkageError e) {
                failed(e);
            }
        }
        last = "cpu";
        return call.apply(cpu);
    }

    private void failed(Throwable e) {
        closeGpu();
        if (settings.strict()) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            GpuException wrapped = new GpuException(e.getClass().getSimpleName(), e.toString());
            wrapped.initCause(e);
            throw wrapped;
        }
        fallbacks.incrementAndGet();
        windowOnCpu = true;
        skip = cooldown;
        cooldown = Math.min(2 * cooldown, MAX_COOLDOWN);
        String kind = e instanceof GpuException g ? g.kind() : e.getClass().getSimpleName();
        if (logged.add(kind)) {
            warnings.accept("GPU backend failed (" + e.getMessage() + "): this window is fitted on the CPU, and so is"
                    + " the next " + (skip == 1 ? "one" : skip + " windows") + " before the GPU is tried again;"
                    + " further failures of this kind are counted in gpuFallbacks, not logged");
        }
    }

    private void closeGpu() {
        if (gpu != null) {
            LloydBackend broken = gpu;
            gpu = null;
            try {
                broken.close();
            } catch (RuntimeException e) {
                // A failed context may refuse to close cleanly; destroying it is best effort.
                LOG.debug("closing the failed GPU backend", e);
            }
        }
    }

    /** Closes the GPU backend if open (its context and memory) and the CPU one. */
    @Override
    public void close() {
        closeGpu();
        cpu.close();
    }
}
