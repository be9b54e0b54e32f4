package streamkmeans.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code report}: the drift report, one self-contained HTML page ({@link DriftReport}) from the
 * window summaries of a JSON-lines file ({@code demo --json} output) or of the summaries topic,
 * read with {@code read_committed} from the beginning up to the end offsets it finds at start.
 * Bad input is one line on stderr ({@code file:line: problem}) and exit code 2.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML drift report (inertia, silhouette, drift, cluster sizes, "
                + "centroid trajectories) from window summaries: a JSON-lines file or the summaries topic.")
public final class ReportCommand implements Callable<Integer> {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--summaries", paramLabel = "FILE",
            description = "Window summaries as JSON lines, as demo --json prints them ('-': standard input). "
                    + "Without it the summaries topic is read.")
    String summaries;

    @Option(names = "--summaries-topic", defaultValue = "cluster-summaries", paramLabel = "TOPIC",
            description = "Topic of the window summaries (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path out;

    @Option(names = "--key", paramLabel = "KEY", description = "Only this model key (repeatable).")
    List<String> keys = new ArrayList<>();

    @Option(names = "--max-keys", defaultValue = "" + DriftReport.DEFAULT_MAX_KEYS, paramLabel = "N",
            description = "Draw at most this many keys, the first in name order (default: ${DEFAULT-VALUE}).")
    int maxKeys;

    @Override
    public Integer call() throws InputException {
        if (maxKeys < 1) {
            throw new ParameterException(spec.commandLine(), "--max-keys must be at least 1, got " + maxKeys);
        }
        List<ObjectNode> read;
        String source;
        if (summaries != null) {
            refuseKafkaOptions();
            read = SummaryReader.readFile(summaries);
            source = "-".equals(summaries) ? "standard input" : summaries;
        } else {
            try (SummaryReader.Topic t = new SummaryReader.Topic(kafka.clientProperties(spec), topic, true, CONNECT_TIMEOUT)) {
                read = t.readToEnd(IDLE_TIMEOUT);
                source = "topic " + t.describe();
                warnSkipped(spec.commandLine().getErr(), t);
            }
        }
        List<ObjectNode> chosen = keys.isEmpty() ? read
                : read.stream().filter(s -> keys.contains(s.path("key").asText())).toList();
        if (chosen.isEmpty()) {
            String what = summaries != null ? source : topic;
            throw new InputException(what, keys.isEmpty() ? "no window summaries"
                    : "no window summaries for " + (keys.size() == 1 ? "key '" + keys.get(0) + "'" : "keys " + keys));
        }
        write(out, chosen, source, maxKeys);
        Set<String> drawn = new TreeSet<>();
        chosen.forEach(s -> drawn.add(s.path("key").asText()));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("wrote %s: %d window summaries, %d %s%s%n", out, chosen.size(), drawn.size(),
                drawn.size() == 1 ? "key" : "keys",
                drawn.size() > maxKeys ? " (the first " + maxKeys + " drawn)" : "");
        stdout.flush();
        return 0;
    }

    /**
     * Writes the drift report of {@code summaries} to {@code file} ({@link DriftReport#html}), with
     * a file that cannot be written as a one-line user error. For {@code report} and for
     * {@code demo --report}.
     */
    static void write(Path file, List<? extends JsonNode> summaries, String source, int maxKeys)
            throws InputException {
        try {
            DriftReport.write(file, summaries, source, maxKeys);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "cannot write: no such directory", e);
        } catch (AccessDeniedException e) {
            throw new InputException(file.toString(), "cannot write: permission denied", e);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InputException(file.toString(), "cannot write: " + reason, e);
        }
    }

    /** A file and a topic at once is ambiguous: say so instead of silently ignoring one. */
    private void refuseKafkaOptions() {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : List.of("--bootstrap-servers", "--kafka-property", "--kafka-properties-file",
                "--summaries-topic")) {
            if (parsed.hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(),
                        "--summaries reads a file; it cannot be combined with " + option);
            }
        }
    }

    /** One line on stderr when records of the topic were not summaries. */
    static void warnSkipped(PrintWriter err, SummaryReader.Topic t) {
        if (t.skipped() > 0) {
            err.printf("%s: skipped %d record(s) that are not window summaries; the first: %s%n",
                    t.describe(), t.skipped(), t.firstSkipped());
            err.flush();
        }
    }
}
