package streamkmeans.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.Init;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Seeding;
import streamkmeans.engine.Silhouette;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Simd;
import streamkmeans.engine.Workers;

/**
 * {@code streamkmeans bench}: times the engine on the synthetic cases W1–W5 of the reference
 * numbers (Gaussian blobs, see {@link Blobs}) and prints a table next to scikit-learn's reference
 * times.
 *
 * <p>Per case: greedy K-Means++ seeding (seed 0, {@code 2 + ln k} candidates); Lloyd measured two
 * ways, in milliseconds per pass: one isolated assignment+update pass from the K-Means++ centroids
 * (with GFLOP/s counting {@code 3·n·k·d} floating-point operations per pass), and the marginal
 * cost of one iteration inside a fit, from k random data points that take more passes than timed
 * to converge; a whole fit from the K-Means++ centroids (n-init 1, tol 1e-4); on W1 the exact
 * silhouette and on W2 the silhouette of a 10 000-point sample. Short operations are warmed up
 * until the JIT has compiled them, then timed about a second's worth; progress goes to stderr, the
 * table (or JSON) to stdout.
 *
 * <p>With {@code --data-dir} the points, the initial centroids and the labels are written as raw
 * little-endian files with a JSON header per case, so that {@code bench/sklearn_bench.py} can run
 * scikit-learn on exactly the same numbers.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Engine benchmark on the synthetic cases W1-W5 (Gaussian blobs): greedy K-Means++ seeding, "
                    + "Lloyd ms per pass (an isolated pass, and per iteration inside a fit) and GFLOP/s, a "
                    + "whole fit, silhouette; compared with scikit-learn's reference times.",
        },
        footer = {
            "",
            "ms/pass is one assignment+update pass over all points: the median time of a one-pass Lloyd "
                    + "run from the K-Means++ centroids (the pass, then the labelling that matches the moved "
                    + "centroids) minus the median time of that labelling alone. GFLOP/s counts 3*n*k*d per "
                    + "pass. ms/iteration in a fit: (a fit of --passes passes - a fit of 1 pass) / (passes - 1), "
                    + "both with tol 0 from k random data points (seed 0), so that no fit converges early; "
                    + "the fits' fixed costs cancel. fit ms: a whole fit from the K-Means++ centroids (n-init 1, "
                    + "tol 1e-4, at most 300 passes), as KMeans(init=centroids, n_init=1).fit in scikit-learn.",
        })
public final class BenchCommand implements Callable<Integer> {
    /** Seed of the generated data and of the seeding. */
    static final long SEED = 0;
    /** Points in the silhouette sample of the sampled cases. */
    static final int SILHOUETTE_SAMPLE = 10_000;
    /** Wall time the timed runs of one measurement add up to when {@code --repeat} is not given. */
    private static final double TARGET_SECONDS = 1.0;
    /**
     * An operation at least this long is timed once: repeating it would cost too much, and the
     * global warm-up has compiled its kernels already.
     */
    private static final double SINGLE_RUN_SECONDS = 1.0;
    private static final double MIN_WARMUP_SECONDS = 0.5;
    private static final double GLOBAL_WARMUP_SECONDS = 2.0;
    private static final double MAX_WARMUP_SECONDS = 10.0;
    private static final double WARMUP_BLOCK_SECONDS = 0.1;
    private static final int MIN_REPEATS = 5;
    private static final int MAX_REPEATS = 1000;
    /** The whole fit's stopping rule: scikit-learn's defaults. */
    private static final int FIT_MAX_ITERATIONS = 300;
    private static final double FIT_TOLERANCE = 1e-4;
    /** Default fit length of the per-iteration measure; from random points every case takes longer. */
    static final int MARGINAL_PASSES = 10;

    /** How a case measures the silhouette. */
    enum SilhouetteMode { NONE, EXACT, SAMPLED }

    /**
     * The cases of the reference numbers with scikit-learn's times there (2 threads, Lloyd ms per
     * pass, greedy K-Means++ seconds and silhouette seconds; NaN where none was measured).
     */
    enum Case {
        W1(10_000, 2, 8, 0.215, Double.NaN, SilhouetteMode.EXACT, 3.8),
        W2(100_000, 8, 16, 2.46, 0.064, SilhouetteMode.SAMPLED, 1.9),
        W3(100_000, 32, 64, 10.8, Double.NaN, SilhouetteMode.NONE, Double.NaN),
        W4(1_000_000, 8, 16, 19.9, 0.70, SilhouetteMode.NONE, Double.NaN),
        W5(200_000, 128, 256, 129, 20.5, SilhouetteMode.NONE, Double.NaN);

        final int n;
        final int d;
        final int k;
        final double sklearnLloydMs;
        final double sklearnSeedingS;
        final SilhouetteMode silhouette;
        final double sklearnSilhouetteS;

        Case(int n, int d, int k, double sklearnLloydMs, double sklearnSeedingS, SilhouetteMode silhouette,
                double sklearnSilhouetteS) {
            this.n = n;
            this.d = d;
            this.k = k;
            this.sklearnLloydMs = sklearnLloydMs;
            this.sklearnSeedingS = sklearnSeedingS;
            this.silhouette = silhouette;
            this.sklearnSilhouetteS = sklearnSilhouetteS;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--cases", split = ",", paramLabel = "CASE",
            description = "Cases to run, comma-separated, from W1..W5 (default: all).")
    List<Case> cases;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: one per available processor).")
    Integer threads;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Timed runs of each measurement after its warm-up (default: about 1 s worth, "
                    + "5 to 1000; an operation of a second or more runs once).")
    Integer repeat;

    @Option(names = "--passes", defaultValue = "" + MARGINAL_PASSES, paramLabel = "N",
            description = "Passes of the long fit in the per-iteration measure, at least 2 "
                    + "(default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "BACKEND",
            converter = FitCommand.BackendConverter.class,
            description = "Where Lloyd runs: auto (a usable GPU, else the CPU), cpu or gpu "
                    + "(default: ${DEFAULT-VALUE}).")
    Backends.Choice backend;

    @Option(names = "--scalar",
            description = "Use the CPU backend with its scalar kernels even where the SIMD ones can run "
                    + "(for comparison).")
    boolean scalar;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as Markdown to FILE.")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Write each case's points, initial centroids and labels (raw little-endian, "
                    + "with a JSON header) to DIR, for bench/sklearn_bench.py.")
    Path dataDir;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws InputException {
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threadCount);
        }
        if (repeat != null && repeat < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat must be at least 1, got " + repeat);
        }
        if (passes < 2) {
            throw new ParameterException(spec.commandLine(), "--passes must be at least 2, got " + passes);
        }
        if (scalar && backend == Backends.Choice.GPU) {
            throw new ParameterException(spec.commandLine(), "--scalar runs the CPU backend; drop --backend gpu");
        }
        try {
            Backends.check(backend);
        } catch (Backends.BackendUnavailableException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Case> selected = cases == null || cases.isEmpty() ? List.of(Case.values())
                : cases.stream().distinct().toList();
        if (dataDir != null) {
            createDirectory(dataDir);
        }
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new InputException(out.toString(), "cannot write: no directory " + parent);
            }
        }
        PrintWriter log = spec.commandLine().getErr();
        List<CaseResult> rows = new ArrayList<>();
        List<SilhouetteRow> silhouettes = new ArrayList<>();
        Machine machine;
        try (Workers workers = Workers.create(threadCount);
                LloydBackend lloyd = scalar ? CpuLloydBackend.scalar(workers) : Backends.open(backend, workers)) {
            machine = Machine.describe(threadCount, lloyd);
            log.println("bench: " + machine.summary());
            warmUp(workers, lloyd);
            for (Case c : selected) {
                rows.add(runCase(c, workers, lloyd, silhouettes, log));
            }
        }
        Report report = new Report(machine, rows, silhouettes);
        String markdown = markdown(report);
        if (out != null) {
            writeText(out, markdown);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(json ? toJson(report) + System.lineSeparator() : markdown);
        stdout.flush();
        return 0;
    }

    private CaseResult runCase(Case c, Workers workers, LloydBackend lloyd, List<SilhouetteRow> silhouettes,
            PrintWriter log) throws InputException {
        log.printf(Locale.ROOT, "bench: %s: generating %d x %d points, k=%d%n", c, c.n, c.d, c.k);
        log.flush();
        Blobs.Sample sample = Blobs.stationary(c.d, c.k, SEED).sample(c.n);
        PackedPoints packed = PackedPoints.pack(sample.points());

        Timed<float[]> seeding = measure(() -> Seeding.seed(packed, c.k, Init.GREEDY_KMEANS_PLUS_PLUS, 0,
                new SplittableRandom(SEED), workers));
        float[] init = seeding.value();
        float[] initOriginal = packed.toOriginal(init, c.k);
        log.printf(Locale.ROOT, "bench: %s: seeding %.3f s; timing Lloyd%n", c, seeding.seconds());
        log.flush();

        LloydTiming pass = timePass(lloyd, packed, init, c.k);
        double gflops = 3.0 * c.n * c.k * c.d / (pass.msPerPass() * 1e6);
        KMeans kmeans = new KMeans(lloyd, workers);
        float[] randomStart = randomPoints(sample.points(), c.k);
        MarginalTiming marginal = timeMarginal(kmeans, sample.points(), randomStart, c.k);
        KMeansConfig fitConfig = KMeansConfig.builder(c.k).nInit(1).maxIterations(FIT_MAX_ITERATIONS)
                .tolerance(FIT_TOLERANCE).build();
        Timed<KMeansResult> fit = measure(() -> kmeans.fitFrom(sample.points(), initOriginal, fitConfig));
        log.printf(Locale.ROOT, "bench: %s: %.3f ms/pass isolated (%.1f GFLOP/s), %.3f ms/iteration in a fit "
                + "(%d passes); fit %.1f ms, %d passes%n", c, pass.msPerPass(), gflops, marginal.msPerPass(),
                marginal.passes(), fit.seconds() * 1e3, fit.value().iterations());
        if (marginal.passes() != passes) {
            log.printf(Locale.ROOT, "bench: %s: the %d-pass fit stopped after %d passes: the per-iteration time "
                    + "covers %d passes%n", c, passes, marginal.passes(), marginal.passes() - 1);
        }
        if (!(pass.msPerPass() > 0)) {
            log.printf(Locale.ROOT, "bench: %s: the pass time is lost in timing noise; rerun on a quieter machine%n",
                    c);
        }
        log.flush();

        int[] labels = fit.value().labels();
        if (c.silhouette != SilhouetteMode.NONE) {
            boolean exact = c.silhouette == SilhouetteMode.EXACT;
            Timed<SilhouetteResult> s = measure(() -> exact
                    ? Silhouette.exact(packed, labels, c.k, workers)
                    : Silhouette.sampled(packed, labels, c.k, SILHOUETTE_SAMPLE, SEED, workers));
            silhouettes.add(new SilhouetteRow(c.name(), c.n, s.value().method(), s.seconds(), s.runs(),
                    s.value().value(), orNull(c.sklearnSilhouetteS)));
            log.printf(Locale.ROOT, "bench: %s: silhouette %s %.3f s%n", c, s.value().method(), s.seconds());
            log.flush();
        }
        double onePassInertia = packed.toOriginalSquared(pass.last().inertia());
        if (dataDir != null) {
            writeCaseData(c, sample, initOriginal, randomStart, labels, onePassInertia, marginal, fit.value());
        }
        return new CaseResult(c.name(), c.n, c.d, c.k, seeding.seconds(), seeding.runs(), pass.repeats(),
                pass.msPerPass(), pass.bestMsPerPass(), gflops, pass.runMs(), pass.labelMs(), onePassInertia,
                marginal.msPerPass(), marginal.bestMsPerPass(), passes, marginal.passes(), marginal.pairs(),
                marginal.inertia(), fit.seconds() * 1e3,
                fit.runs(), fit.value().iterations(), fit.value().inertia(), orNull(c.sklearnLloydMs),
                orNull(c.sklearnSeedingS));
    }

    /**
     * Waits until the engine runs its compiled SIMD kernels (until then it runs the scalar ones,
     * several times slower; on a busy machine the background warm-up can take seconds), then runs
     * every measured operation on a small problem for a while, so that the JIT has compiled the
     * kernels before the first case: a cold first run can take over a second and would then be
     * timed as it is.
     */
    private static void warmUp(Workers workers, LloydBackend lloyd) {
        Simd.awaitVectorReady();
        int k = 16;
        Blobs.Sample sample = Blobs.stationary(8, k, SEED + 1).sample(20_000);
        PackedPoints packed = PackedPoints.pack(sample.points());
        KMeans kmeans = new KMeans(lloyd, workers);
        KMeansConfig config = KMeansConfig.builder(k).nInit(1).build();
        int[] labels = new int[packed.size()];
        long start = System.nanoTime();
        for (int i = 0; i < 20 || elapsed(start) < GLOBAL_WARMUP_SECONDS; i++) {
            float[] init = Seeding.seed(packed, k, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(i), workers);
            lloyd.run(packed, init, k, new LloydSettings(1, 0));
            lloyd.assign(packed, init, k, labels);
            KMeansResult fit = kmeans.fitFrom(sample.points(), packed.toOriginal(init, k), config);
            Silhouette.sampled(packed, fit.labels(), k, 1_000, i, workers);
        }
    }

    /**
     * Times one assignment+update pass as a difference: a Lloyd run of one pass from the initial
     * centroids (the pass, then the labelling that matches the labels to the moved centroids) minus
     * that labelling alone, timed in interleaved pairs so that a change of machine load hits both
     * alike; the median over the pairs. Passes of a longer run cannot be timed instead: from greedy
     * K-Means++ centroids the well-separated blobs converge in two or three passes.
     */
    private LloydTiming timePass(LloydBackend lloyd, PackedPoints packed, float[] init, int k) {
        LloydSettings onePass = new LloydSettings(1, 0);
        int[] labels = new int[packed.size()];
        Supplier<LloydResult> run = () -> lloyd.run(packed, init, k, onePass);
        Supplier<Double> label = () -> lloyd.assign(packed, init, k, labels);
        int pairs = repeats(warm(run) + warm(label));
        double[] runs = new double[pairs];
        double[] labellings = new double[pairs];
        double[] differences = new double[pairs];
        LloydResult last = null;
        for (int p = 0; p < pairs; p++) {
            long start = System.nanoTime();
            last = run.get();
            runs[p] = elapsed(start);
            start = System.nanoTime();
            label.get();
            labellings[p] = elapsed(start);
            differences[p] = runs[p] - labellings[p];
        }
        // The best times estimate the cost on an otherwise idle machine; the medians, a typical run.
        double best = (Arrays.stream(runs).min().orElseThrow() - Arrays.stream(labellings).min().orElseThrow()) * 1e3;
        return new LloydTiming(pairs, median(differences) * 1e3, best, median(runs) * 1e3,
                median(labellings) * 1e3, last);
    }

    /**
     * {@code k} distinct points of {@code points} drawn with seed {@link #SEED}, row-major: a start
     * from which Lloyd takes many passes on the blobs (pairs of centroids in one blob, blobs with
     * none).
     */
    static float[] randomPoints(PointBlock points, int k) {
        int d = points.dimension();
        int[] chosen = new SplittableRandom(SEED).ints(0, points.size()).distinct().limit(k).toArray();
        float[] start = new float[k * d];
        for (int j = 0; j < k; j++) {
            System.arraycopy(points.data(), chosen[j] * d, start, j * d, d);
        }
        return start;
    }

    /**
     * Times one Lloyd iteration as a fit pays for it: a fit of {@code --passes} passes minus a fit
     * of one pass, both from {@code start} with tol 0 (only the pass cap or unchanged labels stop
     * them), divided by the passes between them. The fits' fixed costs (packing, the last
     * labelling, exact distances) cancel; what remains is what each further pass costs, with the
     * backend's incremental sums and bounds at work. Timed in interleaved pairs; the median of the
     * differences, and the best long fit minus the best short one.
     */
    private MarginalTiming timeMarginal(KMeans kmeans, PointBlock points, float[] start, int k) {
        KMeansConfig many = KMeansConfig.builder(k).nInit(1).maxIterations(passes).tolerance(0).build();
        KMeansConfig one = KMeansConfig.builder(k).nInit(1).maxIterations(1).tolerance(0).build();
        Supplier<KMeansResult> longFit = () -> kmeans.fitFrom(points, start, many);
        Supplier<KMeansResult> shortFit = () -> kmeans.fitFrom(points, start, one);
        long begin = System.nanoTime();
        KMeansResult last = longFit.get();
        int pairs;
        if (elapsed(begin) >= SINGLE_RUN_SECONDS) {
            pairs = repeat != null ? repeat : MIN_REPEATS;
        } else {
            pairs = repeats(warm(longFit) + warm(shortFit));
        }
        double[] longs = new double[pairs];
        double[] shorts = new double[pairs];
        double[] differences = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            long t = System.nanoTime();
            last = longFit.get();
            longs[p] = elapsed(t);
            t = System.nanoTime();
            shortFit.get();
            shorts[p] = elapsed(t);
            differences[p] = longs[p] - shorts[p];
        }
        int between = Math.max(1, last.iterations() - 1);
        double best = (Arrays.stream(longs).min().orElseThrow() - Arrays.stream(shorts).min().orElseThrow()) * 1e3;
        return new MarginalTiming(pairs, median(differences) * 1e3 / between, best / between, last.iterations(),
                last.inertia());
    }

    /**
     * Median wall time of {@code op}. An operation that takes {@link #SINGLE_RUN_SECONDS} or more
     * is timed once; a shorter one is warmed up ({@link #warm}) and then timed {@code --repeat}
     * times or about {@link #TARGET_SECONDS} worth.
     */
    private <T> Timed<T> measure(Supplier<T> op) {
        long start = System.nanoTime();
        T value = op.get();
        double first = elapsed(start);
        if (first >= SINGLE_RUN_SECONDS) {
            return new Timed<>(value, first, 1);
        }
        int runs = repeats(warm(op));
        double[] times = new double[runs];
        for (int r = 0; r < runs; r++) {
            start = System.nanoTime();
            value = op.get();
            times[r] = elapsed(start);
        }
        return new Timed<>(value, median(times), runs);
    }

    /**
     * Repeats {@code op} in blocks of at least {@link #WARMUP_BLOCK_SECONDS} until two blocks in a
     * row are not faster than the best one so far (the JIT has compiled its kernels: interpreted
     * Vector API code is tens of times slower), for {@link #MIN_WARMUP_SECONDS} to
     * {@link #MAX_WARMUP_SECONDS}. Returns the typical time of one run in seconds.
     */
    private static double warm(Supplier<?> op) {
        long warmupStart = System.nanoTime();
        double best = Double.MAX_VALUE;
        int calmBlocks = 0;
        while (elapsed(warmupStart) < MAX_WARMUP_SECONDS
                && (calmBlocks < 2 || elapsed(warmupStart) < MIN_WARMUP_SECONDS)) {
            List<Double> block = new ArrayList<>();
            long blockStart = System.nanoTime();
            do {
                long s = System.nanoTime();
                op.get();
                block.add(elapsed(s));
            } while (elapsed(blockStart) < WARMUP_BLOCK_SECONDS);
            double typical = median(block.stream().mapToDouble(Double::doubleValue).toArray());
            if (typical < 0.9 * best) {
                best = typical;
                calmBlocks = 0;
            } else {
                calmBlocks++;
            }
        }
        return best;
    }

    /** Timed runs: {@code --repeat}, or as many as fill {@link #TARGET_SECONDS}, within bounds. */
    private int repeats(double secondsPerRun) {
        return repeat != null ? repeat
                : (int) Math.max(MIN_REPEATS, Math.min(MAX_REPEATS, Math.ceil(TARGET_SECONDS / secondsPerRun)));
    }

    private static double elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int h = v.length / 2;
        return v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2;
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    // ---- data for bench/sklearn_bench.py ----

    private void writeCaseData(Case c, Blobs.Sample sample, float[] init, float[] randomStart, int[] labels,
            double onePassInertia, MarginalTiming marginal, KMeansResult fit) throws InputException {
        String name = c.name();
        writeFloats(dataDir.resolve(name + ".points.f32"), sample.points().data());
        writeFloats(dataDir.resolve(name + ".init.f32"), init);
        writeFloats(dataDir.resolve(name + ".random.f32"), randomStart);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("case", name);
        header.put("n", c.n);
        header.put("d", c.d);
        header.put("k", c.k);
        header.put("seed", SEED);
        header.put("points", array(name + ".points.f32", "<f4", c.n, c.d));
        header.put("init", array(name + ".init.f32", "<f4", c.k, c.d));
        header.put("init_method", "greedy-kmeans++ (streamkmeans Seeding, seed " + SEED + ")");
        header.put("random_init", array(name + ".random.f32", "<f4", c.k, c.d));
        header.put("marginal", Map.of("passes", passes, "tol", 0,
                "init", "random_init: k distinct data points, seed " + SEED));
        if (c.silhouette != SilhouetteMode.NONE) {
            writeInts(dataDir.resolve(name + ".labels.i32"), labels);
            header.put("labels", array(name + ".labels.i32", "<i4", c.n));
            header.put("silhouette", c.silhouette == SilhouetteMode.EXACT ? Map.of("method", "exact")
                    : Map.of("method", "sampled", "sample", SILHOUETTE_SAMPLE, "seed", SEED));
        }
        header.put("fit", Map.of("max_iter", FIT_MAX_ITERATIONS, "tol", FIT_TOLERANCE));
        header.put("ours", Map.of("one_pass_inertia", onePassInertia, "fit_inertia", fit.inertia(),
                "fit_iterations", fit.iterations(), "marginal_iterations", marginal.passes(),
                "marginal_inertia", marginal.inertia()));
        writeText(dataDir.resolve(name + ".json"), toJson(header) + "\n");
    }

    private static Map<String, Object> array(String file, String dtype, int... shape) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("file", file);
        a.put("dtype", dtype);
        a.put("shape", shape);
        return a;
    }

    private static void writeFloats(Path file, float[] values) throws InputException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = openForWrite(file)) {
            for (int i = 0; i < values.length; ) {
                buffer.clear();
                int len = Math.min(buffer.capacity() / Float.BYTES, values.length - i);
                buffer.asFloatBuffer().put(values, i, len);
                buffer.limit(len * Float.BYTES);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                i += len;
            }
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write: " + reason(e), e);
        }
    }

    private static void writeInts(Path file, int[] values) throws InputException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = openForWrite(file)) {
            for (int i = 0; i < values.length; ) {
                buffer.clear();
                int len = Math.min(buffer.capacity() / Integer.BYTES, values.length - i);
                buffer.asIntBuffer().put(values, i, len);
                buffer.limit(len * Integer.BYTES);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                i += len;
            }
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write: " + reason(e), e);
        }
    }

    private static FileChannel openForWrite(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    private static void writeText(Path file, String text) throws InputException {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write: " + reason(e), e);
        }
    }

    private static void createDirectory(Path dir) throws InputException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(dir.toString(), "cannot create directory: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- output ----

    static String toJson(Object value) {
        try {
            return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the bench results", e);
        }
    }

    /** The results as a Markdown document: the machine, the Lloyd table and the silhouette table. */
    static String markdown(Report report) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "streamkmeans bench: %s%n%n", report.machine().summary()));
        md.append("| case | n | d | k | seeding s | ms/pass isolated (best) | GFLOP/s | ms/iteration in a fit (best)"
                + " [passes] | fit ms (passes) | Lloyd isolated vs scikit-learn 2 threads (ANCHORS) | seeding vs"
                + " scikit-learn (ANCHORS) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (CaseResult r : report.cases()) {
            md.append(String.format(Locale.ROOT,
                    "| %s | %,d | %d | %d | %s | %s (%s) | %.1f | %s (%s) [%d] | %s (%d) | %s | %s |%n",
                    r.name(), r.n(), r.d(), r.k(), number(r.seedingS()), number(r.msPerPass()),
                    number(r.bestMsPerPass()), r.gflops(), number(r.msPerIteration()),
                    number(r.bestMsPerIteration()), r.marginalIterations(),
                    number(r.fitMs()), r.fitIterations(), versus(r.anchorSklearnMs(), r.msPerPass(), "ms"),
                    versus(r.anchorSeedingS(), r.seedingS(), "s")));
        }
        if (!report.silhouette().isEmpty()) {
            md.append("\n| silhouette | n | method | seconds | value | vs scikit-learn (ANCHORS) |\n");
            md.append("|---|---:|---|---:|---:|---|\n");
            for (SilhouetteRow s : report.silhouette()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %.6f | %s |%n", s.name(), s.n(),
                        s.method(), number(s.seconds()), s.value(), versus(s.anchorS(), s.seconds(), "s")));
            }
        }
        md.append("\nms/pass isolated: one assignment+update pass over all points (a one-pass Lloyd run from"
                + " the K-Means++ centroids minus a labelling alone): median over the timed pairs, and in"
                + " brackets the best run minus the best labelling; GFLOP/s counts 3*n*k*d per pass, from the"
                + " median. ms/iteration in a fit: (fit of N passes - fit of 1 pass) / (N - 1) from k random"
                + " data points, tol 0; in square brackets the passes the long fit made. Seeding: greedy"
                + " K-Means++, seed 0, 2 + ln k candidates. fit: from the K-Means++ centroids, n-init 1,"
                + " tol 1e-4. ANCHORS numbers come from another run under other load: for a fair ratio run"
                + " bench/sklearn_bench.py side by side (bench/run-bench.sh).\n");
        return md.toString();
    }

    /** "2.46 ms → 3.1× faster" against a reference, or "-" without one. */
    static String versus(Double reference, double ours, String unit) {
        if (reference == null || !(ours > 0)) {
            return "-";
        }
        String ratio = ours <= reference
                ? String.format(Locale.ROOT, "%.1f× faster", reference / ours)
                : String.format(Locale.ROOT, "%.1f× slower", ours / reference);
        return String.format(Locale.ROOT, "%s %s → %s", number(reference), unit, ratio);
    }

    /** Three significant digits without exponent. */
    static String number(double v) {
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.1 ? "%.3f" : "%.4f";
        return String.format(Locale.ROOT, pattern, v);
    }

    private record Timed<T>(T value, double seconds, int runs) {
    }

    private record LloydTiming(int repeats, double msPerPass, double bestMsPerPass, double runMs, double labelMs,
            LloydResult last) {
    }

    /** The per-iteration measure: pairs timed, ms per iteration (median, best), passes made, inertia. */
    private record MarginalTiming(int pairs, double msPerPass, double bestMsPerPass, int passes, double inertia) {
    }

    /**
     * One case's results. Seconds or milliseconds as named; inertia in squared feature units
     * ({@code onePassInertia} after one pass from the K-Means++ centroids, {@code marginalInertia}
     * at the end of the long fit of the per-iteration measure, {@code fitInertia} at the end of the
     * fit); {@code repeats} is the number of timed passes; {@code msPerPass} is the median over them
     * and {@code bestMsPerPass} the best one-pass run minus the best labelling (the cost on an idle
     * machine); GFLOP/s is from the median. {@code msPerIteration} is the marginal cost of one
     * iteration inside a fit (median over {@code marginalPairs} pairs; {@code bestMsPerIteration}
     * from the best fits), measured with fits capped at {@code marginalPassCap} passes that made
     * {@code marginalIterations}. The last two fields are scikit-learn's reference times from
     * ANCHORS.md (null where there is none).
     */
    record CaseResult(@JsonProperty("case") String name, int n, int d, int k, double seedingS, int seedingRuns,
            int repeats, double msPerPass, double bestMsPerPass, double gflops, double onePassRunMs,
            double labellingMs, double onePassInertia, double msPerIteration, double bestMsPerIteration,
            int marginalPassCap, int marginalIterations, int marginalPairs, double marginalInertia, double fitMs,
            int fitRuns, int fitIterations,
            double fitInertia, Double anchorSklearnMs, Double anchorSeedingS) {
    }

    /** One silhouette timing: seconds (median of {@code runs}), the value and the reference time. */
    record SilhouetteRow(@JsonProperty("case") String name, int n, String method, double seconds, int runs,
            double value, Double anchorS) {
    }

    /** Everything one bench run measured. */
    record Report(Machine machine, List<CaseResult> cases, List<SilhouetteRow> silhouette) {
    }

    /** Where the bench ran: CPU model, processors, threads used, Java, kernels and backend. */
    record Machine(String cpu, int processors, int threads, String java, String kernels, String backend,
            long maxHeapMb) {

        static Machine describe(int threads, LloydBackend lloyd) {
            String kernels = !(lloyd instanceof CpuLloydBackend cpu) ? lloyd.name()
                    : cpu.vectorized() ? "SIMD (jdk.incubator.vector)"
                    : Simd.vectorAvailable() ? "scalar (--scalar)"
                    : "scalar (SIMD unavailable: start Java with --add-modules jdk.incubator.vector on an AVX2 CPU)";
            return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), threads,
                    Runtime.version() + " " + System.getProperty("java.vm.name"), kernels, lloyd.name(),
                    Runtime.getRuntime().maxMemory() >> 20);
        }

        String summary() {
            return String.format(Locale.ROOT, "%s, %d processors, %d threads; Java %s; kernels: %s; backend: %s",
                    cpu, processors, threads, java, kernels, backend);
        }

        private static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(System.getProperty("os.arch"));
            } catch (IOException | RuntimeException e) {
                return System.getProperty("os.arch");
            }
        }
    }
}
