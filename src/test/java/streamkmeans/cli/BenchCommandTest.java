package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import streamkmeans.cli.FitCommandTest.Run;
import streamkmeans.engine.Blobs;
import streamkmeans.engine.PointBlock;

class BenchCommandTest {
    private static final String NL = System.lineSeparator();

    @Test
    void theRandomStartIsKDistinctDataPointsFromTheSeed() {
        PointBlock points = Blobs.stationary(3, 7, 0).sample(500).points();
        float[] start = BenchCommand.randomPoints(points, 7);
        assertEquals(7 * 3, start.length);
        assertArrayEquals(start, BenchCommand.randomPoints(points, 7), "same seed, same start");
        Set<String> rows = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            rows.add(Arrays.toString(Arrays.copyOfRange(points.data(), i * 3, i * 3 + 3)));
        }
        Set<String> chosen = new HashSet<>();
        for (int j = 0; j < 7; j++) {
            String row = Arrays.toString(Arrays.copyOfRange(start, j * 3, j * 3 + 3));
            assertTrue(rows.contains(row), row + " is not a data point");
            chosen.add(row);
        }
        assertEquals(7, chosen.size(), "distinct points");
    }

    @Test
    void thePerIterationMeasureNeedsAtLeastTwoPasses() {
        Run r = FitCommandTest.run("bench", "--passes", "1");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals("streamkmeans bench: --passes must be at least 2, got 1 (see 'streamkmeans bench --help')" + NL,
                r.err());
    }

    @Test
    void helpDescribesBothLloydMeasures() {
        Run r = FitCommandTest.run("bench", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--passes=N"), r.out());
        assertTrue(r.out().contains("ms/iteration in a fit"), r.out());
    }
}
