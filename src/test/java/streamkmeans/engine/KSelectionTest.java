package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.KSelection.Choice;
import streamkmeans.engine.KSelection.Method;
import streamkmeans.engine.KSelection.Row;

class KSelectionTest {

    /** Rows k = first, first+1, ... with the given inertias and no silhouette. */
    private static List<Row> inertias(int first, double... inertia) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < inertia.length; i++) {
            rows.add(new Row(first + i, inertia[i], Double.NaN));
        }
        return rows;
    }

    private static int elbow(List<Row> rows) {
        return KSelection.choose(rows, Method.ELBOW_LARGEST_DROP).k();
    }

    private static int knee(List<Row> rows) {
        return KSelection.choose(rows, Method.KNEE).k();
    }

    @Test
    void elbowTakesTheKReachedByTheLargestDrop() {
        assertEquals(2, elbow(inertias(1, 1000, 400, 150, 140, 135)));
        assertEquals(3, elbow(inertias(1, 1000, 900, 300, 290)));
        Choice c = KSelection.choose(inertias(1, 1000, 900, 300, 290), Method.ELBOW_LARGEST_DROP);
        assertEquals("the largest drop in inertia over k=1..4, 600.0 per added cluster, is from k=2 to k=3", c.reason());
    }

    @Test
    void elbowTiesGoToTheSmallerK() {
        assertEquals(2, elbow(inertias(1, 100, 50, 0)));
    }

    @Test
    void elbowMeasuresDropsPerUnitOfKOnGappedRanges() {
        // Drops 60 over 4 steps (15 per k) and 20 over one step: the second is steeper.
        List<Row> rows = List.of(new Row(2, 100, Double.NaN), new Row(6, 40, Double.NaN), new Row(7, 20, Double.NaN));
        assertEquals(7, elbow(rows));
    }

    @Test
    void elbowOnFlatOrRisingCurvesKeepsTheSmallestK() {
        Choice flat = KSelection.choose(inertias(3, 10, 10, 10), Method.ELBOW_LARGEST_DROP);
        assertEquals(3, flat.k());
        assertEquals("inertia never drops over k=3..5, so the smallest k=3 is kept", flat.reason());
        assertEquals(3, elbow(inertias(3, 10, 11, 12)));
    }

    @Test
    void oneOrTwoRows() {
        for (Method m : Method.values()) {
            Choice only = KSelection.choose(List.of(new Row(5, 10, 0.5)), m);
            assertEquals(5, only.k());
            assertEquals(m, only.method());
            assertEquals("only k=5 was evaluated", only.reason());
        }
        assertEquals(4, elbow(inertias(3, 10, 5)));
        assertEquals(3, knee(inertias(3, 10, 5)));
        List<Row> two = List.of(new Row(2, 10, 0.4), new Row(3, 5, 0.6));
        assertEquals(3, KSelection.choose(two, Method.SILHOUETTE).k());
    }

    @Test
    void kneeFindsThePointFarthestBelowTheChord() {
        // Normalised: x = 0, .2, ..., 1; y = 1, .333, .111, .056, .022, 0; chord y = 1 - x.
        // Gaps .467 (k=2), .489 (k=3), .344 (k=4): the knee is k=3.
        Choice c = KSelection.choose(inertias(1, 100, 40, 20, 15, 12, 10), Method.KNEE);
        assertEquals(3, c.k());
        assertEquals("k=3 is the knee of the normalised inertia curve over k=1..6, 0.489 below the chord", c.reason());
    }

    @Test
    void kneeOfBlobInertiasIsTheTrueK() {
        // A typical inertia curve of 4 well-separated blobs.
        assertEquals(4, knee(inertias(1, 9000, 5200, 2400, 400, 370, 340, 315, 290, 270)));
    }

    @Test
    void kneeFallsBackWithoutAKnee() {
        assertEquals(2, knee(inertias(2, 30, 20, 10, 0)));
        assertEquals(2, knee(inertias(2, 100, 95, 80, 0)));
        Choice flat = KSelection.choose(inertias(2, 7, 7, 7), Method.KNEE);
        assertEquals(2, flat.k());
        assertTrue(flat.reason().startsWith("inertia is flat over k=2..4"), flat.reason());
    }

    @Test
    void silhouetteTakesTheHighestAndTiesGoToTheSmallerK() {
        List<Row> rows = List.of(new Row(1, 100, Double.NaN), new Row(2, 50, 0.52), new Row(3, 20, 0.71),
                new Row(4, 18, 0.71), new Row(5, 17, 0.40));
        Choice c = KSelection.choose(rows, Method.SILHOUETTE);
        assertEquals(3, c.k());
        assertEquals("silhouette 0.710 is the highest over k=1..5", c.reason());
    }

    @Test
    void silhouetteWithNothingDefinedKeepsTheSmallestK() {
        Choice c = KSelection.choose(inertias(1, 10, 5, 1), Method.SILHOUETTE);
        assertEquals(1, c.k());
        assertEquals("no silhouette is defined over k=1..3, so the smallest k=1 is kept", c.reason());
    }

    @Test
    void silhouetteAcceptsNegativeValues() {
        List<Row> rows = List.of(new Row(2, 10, -0.2), new Row(3, 9, -0.1));
        assertEquals(3, KSelection.choose(rows, Method.SILHOUETTE).k());
    }

    @Test
    void rowsMayComeInAnyOrder() {
        List<Row> rows = new ArrayList<>(inertias(1, 1000, 900, 300, 290));
        java.util.Collections.reverse(rows);
        assertEquals(3, elbow(rows));
    }

    @Test
    void rowFromSilhouetteResult() {
        assertEquals(0.25, Row.of(2, 1, new SilhouetteResult(0.25, "exact", 10, true)).silhouette());
        assertTrue(Double.isNaN(Row.of(1, 1, new SilhouetteResult(0, "exact", 10, false)).silhouette()));
    }

    @Test
    void rejectsBadTables() {
        assertThrows(IllegalArgumentException.class, () -> KSelection.choose(List.of(), Method.KNEE));
        assertThrows(IllegalArgumentException.class,
                () -> KSelection.choose(List.of(new Row(2, 1, 0), new Row(2, 2, 0)), Method.KNEE));
        assertThrows(IllegalArgumentException.class, () -> new Row(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Row(2, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Row(2, 1, 1.5));
    }

    @Test
    void parsesMethodNames() {
        assertEquals(Method.ELBOW_LARGEST_DROP, Method.parse("Elbow"));
        assertEquals(Method.KNEE, Method.parse(" knee"));
        assertEquals(Method.SILHOUETTE, Method.parse("silhouette"));
        assertThrows(IllegalArgumentException.class, () -> Method.parse("gap"));
    }
}
