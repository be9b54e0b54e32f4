package streamkmeans.stream;

import java.util.Objects;

/**
 * A record that is not a valid point.
 *
 * @param reason the machine-readable reason
 * @param message a human-readable explanation naming the offending field, index or byte offset
 * @param key the record's model key when it was read before the problem was found, else null
 */
public record Rejection(DeadLetterReason reason, String message, String key) implements ParseResult {

    /** Checks that reason and message are present. */
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
