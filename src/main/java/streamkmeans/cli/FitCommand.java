package streamkmeans.cli;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import streamkmeans.cli.PointFileReader.Format;
import streamkmeans.engine.ClusterIndices;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Init;
import streamkmeans.engine.KMeans;
import streamkmeans.engine.KMeansConfig;
import streamkmeans.engine.KMeansResult;
import streamkmeans.engine.KSelection;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.PackedPoints;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Refinement;
import streamkmeans.engine.Silhouette;
import streamkmeans.engine.SilhouetteResult;
import streamkmeans.engine.Standardizer;
import streamkmeans.engine.Workers;

/**
 * {@code streamkmeans fit}: one offline K-Means fit of a file of points, printed as the window
 * summary JSON object (without the window fields), optionally with the centroids and labels
 * written to files.
 *
 * <p>With {@code --k auto} every k of {@code --k-range} is fitted and scored, and the k chosen by
 * {@code --k-method} is reported together with the table it was chosen from. With
 * {@code --standardize} the fit runs on z-scores: centroids (in the JSON and in
 * {@code --centroids-out}) are mapped back to original units, while inertia and the quality indices
 * stay in the standardized space the fit minimised, which the summary marks with
 * {@code "standardized": true}. The summary ends with a {@code refinement} object: the local search
 * that ran after the best run, its trials and time budget, and how many of its moves were kept.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Fits K-Means to a file of points and prints the summary as one JSON object on stdout.",
            "Input: one point per line, whitespace- or comma-separated numbers (a header row of names is "
                    + "skipped), or JSON lines (arrays, or objects with a \"features\" array).",
        },
        footer = {
            "",
            "With --standardize, inertia and the quality indices are in z-score units;",
            "centroids are mapped back to the original units.",
            "Exit codes: 0 done, 2 bad option or input, 1 internal error.",
            "Example: streamkmeans fit --input points.txt --k auto --k-range 2..12 --pretty",
        })
public final class FitCommand implements Callable<Integer> {

    /** How the silhouette of the fit is computed. */
    enum SilhouetteMode { AUTO, EXACT, SAMPLED, SIMPLIFIED, NONE }

    /** Default patience of split-merge: rejected moves in a row (the engine's default too). */
    static final int SPLIT_MERGE_TRIALS = 10;
    /** Default number of random-swap moves. */
    static final int SWAP_TRIALS = 1000;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "File of points, one per line; '-' reads standard input.")
    String input;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "auto, whitespace, csv or jsonl (default: ${DEFAULT-VALUE}: jsonl when the first "
                    + "line starts with '{' or '[', csv when it has a comma, else whitespace).")
    Format format;

    @Option(names = "--k", required = true, paramLabel = "N|auto",
            description = "Number of clusters, or 'auto' to choose it from --k-range.")
    String k;

    @Option(names = "--k-range", defaultValue = "2..10", paramLabel = "LO..HI",
            description = "Values of k tried with --k auto (default: ${DEFAULT-VALUE}).")
    String kRange;

    @Option(names = "--k-method", defaultValue = "silhouette", paramLabel = "METHOD",
            converter = KMethodConverter.class,
            description = "How --k auto chooses: silhouette (highest), elbow (largest inertia drop) or "
                    + "knee (Kneedle) (default: ${DEFAULT-VALUE}).")
    KSelection.Method kMethod;

    @Option(names = "--n-init", defaultValue = "10", paramLabel = "N",
            description = "Seeded runs; the lowest inertia is kept (default: ${DEFAULT-VALUE}).")
    int nInit;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED",
            description = "Random seed; equal seeds give equal results on any thread count (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-iter", defaultValue = "300", paramLabel = "N",
            description = "Lloyd iterations per run at most (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "TOL",
            description = "Convergence threshold on the centroid shift, relative to the data's mean "
                    + "feature variance, as scikit-learn's tol (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--init", defaultValue = "greedy-kmeans++", paramLabel = "INIT", converter = InitConverter.class,
            description = "Seeding: greedy-kmeans++, kmeans++ or random (default: ${DEFAULT-VALUE}).")
    Init init;

    @Option(names = "--candidates", defaultValue = "0", paramLabel = "N",
            description = "Candidates per greedy K-Means++ step; 0 means 2 + ln k (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "BACKEND", converter = BackendConverter.class,
            description = "Where Lloyd runs: auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    Backends.Choice backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: all processors). Results do not depend on it.")
    Integer threads;

    @Option(names = "--standardize",
            description = "Fit on z-scores; centroids are reported in the original units.")
    boolean standardize;

    @Option(names = "--refine", defaultValue = "split-merge", paramLabel = "METHOD", converter = RefineConverter.class,
            description = "Local search after the best run: split-merge, swap (random swap) or none "
                    + "(default: ${DEFAULT-VALUE}).")
    Refinement.Method refine;

    @Option(names = "--refine-trials", paramLabel = "N",
            description = "split-merge: rejected moves in a row before it stops (default: " + SPLIT_MERGE_TRIALS
                    + "); swap: moves tried (default: " + SWAP_TRIALS + ").")
    Integer refineTrials;

    @Option(names = "--refine-seconds", defaultValue = "0", paramLabel = "S",
            description = "Time budget of the local search; 0 means none, and then the result depends "
                    + "only on the seed (default: ${DEFAULT-VALUE}).")
    double refineSeconds;

    @Option(names = "--silhouette", defaultValue = "auto", paramLabel = "METHOD",
            converter = SilhouetteModeConverter.class,
            description = "exact, sampled, simplified, auto or none (default: ${DEFAULT-VALUE}: exact up to "
                    + "--silhouette-exact-limit points, else sampled).")
    SilhouetteMode silhouette;

    @Option(names = "--silhouette-exact-limit", defaultValue = "20000", paramLabel = "N",
            description = "Largest n for which auto computes the exact silhouette (default: ${DEFAULT-VALUE}).")
    int silhouetteExactLimit;

    @Option(names = "--silhouette-sample", defaultValue = "10000", paramLabel = "N",
            description = "Points in the sampled silhouette (default: ${DEFAULT-VALUE}).")
    int silhouetteSample;

    @Option(names = "--centroids-out", paramLabel = "FILE",
            description = "Write the centroids, one per line, whitespace-separated, full float precision.")
    Path centroidsOut;

    @Option(names = "--labels-out", paramLabel = "FILE",
            description = "Write each point's cluster (0-based), one per line, in input order.")
    Path labelsOut;

    @Option(names = "--pretty", description = "Indent the JSON output.")
    boolean pretty;

    @Override
    public Integer call() throws InputException {
        Integer fixedK = parseK();
        int[] range = fixedK == null ? parseRange() : new int[] {fixedK, fixedK};
        KMeansConfig config = baseConfig(range[0]);
        checkOptions(fixedK == null);

        String source = input.equals("-") ? PointFileReader.STDIN : input;
        PointBlock original = input.equals("-")
                ? PointFileReader.read(new InputStreamReader(System.in, StandardCharsets.UTF_8), source, format)
                : PointFileReader.read(Path.of(input), format);
        int n = original.size();
        if (range[1] > n) {
            throw new InputException(source, n + (n == 1 ? " point" : " points") + ", fewer than "
                    + (fixedK == null ? "the largest k of --k-range " + kRange : "k = " + fixedK));
        }
        Standardizer standardizer = standardize ? Standardizer.of(original) : null;
        PointBlock points = standardize ? standardizer.transform(original) : original;

        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        try (Workers workers = Workers.create(threadCount); LloydBackend lloyd = Backends.open(backend, workers)) {
            KMeans kmeans = new KMeans(lloyd, workers);
            Chosen chosen = fixedK != null
                    ? new Chosen(fitAndScore(kmeans, points, config, workers), null)
                    : chooseK(kmeans, points, config, range[0], range[1], workers);
            KMeansResult result = chosen.fit().result();
            float[] centroids = standardize
                    ? standardizer.inverseCentroids(result.centroids(), result.k())
                    : result.centroids();
            SummaryJson summary = SummaryJson.ofFit(result, centroids, quality(chosen.fit(), workers), config.seed());
            summary.put("refinement", refinementJson(config.refinement(), result));
            if (standardize) {
                summary.put("standardized", BooleanNode.TRUE);
            }
            if (chosen.selection() != null) {
                summary.put("k_selection", chosen.selection());
            }
            if (centroidsOut != null) {
                writeCentroids(centroidsOut, centroids, result.k(), result.dimension());
            }
            if (labelsOut != null) {
                writeLabels(labelsOut, result.labels());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(summary.write(pretty));
            out.flush();
        }
        return 0;
    }

    /** What the local search was and how many of its moves were kept. */
    private static ObjectNode refinementJson(Refinement refinement, KMeansResult result) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("method", refinement.method().label());
        if (refinement.enabled()) {
            o.put("trials", refinement.trials());
            o.put("budget_ms", refinement.budgetMillis());
            o.put("accepted", result.swapsAccepted());
        }
        return o;
    }

    /** The fit reported, and with {@code --k auto} the {@code k_selection} object that chose it. */
    private record Chosen(Fit fit, ObjectNode selection) {
    }

    /**
     * Fits and scores every k of [lo, hi] and keeps the one {@code --k-method} chooses. All fits are
     * kept until the choice is made, so memory grows to (hi − lo + 1) packed copies of the points.
     */
    private Chosen chooseK(KMeans kmeans, PointBlock points, KMeansConfig config, int lo, int hi, Workers workers) {
        List<Fit> fits = new ArrayList<>();
        List<KSelection.Row> rows = new ArrayList<>();
        for (int k = lo; k <= hi; k++) {
            Fit f = fitAndScore(kmeans, points, config.toBuilder().k(k).build(), workers);
            fits.add(f);
            SilhouetteResult s = f.silhouette();
            rows.add(new KSelection.Row(k, f.result().inertia(), s != null && s.defined() ? s.value() : Double.NaN));
        }
        KSelection.Choice choice = KSelection.choose(rows, kMethod);
        return new Chosen(fits.get(choice.k() - lo), SummaryJson.kSelection(choice, rows));
    }

    /** A fit with its silhouette (null when {@code --silhouette none}) and the time the latter took. */
    private record Fit(KMeansResult result, SilhouetteResult silhouette, long silhouetteNanos) {
    }

    private Fit fitAndScore(KMeans kmeans, PointBlock points, KMeansConfig config, Workers workers) {
        KMeansResult result = kmeans.fit(points, config);
        long t0 = System.nanoTime();
        SilhouetteResult s = silhouette(result, workers, kmeans.backend());
        return new Fit(result, s, System.nanoTime() - t0);
    }

    private SilhouetteResult silhouette(KMeansResult r, Workers workers, LloydBackend backend) {
        PackedPoints packed = r.packed();
        int k = r.k();
        return switch (silhouette) {
            case NONE -> null;
            case EXACT -> backend.exactSilhouette(packed, r.labels(), k, workers);
            case SAMPLED -> Silhouette.sampled(packed, r.labels(), k, silhouetteSample, seed, workers);
            case SIMPLIFIED -> Silhouette.simplified(packed, r.labels(), k, r.packedCentroids(), workers);
            case AUTO -> Silhouette.auto(packed, r.labels(), k, r.packedCentroids(), silhouetteExactLimit,
                    silhouetteSample, seed, workers, backend);
        };
    }

    /** Silhouette (already computed with the fit) plus the Davies–Bouldin and Calinski–Harabasz indices. */
    private static SummaryJson.Quality quality(Fit fit, Workers workers) {
        KMeansResult r = fit.result();
        long t0 = System.nanoTime();
        ClusterIndices indices = ClusterIndices.compute(r.packed(), r.labels(), r.k(), workers);
        long indexNanos = System.nanoTime() - t0;
        Map<String, String> undefined = new LinkedHashMap<>();
        SilhouetteResult s = fit.silhouette();
        Double silhouetteValue = null;
        if (s != null && s.defined()) {
            silhouetteValue = s.value();
        } else if (s != null) {
            String where = s.sampleSize() < r.labels().length
                    ? " (the silhouette sample holds " + s.sampleSize() + " points)" : "";
            undefined.put("silhouette", undefinedReason(r.clusterSizes(), r.labels().length) + where);
        }
        if (!indices.defined()) {
            String reason = undefinedReason(r.clusterSizes(), r.labels().length);
            undefined.put("davies_bouldin", reason);
            undefined.put("calinski_harabasz", reason);
        }
        return new SummaryJson.Quality(
                silhouetteValue,
                s == null ? "none" : s.method(),
                indices.defined() ? indices.daviesBouldin() : null,
                indices.defined() ? indices.calinskiHarabasz() : null,
                undefined,
                (fit.silhouetteNanos() + indexNanos) / 1e6);
    }

    private static String undefinedReason(int[] sizes, int points) {
        int nonEmpty = 0;
        for (int s : sizes) {
            nonEmpty += s > 0 ? 1 : 0;
        }
        return "needs 2 to n - 1 non-empty clusters; the fit has " + nonEmpty + " for n = " + points;
    }

    private Integer parseK() {
        if (k.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            int v = Integer.parseInt(k.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted forms.
        }
        throw bad("invalid value for option '--k': '" + k + "' (expected a whole number >= 1 or auto)");
    }

    /** {@code LO..HI} with {@code 1 <= LO <= HI}. */
    private int[] parseRange() {
        String v = kRange.trim();
        int dots = v.indexOf("..");
        try {
            if (dots > 0) {
                int lo = Integer.parseInt(v.substring(0, dots).trim());
                int hi = Integer.parseInt(v.substring(dots + 2).trim());
                if (lo >= 1 && lo <= hi) {
                    return new int[] {lo, hi};
                }
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted form.
        }
        throw bad("invalid value for option '--k-range': '" + kRange
                + "' (expected LO..HI with 1 <= LO <= HI, e.g. 2..10)");
    }

    private KMeansConfig baseConfig(int firstK) {
        try {
            return KMeansConfig.builder(firstK)
                    .init(init)
                    .candidates(candidates)
                    .nInit(nInit)
                    .maxIterations(maxIter)
                    .tolerance(tol)
                    .seed(seed)
                    .refinement(refinement())
                    .build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private Refinement refinement() {
        if (refineTrials != null && refineTrials < 0) {
            throw bad("--refine-trials must be >= 0, got " + refineTrials);
        }
        if (!(refineSeconds >= 0) || Double.isInfinite(refineSeconds)) {
            throw bad("--refine-seconds must be a finite number >= 0, got " + refineSeconds);
        }
        long budgetMillis = Math.round(refineSeconds * 1000);
        return switch (refine) {
            case NONE -> Refinement.NONE;
            case SPLIT_MERGE -> Refinement.splitMerge(
                    refineTrials == null ? SPLIT_MERGE_TRIALS : refineTrials, budgetMillis);
            case RANDOM_SWAP -> Refinement.randomSwap(refineTrials == null ? SWAP_TRIALS : refineTrials, budgetMillis);
        };
    }

    private void checkOptions(boolean autoK) {
        if (threads != null && threads < 1) {
            throw bad("--threads must be at least 1, got " + threads);
        }
        if (silhouetteSample < 2) {
            throw bad("--silhouette-sample must be at least 2, got " + silhouetteSample);
        }
        if (silhouetteExactLimit < 0) {
            throw bad("--silhouette-exact-limit must be >= 0, got " + silhouetteExactLimit);
        }
        if (autoK && kMethod == KSelection.Method.SILHOUETTE && silhouette == SilhouetteMode.NONE) {
            throw bad("--k-method silhouette needs a silhouette; use another --silhouette than none, "
                    + "or --k-method elbow or knee");
        }
        try {
            Backends.check(backend);
        } catch (Backends.BackendUnavailableException e) {
            throw bad(e.getMessage());
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static void writeCentroids(Path file, float[] centroids, int k, int d) throws InputException {
        write(file, w -> {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < k; j++) {
                line.setLength(0);
                for (int t = 0; t < d; t++) {
                    line.append(t == 0 ? "" : " ").append(centroids[j * d + t]);
                }
                w.write(line.toString());
                w.newLine();
            }
        });
    }

    private static void writeLabels(Path file, int[] labels) throws InputException {
        write(file, w -> {
            for (int label : labels) {
                w.write(Integer.toString(label));
                w.newLine();
            }
        });
    }

    private interface Body {
        void write(BufferedWriter w) throws IOException;
    }

    private static void write(Path file, Body body) throws InputException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            body.write(w);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "cannot write: no such directory", e);
        } catch (AccessDeniedException e) {
            throw new InputException(file.toString(), "cannot write: permission denied", e);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InputException(file.toString(), "cannot write: " + reason, e);
        }
    }

    /** Enum values spelt in lower case, any case accepted, with the choices listed on a mistake. */
    abstract static class LowerCaseEnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        LowerCaseEnumConverter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                String name = e.name().toLowerCase(Locale.ROOT);
                if (name.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return e;
                }
                names.add(name);
            }
            String last = names.remove(names.size() - 1);
            throw new TypeConversionException("'" + value + "' (expected " + String.join(", ", names) + " or "
                    + last + ")");
        }
    }

    /** {@code --silhouette} values. */
    static final class SilhouetteModeConverter extends LowerCaseEnumConverter<SilhouetteMode> {
        SilhouetteModeConverter() {
            super(SilhouetteMode.class);
        }
    }

    /** {@code --backend} values. */
    static final class BackendConverter extends LowerCaseEnumConverter<Backends.Choice> {
        BackendConverter() {
            super(Backends.Choice.class);
        }
    }

    /** {@code --format} values. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --init} values. */
    static final class InitConverter implements ITypeConverter<Init> {
        @Override
        public Init convert(String value) {
            try {
                return Init.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --refine} values. */
    static final class RefineConverter implements ITypeConverter<Refinement.Method> {
        @Override
        public Refinement.Method convert(String value) {
            try {
                return Refinement.Method.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --k-method} values. */
    static final class KMethodConverter implements ITypeConverter<KSelection.Method> {
        @Override
        public KSelection.Method convert(String value) {
            try {
                return KSelection.Method.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
