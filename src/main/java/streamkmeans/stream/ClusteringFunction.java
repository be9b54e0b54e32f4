package streamkmeans.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import streamkmeans.engine.Backends;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.PointBlock;
import streamkmeans.engine.Workers;

/**
 * The window clusterer of the streaming job, applied after {@code keyBy(Point::key)}: it groups
 * each key's points into windows, fits every window with a {@link WindowFitter} and emits
 * <ul>
 *   <li>a {@link LabelRecord} per valid point on the main output,</li>
 *   <li>a {@link WindowSummary} per key and window on the side output {@link #SUMMARIES},</li>
 *   <li>a {@link DeadLetter} per point that cannot enter a window on {@link #DEAD_LETTERS}:
 *       {@code dimension_mismatch} when its dimension differs from its key's (fixed by the key's
 *       first valid point), {@code late} when every time window it belongs to has already been
 *       fitted, {@code fit_failed} for the points of a failed window of a key without a model
 *       (below).</li>
 * </ul>
 *
 * <p>The windows are built here from keyed state and event-time timers rather than with Flink's
 * window operator, because a point must meet its key's model on arrival: for the dimension check
 * before it enters (and counts in) a window, for online labels, and to tell late points apart.
 * Time windows keep points in panes of {@code slide} width (a {@code MapState} from pane start to
 * points), so a point is stored once whatever the overlap; a window is
 * {@link WindowSpec#panesPerWindow()} consecutive panes, fitted when the watermark passes its
 * end (a timer at {@code end − 1}), and a pane is dropped after the last window that holds it.
 * Windows without points produce nothing. Count windows keep a {@code ListState} and are fitted
 * on the point that fills them; an incomplete last count window is fitted when its key expires or
 * when the input ends (the final watermark of a bounded source or of {@code stop --drain} fires a
 * timer at {@code Long.MAX_VALUE}, set when each count window starts), so that every point of a
 * finished input is labelled. With a RocksDB state backend, adding a point rewrites its pane: O(points in the pane)
 * per point.
 *
 * <p>Idle keys ({@link ClustererSettings#keyTtlMillis()}, off by default): a key expires when the
 * watermark passes its newest point's event time plus the TTL. Event time, not processing time,
 * because windows close on the watermark: since the TTL is at least the window size, every window
 * holding one of the key's points has been fitted (and its points labelled) by then, and a replay
 * expires the same keys at the same place in the stream. An incomplete count window is fitted
 * then. Expiry emits a {@link WindowSummary#STATUS_EXPIRED} summary, clears all of the key's state
 * (model, panes, count window, expiry bookkeeping) and resets its per-key gauges; a later point of
 * the key starts cold, like a new key. One expiry timer per key is pending at a time: when it fires
 * for a key that has seen newer points, it is set again from the newest one.
 *
 * <p>Labels ({@link ClustererSettings.LabelMode}): per window, each point is labelled when the
 * first window that holds it is fitted (exactly once, also with sliding windows); online, each
 * point is labelled on arrival with the key's current model.
 *
 * <p>A backend failure never fails the job ({@link FailSafeFitter}): a window whose fit throws is
 * refitted on the CPU; if that throws too, its summary has status {@code fit_failed} and the
 * error, and its points are labelled with the key's previous centroids (previous model version),
 * or, before the key's first model, go to the dead letters as {@code fit_failed} (in online
 * label mode they were labelled on arrival already), so that every point is still one label or
 * one dead letter.
 *
 * <p>Every point needs an event time: the record's timestamp (from the watermark strategy), else
 * the point's own {@code ts}. Metrics, per subtask: counters {@code pointsIn},
 * {@code pointsLabelled} (labels emitted), {@code deadLetters} (in a group {@code reason} per
 * reason), {@code latePoints}, {@code windowsFitted}, {@code windowsSkipped} (too few points),
 * {@code reseeds}, {@code keysExpired}, {@code cpuRefits} (windows refitted on the CPU after the
 * backend threw), {@code fitFailures} (windows whose CPU refit threw too); gauges
 * {@code lastInertiaPerPoint}, {@code lastSilhouette}, {@code lastMaxDrift} (of the last window
 * fitted on the subtask, any key; 0 before one),
 * {@code k}, {@code backend} (0 = cpu, 1 = gpu), {@code gpuFallbacks} (windows the GPU backend
 * fitted on the CPU after a GPU failure, {@link LloydBackend#fallbacks()}); a histogram
 * {@code fitTimeMicros}; and per key, for a bounded number of keys, the gauges of {@link KeyMetrics}.
 */
public final class ClusteringFunction extends KeyedProcessFunction<String, Point, LabelRecord> {
    private static final long serialVersionUID = 1L;

    /** Side output of the window summaries. */
    public static final OutputTag<WindowSummary> SUMMARIES =
            new OutputTag<>("window-summaries", TypeInformation.of(WindowSummary.class));
    /**
     * Side output of the points rejected by the clusterer ({@code dimension_mismatch}, {@code late},
     * {@code fit_failed}).
     */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("clusterer-dead-letters", TypeInformation.of(DeadLetter.class));

    /** Flink's external resource name of the GPUs (flink-conf {@code external-resources: gpu}). */
    static final String GPU_RESOURCE = "gpu";
    private static final int FIT_TIME_SAMPLES = 1024;
    /** The final watermark's time: a timer here fires only when the input ends. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    private final WindowSpec windows;
    private final ClustererSettings settings;
    private final BackendFactory backends;
    private final BackendFactory cpuBackends;

    private transient ValueState<ModelState> model;
    private transient MapState<Long, List<BufferedPoint>> panes;
    private transient MapState<Long, Integer> panesLabelled;
    private transient ListState<BufferedPoint> countWindow;
    private transient ValueState<Integer> countWindowSize;
    /** With a key TTL: the key's newest event time, and the time of its pending expiry timer. */
    private transient ValueState<Long> lastEventTime;
    private transient ValueState<Long> expiryTimer;

    private transient Workers workers;
    private transient LloydBackend backend;
    private transient FailSafeFitter fitter;

    private transient Counter pointsIn;
    private transient Counter pointsLabelled;
    private transient Map<DeadLetterReason, Counter> deadLetters;
    private transient Counter latePoints;
    private transient Counter windowsFitted;
    private transient Counter windowsSkipped;
    private transient Counter reseeds;
    private transient Counter keysExpired;
    private transient Counter cpuRefits;
    private transient Counter fitFailures;
    private transient Histogram fitTimeMicros;
    private transient KeyMetrics keyMetrics;
    private transient double lastInertiaPerPoint;
    private transient double lastSilhouette;
    private transient double lastMaxDrift;
    private transient int backendCode;

    /**
     * A clusterer of {@code windows} with {@code settings}. The backend is opened on the task
     * manager ({@link #open}), which fails the task with {@link Backends.BackendUnavailableException}
     * when {@code --backend gpu} finds no usable GPU there; a client that submits the job needs none.
     */
    public ClusteringFunction(WindowSpec windows, ClustererSettings settings) {
        this(windows, settings, (workers, device) -> Backends.open(settings.backend(), workers, device),
                (workers, device) -> new CpuLloydBackend(workers));
    }

    /**
     * A clusterer that fits on backends from {@code backends} and refits failed windows on
     * backends from {@code cpuBackends} (tests inject failing backends here).
     */
    ClusteringFunction(WindowSpec windows, ClustererSettings settings, BackendFactory backends,
            BackendFactory cpuBackends) {
        this.windows = Objects.requireNonNull(windows, "windows");
        this.settings = Objects.requireNonNull(settings, "settings");
        settings.checkKeyTtlCovers(windows);
        this.backends = Objects.requireNonNull(backends, "backends");
        this.cpuBackends = Objects.requireNonNull(cpuBackends, "cpuBackends");
    }

    /**
     * The GPU of subtask {@code subtask}: one of the devices that Flink's external resource
     * {@value #GPU_RESOURCE} gives its task manager (property {@code index}, as Flink's GPU driver
     * reports them), the subtasks spread round-robin over them in ascending index order; else
     * {@code configured} ({@code --gpu-device}) when given; else empty, the GPU backend's default.
     * Resources without a numeric {@code index} are ignored.
     */
    static OptionalInt gpuDevice(Collection<ExternalResourceInfo> assigned, int subtask, int configured) {
        int[] indices = assigned.stream()
                .map(info -> info.getProperty("index").orElse(""))
                .filter(index -> index.matches("\\d{1,9}"))
                .mapToInt(Integer::parseInt)
                .distinct().sorted().toArray();
        if (indices.length > 0) {
            return OptionalInt.of(indices[subtask % indices.length]);
        }
        return configured == ClustererSettings.DEFAULT_GPU_DEVICE ? OptionalInt.empty() : OptionalInt.of(configured);
    }

    @Override
    public void open(OpenContext openContext) {
        model = getRuntimeContext().getState(new ValueStateDescriptor<>("model", ModelStateSerializer.INSTANCE));
        TypeInformation<BufferedPoint> pointType = TypeInformation.of(BufferedPoint.class);
        if (windows.isTime()) {
            panes = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("panes", Types.LONG, Types.LIST(pointType)));
            panesLabelled = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("panes-labelled", Types.LONG, Types.INT));
        } else {
            countWindow = getRuntimeContext().getListState(new ListStateDescriptor<>("count-window", pointType));
            countWindowSize = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("count-window-size", Types.INT));
        }
        if (settings.expiresKeys()) {
            lastEventTime = getRuntimeContext().getState(new ValueStateDescriptor<>("last-event-time", Types.LONG));
            expiryTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("expiry-timer", Types.LONG));
        }

        workers = Workers.create(settings.fitThreads());
        backend = backends.open(workers, gpuDevice(getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), settings.gpuDevice()));
        fitter = new FailSafeFitter(settings, backend, cpuBackends, workers);
        backendCode = backendCode(backend.name());
        registerMetrics(getRuntimeContext().getMetricGroup());
    }

    private void registerMetrics(MetricGroup group) {
        pointsIn = group.counter("pointsIn");
        pointsLabelled = group.counter("pointsLabelled");
        deadLetters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : new DeadLetterReason[] {DeadLetterReason.DIMENSION_MISMATCH,
                DeadLetterReason.LATE, DeadLetterReason.FIT_FAILED}) {
            deadLetters.put(reason, group.addGroup("reason", reason.code()).counter("deadLetters"));
        }
        latePoints = group.counter("latePoints");
        windowsFitted = group.counter("windowsFitted");
        windowsSkipped = group.counter("windowsSkipped");
        reseeds = group.counter("reseeds");
        keysExpired = group.counter("keysExpired");
        cpuRefits = group.counter("cpuRefits");
        fitFailures = group.counter("fitFailures");
        group.gauge("lastInertiaPerPoint", (Gauge<Double>) () -> lastInertiaPerPoint);
        group.gauge("lastSilhouette", (Gauge<Double>) () -> lastSilhouette);
        group.gauge("lastMaxDrift", (Gauge<Double>) () -> lastMaxDrift);
        group.gauge("k", (Gauge<Integer>) settings::k);
        group.gauge("backend", (Gauge<Integer>) () -> backendCode);
        group.gauge("gpuFallbacks", (Gauge<Long>) backend::fallbacks);
        fitTimeMicros = group.histogram("fitTimeMicros", new DescriptiveStatisticsHistogram(FIT_TIME_SAMPLES));
        keyMetrics = new KeyMetrics(group, settings.keyMetrics(), settings.k());
    }

    @Override
    public void processElement(Point point, Context ctx, Collector<LabelRecord> out) throws Exception {
        pointsIn.inc();
        long ts = eventTime(point, ctx.timestamp());
        ModelState state = model.value();
        int dims = state == null ? point.dims() : state.dims();
        if (point.dims() != dims) {
            reject(ctx, point, DeadLetterReason.DIMENSION_MISMATCH, "point has " + point.dims()
                    + " features, the model of key '" + point.key() + "' has " + dims);
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        long pane = windows.isTime() ? windows.paneStart(ts) : 0;
        if (windows.isTime() && windows.lastWindowEnd(pane) - 1 <= watermark) {
            latePoints.inc();
            reject(ctx, point, DeadLetterReason.LATE, "event time " + ts + " is behind the watermark " + watermark
                    + ": every window of the point has been fitted");
            return;
        }
        if (state == null) {
            state = ModelState.initial(dims, settings.k());
            model.update(state);
        }
        if (settings.labelMode() == ClustererSettings.LabelMode.ONLINE) {
            emit(out, onlineLabel(point, ts, pane, state));
        }
        if (settings.expiresKeys()) {
            keepAlive(ts, ctx);
        }
        BufferedPoint buffered = new BufferedPoint(point.id(), ts, point.features());
        if (windows.isTime()) {
            addToPane(pane, buffered, watermark, ctx);
        } else {
            addToCountWindow(buffered, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabelRecord> out) throws Exception {
        // A window timer and an expiry timer may share a timestamp (timers are deduplicated): window first.
        if (windows.isTime()) {
            fitTimeWindow(timestamp, ctx, out);
        } else if (timestamp == END_OF_INPUT && countWindowSize.value() != null) {
            fitCountWindow(ctx, out);
        }
        if (settings.expiresKeys() && Long.valueOf(timestamp).equals(expiryTimer.value())) {
            expireOrPostpone(timestamp, ctx, out);
        }
    }

    /** The key has a point at event time {@code ts}: it lives at least until {@code ts} + TTL. */
    private void keepAlive(long ts, Context ctx) throws Exception {
        Long last = lastEventTime.value();
        if (last == null || ts > last) {
            lastEventTime.update(ts);
        }
        if (expiryTimer.value() == null) {
            long at = expiryTime(ts);
            ctx.timerService().registerEventTimeTimer(at);
            expiryTimer.update(at);
        }
    }

    private long expiryTime(long lastEventTime) {
        long ttl = settings.keyTtlMillis();
        return lastEventTime > Long.MAX_VALUE - ttl ? Long.MAX_VALUE : lastEventTime + ttl;
    }

    /**
     * The expiry timer fired: drop the key's state if it has had no newer point, else set the timer
     * again from its newest point. Time windows have all been fitted by now (TTL ≥ window size, and
     * timers fire in time order); an incomplete count window is fitted here.
     */
    private void expireOrPostpone(long timestamp, OnTimerContext ctx, Collector<LabelRecord> out) throws Exception {
        long last = lastEventTime.value();
        long due = expiryTime(last);
        if (due > timestamp) {
            ctx.timerService().registerEventTimeTimer(due);
            expiryTimer.update(due);
            return;
        }
        if (!windows.isTime() && countWindowSize.value() != null) {
            fitCountWindow(ctx, out);
        }
        String key = ctx.getCurrentKey();
        ModelState state = model.value();
        if (state != null) {
            ctx.output(SUMMARIES, fitter.expired(key, state, last, timestamp));
        }
        model.clear();
        if (windows.isTime()) {
            panes.clear();
            panesLabelled.clear();
        } else {
            countWindow.clear();
            countWindowSize.clear();
        }
        lastEventTime.clear();
        expiryTimer.clear();
        keyMetrics.expire(key);
        keysExpired.inc();
    }

    /** The window ending at {@code timestamp + 1}: fit it, label its unlabelled points, drop its first pane. */
    private void fitTimeWindow(long timestamp, OnTimerContext ctx, Collector<LabelRecord> out) throws Exception {
        long end = timestamp + 1;
        long start = end - windows.sizeMillis();
        long slide = windows.slideMillis();
        List<BufferedPoint> points = new ArrayList<>();
        // Index in `points` from which each pane's points have no label yet.
        List<Integer> unlabelledFrom = new ArrayList<>();
        List<Integer> paneEnds = new ArrayList<>();
        for (long p = start; p < end; p += slide) {
            List<BufferedPoint> pane = panes.get(p);
            if (pane != null) {
                Integer labelled = panesLabelled.get(p);
                unlabelledFrom.add(points.size() + (labelled == null ? 0 : labelled));
                points.addAll(pane);
                paneEnds.add(points.size());
                if (p > start && settings.labelMode() == ClustererSettings.LabelMode.WINDOW) {
                    panesLabelled.put(p, pane.size());
                }
            }
        }
        // This was the last window holding the first pane.
        panes.remove(start);
        panesLabelled.remove(start);
        if (points.isEmpty()) {
            return;
        }
        WindowOutcome outcome = fitWindow(ctx.getCurrentKey(), points, start, end, ctx);
        if (settings.labelMode() == ClustererSettings.LabelMode.WINDOW) {
            for (int i = 0; i < paneEnds.size(); i++) {
                emitLabels(out, ctx, ctx.getCurrentKey(), outcome, points, unlabelledFrom.get(i), paneEnds.get(i),
                        start, end);
            }
        }
    }

    private void addToPane(long pane, BufferedPoint point, long watermark, Context ctx) throws Exception {
        List<BufferedPoint> list = panes.get(pane);
        if (list == null) {
            list = new ArrayList<>();
            // A new pane: a timer for every window holding it that is still open (timers are deduplicated).
            for (long end = windows.firstWindowEnd(pane); end <= windows.lastWindowEnd(pane);
                    end += windows.slideMillis()) {
                if (end - 1 > watermark) {
                    ctx.timerService().registerEventTimeTimer(end - 1);
                }
            }
        }
        list.add(point);
        panes.put(pane, list);
    }

    private void addToCountWindow(BufferedPoint point, Context ctx, Collector<LabelRecord> out) throws Exception {
        countWindow.add(point);
        Integer size = countWindowSize.value();
        int filled = (size == null ? 0 : size) + 1;
        if (filled == 1) {
            // Fires only on the final watermark; one per key however many windows register it.
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        }
        if (filled < windows.count()) {
            countWindowSize.update(filled);
            return;
        }
        fitCountWindow(ctx, out);
    }

    /** Fits and labels the buffered count window (full, or the last one of an expiring key) and empties it. */
    private void fitCountWindow(Context ctx, Collector<LabelRecord> out) throws Exception {
        List<BufferedPoint> points = new ArrayList<>();
        countWindow.get().forEach(points::add);
        countWindow.clear();
        countWindowSize.clear();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (BufferedPoint p : points) {
            first = Math.min(first, p.ts());
            last = Math.max(last, p.ts());
        }
        WindowOutcome outcome = fitWindow(ctx.getCurrentKey(), points, first, last, ctx);
        if (settings.labelMode() == ClustererSettings.LabelMode.WINDOW) {
            emitLabels(out, ctx, ctx.getCurrentKey(), outcome, points, 0, points.size(), first, last);
        }
    }

    /** Fits a window, updates the model, emits the summary and updates the metrics. */
    private WindowOutcome fitWindow(String key, List<BufferedPoint> points, long start, long end, Context ctx)
            throws Exception {
        ModelState state = model.value();
        int d = state.dims();
        float[] data = new float[Math.multiplyExact(points.size(), d)];
        for (int i = 0; i < points.size(); i++) {
            System.arraycopy(points.get(i).features(), 0, data, i * d, d);
        }
        FailSafeFitter.Result fit = fitter.fit(key, state, PointBlock.of(data, d), start, end);
        if (fit.path() == FailSafeFitter.Path.CPU_REFIT) {
            cpuRefits.inc();
        } else if (fit.path() == FailSafeFitter.Path.FAILED) {
            fitFailures.inc();
        }
        WindowOutcome outcome = fit.outcome();
        model.update(outcome.state());
        WindowSummary summary = outcome.summary();
        ctx.output(SUMMARIES, summary);
        if (summary.fitted()) {
            windowsFitted.inc();
            lastInertiaPerPoint = summary.meanSqDistance();
            if (summary.silhouette() != null) {
                lastSilhouette = summary.silhouette();
            }
            if (summary.drift() != null) {
                lastMaxDrift = summary.drift().max();
            }
            fitTimeMicros.update(Math.round(summary.fitMs() * 1000));
            backendCode = backendCode(summary.backend());
            keyMetrics.update(summary);
        } else if (!summary.failed()) {
            windowsSkipped.inc();
        }
        if (outcome.reseeded()) {
            reseeds.inc();
        }
        return outcome;
    }

    /**
     * Labels of {@code points[from, to)} from the window's outcome; for a failed window of a key
     * without a model, {@code fit_failed} dead letters instead.
     */
    private void emitLabels(Collector<LabelRecord> out, Context ctx, String key, WindowOutcome outcome,
            List<BufferedPoint> points, int from, int to, long start, long end) {
        long version = outcome.summary().modelVersion();
        boolean labelled = outcome.labelled();
        boolean deadLettered = !labelled && outcome.summary().failed();
        for (int i = from; i < to; i++) {
            BufferedPoint p = points.get(i);
            if (deadLettered) {
                // The buffered point no longer knows its Kafka record: the dead letter's origin is unknown.
                Point point = new Point(key, p.id(), p.ts(), p.features());
                ctx.output(DEAD_LETTERS, DeadLetter.ofPoint(point, DeadLetterReason.FIT_FAILED,
                        "the fit of window [" + start + ", " + end + ") failed and key '" + key + "' has no model"
                        + " yet: " + outcome.summary().error(), p.ts()));
                deadLetters.get(DeadLetterReason.FIT_FAILED).inc();
                continue;
            }
            Float distance = labelled ? outcome.distances()[i] : null;
            emit(out, new LabelRecord(key, p.id(), p.ts(), start, end, outcome.clusters()[i], distance, version));
        }
    }

    private LabelRecord onlineLabel(Point point, long ts, long pane, ModelState state) {
        Long start = windows.isTime() ? windows.firstWindowEnd(pane) - windows.sizeMillis() : null;
        Long end = windows.isTime() ? windows.firstWindowEnd(pane) : null;
        if (!state.hasModel()) {
            return new LabelRecord(point.key(), point.id(), ts, start, end, -1, null, 0);
        }
        int cluster = state.nearest(point.features());
        return new LabelRecord(point.key(), point.id(), ts, start, end, cluster,
                state.distance(point.features(), cluster), state.modelVersion());
    }

    private void emit(Collector<LabelRecord> out, LabelRecord label) {
        out.collect(label);
        pointsLabelled.inc();
    }

    private void reject(Context ctx, Point point, DeadLetterReason reason, String message) {
        Long recordTime = ctx.timestamp();
        ctx.output(DEAD_LETTERS, DeadLetter.ofPoint(point, reason, message, recordTime == null ? -1 : recordTime));
        deadLetters.get(reason).inc();
    }

    /** The event time of a point: the record's timestamp, else the point's own. */
    private static long eventTime(Point point, Long recordTimestamp) {
        if (recordTimestamp != null) {
            return recordTimestamp;
        }
        if (point.hasTimestamp()) {
            return point.ts();
        }
        throw new IllegalStateException("point " + point + " has no event time: assign timestamps and watermarks"
                + " to the stream before the clusterer");
    }

    private static int backendCode(String name) {
        return "gpu".equals(name) ? 1 : 0;
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
        if (workers != null) {
            workers.close();
        }
    }
}
