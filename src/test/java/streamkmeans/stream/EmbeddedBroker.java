package streamkmeans.stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import streamkmeans.cli.EmbeddedKafka;

/**
 * One in-process Kafka broker for the tests of a class: started before the first test, stopped
 * (and its log directory deleted) after the last. Register it as a static field:
 * {@code @RegisterExtension static final EmbeddedBroker BROKER = new EmbeddedBroker();}.
 *
 * <p>Also the class's event-time origin, {@link #base()}: a whole minute ten minutes before the
 * broker started, recent enough that no retention check deletes the records stamped from it
 * (labels carry their point's event time) and old enough that a test's windows lie in the past.
 */
public final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
    private static final long MINUTE_MS = 60_000;

    private EmbeddedKafka kafka;
    private long base;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.launch();
        base = (System.currentTimeMillis() / MINUTE_MS - 10) * MINUTE_MS;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only while the test class does");
        }
        return kafka;
    }

    /** The broker's {@code host:port}. */
    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Event time of the start of the class's first window, epoch ms. */
    public long base() {
        return base;
    }
}
