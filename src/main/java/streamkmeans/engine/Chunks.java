package streamkmeans.engine;

/**
 * A split of {@code blocks} point blocks into contiguous chunks whose number depends only on the
 * number of blocks, never on the thread count. Reductions combine per-chunk partials in chunk
 * order, which makes every sum deterministic.
 *
 * <p>Chunks are at least {@link #MIN_BLOCKS_PER_CHUNK} blocks ({@code 8} points each) and there are
 * at most {@link #MAX_CHUNKS}, which bounds per-chunk partial buffers (for example {@code k·d}
 * doubles of cluster sums each) to {@code MAX_CHUNKS · k · d · 8} bytes.
 */
public final class Chunks {
    /** Smallest chunk, in blocks of {@link PackedPoints#LANES} points (4096 points). */
    public static final int MIN_BLOCKS_PER_CHUNK = 512;
    /** Largest number of chunks. */
    public static final int MAX_CHUNKS = 64;

    private final int blocks;
    private final int count;

    private Chunks(int blocks, int count) {
        this.blocks = blocks;
        this.count = count;
    }

    /** The chunking of {@code blocks} blocks. */
    public static Chunks of(int blocks) {
        int count = Math.max(1, Math.min(MAX_CHUNKS, blocks / MIN_BLOCKS_PER_CHUNK));
        return new Chunks(blocks, count);
    }

    /** Number of chunks (at least 1). */
    public int count() {
        return count;
    }

    /** First block of chunk {@code c}. */
    public int start(int c) {
        return (int) ((long) blocks * c / count);
    }

    /** One past the last block of chunk {@code c}. */
    public int end(int c) {
        return (int) ((long) blocks * (c + 1) / count);
    }
}
