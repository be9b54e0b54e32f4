package streamkmeans.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Deterministic uniform sampling of point indices. */
public final class Sampling {
    private Sampling() {
    }

    /**
     * {@code m} distinct indices of [0, n), uniform without replacement (a partial Fisher–Yates
     * shuffle driven by {@code seed}), in ascending order so a sample keeps the input order.
     * The same arguments give the same sample. O(n) time and memory.
     *
     * @throws IllegalArgumentException unless {@code 0 <= m <= n}
     */
    public static int[] uniformIndices(int n, int m, long seed) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("cannot sample " + m + " of " + n + " indices");
        }
        int[] index = new int[n];
        Arrays.setAll(index, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = index[i];
            index[i] = index[j];
            index[j] = tmp;
        }
        int[] picked = Arrays.copyOf(index, m);
        Arrays.sort(picked);
        return picked;
    }
}
