package streamkmeans.gpu;

import java.util.Arrays;
import jcuda.driver.CUdeviceptr;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.SilhouetteResult;

/**
 * The exact silhouette on the device, with the conventions of
 * {@link streamkmeans.engine.Silhouette#exact}: the points are re-packed in cluster order (each
 * cluster from a fresh block of 8), one kernel sums the distances from every point to every
 * cluster in tiles, a second turns the sums into s(i) and partial sums per 256 points, and a
 * third adds those in order. Distances are float32 (differences squared by fused multiply-adds
 * in feature order, a float square root), summed in float over 4 points and then in double.
 *
 * <p>The distance sums take {@code 8·slots·clusters} bytes; above 256 MiB the points are processed
 * in slabs (multiples of 256 slots, so the per-block partials, and the result, do not depend on
 * the slab size). Cost O(n²·d) on the device, O(n·d) on the host for the re-packing.
 */
final class GpuSilhouette {
    private static final int LANES = PackedPoints.LANES;
    private static final int THREADS = 256;
    /** Query slots per block of the distance-sum kernel. */
    private static final int QUERY_TILE = 64;
    private static final long SLAB_BYTES = 256L << 20;

    private GpuSilhouette() {
    }

    /** See {@link GpuLloydBackend#exactSilhouette}; the context must be current. */
    static SilhouetteResult exact(GpuContext gpu, PackedPoints points, int[] labels, int k) {
        int n = points.size();
        int d = points.dimension();
        checkLabels(n, labels, k);
        int[] sizes = new int[k];
        for (int label : labels) {
            sizes[label]++;
        }
        int[] compact = new int[k];
        int clusters = 0;
        for (int c = 0; c < k; c++) {
            compact[c] = sizes[c] > 0 ? clusters++ : -1;
        }
        if (clusters < 2 || clusters > n - 1) {
            return new SilhouetteResult(0.0, "exact", n, false);
        }
        int[] count = new int[clusters];
        int[] firstBlock = new int[clusters];
        int blocks = 0;
        for (int c = 0; c < k; c++) {
            if (compact[c] >= 0) {
                count[compact[c]] = sizes[c];
                firstBlock[compact[c]] = blocks;
                blocks += (sizes[c] + LANES - 1) / LANES;
            }
        }
        int slots = blocks * LANES;
        float[] panel = new float[blocks * d * LANES];
        int[] slotCluster = new int[slots];
        Arrays.fill(slotCluster, -1);
        int[] filled = new int[clusters];
        float[] source = points.panel();
        for (int i = 0; i < n; i++) {
            int j = compact[labels[i]];
            int p = filled[j]++;
            int slot = firstBlock[j] * LANES + p;
            slotCluster[slot] = j;
            int to = (slot / LANES) * d * LANES + slot % LANES;
            int from = points.index(i, 0);
            for (int t = 0; t < d; t++) {
                panel[to + t * LANES] = source[from + t * LANES];
            }
        }

        CUdeviceptr panelOnDevice = gpu.buffer("silhouette.panel", (long) panel.length * Float.BYTES);
        gpu.upload(panelOnDevice, panel, 0, panel.length);
        CUdeviceptr firstBlockOnDevice = gpu.buffer("silhouette.first", (long) clusters * Integer.BYTES);
        gpu.upload(firstBlockOnDevice, firstBlock, clusters);
        CUdeviceptr countOnDevice = gpu.buffer("silhouette.count", (long) clusters * Integer.BYTES);
        gpu.upload(countOnDevice, count, clusters);
        CUdeviceptr slotClusterOnDevice = gpu.buffer("silhouette.slots", (long) slots * Integer.BYTES);
        gpu.upload(slotClusterOnDevice, slotCluster, slots);

        long slab = Math.max(THREADS, SLAB_BYTES / ((long) clusters * Double.BYTES) / THREADS * THREADS);
        slab = Math.min(slab, (slots + THREADS - 1L) / THREADS * THREADS);
        CUdeviceptr sums = gpu.buffer("silhouette.sums", slab * clusters * Double.BYTES);
        long partialCount = (slots + THREADS - 1L) / THREADS;
        CUdeviceptr partials = gpu.buffer("silhouette.partials", partialCount * Double.BYTES);
        CUdeviceptr total = gpu.buffer("silhouette.total", Double.BYTES);
        for (long start = 0; start < slots; start += slab) {
            long length = Math.min(slab, slots - start);
            gpu.launch("silhouette_sums", (length + QUERY_TILE - 1) / QUERY_TILE, THREADS, 0, panelOnDevice, d, slots,
                    firstBlockOnDevice, countOnDevice, clusters, start, sums);
            gpu.launch("silhouette_scores", (length + THREADS - 1) / THREADS, THREADS, 0, sums, slots, clusters,
                    slotClusterOnDevice, countOnDevice, start,
                    partials.withByteOffset(start / THREADS * Double.BYTES));
        }
        gpu.launch("reduce_sum", 1, THREADS, 0, partials, (int) partialCount, total);
        double sum = gpu.download(total, Double.BYTES).getDouble(0);
        return new SilhouetteResult(sum / n, "exact", n, true);
    }

    private static void checkLabels(int n, int[] labels, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("expected " + n + " labels, got " + labels.length);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of point " + i + " is outside [0, " + k + ")");
            }
        }
    }
}
