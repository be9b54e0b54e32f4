package streamkmeans.stream;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Workers;

/**
 * Fits a window so that no backend failure can fail the job: with the {@link WindowFitter} on the
 * primary backend; when that throws, again on a fresh CPU backend; when that throws too, the window
 * gets {@link WindowFitter#failed}: status {@code fit_failed} with a one-line error, its points
 * labelled with the key's previous centroids, the key's model unchanged (the version is not
 * bumped). A refit costs a second fit of the window; nothing is retried beyond it.
 *
 * <p>What is caught: every {@link Exception} (including checked ones that native code can throw
 * undeclared) and {@link LinkageError} (a native library or class of an accelerator that cannot
 * load: that library is unusable, the JVM is fine). Not caught: {@link VirtualMachineError}s
 * ({@code OutOfMemoryError}, {@code StackOverflowError}, {@code InternalError}), which say that
 * the JVM's heap, stack or the JVM itself is exhausted or broken rather than the backend; other
 * threads may have failed half-way through their own work, so the task must fail and restore from
 * its checkpoint, as Flink itself treats them. (Running out of GPU memory is not one of them: the
 * CUDA driver reports it as an exception.) Nor is anything caught while the task is being cancelled
 * (its thread interrupted): that failure is the cancellation's.
 *
 * <p>The first failure of each cause (stage and exception class) is logged as one warning line,
 * once per JVM, without a stack trace (the trace goes to DEBUG). Not thread-safe: one per
 * clusterer instance, like {@link WindowFitter}.
 */
final class FailSafeFitter {
    /** How the fit of a window went. */
    enum Path {
        /** Fitted on the primary backend. */
        PRIMARY,
        /** The primary backend threw; fitted on the CPU. */
        CPU_REFIT,
        /** Both threw: status {@code fit_failed}. */
        FAILED
    }

    /**
     * A window's outcome and how it came about.
     *
     * @param outcome the window's outcome
     * @param path    how it was fitted, if at all
     */
    record Result(WindowOutcome outcome, Path path) {
    }

    /** Longest description of one failure in a summary's {@code error}, in characters. */
    static final int MAX_FAILURE_CHARS = 160;

    private static final Logger LOG = LoggerFactory.getLogger(FailSafeFitter.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private final ClustererSettings settings;
    private final LloydBackend primaryBackend;
    private final WindowFitter primary;
    private final BackendFactory cpu;
    private final Workers workers;

    /**
     * A fitter that fits on {@code primaryBackend} (not owned: the caller closes it) and refits on
     * a backend opened from {@code cpu} per refit (closed after it).
     */
    FailSafeFitter(ClustererSettings settings, LloydBackend primaryBackend, BackendFactory cpu, Workers workers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.primaryBackend = Objects.requireNonNull(primaryBackend, "primaryBackend");
        this.cpu = Objects.requireNonNull(cpu, "cpu");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.primary = new WindowFitter(settings, new KMeans(primaryBackend, workers), workers);
    }

    /** Fits one window as {@link WindowFitter#fit} does, falling back as the class comment says. */
    Result fit(String key, ModelState previousOrNull, PointBlock points, long windowStart, long windowEnd) {
        try {
            return new Result(primary.fit(key, previousOrNull, points, windowStart, windowEnd), Path.PRIMARY);
        } catch (Exception | LinkageError e) {
            if (cancelling(e)) {
                throw e;
            }
            String primaryFailure = primaryBackend.name() + " backend: " + describe(e);
            warnOnce("primary:" + e.getClass().getName(), e, "Window fit of key '" + key + "' failed on the "
                    + primaryFailure + "; the window is refitted on the CPU. Further failures of this kind are"
                    + " counted in cpuRefits (or fitFailures), not logged");
            try (LloydBackend backend = cpu.open(workers, OptionalInt.empty())) {
                WindowFitter refit = new WindowFitter(settings, new KMeans(backend, workers), workers);
                return new Result(refit.fit(key, previousOrNull, points, windowStart, windowEnd), Path.CPU_REFIT);
            } catch (Exception | LinkageError e2) {
                if (cancelling(e2)) {
                    throw e2;
                }
                String cpuFailure = "cpu refit: " + describe(e2);
                warnOnce("cpu:" + e2.getClass().getName(), e2, "CPU refit of a window of key '" + key
                        + "' failed too (" + cpuFailure + "): the window gets status fit_failed and its points"
                        + " the previous model's labels (dead letters fit_failed before a key's first model)."
                        + " Further failures of this kind are counted in fitFailures, not logged");
                return new Result(primary.failed(key, previousOrNull, points, windowStart, windowEnd, "cpu",
                        primaryFailure + "; " + cpuFailure), Path.FAILED);
            }
        }
    }

    /** {@link WindowFitter#expired}: the record of a key whose state is dropped; no fit, nothing to fail. */
    WindowSummary expired(String key, ModelState state, long lastEventTime, long expiredAt) {
        return primary.expired(key, state, lastEventTime, expiredAt);
    }

    /** Whether the task is being cancelled: the failure is then the cancellation's, not the backend's. */
    private static boolean cancelling(Throwable e) {
        return Thread.currentThread().isInterrupted() || e instanceof InterruptedException;
    }

    /** The exception's class and the first line of its message, at most {@link #MAX_FAILURE_CHARS}. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName();
        if (message != null && !message.isBlank()) {
            int cut = message.indexOf('\n');
            text += ": " + (cut < 0 ? message : message.substring(0, cut)).strip();
        }
        text = text.replaceAll("\\p{Cntrl}", " ");
        return text.length() <= MAX_FAILURE_CHARS ? text : text.substring(0, MAX_FAILURE_CHARS - 3) + "...";
    }

    private static void warnOnce(String cause, Throwable e, String message) {
        if (LOGGED.add(cause)) {
            LOG.warn(message);
        }
        LOG.debug("window fit failure", e);
    }
}
