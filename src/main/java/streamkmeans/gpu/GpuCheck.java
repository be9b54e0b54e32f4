package streamkmeans.gpu;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jcuda.driver.CUdeviceptr;
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
import streamkmeans.engine.Workers;

/**
 * The GPU check of the kit ({@code scripts/gpu-check}, docs/GPU.md): on a machine with a GPU it
 * compares the GPU backend with the CPU backend on generated blobs (same initial centroids: same
 * iterations and repairs, inertia within 1e-6, labels equal but for near ties, K-Means++ seeding
 * giving the same centres, exact silhouette within 1e-6), measures the device's FP32 multiply-add rate and copy bandwidth, times the issue's
 * benchmark cases against that roofline and the CPU, sweeps window sizes for the CPU/GPU crossover,
 * and prints a short table last.
 *
 * <p>Exit status: 0 when every comparison passed, 1 when one failed, 3 when no GPU is usable (one
 * line saying why). Options: {@code --quick} (benchmark cases a tenth of the size, for a smoke run),
 * {@code --probe} (only the line saying whether and which GPU is usable).
 */
public final class GpuCheck {
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_NO_GPU = 3;

    private final PrintStream out;
    private final boolean quick;
    private final boolean probeOnly;
    private final List<String> table = new ArrayList<>();
    private int passed;
    private int failed;
    private double peakFlops;
    private double bandwidth;

    private GpuCheck(PrintStream out, boolean quick, boolean probeOnly) {
        this.out = out;
        this.quick = quick;
        this.probeOnly = probeOnly;
    }

    /** Runs the check; see the class comment for the exit status. */
    public static void main(String[] args) {
        List<String> options = Arrays.asList(args);
        for (String arg : options) {
            if (!arg.equals("--quick") && !arg.equals("--probe")) {
                System.err.println("gpu-check: unknown option '" + arg + "' (expected --quick or --probe)");
                System.exit(2);
            }
        }
        System.exit(new GpuCheck(System.out, options.contains("--quick"), options.contains("--probe")).run());
    }

    private int run() {
        GpuSettings settings = GpuSettings.fromSystemProperties();
        GpuProbe.Verdict verdict = GpuProbe.verdict(settings.device());
        if (!verdict.usable()) {
            out.println("gpu-check: no GPU: " + verdict.detail());
            return EXIT_NO_GPU;
        }
        out.println("gpu-check: GPU " + verdict.detail());
        if (probeOnly) {
            return 0;
        }
        int threads = Runtime.getRuntime().availableProcessors();
        try (GpuLloydBackend gpu = GpuLloydBackend.open(settings.device());
             Workers workers = Workers.create(threads)) {
            CpuLloydBackend cpu = new CpuLloydBackend(workers);
            out.println("== conformance: GPU against CPU (" + (cpu.vectorized() ? "SIMD" : "scalar") + " kernels, "
                    + threads + " threads)");
            attempt("conformance", () -> conformance(gpu, cpu, workers));
            out.println("== roofline");
            attempt("roofline", () -> roofline(gpu.context()));
            out.println("== benchmarks");
            attempt("benchmarks", () -> benchmarks(gpu, cpu, workers));
            out.println("== crossover");
            attempt("crossover", () -> crossover(gpu, workers));
        }
        out.println();
        out.println("gpu-check summary: " + verdict.device().describe());
        out.printf(Locale.ROOT, "roofline: FP32 %.1f TFLOP/s, copy %.0f GB/s (measured)%n", peakFlops / 1e12,
                bandwidth / 1e9);
        out.printf(Locale.ROOT, "%-38s %10s %10s %8s %9s %10s %7s%n", "case", "gpu ms", "cpu ms", "speedup",
                "GFLOP/s", "roof ms", "% roof");
        table.forEach(out::println);
        out.println("conformance: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : EXIT_FAILED;
    }


    private void conformance(GpuLloydBackend gpu, CpuLloydBackend cpu, Workers workers) {
        int[][] shapes = {{20_003, 8, 16}, {6_001, 32, 24}, {100_000, 16, 32}, {50_000, 64, 200},
                {20_000, 130, 70}, {3_001, 1, 4}, {1_000, 512, 8}, {200_000, 8, 1024}};
        for (int[] s : shapes) {
            PackedPoints points = blobs(s[0], s[1], s[2], s[0]);
            float[] init = Seeding.seed(points, s[2], Init.RANDOM, 0, new SplittableRandom(3), workers);
            compare("blobs " + s[0] + "x" + s[1] + " k=" + s[2], gpu, cpu, points, init, s[2],
                    LloydSettings.relative(points, 100, 1e-4));
        }
        PackedPoints capped = blobs(8_000, 4, 12, 5);
        compare("iteration cap 2", gpu, cpu, capped,
                Seeding.seed(capped, 12, Init.RANDOM, 0, new SplittableRandom(1), workers), 12, new LloydSettings(2, 0));

        PackedPoints repair = blobs(3_000, 2, 4, 11);
        float[] init = new float[5 * 2];
        repair.copyPoint(0, init, 0);
        repair.copyPoint(1, init, 2);
        repair.copyPoint(2, init, 4);
        init[6] = 40f;
        init[7] = 40f;
        repair.copyPoint(0, init, 8);
        compare("empty-cluster repair", gpu, cpu, repair, init, 5, LloydSettings.relative(repair, 100, 1e-4));

        float[] huge = Blobs.stationary(4, 6, 12).sample(4_000).points().data().clone();
        for (int i = 0; i < huge.length; i++) {
            huge[i] *= 1e30f;
        }
        PackedPoints hugePoints = PackedPoints.pack(PointBlock.of(huge, 4));
        compare("coordinates 1e30", gpu, cpu, hugePoints,
                Seeding.seed(hugePoints, 6, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(5), workers), 6,
                LloydSettings.relative(hugePoints, 100, 1e-4));

        attempt("repeated run", () -> {
            PackedPoints again = blobs(100_000, 16, 32, 100_000);
            float[] seeds = Seeding.seed(again, 32, Init.RANDOM, 0, new SplittableRandom(3), workers);
            LloydResult first = gpu.run(again, seeds, 32, LloydSettings.relative(again, 100, 1e-4));
            LloydResult second = gpu.run(again, seeds, 32, LloydSettings.relative(again, 100, 1e-4));
            verdict("repeated run, same bits", Arrays.equals(first.centroids(), second.centroids())
                    && Arrays.equals(first.labels(), second.labels()) && first.inertia() == second.inertia(), "");
        });
        attempt("assign", () -> {
            PackedPoints few = blobs(10, 3, 4, 6);
            float[] many = Seeding.seed(blobs(40, 3, 4, 7), 20, Init.RANDOM, 0, new SplittableRandom(2), workers);
            int[] cpuLabels = new int[10];
            int[] gpuLabels = new int[10];
            double cpuInertia = cpu.assign(few, many, 20, cpuLabels);
            double gpuInertia = gpu.assign(few, many, 20, gpuLabels);
            verdict("assign, k=20 > n=10", Arrays.equals(cpuLabels, gpuLabels)
                    && Math.abs(cpuInertia - gpuInertia) <= 1e-12 * cpuInertia,
                    "inertia " + gpuInertia + " vs " + cpuInertia);
        });

        attempt("seeding", () -> seedingCases(gpu, workers));
        attempt("silhouette", () -> silhouetteCases(gpu, workers));
    }

    private void seedingCases(GpuLloydBackend gpu, Workers workers) {
        int[][] seedings = {{20_003, 8, 16}, {100_000, 16, 32}, {1_000, 3, 1000}};
        for (int[] s : seedings) {
            PackedPoints points = blobs(s[0], s[1], s[2], s[0]);
            for (Init method : new Init[] {Init.KMEANS_PLUS_PLUS, Init.GREEDY_KMEANS_PLUS_PLUS}) {
                SplittableRandom onCpu = new SplittableRandom(17);
                SplittableRandom onGpu = new SplittableRandom(17);
                float[] expected = Seeding.seed(points, s[2], method, 0, onCpu, workers);
                float[] actual = gpu.seed(points, s[2], method, 0, onGpu);
                verdict("seeding " + method.label() + " " + s[0] + "x" + s[1] + " k=" + s[2],
                        Arrays.equals(expected, actual) && onCpu.nextLong() == onGpu.nextLong(),
                        "same centres and generator state as the CPU");
            }
        }
    }

    private void silhouetteCases(GpuLloydBackend gpu, Workers workers) {
        for (int[] s : new int[][] {{5_003, 6, 7}, {20_000, 32, 16}}) {
            Blobs.Sample sample = Blobs.stationary(s[1], s[2], s[0]).sample(s[0]);
            PackedPoints points = PackedPoints.pack(sample.points());
            SilhouetteResult expected = Silhouette.exact(points, sample.labels(), s[2], workers);
            SilhouetteResult actual = gpu.exactSilhouette(points, sample.labels(), s[2]);
            verdict("exact silhouette " + s[0] + "x" + s[1] + " k=" + s[2],
                    Math.abs(expected.value() - actual.value()) <= 1e-6,
                    String.format(Locale.ROOT, "%.9f vs CPU %.9f", actual.value(), expected.value()));
        }
    }

    private void compare(String name, GpuLloydBackend gpu, CpuLloydBackend cpu, PackedPoints points, float[] init,
            int k, LloydSettings settings) {
        LloydResult expected = cpu.run(points, init, k, settings);
        LloydResult actual;
        try {
            actual = gpu.run(points, init, k, settings);
        } catch (RuntimeException e) {
            verdict(name, false, e.toString());
            return;
        }
        int d = points.dimension();
        int differ = 0;
        int notTies = 0;
        for (int i = 0; i < points.size(); i++) {
            int a = actual.labels()[i];
            int e = expected.labels()[i];
            if (a != e) {
                differ++;
                double da = distance(points, i, actual.centroids(), a, d);
                double de = distance(points, i, actual.centroids(), e, d);
                notTies += Math.abs(da - de) <= 1e-5 * (da + de) + 1e-12 ? 0 : 1;
            }
        }
        double relative = Math.abs(actual.inertia() - expected.inertia()) / Math.max(expected.inertia(), Double.MIN_NORMAL);
        boolean ok = actual.iterations() == expected.iterations() && actual.converged() == expected.converged()
                && actual.emptyRepairs() == expected.emptyRepairs() && relative <= 1e-6 && notTies == 0;
        verdict(name, ok, String.format(Locale.ROOT,
                "iterations %d/%d, repairs %d/%d, inertia rel. diff %.1e, labels differ %d (not near ties %d)",
                actual.iterations(), expected.iterations(), actual.emptyRepairs(), expected.emptyRepairs(), relative,
                differ, notTies));
    }

    private static double distance(PackedPoints points, int i, float[] centroids, int j, int d) {
        double sum = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) points.get(i, t) - centroids[j * d + t];
            sum += diff * diff;
        }
        return sum;
    }

    /**
     * Runs one step; an exception (a CUDA failure, say) is reported as a failure of that step and
     * the check goes on (after a kernel fault the later steps fail fast, each saying so).
     */
    private void attempt(String name, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            verdict(name, false, e.toString());
            e.printStackTrace(out);
        }
    }

    private void verdict(String name, boolean ok, String detail) {
        if (ok) {
            passed++;
        } else {
            failed++;
        }
        out.println((ok ? "PASS " : "FAIL ") + name + (detail.isEmpty() ? "" : ": " + detail));
    }


    /** The FP32 multiply-add rate and the device-to-device copy bandwidth, best of a few timings. */
    private void roofline(GpuContext gpu) {
        gpu.enter();
        try {
            int blocks = gpu.device().multiprocessors() * 8;
            int threads = 256;
            int iterations = 200_000;
            CUdeviceptr sink = gpu.buffer("roofline.sink", (long) blocks * threads * Float.BYTES);
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 4; rep++) {
                long t0 = System.nanoTime();
                gpu.launch("fma_peak", blocks, threads, 0, sink, iterations, 1.0f + rep);
                gpu.sync();
                best = rep == 0 ? best : Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            peakFlops = 16.0 * iterations * blocks * threads / best;
            long bytes = 1L << 30;
            CUdeviceptr a = gpu.buffer("roofline.a", bytes);
            CUdeviceptr b = gpu.buffer("roofline.b", bytes);
            gpu.fill32(a, 0x3f8ccccd, bytes / Integer.BYTES);
            int copies = 20;
            best = Double.MAX_VALUE;
            for (int rep = 0; rep < 4; rep++) {
                gpu.sync();
                long t0 = System.nanoTime();
                for (int c = 0; c < copies; c++) {
                    gpu.launch("copy_bandwidth", (long) gpu.device().multiprocessors() * 16, threads, 0,
                            c % 2 == 0 ? a : b, c % 2 == 0 ? b : a, bytes / 16);
                }
                gpu.sync();
                best = rep == 0 ? best : Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            bandwidth = 2.0 * bytes * copies / best;
        } finally {
            gpu.exit();
        }
        out.printf(Locale.ROOT, "FP32 fma: %.1f TFLOP/s; device copy: %.0f GB/s (bytes read + written)%n",
                peakFlops / 1e12, bandwidth / 1e9);
    }


    private void benchmarks(GpuLloydBackend gpu, CpuLloydBackend cpu, Workers workers) {
        int scale = quick ? 10 : 1;
        lloydPass(gpu, cpu, workers, 1_000_000 / scale, 32, 256);
        lloydPass(gpu, cpu, workers, 10_000_000 / scale, 8, 16);
        lloydPass(gpu, cpu, workers, 100_000 / scale, 128, 1024);
        silhouette(gpu, 100_000 / scale, 32, 16);
        seeding(gpu, workers, 1_000_000 / scale, 8, 16);
        windowFit(gpu, cpu, workers, 100_000 / scale, 16, 32);
    }

    private void lloydPass(GpuLloydBackend gpu, CpuLloydBackend cpu, Workers workers, int n, int d, int k) {
        PackedPoints points = blobs(n, d, k, 42);
        float[] init = Seeding.seed(points, k, Init.RANDOM, 0, new SplittableRandom(1), workers);
        double gpuMs = perPass(gpu, points, init, k, 11);
        double cpuMs = perPass(cpu, points, init, k, 3);
        double flops = 2.0 * n * k * d;
        double roof = Math.max(flops / peakFlops, 4.0 * n * d / bandwidth) * 1e3;
        String name = "lloyd pass n=" + count(n) + " d=" + d + " k=" + k;
        out.printf(Locale.ROOT, "%s: GPU %.3f ms, CPU %.1f ms per pass%n", name, gpuMs, cpuMs);
        row(name, gpuMs, cpuMs, flops / (gpuMs * 1e6), roof);
    }

    /**
     * Milliseconds per Lloyd pass: a run capped at 1 pass and one capped at {@code many} from the
     * same centroids, after a warm-up (so uploads and compilation are excluded), differenced.
     */
    private static double perPass(LloydBackend backend, PackedPoints points, float[] init, int k, int many) {
        LloydSettings one = new LloydSettings(1, 0);
        backend.run(points, init, k, one);
        long t0 = System.nanoTime();
        LloydResult a = backend.run(points, init, k, one);
        long t1 = System.nanoTime();
        LloydResult b = backend.run(points, init, k, new LloydSettings(many, 0));
        long t2 = System.nanoTime();
        int passes = b.iterations() - a.iterations();
        return passes > 0 ? ((t2 - t1) - (t1 - t0)) / 1e6 / passes : (t2 - t1) / 1e6 / b.iterations();
    }

    private void silhouette(GpuLloydBackend gpu, int n, int d, int k) {
        Blobs.Sample sample = Blobs.stationary(d, k, 7).sample(n);
        PackedPoints points = PackedPoints.pack(sample.points());
        gpu.exactSilhouette(points, sample.labels(), k);
        long t0 = System.nanoTime();
        SilhouetteResult result = gpu.exactSilhouette(points, sample.labels(), k);
        double ms = (System.nanoTime() - t0) / 1e6;
        // Per pair and feature a subtraction and a multiply-add; one square root per pair.
        double flops = 3.0 * n * (double) n * d;
        String name = "exact silhouette n=" + count(n) + " d=" + d;
        out.printf(Locale.ROOT, "%s: GPU %.1f ms (silhouette %.4f)%n", name, ms, result.value());
        row(name, ms, Double.NaN, flops / (ms * 1e6), flops / peakFlops * 1e3);
    }

    private void seeding(GpuLloydBackend gpu, Workers workers, int n, int d, int k) {
        PackedPoints points = blobs(n, d, k, 21);
        gpu.seed(points, k, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(1));
        long t0 = System.nanoTime();
        gpu.seed(points, k, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(2));
        long t1 = System.nanoTime();
        Seeding.seed(points, k, Init.GREEDY_KMEANS_PLUS_PLUS, 0, new SplittableRandom(2), workers);
        long t2 = System.nanoTime();
        String name = "greedy k-means++ n=" + count(n) + " d=" + d + " k=" + k;
        out.printf(Locale.ROOT, "%s: GPU %.1f ms, CPU %.1f ms%n", name, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        row(name, (t1 - t0) / 1e6, (t2 - t1) / 1e6, Double.NaN, Double.NaN);
    }

    private void windowFit(GpuLloydBackend gpu, CpuLloydBackend cpu, Workers workers, int n, int d, int k) {
        PointBlock block = Blobs.stationary(d, k, 9).sample(n).points();
        KMeansConfig config = KMeansConfig.builder(k).nInit(3).seed(1).build();
        new KMeans(gpu, workers).fit(block, config);
        KMeansResult onGpu = new KMeans(gpu, workers).fit(block, config);
        KMeansResult onCpu = new KMeans(cpu, workers).fit(block, config);
        String name = "window fit n=" + count(n) + " d=" + d + " k=" + k;
        out.printf(Locale.ROOT, "%s (3 greedy k-means++ runs, split-merge): GPU %.1f ms (Lloyd %.1f), CPU %.1f ms"
                + " (Lloyd %.1f); inertia %.6e vs %.6e%n", name, onGpu.fitMillis(), onGpu.lloydNanos() / 1e6,
                onCpu.fitMillis(), onCpu.lloydNanos() / 1e6, onGpu.inertia(), onCpu.inertia());
        row(name, onGpu.fitMillis(), onCpu.fitMillis(), Double.NaN, Double.NaN);
    }


    /**
     * Whole Lloyd runs of fresh windows (upload included) on the GPU and on a CPU with 4 threads
     * (a task slot's share), from small to large n·k·d; the smallest size from which the GPU is
     * faster at every larger size is the suggested {@link GpuSettings#MIN_WORK_PROPERTY}.
     */
    private void crossover(GpuLloydBackend gpu, Workers all) {
        int[][] sizes = {{10_000, 2, 8}, {20_000, 4, 8}, {50_000, 8, 8}, {50_000, 8, 16}, {100_000, 8, 16},
                {100_000, 16, 32}, {200_000, 32, 64}};
        long suggested = -1;
        try (Workers four = Workers.create(Math.min(4, all.threads()))) {
            CpuLloydBackend cpu = new CpuLloydBackend(four);
            for (int[] s : sizes) {
                long work = (long) s[0] * s[1] * s[2];
                double gpuMs = Double.MAX_VALUE;
                double cpuMs = Double.MAX_VALUE;
                for (int rep = 0; rep < 3; rep++) {
                    PackedPoints points = blobs(s[0], s[1], s[2], 1000 + rep);
                    float[] init = Seeding.seed(points, s[2], Init.RANDOM, 0, new SplittableRandom(rep), all);
                    LloydSettings settings = LloydSettings.relative(points, 30, 1e-4);
                    long t0 = System.nanoTime();
                    gpu.run(points, init, s[2], settings);
                    long t1 = System.nanoTime();
                    cpu.run(points, init, s[2], settings);
                    long t2 = System.nanoTime();
                    gpuMs = Math.min(gpuMs, (t1 - t0) / 1e6);
                    cpuMs = Math.min(cpuMs, (t2 - t1) / 1e6);
                }
                out.printf(Locale.ROOT, "n·k·d %,13d (n=%d d=%d k=%d): GPU %8.2f ms, CPU (%d threads) %8.2f ms%n",
                        work, s[0], s[1], s[2], gpuMs, four.threads(), cpuMs);
                if (gpuMs < cpuMs) {
                    suggested = suggested < 0 ? work : suggested;
                } else {
                    suggested = -1;
                }
            }
        }
        out.println(suggested < 0
                ? "crossover: the GPU was not faster at the largest size; keep windows on the CPU"
                : "crossover: suggested -D" + GpuSettings.MIN_WORK_PROPERTY + "=" + suggested + " (default "
                        + GpuSettings.DEFAULT_MIN_WORK + ")");
    }


    private static PackedPoints blobs(int n, int d, int k, long seed) {
        return PackedPoints.pack(Blobs.stationary(d, k, seed).sample(n).points());
    }

    private void row(String name, double gpuMs, double cpuMs, double gflops, double roofMs) {
        table.add(String.format(Locale.ROOT, "%-38s %10s %10s %8s %9s %10s %7s", name, number(gpuMs, 3),
                number(cpuMs, 1), Double.isNaN(cpuMs) ? "-" : number(cpuMs / gpuMs, 1) + "x", number(gflops, 0),
                number(roofMs, 3), Double.isNaN(roofMs) ? "-" : number(100 * roofMs / gpuMs, 0) + "%"));
    }

    private static String number(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String count(int n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n);
    }
}
