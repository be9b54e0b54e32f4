package streamkmeans.engine;

import java.util.Objects;

/**
 * A block of {@code n} points of {@code d} float32 features, row-major in one flat array:
 * feature {@code t} of point {@code i} is {@code data[i * d + t]}.
 *
 * <p>This is the engine's public input type. It wraps the array without copying; callers must not
 * change the array while a fit that uses it runs. Memory: {@code 4·n·d} bytes.
 */
public final class PointBlock {
    private final float[] data;
    private final int n;
    private final int d;

    private PointBlock(float[] data, int n, int d) {
        this.data = data;
        this.n = n;
        this.d = d;
    }

    /**
     * Wraps {@code data} as {@code data.length / d} points of dimension {@code d}.
     *
     * @throws IllegalArgumentException when {@code d < 1} or the length is not a multiple of d
     */
    public static PointBlock of(float[] data, int d) {
        Objects.requireNonNull(data, "data");
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + d);
        }
        if (data.length % d != 0) {
            throw new IllegalArgumentException(
                    "array length " + data.length + " is not a multiple of the dimension " + d);
        }
        return new PointBlock(data, data.length / d, d);
    }

    /** Number of points. */
    public int size() {
        return n;
    }

    /** Number of features per point. */
    public int dimension() {
        return d;
    }

    /** The backing row-major array (not a copy). */
    public float[] data() {
        return data;
    }

    /** Feature {@code t} of point {@code i}. */
    public float get(int i, int t) {
        return data[i * d + t];
    }

    /** A copy of point {@code i}'s features. */
    public float[] point(int i) {
        float[] p = new float[d];
        System.arraycopy(data, i * d, p, 0, d);
        return p;
    }

    /** The points {@code indices[0..m)} copied into a new block, in that order. O(m·d). */
    public PointBlock select(int[] indices) {
        float[] out = new float[indices.length * d];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(data, indices[j] * d, out, j * d, d);
        }
        return new PointBlock(out, indices.length, d);
    }
}
