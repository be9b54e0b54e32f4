package streamkmeans.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the streaming job needs: Kafka, topics, input format, event time, windows, the
 * clusterer and the delivery guarantee. Immutable; build with {@link #builder()}.
 *
 * @param kafka                 Kafka client properties (bootstrap servers, security), passed to
 *                              every source and sink unchanged
 * @param inputTopic            points topic
 * @param labelsTopic           one label per valid point
 * @param summariesTopic        one summary per key and window
 * @param deadLetterTopic       rejected records with their reason
 * @param groupId               consumer group of the source
 * @param startFromEarliest     read the points topic from the beginning (else from the group's
 *                              committed offsets, or the latest when none)
 * @param bounded               stop at the offsets that are latest when the job starts (tests,
 *                              back-fills); unbounded otherwise
 * @param format                record layout of the points
 * @param limits                parser limits against hostile records
 * @param outOfOrderness        how late a point may arrive behind the newest point event time
 *                              seen (dead letters do not move event time)
 * @param idleness              a partition without points for this long stops holding back
 *                              the watermark (zero disables); dead letters do not count
 * @param windows               window kind and size
 * @param clusterer             the per-window clustering
 * @param delivery              sink guarantee; exactly-once needs checkpointing
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; unique per job
 */
public record JobSettings(
        Map<String, String> kafka,
        String inputTopic,
        String labelsTopic,
        String summariesTopic,
        String deadLetterTopic,
        String groupId,
        boolean startFromEarliest,
        boolean bounded,
        PointFormat format,
        ParserLimits limits,
        Duration outOfOrderness,
        Duration idleness,
        WindowSpec windows,
        ClustererSettings clusterer,
        Delivery delivery,
        String transactionalIdPrefix) {

    public JobSettings {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(kafka.get("bootstrap.servers"), "kafka bootstrap.servers");
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(labelsTopic, "labelsTopic");
        Objects.requireNonNull(summariesTopic, "summariesTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(clusterer, "clusterer");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        if (outOfOrderness.isNegative() || idleness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness and idleness must not be negative");
        }
        clusterer.checkKeyTtlCovers(windows);
    }

    /** The settings as the record would print them, with secret Kafka properties masked ({@link KafkaSecrets}). */
    @Override
    public String toString() {
        return "JobSettings[kafka=" + KafkaSecrets.masked(kafka) + ", inputTopic=" + inputTopic + ", labelsTopic="
                + labelsTopic + ", summariesTopic=" + summariesTopic + ", deadLetterTopic=" + deadLetterTopic
                + ", groupId=" + groupId + ", startFromEarliest=" + startFromEarliest + ", bounded=" + bounded
                + ", format=" + format + ", limits=" + limits + ", outOfOrderness=" + outOfOrderness
                + ", idleness=" + idleness + ", windows=" + windows + ", clusterer=" + clusterer
                + ", delivery=" + delivery + ", transactionalIdPrefix=" + transactionalIdPrefix + "]";
    }

    /** Defaults: the DESIGN.md topic names, JSON points, 10 s tumbling windows, k = 8, exactly-once. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder of {@link JobSettings}. */
    public static final class Builder {
        private Map<String, String> kafka = Map.of("bootstrap.servers", "localhost:9092");
        private String inputTopic = "points";
        private String labelsTopic = "labels";
        private String summariesTopic = "cluster-summaries";
        private String deadLetterTopic = "points-dead-letter";
        private String groupId = "streamkmeans";
        private boolean startFromEarliest = true;
        private boolean bounded;
        private PointFormat format = PointFormat.json();
        private ParserLimits limits = ParserLimits.DEFAULTS;
        private Duration outOfOrderness = Duration.ofSeconds(2);
        private Duration idleness = Duration.ofSeconds(5);
        private WindowSpec windows = WindowSpec.tumbling(Duration.ofSeconds(10));
        private ClustererSettings clusterer = ClustererSettings.builder(8).build();
        private Delivery delivery = Delivery.EXACTLY_ONCE;
        private String transactionalIdPrefix = "streamkmeans";

        private Builder() {
        }

        public Builder kafka(Map<String, String> v) {
            kafka = v;
            return this;
        }

        public Builder inputTopic(String v) {
            inputTopic = v;
            return this;
        }

        public Builder labelsTopic(String v) {
            labelsTopic = v;
            return this;
        }

        public Builder summariesTopic(String v) {
            summariesTopic = v;
            return this;
        }

        public Builder deadLetterTopic(String v) {
            deadLetterTopic = v;
            return this;
        }

        public Builder groupId(String v) {
            groupId = v;
            return this;
        }

        public Builder startFromEarliest(boolean v) {
            startFromEarliest = v;
            return this;
        }

        public Builder bounded(boolean v) {
            bounded = v;
            return this;
        }

        public Builder format(PointFormat v) {
            format = v;
            return this;
        }

        public Builder limits(ParserLimits v) {
            limits = v;
            return this;
        }

        public Builder outOfOrderness(Duration v) {
            outOfOrderness = v;
            return this;
        }

        public Builder idleness(Duration v) {
            idleness = v;
            return this;
        }

        public Builder windows(WindowSpec v) {
            windows = v;
            return this;
        }

        public Builder clusterer(ClustererSettings v) {
            clusterer = v;
            return this;
        }

        public Builder delivery(Delivery v) {
            delivery = v;
            return this;
        }

        public Builder transactionalIdPrefix(String v) {
            transactionalIdPrefix = v;
            return this;
        }

        public JobSettings build() {
            return new JobSettings(kafka, inputTopic, labelsTopic, summariesTopic, deadLetterTopic, groupId,
                    startFromEarliest, bounded, format, limits, outOfOrderness, idleness, windows, clusterer,
                    delivery, transactionalIdPrefix);
        }
    }
}
