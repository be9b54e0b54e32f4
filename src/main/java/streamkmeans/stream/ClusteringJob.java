package streamkmeans.stream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import streamkmeans.engine.Backends;

/**
 * The streaming job's topology:
 * <pre>
 * points topic ─► parse (points | dead letters) ─► event time ─► keyBy(model key)
 *     ─► ClusteringFunction ─► labels topic
 *                           ├► summaries topic
 *                           └► dead letters (dimension, late, fit) ┐
 * parse dead letters ──────────────────────────────────────────────┴► dead-letter topic
 * </pre>
 * Nothing is dropped: every record of the points topic becomes exactly one label or one dead
 * letter. Sinks are transactional under {@link Delivery#EXACTLY_ONCE} (committed on checkpoints).
 */
public final class ClusteringJob {
    /** Kafka's broker-side maximum; the connector's one-hour default would fail at start. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    /** Sinks' producer batch size unless configured: 256 KiB (Kafka's default is 16 KiB). */
    private static final int SINK_BATCH_BYTES = 256 * 1024;
    /** Sinks' producer linger unless configured. */
    private static final Duration SINK_LINGER = Duration.ofMillis(20);
    private static final OutputTag<DeadLetter> PARSE_FAILURES =
            new OutputTag<>("parse-dead-letters", StreamTypes.DEAD_LETTER);

    private ClusteringJob() {
    }

    /**
     * Adds the job to {@code env}; call {@code env.execute(name)} afterwards. Turns on object
     * reuse for {@code env}: chained operators then hand records on without a deep copy, which is
     * safe here because every record type is immutable, every function emits fresh objects and
     * keeps none of its inputs but the points it buffers, which arrive through the keyBy shuffle
     * (always deserialized fresh), and the sinks serialize each record at once.
     *
     * @throws Backends.BackendUnavailableException when the job runs in this JVM ({@code env} is
     *         local) and asks for a backend that cannot run here; a job submitted to a cluster is
     *         checked where it runs, on the task managers
     */
    public static void build(StreamExecutionEnvironment env, JobSettings settings) {
        if (env instanceof LocalStreamEnvironment) {
            Backends.check(settings.clusterer().backend());
        }
        build(env, settings, new ClusteringFunction(settings.windows(), settings.clusterer()), null);
    }

    /** {@link #build(StreamExecutionEnvironment, JobSettings)} with the given clusterer (tests inject backends). */
    static void build(StreamExecutionEnvironment env, JobSettings settings, ClusteringFunction clusterer) {
        build(env, settings, clusterer, null);
    }

    /**
     * The job with one planned task failure (fault-tolerance tests): a pass-through
     * {@link FaultPlan.FailOnce} in the task of {@code faults.at()}, the rest as {@link #build}.
     */
    static void build(StreamExecutionEnvironment env, JobSettings settings, FaultPlan faults) {
        build(env, settings, new ClusteringFunction(settings.windows(), settings.clusterer()), faults);
    }

    private static void build(StreamExecutionEnvironment env, JobSettings settings, ClusteringFunction clusterer,
            FaultPlan faults) {
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<Point> points = env
                .fromSource(source(settings), watermarks(settings), "points: " + settings.inputTopic())
                .uid("points-source")
                .process(new SplitParsed())
                .returns(StreamTypes.POINT)
                .uid("split-dead-letters")
                .name("split dead letters");

        KeyedStream<Point, String> byKey = failBefore(FaultPlan.Operator.PARSE, faults, points)
                .keyBy(Point::key);
        if (planned(FaultPlan.Operator.CLUSTERER, faults)) {
            // Same keys, forward edge: the pass-through runs in the clusterer's task, before it.
            byKey = DataStreamUtils.reinterpretAsKeyedStream(failBefore(FaultPlan.Operator.CLUSTERER, faults, byKey),
                    Point::key, Types.STRING);
        }
        SingleOutputStreamOperator<LabelRecord> labels = byKey
                .process(clusterer)
                .uid("clusterer")
                .name("window clusterer");

        failBefore(FaultPlan.Operator.LABELS_SINK, faults, labels)
                .sinkTo(sink(settings, "labels", new JsonRecordSchema<LabelRecord>(settings.labelsTopic(),
                        LabelRecord::key, LabelRecord::toJsonBytes, LabelRecord::ts)))
                .uid("labels-sink").name("labels: " + settings.labelsTopic());
        failBefore(FaultPlan.Operator.SUMMARIES_SINK, faults, labels.getSideOutput(ClusteringFunction.SUMMARIES))
                .sinkTo(sink(settings, "summaries", new JsonRecordSchema<WindowSummary>(settings.summariesTopic(),
                        WindowSummary::key, WindowSummary::toJsonBytes, s -> null)))
                .uid("summaries-sink").name("summaries: " + settings.summariesTopic());
        DataStream<DeadLetter> deadLetters = points.getSideOutput(PARSE_FAILURES)
                .union(labels.getSideOutput(ClusteringFunction.DEAD_LETTERS));
        failBefore(FaultPlan.Operator.DEAD_LETTER_SINK, faults, deadLetters)
                .sinkTo(sink(settings, "dead-letters", new JsonRecordSchema<DeadLetter>(settings.deadLetterTopic(),
                        DeadLetter::key, DeadLetter::toJson, s -> null)))
                .uid("dead-letter-sink").name("dead letters: " + settings.deadLetterTopic());
    }

    private static boolean planned(FaultPlan.Operator operator, FaultPlan faults) {
        return faults != null && faults.at() == operator;
    }

    /** {@code stream} itself, or, when the plan fails {@code operator}, its planned failure in front of it. */
    private static <T> DataStream<T> failBefore(FaultPlan.Operator operator, FaultPlan faults, DataStream<T> stream) {
        if (!planned(operator, faults)) {
            return stream;
        }
        return stream.map(new FaultPlan.FailOnce<T>(faults))
                .returns(stream.getType())
                .uid("fault-before-" + operator.uid())
                .name("planned failure before " + operator.uid());
    }

    private static KafkaSource<Either<DeadLetter, Point>> source(JobSettings s) {
        Properties props = new Properties();
        props.putAll(s.kafka());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var builder = KafkaSource.<Either<DeadLetter, Point>>builder()
                .setProperties(props)
                .setTopics(s.inputTopic())
                .setGroupId(s.groupId())
                .setStartingOffsets(s.startFromEarliest()
                        ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
                .setDeserializer(new PointDeserializer(s.format(), s.limits()));
        if (s.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Bounded out-of-orderness watermarks (and idleness) driven by the points alone: a dead
     * letter's time is its Kafka record's, not a point's event time, and a burst of bad records
     * must not push the watermark past the points still to come.
     */
    private static WatermarkStrategy<Either<DeadLetter, Point>> watermarks(JobSettings s) {
        WatermarkStrategy<Point> points = WatermarkStrategy.forBoundedOutOfOrderness(s.outOfOrderness());
        WatermarkStrategy<Point> strategy = s.idleness().isZero() ? points : points.withIdleness(s.idleness());
        return WatermarkStrategy
                .<Either<DeadLetter, Point>>forGenerator(context -> new PointsOnly(
                        strategy.createWatermarkGenerator(context)))
                .withTimestampAssigner((e, recordTs) -> e.isRight() ? e.right().eventTime(recordTs) : recordTs);
    }

    /**
     * A Kafka sink named {@code name}. Its producers get a known client id, the given
     * {@code client.id} (else the transactional id prefix) plus {@code -name}: Flink's sink sets
     * none, and Kafka's default ({@code producer-} plus the transactional id of the moment) is
     * unpredictable, so broker quotas and per-client metrics could not name a sink. Larger batches
     * unless set: ~150-byte labels in Kafka's 16 KiB batches made one produce request per ~100
     * labels and cost about 40% of the job's CPU per point (bench/STREAMING.md). The 20 ms linger
     * is invisible under exactly-once (output is readable only at the checkpoint's commit) and
     * adds at most 20 ms at-least-once. No compression: on a fast link it costs CPU on both sides.
     */
    private static <T> KafkaSink<T> sink(JobSettings s, String name, KafkaRecordSerializationSchema<T> schema) {
        Properties props = new Properties();
        props.putAll(s.kafka());
        props.putIfAbsent("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        props.setProperty(ProducerConfig.CLIENT_ID_CONFIG, sinkClientId(s, name));
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(SINK_BATCH_BYTES));
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(SINK_LINGER.toMillis()));
        var builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setRecordSerializer(schema);
        if (s.delivery() == Delivery.EXACTLY_ONCE) {
            builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(s.transactionalIdPrefix() + "-" + name);
        } else {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.build();
    }

    /**
     * The {@code client.id} of the producers of the sink named {@code name} ({@code labels},
     * {@code summaries}, {@code dead-letters}); all subtasks of a sink share it.
     */
    public static String sinkClientId(JobSettings s, String name) {
        String base = s.kafka().getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, s.transactionalIdPrefix());
        return base + "-" + name;
    }

    /** Hands only the points to a watermark generator; dead letters neither advance nor keep alive event time. */
    private static final class PointsOnly implements WatermarkGenerator<Either<DeadLetter, Point>> {
        private final WatermarkGenerator<Point> points;

        PointsOnly(WatermarkGenerator<Point> points) {
            this.points = points;
        }

        @Override
        public void onEvent(Either<DeadLetter, Point> event, long timestamp, WatermarkOutput output) {
            if (event.isRight()) {
                points.onEvent(event.right(), timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            points.onPeriodicEmit(output);
        }
    }

    /**
     * Points go on; records that did not parse go to the dead-letter side output, counted by
     * reason ({@code recordsIn}, {@code parseDeadLetters} with a {@code reason} group).
     * Package-private for the metrics test, which runs it without Kafka.
     */
    static final class SplitParsed extends ProcessFunction<Either<DeadLetter, Point>, Point> {
        private static final long serialVersionUID = 1L;
        private transient Counter recordsIn;
        private transient Map<DeadLetterReason, Counter> deadLetters;

        @Override
        public void open(OpenContext openContext) {
            MetricGroup group = getRuntimeContext().getMetricGroup();
            recordsIn = group.counter("recordsIn");
            deadLetters = new EnumMap<>(DeadLetterReason.class);
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                deadLetters.put(reason, group.addGroup("reason", reason.code()).counter("parseDeadLetters"));
            }
        }

        @Override
        public void processElement(Either<DeadLetter, Point> value, Context ctx, Collector<Point> out) {
            recordsIn.inc();
            if (value.isRight()) {
                out.collect(value.right());
            } else {
                deadLetters.get(value.left().reason()).inc();
                ctx.output(PARSE_FAILURES, value.left());
            }
        }
    }
}
