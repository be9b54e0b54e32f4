package streamkmeans.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The public clustering benchmarks of {@code ../shared/datasets} (Fränti's basic benchmark), read
 * for quality tests. The folder comes from the system property {@code streamkmeans.datasets} (set
 * by the build). When it is missing the tests are skipped, except under CI, where that fails.
 */
final class Datasets {
    private Datasets() {
    }

    static Path root() {
        Path root = Path.of(System.getProperty("streamkmeans.datasets", "../shared/datasets"));
        boolean present = Files.isDirectory(root);
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException("benchmark datasets not found at " + root.toAbsolutePath());
        }
        assumeTrue(present, "benchmark datasets not found at " + root.toAbsolutePath());
        return root;
    }

    /** Whitespace-separated numeric rows of {@code relative} as a point block. */
    static PointBlock read(String relative) {
        Path file = root().resolve(relative);
        try {
            List<String> lines = Files.readAllLines(file);
            int d = -1;
            float[] data = null;
            int n = 0;
            for (String line : lines) {
                String s = line.strip();
                if (s.isEmpty()) {
                    continue;
                }
                String[] cells = s.split("\\s+");
                if (d < 0) {
                    d = cells.length;
                    data = new float[lines.size() * d];
                }
                if (cells.length != d) {
                    throw new IllegalStateException(file + ": ragged row " + line);
                }
                for (int t = 0; t < d; t++) {
                    data[n * d + t] = Float.parseFloat(cells[t]);
                }
                n++;
            }
            float[] exact = new float[n * d];
            System.arraycopy(data, 0, exact, 0, n * d);
            return PointBlock.of(exact, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
