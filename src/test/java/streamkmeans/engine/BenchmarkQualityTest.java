package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quality on Fränti's public benchmarks with ground truth, against scikit-learn 1.2.1's figures in
 * ../shared/ANCHORS.md (greedy K-Means++, n_init 10, tol 1e-4, seeds 0..9): with the default
 * configuration (the same plus split-merge refinement) the Centroid Index to the ground-truth
 * centroids must be 0 for at least as many seeds as scikit-learn manages, and the mean SSE over
 * the seeds must not exceed scikit-learn's by more than 0.1%. Where scikit-learn finds every
 * cluster for every seed, plain greedy K-Means++ without refinement must too.
 *
 * <p>On a3 scikit-learn's seeds 0..9 are lucky: over seeds 0..49 it reaches CI 0 in 25/50 (mean
 * SSE 2.998e10), as does plain greedy K-Means++ here (19/50, 3.020e10); the refinement reaches
 * 20/20 (2.894e10).
 */
class BenchmarkQualityTest {
    private static final int SEEDS = 10;
    private static Workers workers;

    @BeforeAll
    static void start() {
        workers = Workers.allProcessors();
    }

    @AfterAll
    static void stop() {
        workers.close();
    }

    static Stream<Arguments> sets() {
        return Stream.of(
                // file, ground-truth centroids, k, seeds that must reach CI 0, scikit-learn's mean SSE
                Arguments.of("s/s1.txt", "s/s1-gt.txt", 15, 10, 8.917616e12),
                Arguments.of("s/s2.txt", "s/s2-gt.txt", 15, 10, 1.327922e13),
                Arguments.of("s/s3.txt", "s/s3-gt.txt", 15, 10, 1.689006e13),
                Arguments.of("s/s4.txt", "s/s4-gt.txt", 15, 10, 1.570538e13),
                Arguments.of("a/a1.txt", "a/a1-gt.txt", 20, 10, 1.214634e10),
                Arguments.of("a/a2.txt", "a/a2-gt.txt", 35, 6, 2.110047e10),
                Arguments.of("a/a3.txt", "a/a3-gt.txt", 50, 7, 2.956818e10),
                Arguments.of("unbalance/unbalance.txt", "unbalance/unbalance-gt.txt", 8, 10, 2.144921e11),
                Arguments.of("birch/birch1.txt", "birch/birch1-gt.txt", 100, 0, 9.620105e13),
                Arguments.of("birch/birch2.txt", "birch/birch2-gt.txt", 100, 4, 4.837098e11),
                Arguments.of("dim/dim032.txt", "dim/dim032-gt.txt", 16, 10, 2.325351e05),
                Arguments.of("dim/dim064.txt", "dim/dim064-gt-derived.txt", 16, 10, Double.NaN),
                Arguments.of("dim/dim128.txt", "dim/dim128-gt-derived.txt", 16, 10, Double.NaN),
                Arguments.of("dim/dim256.txt", "dim/dim256-gt-derived.txt", 16, 10, Double.NaN),
                Arguments.of("dim/dim512.txt", "dim/dim512-gt-derived.txt", 16, 10, 2.968967e05));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sets")
    void matchesScikitLearnOnBenchmark(String file, String truth, int k, int requiredCiZero, double sklearnSse) {
        PointBlock points = Datasets.read(file);
        PointBlock gt = Datasets.read(truth);
        assertEquals(k, gt.size(), "ground truth of " + file);
        KMeans kmeans = new KMeans(new CpuLloydBackend(workers), workers);
        if (requiredCiZero == SEEDS) {
            for (int seed = 0; seed < SEEDS; seed++) {
                KMeansConfig plain = KMeansConfig.builder(k).seed(seed).refinement(Refinement.NONE).build();
                KMeansResult r = kmeans.fit(points, plain);
                assertEquals(0, CentroidIndex.between(r.centroids(), gt.data(), points.dimension()),
                        file + " without refinement, seed " + seed);
            }
        }
        int ciZero = 0;
        double sseSum = 0;
        StringBuilder perSeed = new StringBuilder();
        for (int seed = 0; seed < SEEDS; seed++) {
            KMeansResult r = kmeans.fit(points, KMeansConfig.builder(k).seed(seed).build());
            int ci = CentroidIndex.between(r.centroids(), gt.data(), points.dimension());
            ciZero += ci == 0 ? 1 : 0;
            sseSum += r.inertia();
            perSeed.append(" seed ").append(seed).append(": CI ").append(ci);
        }
        double meanSse = sseSum / SEEDS;
        assertTrue(ciZero >= requiredCiZero,
                file + ": CI 0 in " + ciZero + "/" + SEEDS + " seeds, scikit-learn " + requiredCiZero + ";" + perSeed);
        if (!Double.isNaN(sklearnSse)) {
            assertTrue(meanSse <= sklearnSse * 1.001,
                    file + ": mean SSE " + meanSse + " exceeds scikit-learn's " + sklearnSse + " by more than 0.1%");
        }
    }

    static Stream<Arguments> g2Sets() {
        return Stream.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100).map(Arguments::of);
    }

    @ParameterizedTest(name = "g2-2-{0}")
    @MethodSource("g2Sets")
    void findsBothGaussiansOfG2(int sd) {
        PointBlock points = Datasets.read("g2/g2-2-" + sd + ".txt");
        PointBlock gt = Datasets.read("g2/g2-2-" + sd + "-gt-derived.txt");
        KMeans kmeans = new KMeans(new CpuLloydBackend(workers), workers);
        for (int seed = 0; seed < SEEDS; seed++) {
            KMeansResult r = kmeans.fit(points, KMeansConfig.builder(2).seed(seed).build());
            assertEquals(0, CentroidIndex.between(r.centroids(), gt.data(), 2), "g2-2-" + sd + " seed " + seed);
        }
    }
}
