package streamkmeans.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import streamkmeans.engine.Backends;
import streamkmeans.stream.ClustererSettings;
import streamkmeans.stream.Delivery;
import streamkmeans.stream.JobSettings;
import streamkmeans.stream.ParserLimits;
import streamkmeans.stream.PointFormat;
import streamkmeans.stream.WindowSpec;

/**
 * The streaming job's options, shared by {@code run} and {@code demo}: topics, input format and
 * its limits against hostile records, windows, clustering, event time and delivery. {@link #settings} turns them into
 * {@link JobSettings}, with one-line errors for bad values.
 */
public final class JobOptions {

    @Option(names = "--input-topic", defaultValue = "points", description = "Points topic (default: ${DEFAULT-VALUE}).")
    String inputTopic;

    @Option(names = "--labels-topic", defaultValue = "labels", description = "Labels topic (default: ${DEFAULT-VALUE}).")
    String labelsTopic;

    @Option(names = "--summaries-topic", defaultValue = "cluster-summaries",
            description = "Window summaries topic (default: ${DEFAULT-VALUE}).")
    String summariesTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "points-dead-letter",
            description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "streamkmeans", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--from", defaultValue = "earliest",
            description = "Where to start without committed offsets: earliest or latest (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--format", defaultValue = "json", description = "Point records: json or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--csv-separator", defaultValue = ",", description = "CSV column separator (default: '${DEFAULT-VALUE}').")
    char csvSeparator;

    @Option(names = "--csv-no-key", description = "CSV rows have no key column.")
    boolean csvNoKey;

    @Option(names = "--csv-no-ts", description = "CSV rows have no timestamp column (the Kafka timestamp is used).")
    boolean csvNoTs;

    @Option(names = "--max-record-bytes", defaultValue = "1048576",
            description = "Longer records are dead letters (record_too_large); the dead letter keeps the first 64 KiB"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = "--max-features", defaultValue = "4096",
            description = "Points with more features are dead letters (too_many_features) (default: ${DEFAULT-VALUE}).")
    int maxFeatures;

    @Option(names = "--max-depth", defaultValue = "32",
            description = "JSON nested deeper is a dead letter (too_deep); the point's object is level 1, its features"
                    + " 2 (default: ${DEFAULT-VALUE}).")
    int maxDepth;

    @Option(names = "--max-key-length", defaultValue = "256",
            description = "Longer model keys are dead letters (key_too_long), in characters (default: ${DEFAULT-VALUE}).")
    int maxKeyLength;

    @Option(names = "--max-id-length", defaultValue = "256",
            description = "Longer ids are dead letters (invalid_id), in characters (default: ${DEFAULT-VALUE}).")
    int maxIdLength;

    @Option(names = "--k", defaultValue = "8", description = "Clusters per model key (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--window", paramLabel = "DURATION",
            description = "Event-time window size, e.g. 10s (default: 10s unless --count is given).")
    String window;

    @Option(names = "--slide", paramLabel = "DURATION", description = "Slide of sliding windows, e.g. 5s (default: tumbling).")
    String slide;

    @Option(names = "--count", paramLabel = "N", description = "Count windows of N valid points per key instead of time windows.")
    Long count;

    @Option(names = "--label-mode", defaultValue = "window",
            description = "window: label each point with its window's fit; online: on arrival with the latest "
                    + "centroids (default: ${DEFAULT-VALUE}).")
    String labelMode;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu-device", paramLabel = "N",
            description = "CUDA device of the GPU backend when Flink's external resource 'gpu' assigns none "
                    + "(default: device 0, or -Dstreamkmeans.gpu.device).")
    Integer gpuDevice;

    @Option(names = "--n-init", defaultValue = "3", description = "Seeded runs of a first fit or reseed (default: ${DEFAULT-VALUE}).")
    int nInit;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-iter", defaultValue = "100", description = "Lloyd passes per window at most (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--tol", defaultValue = "1e-4", description = "Relative convergence tolerance (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--reseed-factor", defaultValue = "2.0",
            description = "Reseed when a warm fit's inertia per point exceeds this times its rolling value "
                    + "(default: ${DEFAULT-VALUE}).")
    double reseedFactor;

    @Option(names = "--half-life", defaultValue = "5",
            description = "Half-life of the rolling metrics, in windows (default: ${DEFAULT-VALUE}).")
    double halfLife;

    @Option(names = "--max-fit-points", defaultValue = "50000",
            description = "Larger windows fit on a uniform sample of this size; every point is still labelled "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxFitPoints;

    @Option(names = "--silhouette-exact-limit", defaultValue = "2000",
            description = "Exact silhouette up to this many points, sampled above (default: ${DEFAULT-VALUE}).")
    int silhouetteExactLimit;

    @Option(names = "--silhouette-sample", defaultValue = "1000",
            description = "Sample size of the sampled silhouette (default: ${DEFAULT-VALUE}).")
    int silhouetteSample;

    @Option(names = "--fit-threads", defaultValue = "1",
            description = "Threads of one window fit, per parallel clusterer (default: ${DEFAULT-VALUE}).")
    int fitThreads;

    @Option(names = "--key-metrics", defaultValue = "10",
            description = "Keys per clusterer subtask with their own metrics (label key); later keys are reported "
                    + "together as key=_other (default: ${DEFAULT-VALUE}).")
    int keyMetrics;

    @Option(names = "--key-ttl", defaultValue = "0", paramLabel = "DURATION",
            description = "Drop a key's state once its newest point is this far behind the watermark (event "
                    + "time), after fitting its pending windows; e.g. 1h. 0: never (default: ${DEFAULT-VALUE}).")
    String keyTtl;

    @Option(names = "--out-of-orderness", defaultValue = "2s",
            description = "How far behind the newest event time a point may arrive (default: ${DEFAULT-VALUE}).")
    String outOfOrderness;

    @Option(names = "--idleness", defaultValue = "5s",
            description = "A partition silent this long no longer holds the watermark back; 0 disables "
                    + "(default: ${DEFAULT-VALUE}).")
    String idleness;

    @Option(names = "--delivery", defaultValue = "exactly-once",
            description = "exactly-once (transactional sinks, read with read_committed) or at-least-once "
                    + "(default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--transactional-id-prefix", defaultValue = "streamkmeans",
            description = "Prefix of the sinks' transactional ids; unique per job on a cluster (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;

    /** The job settings these options describe, for the given Kafka client properties. */
    JobSettings settings(CommandSpec spec, Map<String, String> kafka, boolean bounded) {
        try {
            WindowSpec windows = count != null
                    ? windowsByCount(spec)
                    : WindowSpec.parse(window == null ? "10s" : window, slide);
            ClustererSettings clusterer = ClustererSettings.builder(k)
                    .nInit(nInit)
                    .seed(seed)
                    .maxIterations(maxIter)
                    .tolerance(tol)
                    .reseedFactor(reseedFactor)
                    .halfLifeWindows(halfLife)
                    .maxFitPoints(maxFitPoints)
                    .silhouetteExactLimit(silhouetteExactLimit)
                    .silhouetteSample(silhouetteSample)
                    .fitThreads(fitThreads)
                    .labelMode(parseLabelMode(labelMode))
                    .backend(Backends.Choice.parse(backend))
                    .keyMetrics(keyMetrics)
                    .keyTtl(parseKeyTtl(keyTtl))
                    .gpuDevice(gpuDevice == null ? ClustererSettings.DEFAULT_GPU_DEVICE : gpuDevice)
                    .build();
            Duration idle = "0".equals(idleness.trim()) ? Duration.ZERO : WindowSpec.parseDuration(idleness);
            return JobSettings.builder()
                    .kafka(kafka)
                    .inputTopic(inputTopic)
                    .labelsTopic(labelsTopic)
                    .summariesTopic(summariesTopic)
                    .deadLetterTopic(deadLetterTopic)
                    .groupId(groupId)
                    .startFromEarliest(parseFrom(from))
                    .bounded(bounded)
                    .format(parseFormat())
                    .limits(limits())
                    .outOfOrderness(WindowSpec.parseDuration(outOfOrderness))
                    .idleness(idle)
                    .windows(windows)
                    .clusterer(clusterer)
                    .delivery(Delivery.parse(delivery))
                    .transactionalIdPrefix(transactionalIdPrefix)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The {@code --backend} choice. */
    Backends.Choice backend(CommandSpec spec) {
        try {
            return Backends.Choice.parse(backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static Duration parseKeyTtl(String ttl) {
        try {
            return "0".equals(ttl.trim()) ? Duration.ZERO : WindowSpec.parseDuration(ttl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key-ttl: " + e.getMessage(), e);
        }
    }

    private ParserLimits limits() {
        atLeast("--max-record-bytes", maxRecordBytes, 1);
        atLeast("--max-features", maxFeatures, 1);
        atLeast("--max-depth", maxDepth, 2);
        atLeast("--max-key-length", maxKeyLength, 1);
        atLeast("--max-id-length", maxIdLength, 1);
        return new ParserLimits(maxRecordBytes, maxFeatures, maxDepth, maxKeyLength, maxIdLength,
                ParserLimits.END_OF_YEAR_9999);
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
    }

    private WindowSpec windowsByCount(CommandSpec spec) {
        if (window != null || slide != null) {
            throw new ParameterException(spec.commandLine(), "--count cannot be combined with --window or --slide");
        }
        return WindowSpec.count(count);
    }

    private PointFormat parseFormat() {
        return switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> PointFormat.json();
            case "csv" -> new PointFormat.Csv(csvSeparator, !csvNoKey, !csvNoTs, 0);
            default -> throw new IllegalArgumentException("--format: unknown format '" + format + "' (expected json or csv)");
        };
    }

    private static boolean parseFrom(String from) {
        return switch (from.trim().toLowerCase(Locale.ROOT)) {
            case "earliest" -> true;
            case "latest" -> false;
            default -> throw new IllegalArgumentException("--from: expected earliest or latest, got '" + from + "'");
        };
    }

    private static ClustererSettings.LabelMode parseLabelMode(String mode) {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "window" -> ClustererSettings.LabelMode.WINDOW;
            case "online" -> ClustererSettings.LabelMode.ONLINE;
            default -> throw new IllegalArgumentException("--label-mode: expected window or online, got '" + mode + "'");
        };
    }
}
