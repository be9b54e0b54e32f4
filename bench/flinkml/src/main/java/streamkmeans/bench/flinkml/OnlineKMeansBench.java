package streamkmeans.bench.flinkml;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.ml.clustering.kmeans.KMeansModelData;
import org.apache.flink.ml.clustering.kmeans.OnlineKMeans;
import org.apache.flink.ml.clustering.kmeans.OnlineKMeansModel;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The peer row of the streaming benchmark: Flink ML 2.2.0 {@link OnlineKMeans} (random initial
 * centroids, mini-batches of {@code --batch} points over all subtasks) and its predict operator
 * ({@link OnlineKMeansModel#transform}, a label for every point) on the drifting-blob stream of
 * {@code streamkmeans stream-bench}: same generator, seed and order of points, generated in-process
 * by a single source (no Kafka, no JSON: this favours the peer).
 *
 * <p>Throughput = points / wall time of {@code execute()}, MiniCluster start included (as the
 * streamkmeans row counts from the job's submission); also the rate between the first and the
 * last prediction. Quality: each point's squared distance to the nearest centroid of the model
 * published after the mini-batch that holds it (the model trained on that point, as streamkmeans
 * labels a point with the fit of its own window), per point, against the oracle (its distance to
 * its true centre at its own index). The buffer timeout is 1 ms: Flink ML 2.0's iteration runtime
 * otherwise waits the default 100 ms per mini-batch.
 *
 * <p>Options (all {@code --name value}): {@code --points 1000000 --dims 8 --k 16 --batch 10000
 * --parallelism 2 --decay 0.0 --seed 0 --drift 0.01 --buffer-timeout 1}. The decay factor's
 * default is Flink ML's own.
 */
public final class OnlineKMeansBench {
    private static final String PREDICTIONS = "predictions";
    private static final String INDEX_SUM = "index-sum";
    private static final String FIRST_MS = "first-prediction-ms";
    private static final String LAST_MS = "last-prediction-ms";
    private static final String MODELS = "models";
    private static final String FIRST_CPU = "first-prediction-process-cpu-ns";
    private static final String LAST_CPU = "last-prediction-process-cpu-ns";

    private OnlineKMeansBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        long points = Long.parseLong(options.get("points"));
        int dims = Integer.parseInt(options.get("dims"));
        int k = Integer.parseInt(options.get("k"));
        int batch = Integer.parseInt(options.get("batch"));
        int parallelism = Integer.parseInt(options.get("parallelism"));
        double decay = Double.parseDouble(options.get("decay"));
        long seed = Long.parseLong(options.get("seed"));
        double driftPerPoint = Double.parseDouble(options.get("drift")) / 1000;
        long bufferTimeout = Long.parseLong(options.get("buffer-timeout"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(parallelism);
        env.setBufferTimeout(bufferTimeout);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        RowTypeInfo rowType = new RowTypeInfo(new TypeInformation<?>[] {Types.LONG, DenseVectorTypeInfo.INSTANCE},
                new String[] {"index", "features"});
        Table input = tEnv.fromDataStream(env.addSource(new BlobSource(points, dims, k, driftPerPoint, seed),
                "drifting blobs", rowType));

        OnlineKMeans kmeans = new OnlineKMeans()
                .setFeaturesCol("features")
                .setPredictionCol("prediction")
                .setGlobalBatchSize(batch)
                .setK(k)
                .setDecayFactor(decay)
                .setInitialModelData(KMeansModelData.generateRandomModelData(tEnv, k, dims, 0.0, seed));
        OnlineKMeansModel model = kmeans.fit(input);
        tEnv.toDataStream(model.transform(input)[0]).addSink(new PredictionSink()).name("predictions");
        KMeansModelData.getModelDataStream(model.getModelData()[0]).addSink(new ModelSink()).name("models")
                .setParallelism(1);

        System.err.printf(Locale.ROOT, "flinkml-bench: %d points, d=%d, k=%d, batch %d, parallelism %d, decay %s, "
                + "buffer timeout %d ms%n", points, dims, k, batch, parallelism, decay, bufferTimeout);
        long t0 = System.nanoTime();
        JobExecutionResult result = env.execute("flink-ml-online-kmeans");
        double seconds = (System.nanoTime() - t0) / 1e9;

        long predictions = result.<Long>getAccumulatorResult(PREDICTIONS);
        long indexSum = result.<Long>getAccumulatorResult(INDEX_SUM);
        long first = result.<Long>getAccumulatorResult(FIRST_MS);
        long last = result.<Long>getAccumulatorResult(LAST_MS);
        double cpuPerPoint = (result.<Long>getAccumulatorResult(LAST_CPU) - result.<Long>getAccumulatorResult(FIRST_CPU))
                / 1e3 / predictions;
        List<double[][]> models = result.getAccumulatorResult(MODELS);
        boolean eachOnce = predictions == points && indexSum == points * (points - 1) / 2;
        Quality q = quality(models, points, dims, k, batch, driftPerPoint, seed);

        double endToEnd = points / seconds;
        double steady = last > first ? predictions / ((last - first) / 1e3) : Double.NaN;
        System.err.printf(Locale.ROOT, "flinkml-bench: %.1f s wall (net runtime %.1f s), %d predictions%s, "
                        + "%d models; SSE per point %.4f vs oracle %.4f; %d of %d centroids empty in the last batch%n"
                        + "flinkml-bench: CPU per point from the first to the last prediction: %.2f µs in this JVM%n",
                seconds, result.getNetRuntime() / 1e3, predictions, eachOnce ? " (each point once)" : " (NOT each point once)",
                models.size(), q.ssePerPoint, q.oraclePerPoint, q.emptyInLastBatch, k, cpuPerPoint);
        System.out.println("| system | what it does | throughput | quality |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| Flink ML 2.2.0 OnlineKMeans + predict (Flink 1.15.4), batch %,d, random init, "
                        + "decay %s, %d ms buffer timeout, parallelism %d, in-process source, %,d points | training + "
                        + "a label per point (%,d predictions) | %.0fk points/s end to end (%.0fk first to last "
                        + "prediction) | SSE %.2f vs %.2f per point on the drifting stream (%.2f× oracle), %d of %d "
                        + "centroids empty in the last batch |%n",
                batch, decay, bufferTimeout, parallelism, points, predictions, endToEnd / 1e3, steady / 1e3,
                q.ssePerPoint, q.oraclePerPoint, q.ssePerPoint / q.oraclePerPoint, q.emptyInLastBatch, k);
    }

    /** The quality numbers of a run. */
    private static final class Quality {
        double ssePerPoint;
        double oraclePerPoint;
        int emptyInLastBatch;
    }

    /**
     * Regenerates the stream and scores each point against the nearest centroid of the model
     * published after its mini-batch (the last model for points past the last one). The first
     * model published is the initial one. O(n·k·d).
     */
    private static Quality quality(List<double[][]> models, long points, int dims, int k, int batch,
            double driftPerPoint, long seed) {
        if (models.isEmpty()) {
            throw new IllegalStateException("OnlineKMeans published no model");
        }
        DriftingBlobs blobs = new DriftingBlobs(dims, k, driftPerPoint, seed);
        float[] x = new float[dims];
        double sse = 0;
        double oracle = 0;
        long lastBatch = (points - 1) / batch;
        int[] lastBatchSizes = new int[k];
        for (long i = 0; i < points; i++) {
            long index = blobs.position();
            int truth = blobs.next(x);
            // models[0] is the initial model: the iteration publishes its variable stream.
            double[][] centroids = models.get((int) Math.min(i / batch + 1, models.size() - 1));
            double best = Double.POSITIVE_INFINITY;
            int nearest = 0;
            for (int j = 0; j < centroids.length; j++) {
                double dist = 0;
                for (int t = 0; t < dims; t++) {
                    double diff = x[t] - centroids[j][t];
                    dist += diff * diff;
                }
                if (dist < best) {
                    best = dist;
                    nearest = j;
                }
            }
            sse += best;
            if (i / batch == lastBatch) {
                lastBatchSizes[nearest]++;
            }
            for (int t = 0; t < dims; t++) {
                double diff = x[t] - blobs.centre(truth, t, index);
                oracle += diff * diff;
            }
        }
        Quality q = new Quality();
        q.ssePerPoint = sse / points;
        q.oraclePerPoint = oracle / points;
        for (int size : lastBatchSizes) {
            q.emptyInLastBatch += size == 0 ? 1 : 0;
        }
        return q;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        options.put("points", "1000000");
        options.put("dims", "8");
        options.put("k", "16");
        options.put("batch", "10000");
        options.put("parallelism", "2");
        options.put("decay", "0.0");
        options.put("seed", "0");
        options.put("drift", "0.01");
        options.put("buffer-timeout", "1");
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
            if (!options.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value with names " + options.keySet()
                        + "; got " + args[i]);
            }
            options.put(name, args[i + 1]);
        }
        return options;
    }

    /** The points in stream order, one source subtask: (index, features). */
    private static final class BlobSource implements SourceFunction<Row> {
        private static final long serialVersionUID = 1L;
        private final long points;
        private final int dims;
        private final int k;
        private final double driftPerPoint;
        private final long seed;
        private volatile boolean running = true;

        BlobSource(long points, int dims, int k, double driftPerPoint, long seed) {
            this.points = points;
            this.dims = dims;
            this.k = k;
            this.driftPerPoint = driftPerPoint;
            this.seed = seed;
        }

        @Override
        public void run(SourceContext<Row> ctx) {
            DriftingBlobs blobs = new DriftingBlobs(dims, k, driftPerPoint, seed);
            float[] x = new float[dims];
            for (long i = 0; i < points && running; i++) {
                blobs.next(x);
                double[] features = new double[dims];
                for (int t = 0; t < dims; t++) {
                    features[t] = x[t];
                }
                DenseVector vector = Vectors.dense(features);
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(Row.of(i, vector));
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /**
     * Counts predictions, sums their indices (each point once: n(n−1)/2), and notes the wall clock
     * and the process CPU time at the first and the last one (local execution: one JVM).
     */
    private static final class PredictionSink extends RichSinkFunction<Row> {
        private static final long serialVersionUID = 1L;
        private final LongCounter predictions = new LongCounter();
        private final LongCounter indexSum = new LongCounter();
        private final LongMinimum first = new LongMinimum();
        private final LongMaximum last = new LongMaximum();
        private final LongMinimum firstCpu = new LongMinimum();
        private final LongMaximum lastCpu = new LongMaximum();
        private transient com.sun.management.OperatingSystemMXBean os;

        @Override
        public void open(Configuration parameters) {
            getRuntimeContext().addAccumulator(PREDICTIONS, predictions);
            getRuntimeContext().addAccumulator(INDEX_SUM, indexSum);
            getRuntimeContext().addAccumulator(FIRST_MS, first);
            getRuntimeContext().addAccumulator(LAST_MS, last);
            getRuntimeContext().addAccumulator(FIRST_CPU, firstCpu);
            getRuntimeContext().addAccumulator(LAST_CPU, lastCpu);
            os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        }

        @Override
        public void invoke(Row row, Context context) {
            long now = System.currentTimeMillis();
            if (predictions.getLocalValuePrimitive() == 0) {
                first.add(now);
                firstCpu.add(os.getProcessCpuTime());
            }
            predictions.add(1);
            indexSum.add((Long) row.getField("index"));
            last.add(now);
            // The process CPU clock sums over threads: read it every thousandth record only.
            if (predictions.getLocalValuePrimitive() % 1000 == 0) {
                lastCpu.add(os.getProcessCpuTime());
            }
        }
    }

    /** Collects the published models in order (parallelism 1). */
    private static final class ModelSink extends RichSinkFunction<KMeansModelData> {
        private static final long serialVersionUID = 1L;
        private final ListAccumulator<double[][]> models = new ListAccumulator<>();

        @Override
        public void open(Configuration parameters) {
            getRuntimeContext().addAccumulator(MODELS, models);
        }

        @Override
        public void invoke(KMeansModelData data, Context context) {
            double[][] centroids = new double[data.centroids.length][];
            for (int j = 0; j < centroids.length; j++) {
                centroids[j] = data.centroids[j].values.clone();
            }
            models.add(centroids);
        }
    }
}
