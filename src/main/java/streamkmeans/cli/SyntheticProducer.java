package streamkmeans.cli;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link SyntheticPoints} records to a Kafka topic at a target rate (or as fast as the
 * broker takes them), keyed by model key so each key's points stay in order in one partition.
 * Every send is checked: acknowledged and failed records are counted, and the first failure is
 * kept for the caller to report.
 */
public final class SyntheticProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final SyntheticPoints points;
    private final double rate;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;

    /**
     * @param clientProperties Kafka client properties (bootstrap servers, security)
     * @param topic            the points topic
     * @param points           the record source
     * @param rate             points per second; 0 or less means as fast as possible
     */
    public SyntheticProducer(Map<String, String> clientProperties, String topic, SyntheticPoints points, double rate) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "streamkmeans-generator");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.points = points;
        this.rate = rate;
    }

    /**
     * Produces until {@code count} records were sent (0: no limit), {@code durationMillis} passed
     * (0: no limit) or {@link #stop()} is called; then flushes. Paces in 10 ms steps.
     */
    public void run(long count, long durationMillis) {
        long start = System.nanoTime();
        long end = durationMillis > 0 ? start + TimeUnit.MILLISECONDS.toNanos(durationMillis) : Long.MAX_VALUE;
        while (!stopped && (count <= 0 || points.produced() < count) && System.nanoTime() < end
                && firstFailure.get() == null) {
            if (rate > 0) {
                double due = (System.nanoTime() - start) / 1e9 * rate;
                if (points.produced() >= due) {
                    sleepQuietly(10);
                    continue;
                }
            }
            String key = points.nextKey();
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), points.next()),
                    (metadata, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
    }

    /** Asks {@link #run} to end after the current record. */
    public void stop() {
        stopped = true;
    }

    /** Records sent so far. */
    public long sent() {
        return points.produced();
    }

    /** Records the broker acknowledged. */
    public long acked() {
        return acked.get();
    }

    /** Records the broker refused or that timed out. */
    public long failed() {
        return failed.get();
    }

    /** The first send failure, if any. */
    public Exception firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
