package streamkmeans.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code watch}: a live terminal table of the latest window summary of every key, read from the
 * summaries topic with {@code read_committed}, for users without Grafana. On a terminal the screen
 * is cleared and redrawn every {@code --interval}; otherwise (a pipe, a log file) a new table is
 * appended whenever a summary arrived. {@code --once} reads up to the end offsets found at start,
 * prints one table and exits. Ctrl-C stops it cleanly.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Show a live table of the latest window summary per key from the summaries topic.")
public final class WatchCommand implements Callable<Integer> {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** Cursor home, then clear the screen. */
    private static final String CLEAR = "\u001b[H\u001b[2J";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--summaries-topic", defaultValue = "cluster-summaries", paramLabel = "TOPIC",
            description = "Topic of the window summaries (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from", defaultValue = "latest", paramLabel = "earliest|latest",
            description = "Start at the topic's latest or earliest committed summaries (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--once", description = "Read up to the end of the topic, print the table once and exit.")
    boolean once;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "Time between redraws (default: ${DEFAULT-VALUE}).")
    String interval;

    private final Map<String, ObjectNode> latest = new TreeMap<>();
    private long received;

    @Override
    public Integer call() throws InputException {
        boolean earliest = switch (from) {
            case "earliest" -> true;
            case "latest" -> false;
            default -> throw new ParameterException(spec.commandLine(),
                    "--from: expected earliest or latest, got '" + from + "'");
        };
        long every = Options.duration(spec, "--interval", interval).toNanos();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SummaryReader.Topic summaries = new SummaryReader.Topic(kafka.clientProperties(spec), topic, earliest,
                CONNECT_TIMEOUT);
        if (once) {
            try (summaries) {
                summaries.readToEnd(IDLE_TIMEOUT).forEach(this::keep);
                draw(out, summaries, false);
                ReportCommand.warnSkipped(err, summaries);
            }
            return 0;
        }
        // Ctrl-C wakes the consumer up and waits until it is closed, so the JVM exits cleanly.
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            summaries.wakeup();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            follow(summaries, out, every);
        } catch (WakeupException stopping) {
            out.println();
            out.flush();
        } finally {
            summaries.close();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it only waited for the close above.
            }
        }
        return 0;
    }

    /** Polls and redraws until the consumer is woken up (WakeupException). */
    private void follow(SummaryReader.Topic summaries, PrintWriter out, long everyNanos) {
        boolean terminal = System.console() != null;
        boolean changed = true;
        long nextDraw = System.nanoTime();
        while (true) {
            for (ObjectNode s : summaries.poll(Duration.ofMillis(200))) {
                keep(s);
                changed = true;
            }
            if (System.nanoTime() >= nextDraw) {
                // A terminal redraws in place, so the clock moves; a log only grows when there is news.
                if (terminal || changed) {
                    draw(out, summaries, terminal);
                }
                changed = false;
                nextDraw = System.nanoTime() + everyNanos;
            }
        }
    }

    /** Keeps the summary if it is the key's newest window so far (by window end; ties: the later record). */
    private void keep(ObjectNode s) {
        received++;
        latest.merge(s.path("key").asText(), s, (old, now) ->
                now.path("window_end").asLong() >= old.path("window_end").asLong() ? now : old);
    }

    private void draw(PrintWriter out, SummaryReader.Topic summaries, boolean clear) {
        if (clear) {
            out.print(CLEAR);
        }
        out.printf("%s: %d %s, %d window summaries read, %s%s%n", summaries.describe(), latest.size(),
                latest.size() == 1 ? "key" : "keys", received, CLOCK.format(Instant.now()),
                summaries.skipped() > 0 ? ", " + summaries.skipped() + " unreadable records skipped" : "");
        if (latest.isEmpty()) {
            out.println("(no window summaries yet)");
        } else {
            SummaryTable table = new SummaryTable(out);
            latest.values().forEach(table::print);
        }
        out.flush();
    }
}
