package streamkmeans.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The demo's live console view: one row per window summary (a JSON object of the summaries
 * topic), with a header every {@value #HEADER_EVERY} rows.
 */
final class SummaryTable {
    private static final int HEADER_EVERY = 25;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String FORMAT = "%-12s %-8s %8s %4s %5s %-8s %11s %11s %7s %9s %8s %-4s%n";

    private final PrintWriter out;
    private int rows;

    SummaryTable(PrintWriter out) {
        this.out = out;
    }

    /** Prints one summary as a row. */
    void print(JsonNode s) {
        if (rows % HEADER_EVERY == 0) {
            out.printf(Locale.ROOT, FORMAT, "key", "end", "points", "k", "iter", "seeding", "inertia/pt", "rolling",
                    "silh", "maxdrift", "fit ms", "back");
        }
        rows++;
        boolean ok = "ok".equals(s.path("status").asText());
        out.printf(Locale.ROOT, FORMAT,
                clip(s.path("key").asText(), 12),
                TIME.format(Instant.ofEpochMilli(s.path("window_end").asLong())),
                s.path("points").asText(),
                s.path("k").asText(),
                ok ? s.path("iterations").asText() : "-",
                ok ? s.path("seeding").asText() : s.path("status").asText(),
                number(s.path("mean_sq_distance"), "%.4g"),
                number(s.path("rolling_inertia"), "%.4g"),
                number(s.path("silhouette"), "%.3f"),
                number(s.path("drift").path("max"), "%.4f"),
                number(s.path("fit_ms"), "%.1f"),
                s.path("backend").asText("-"));
        out.flush();
    }

    private static String number(JsonNode n, String format) {
        return n.isNumber() ? String.format(Locale.ROOT, format, n.asDouble()) : "-";
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
