package streamkmeans.stream;

import java.util.Locale;

/** Delivery guarantee of the Kafka sinks. */
public enum Delivery {
    /** Transactional writes committed on each checkpoint; readers use {@code read_committed}. */
    EXACTLY_ONCE("exactly-once"),
    /** Writes flushed on each checkpoint; a restore may repeat records. */
    AT_LEAST_ONCE("at-least-once");

    private final String label;

    Delivery(String label) {
        this.label = label;
    }

    /** Name used on the command line. */
    public String label() {
        return label;
    }

    /** Parses {@code exactly-once} or {@code at-least-once}. */
    public static Delivery parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "exactly-once" -> EXACTLY_ONCE;
            case "at-least-once" -> AT_LEAST_ONCE;
            default -> throw new IllegalArgumentException(
                    "unknown delivery '" + s + "' (expected exactly-once or at-least-once)");
        };
    }
}
