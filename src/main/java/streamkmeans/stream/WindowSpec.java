package streamkmeans.stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which windows a key's points are grouped into: tumbling or sliding event-time windows, or count
 * windows.
 *
 * <p>Time windows are aligned to the epoch, as Flink's: a window is {@code [start, start + size)}
 * in epoch milliseconds with {@code start} a multiple of {@code slide}; tumbling windows have
 * {@code slide == size}. The clusterer stores points in <em>panes</em> of {@code slide} width, so a
 * window is {@link #panesPerWindow()} consecutive panes and a point is stored once however many
 * windows it belongs to; this needs {@code size} to be a multiple of {@code slide}.
 *
 * <p>A count window holds {@code count} consecutive valid points of a key (tumbling; a last,
 * incomplete window is never fitted, as in Flink's count windows).
 *
 * @param kind  tumbling, sliding or count
 * @param size  window length (time windows), null for count windows
 * @param slide distance between window starts (time windows; equal to {@code size} when
 *              tumbling), null for count windows
 * @param count points per window (count windows), 0 for time windows
 */
public record WindowSpec(Kind kind, Duration size, Duration slide, long count) implements Serializable {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** The kinds of windows. */
    public enum Kind {
        /** Back-to-back event-time windows of one length. */
        TUMBLING,
        /** Overlapping event-time windows of one length, starting every {@code slide}. */
        SLIDING,
        /** A fixed number of consecutive points per window. */
        COUNT
    }

    /** Checks the fields of the kind; messages name the offending value. */
    public WindowSpec {
        if (kind == null) {
            throw new IllegalArgumentException("window kind must be given");
        }
        if (kind == Kind.COUNT) {
            if (count < 1) {
                throw new IllegalArgumentException("count window must hold at least 1 point, got " + count);
            }
            if (size != null || slide != null) {
                throw new IllegalArgumentException("a count window has no size or slide");
            }
        } else {
            if (count != 0) {
                throw new IllegalArgumentException("a time window has no count");
            }
            requirePositiveMillis("window size", size);
            requirePositiveMillis("window slide", slide);
            if (slide.compareTo(size) > 0) {
                throw new IllegalArgumentException("window slide " + format(slide)
                        + " is longer than the window size " + format(size) + " (points would be skipped)");
            }
            if (size.toMillis() % slide.toMillis() != 0) {
                throw new IllegalArgumentException("window size " + format(size)
                        + " must be a multiple of the slide " + format(slide));
            }
            if (kind == Kind.TUMBLING && !slide.equals(size)) {
                throw new IllegalArgumentException("a tumbling window's slide must equal its size");
            }
        }
    }

    /** Back-to-back event-time windows of length {@code size} (whole milliseconds, at least 1 ms). */
    public static WindowSpec tumbling(Duration size) {
        return new WindowSpec(Kind.TUMBLING, size, size, 0);
    }

    /**
     * Event-time windows of length {@code size} starting every {@code slide}; {@code size} must be a
     * multiple of {@code slide}. A slide equal to the size gives tumbling windows.
     */
    public static WindowSpec sliding(Duration size, Duration slide) {
        if (size != null && size.equals(slide)) {
            return tumbling(size);
        }
        return new WindowSpec(Kind.SLIDING, size, slide, 0);
    }

    /** Windows of {@code count} consecutive valid points. */
    public static WindowSpec count(long count) {
        return new WindowSpec(Kind.COUNT, null, null, count);
    }

    /**
     * Time windows from command-line text: {@code size} such as {@code "10s"} and an optional
     * {@code slide} (null or blank for tumbling windows). See {@link #parseDuration(String)}.
     */
    public static WindowSpec parse(String size, String slide) {
        Duration s = parseDuration(size);
        return slide == null || slide.isBlank() ? tumbling(s) : sliding(s, parseDuration(slide));
    }

    /**
     * Parses a duration written as a whole number and a unit: {@code ms}, {@code s}, {@code m},
     * {@code h} or {@code d}, e.g. {@code "500ms"}, {@code "10s"}, {@code "5m"}, {@code "1h"}.
     *
     * @throws IllegalArgumentException for anything else, a zero duration included
     */
    public static Duration parseDuration(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration must be given, e.g. 10s");
        }
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read duration '" + text
                    + "': expected a whole number and a unit (ms, s, m, h, d), e.g. 500ms, 10s, 5m, 1h");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too long", e);
        }
        Duration d;
        try {
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            d.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too long", e);
        }
        if (d.isZero()) {
            throw new IllegalArgumentException("duration '" + text + "' must be longer than zero");
        }
        return d;
    }

    /** Whether these are event-time windows (tumbling or sliding). */
    public boolean isTime() {
        return kind != Kind.COUNT;
    }

    /** Window length in milliseconds (time windows). */
    public long sizeMillis() {
        requireTime();
        return size.toMillis();
    }

    /** Distance between window starts in milliseconds, which is also the pane width (time windows). */
    public long slideMillis() {
        requireTime();
        return slide.toMillis();
    }

    /** Number of panes in one window: {@code size / slide} (1 when tumbling). */
    public int panesPerWindow() {
        requireTime();
        return Math.toIntExact(size.toMillis() / slide.toMillis());
    }

    /** Start of the pane holding event time {@code ts} (epoch ms; floor to a multiple of the slide). */
    public long paneStart(long ts) {
        long slideMs = slideMillis();
        return ts - Math.floorMod(ts, slideMs);
    }

    /** Exclusive end of the last window that holds the pane starting at {@code paneStart}. */
    public long lastWindowEnd(long paneStart) {
        return paneStart + sizeMillis();
    }

    /** Exclusive end of the first window that holds the pane starting at {@code paneStart}. */
    public long firstWindowEnd(long paneStart) {
        return paneStart + slideMillis();
    }

    /** Short text for logs and summaries: {@code tumbling 10s}, {@code sliding 10s/5s}, {@code count 1000}. */
    @Override
    public String toString() {
        return switch (kind) {
            case TUMBLING -> "tumbling " + format(size);
            case SLIDING -> "sliding " + format(size) + "/" + format(slide);
            case COUNT -> "count " + count;
        };
    }

    private void requireTime() {
        if (kind == Kind.COUNT) {
            throw new IllegalStateException("count windows have no event-time size or slide");
        }
    }

    private static void requirePositiveMillis(String what, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(what + " must be given");
        }
        if (d.isNegative() || d.isZero() || d.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(what + " must be a positive whole number of milliseconds, got " + d);
        }
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
