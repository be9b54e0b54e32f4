package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CentroidIndexTest {
    private static final float[] FOUR = {0, 0, 10, 0, 0, 10, 10, 10};

    @Test
    void identicalSetsHaveIndexZero() {
        assertEquals(0, CentroidIndex.between(FOUR, FOUR.clone(), 2));
    }

    @Test
    void orderDoesNotMatter() {
        float[] swapped = {10, 10, 0, 10, 10, 0, 0, 0};
        assertEquals(0, CentroidIndex.between(FOUR, swapped, 2));
    }

    @Test
    void smallShiftsDoNotCount() {
        float[] near = {0.5f, -0.3f, 9.6f, 0.2f, 0.1f, 10.4f, 10.2f, 9.9f};
        assertEquals(0, CentroidIndex.between(FOUR, near, 2));
    }

    @Test
    void centroidMovedOntoAnotherCountsOne() {
        // Two centroids now share the cluster at (0, 0) and none covers (10, 10).
        float[] moved = {0, 0, 10, 0, 0, 10, 0.5f, 0.5f};
        assertEquals(1, CentroidIndex.oneWay(moved, FOUR, 2));
        assertEquals(1, CentroidIndex.oneWay(FOUR, moved, 2));
        assertEquals(1, CentroidIndex.between(FOUR, moved, 2));
    }

    @Test
    void twoMissedClustersCountTwo() {
        float[] merged = {0, 0, 0.2f, 0, 0, 0.2f, 10, 10};
        assertEquals(2, CentroidIndex.between(FOUR, merged, 2));
    }

    @Test
    void setsOfDifferentSizes() {
        // An extra centroid near (10, 10): every centroid of FOUR is still hit, but the extra one is
        // an orphan seen from FOUR.
        float[] five = {0, 0, 10, 0, 0, 10, 10, 10, 11, 11};
        assertEquals(0, CentroidIndex.oneWay(five, FOUR, 2));
        assertEquals(1, CentroidIndex.oneWay(FOUR, five, 2));
        assertEquals(1, CentroidIndex.between(FOUR, five, 2));
        assertEquals(1, CentroidIndex.between(five, FOUR, 2));
    }

    @Test
    void rejectsMalformedSets() {
        assertThrows(IllegalArgumentException.class, () -> CentroidIndex.between(FOUR, new float[] {1, 2, 3}, 2));
        assertThrows(IllegalArgumentException.class, () -> CentroidIndex.between(FOUR, new float[0], 2));
        assertThrows(IllegalArgumentException.class, () -> CentroidIndex.between(FOUR, FOUR, 0));
    }
}
