package streamkmeans.gpu;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import jcuda.driver.CUdeviceptr;
import streamkmeans.engine.Chunks;
import streamkmeans.engine.Init;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.Seeding;
import streamkmeans.engine.Workers;

/**
 * K-Means++ and greedy K-Means++ seeding with the D² weights on the device, giving exactly the
 * centres of {@link Seeding#seed} for the same random generator state: the weights are computed with
 * the CPU's float arithmetic, summed per chunk of the CPU's {@link Chunks} in the CPU's order (in
 * double, point by point), and the draws walk the chunk sums on the host and the chosen chunk on the
 * device as the CPU does. The random generator is advanced by the same calls.
 *
 * <p>Cost per centre: O(n·d·(1 + candidates)) on the device for the weights, O(n / chunks) for the
 * in-order sums (one thread per chunk), and one small transfer per draw and per centre.
 */
final class GpuSeeding {
    private static final int LANES = PackedPoints.LANES;
    private static final int THREADS = 256;

    private final GpuContext gpu;
    private final PackedPoints points;
    private final CUdeviceptr x;
    private final int n;
    private final int d;
    private final long slots;
    private final Chunks chunks;
    private final CUdeviceptr closest;
    private final CUdeviceptr bounds;
    private final CUdeviceptr result;
    private final double[] chunkPotential;

    private GpuSeeding(GpuContext gpu, PackedPoints points, CUdeviceptr x) {
        this.gpu = gpu;
        this.points = points;
        this.x = x;
        this.n = points.size();
        this.d = points.dimension();
        this.slots = (long) points.blocks() * LANES;
        this.chunks = Chunks.of(points.blocks());
        this.closest = gpu.buffer("seeding.closest", slots * Float.BYTES);
        this.bounds = gpu.buffer("seeding.bounds", (chunks.count() + 1L) * Integer.BYTES);
        this.result = gpu.buffer("seeding.result", Long.BYTES);
        this.chunkPotential = new double[chunks.count()];
        int[] starts = new int[chunks.count() + 1];
        for (int c = 0; c < chunks.count(); c++) {
            starts[c] = chunks.start(c);
        }
        starts[chunks.count()] = chunks.end(chunks.count() - 1);
        gpu.upload(bounds, starts, starts.length);
    }

    /**
     * {@link Seeding#seed} on the device for the window {@code x} (its panel already uploaded); the
     * context must be current. {@link Init#RANDOM} draws on the host, as it needs no distances.
     */
    static float[] seed(GpuContext gpu, PackedPoints points, CUdeviceptr x, int k, Init init, int candidates,
            SplittableRandom rng) {
        return switch (init) {
            case RANDOM -> Seeding.seed(points, k, init, candidates, rng, Workers.sequential());
            case KMEANS_PLUS_PLUS -> new GpuSeeding(gpu, points, x).run(k, 1, rng);
            case GREEDY_KMEANS_PLUS_PLUS -> new GpuSeeding(gpu, points, x)
                    .run(k, candidates > 0 ? candidates : 2 + (int) Math.log(k), rng);
        };
    }

    private float[] run(int k, int trials, SplittableRandom rng) {
        float[] centres = new float[k * d];
        // Real points start infinitely far from any centre; padding lanes weigh 0.
        gpu.fill32(closest, Float.floatToRawIntBits(Float.POSITIVE_INFINITY), n);
        gpu.fill32(closest.withByteOffset((long) n * Float.BYTES), 0, slots - n);
        int first = rng.nextInt(n);
        points.copyPoint(first, centres, 0);
        double potential = lower(centres, 0);
        int[] ids = new int[trials];
        CUdeviceptr rows = gpu.buffer("seeding.candidates", (long) trials * d * Float.BYTES);
        CUdeviceptr values = trials > 1 ? gpu.buffer("seeding.values", trials * slots * Float.BYTES) : null;
        CUdeviceptr sums = gpu.buffer("seeding.sums", (long) trials * chunks.count() * Double.BYTES);
        for (int c = 1; c < k; c++) {
            for (int l = 0; l < trials; l++) {
                ids[l] = potential > 0 ? sample(rng.nextDouble() * potential) : rng.nextInt(n);
            }
            int best = 0;
            if (trials > 1) {
                float[] candidates = new float[trials * d];
                for (int l = 0; l < trials; l++) {
                    points.copyPoint(ids[l], candidates, l * d);
                }
                gpu.upload(rows, candidates, 0, candidates.length);
                gpu.launchGrid("candidate_minima", blocksOf(slots), trials, THREADS, x, n, d, rows, closest, values);
                double[] partial = chunkSums(values, trials, sums);
                double bestPotential = Double.POSITIVE_INFINITY;
                for (int l = 0; l < trials; l++) {
                    double p = 0;
                    for (int ch = 0; ch < chunks.count(); ch++) {
                        p += partial[l * chunks.count() + ch];
                    }
                    if (p < bestPotential) {
                        bestPotential = p;
                        best = l;
                    }
                }
            }
            points.copyPoint(ids[best], centres, c * d);
            potential = lower(centres, c * d);
        }
        return centres;
    }

    /** Lowers the weights with the centre at {@code centres[offset..]}; returns the potential. */
    private double lower(float[] centres, int offset) {
        CUdeviceptr centre = gpu.buffer("seeding.centre", (long) d * Float.BYTES);
        gpu.upload(centre, centres, offset, d);
        gpu.launch("lower_closest", blocksOf(slots), THREADS, 0, x, n, d, centre, closest);
        double[] partial = chunkSums(closest, 1, gpu.buffer("seeding.potential", chunks.count() * (long) Double.BYTES));
        System.arraycopy(partial, 0, chunkPotential, 0, chunkPotential.length);
        double sum = 0;
        for (double v : chunkPotential) {
            sum += v;
        }
        return sum;
    }

    /** The per-chunk sums of {@code rows} weight vectors, row-major. */
    private double[] chunkSums(CUdeviceptr values, int rows, CUdeviceptr out) {
        int threads = rows * chunks.count();
        gpu.launch("chunk_sums", (threads + 63) / 64, 64, 0, values, slots, bounds, chunks.count(), rows, out);
        double[] sums = new double[threads];
        gpu.download(out, (long) threads * Double.BYTES).asDoubleBuffer().get(sums);
        return sums;
    }

    /** The CPU's D² draw for {@code target}: walk the chunk sums here, the chosen chunk on the device. */
    private int sample(double target) {
        double before = 0;
        int c = 0;
        while (c < chunks.count() - 1 && before + chunkPotential[c] <= target) {
            before += chunkPotential[c];
            c++;
        }
        long from = (long) chunks.start(c) * LANES;
        long to = Math.min(n, (long) chunks.end(c) * LANES);
        gpu.launch("sample_in_chunk", 1, 1, 0, closest, from, to, before, target, result);
        long index = read();
        if (index < 0) {
            gpu.launch("last_positive_before", 1, 1, 0, closest, from, result);
            index = read();
            if (index < 0) {
                throw new IllegalStateException("positive potential but no point with a positive distance");
            }
        }
        return (int) index;
    }

    private long read() {
        ByteBuffer bytes = gpu.download(result, Long.BYTES);
        return bytes.getLong(0);
    }

    private static long blocksOf(long items) {
        return (items + THREADS - 1) / THREADS;
    }
}
