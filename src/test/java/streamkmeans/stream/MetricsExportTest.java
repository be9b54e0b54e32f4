package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Blobs;

/**
 * The clusterer's metrics as Prometheus sees them: a job on a local MiniCluster with Flink's
 * Prometheus reporter, held open after its last window so that its metrics can be scraped over
 * HTTP. Checks that every metric the Grafana dashboard queries is exported with the labels the
 * queries use (so the dashboard cannot silently rot), that per-key metrics stay within their limit,
 * that the values match the data, and, where the {@code prometheus} binary is installed, that a
 * real Prometheus scrapes the job and answers queries about it.
 */
@Timeout(300)
class MetricsExportTest {
    private static final Path DASHBOARD = Path.of("docker/grafana/dashboards/streamkmeans.json");
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final List<String> KEYS = List.of("a", "b", "c", "d");
    private static final int KEY_METRICS = 2;
    private static final int K = 3;
    private static final int WINDOWS = 3;
    private static final int POINTS_PER_WINDOW = 60;
    private static final int VALID_POINTS = KEYS.size() * WINDOWS * POINTS_PER_WINDOW;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static int reporterPort;
    private static JobClient job;
    private static PrometheusText scrape;

    @BeforeAll
    static void runTheJobUntilItsLastLabel() throws Exception {
        reporterPort = freePort();
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(reporterPort));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        ClustererSettings settings = ClustererSettings.builder(K).refine(false).backend(Backends.Choice.CPU)
                .keyMetrics(KEY_METRICS).build();
        // The job's own stages after the Kafka source: parse, split off dead letters, cluster. All in
        // one chain (with one subtask the stream is trivially partitioned by key), so that the gate
        // at its end holds every operator's metrics.
        DataStream<Point> points = env.fromData(records())
                .flatMap(new Parse())
                .returns(StreamTypes.PARSED)
                .process(new ClusteringJob.SplitParsed())
                .returns(StreamTypes.POINT)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Point>forMonotonousTimestamps()
                        .withTimestampAssigner((p, recordTime) -> p.ts()));
        DataStreamUtils.reinterpretAsKeyedStream(points, Point::key, Types.STRING)
                .process(new ClusteringFunction(WindowSpec.tumbling(Duration.ofSeconds(1)), settings))
                .process(new Gate())
                .sinkTo(new DiscardingSink<>());
        job = env.executeAsync("metrics-export");
        assertTrue(Gate.INPUT_DONE.await(180, TimeUnit.SECONDS), "the job did not reach the end of its input");
        scrape = PrometheusText.parse(get(URI.create("http://127.0.0.1:" + reporterPort + "/metrics")));
    }

    @AfterAll
    static void releaseTheJob() throws Exception {
        Gate.RELEASE.countDown();
        if (job != null) {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * JSON points: blobs for each key and window, interleaved by time; then one point of key
     * {@code a} with the wrong dimension and one record that is not JSON.
     */
    private static List<String> records() {
        List<String> records = new ArrayList<>();
        Blobs.Source source = Blobs.stationary(2, K, 11).source();
        for (int w = 0; w < WINDOWS; w++) {
            for (int i = 0; i < POINTS_PER_WINDOW; i++) {
                long ts = w * 1_000L + i * 1_000L / POINTS_PER_WINDOW;
                for (String key : KEYS) {
                    float[] f = source.take(1).points().point(0);
                    records.add(String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"features\":[%s,%s]}",
                            key, ts, f[0], f[1]));
                }
            }
        }
        records.add(KEYS.size() * 5, "{\"key\":\"a\",\"ts\":80,\"features\":[1,2,3]}");
        records.add(KEYS.size() * 6, "not a point");
        return records;
    }

    @Test
    void everyMetricThatTheDashboardQueriesIsExportedWithTheLabelsItUses() throws IOException {
        Map<String, Set<String>> queried = dashboardSelectors();
        assertFalse(queried.isEmpty(), "the dashboard queries no flink_ metric");
        Set<String> exported = scrape.names();
        for (Map.Entry<String, Set<String>> metric : queried.entrySet()) {
            String name = metric.getKey();
            assertTrue(exported.contains(name), name + " is queried by the dashboard but not exported; exported: "
                    + exported.stream().filter(n -> n.startsWith(OPERATOR)).toList());
            for (String label : metric.getValue()) {
                assertTrue(scrape.named(name).stream().anyMatch(s -> s.labels().containsKey(label)),
                        name + " has no label " + label + " that the dashboard uses");
            }
        }
    }

    @Test
    void perKeyMetricsHaveAGroupForTheFirstKeysAndOneForTheRest() {
        Set<String> keys = scrape.named(OPERATOR + "key_inertiaPerPoint").stream()
                .map(s -> s.label("key")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(KEY_METRICS + 1, keys.size(), keys.toString());
        assertTrue(keys.contains(KeyMetrics.OTHER), keys.toString());
        assertTrue(KEYS.containsAll(keys.stream().filter(k -> !k.equals(KeyMetrics.OTHER)).toList()), keys.toString());
        assertEquals((KEY_METRICS + 1) * K, scrape.named(OPERATOR + "key_cluster_clusterSize").size());
    }

    @Test
    void theValuesDescribeTheData() {
        assertEquals(VALID_POINTS + 2, scrape.sum(OPERATOR + "recordsIn"));
        assertEquals(1, scrape.named(OPERATOR + "reason_parseDeadLetters",
                s -> "invalid_json".equals(s.label("reason"))).get(0).value());
        assertEquals(1, scrape.sum(OPERATOR + "reason_parseDeadLetters"));
        assertEquals(VALID_POINTS + 1, scrape.sum(OPERATOR + "pointsIn"));
        assertEquals(VALID_POINTS, scrape.sum(OPERATOR + "pointsLabelled"));
        assertEquals(1, scrape.sum(OPERATOR + "reason_deadLetters"));
        assertEquals(1, scrape.named(OPERATOR + "reason_deadLetters",
                s -> "dimension_mismatch".equals(s.label("reason"))).get(0).value());
        assertEquals(KEYS.size() * WINDOWS, scrape.sum(OPERATOR + "windowsFitted"));
        assertEquals(K, scrape.sum(OPERATOR + "k"));
        assertEquals(0, scrape.sum(OPERATOR + "backend"), "the CPU backend");
        assertEquals(0, scrape.sum(OPERATOR + "gpuFallbacks"));
        for (String key : KEYS) {
            List<PrometheusText.Sample> sizes = scrape.named(OPERATOR + "key_cluster_clusterSize",
                    s -> key.equals(s.label("key")));
            if (!sizes.isEmpty()) {
                assertEquals(POINTS_PER_WINDOW, sizes.stream().mapToDouble(PrometheusText.Sample::value).sum(), key);
                assertEquals(POINTS_PER_WINDOW, single(OPERATOR + "key_windowPoints", key));
                double silhouette = single(OPERATOR + "key_silhouette", key);
                assertTrue(silhouette > 0.3 && silhouette <= 1, key + ": silhouette " + silhouette);
                assertTrue(single(OPERATOR + "key_inertiaPerPoint", key) > 0, key);
                double churn = single(OPERATOR + "key_labelChurn", key);
                assertTrue(churn >= 0 && churn <= 1, key + ": churn " + churn);
                assertTrue(single(OPERATOR + "key_meanDrift", key) <= single(OPERATOR + "key_maxDrift", key), key);
            }
        }
    }

    @Test
    void aPrometheusServerScrapesTheJob() throws Exception {
        Path binary = prometheusBinary();
        assumeTrue(binary != null, "no prometheus binary on the PATH (Debian: apt-get install prometheus, or"
                + " -Dstreamkmeans.prometheus=/path/to/prometheus): the scrape by a real Prometheus is not checked");
        Path dir = Files.createTempDirectory("streamkmeans-prometheus");
        int webPort = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "scrape_configs:",
                "  - job_name: flink",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + reporterPort + "']",
                ""));
        Process prometheus = new ProcessBuilder(binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + webPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        try {
            URI api = URI.create("http://127.0.0.1:" + webPort + "/api/v1/query");
            JsonNode points = awaitResult(api, "sum(" + OPERATOR + "pointsIn)", prometheus, dir);
            assertEquals(VALID_POINTS + 1, points.get(0).get("value").get(1).asDouble());
            JsonNode sizes = awaitResult(api, "sum by (key) (" + OPERATOR + "key_cluster_clusterSize)", prometheus, dir);
            assertEquals(KEY_METRICS + 1, sizes.size(), sizes.toString());
            for (JsonNode series : sizes) {
                assertEquals(POINTS_PER_WINDOW, series.get("value").get(1).asDouble(), series.toString());
            }
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
            deleteRecursively(dir);
        }
    }

    /** Queries Prometheus until the answer has series (it needs a scrape or two first). */
    private static JsonNode awaitResult(URI api, String query, Process prometheus, Path dir) throws Exception {
        URI uri = URI.create(api + "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(prometheus.isAlive(), () -> "prometheus exited: " + log(dir));
            try {
                JsonNode result = new ObjectMapper().readTree(get(uri)).path("data").path("result");
                if (result.size() > 0) {
                    return result;
                }
            } catch (IOException notYetListening) {
                // Prometheus opens its port after loading its storage.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no answer to " + query + " within 60 s; prometheus log: " + log(dir));
    }

    /**
     * Every {@code flink_...} metric in the dashboard's panel queries and variables, with the label
     * names its selectors and {@code by}/{@code without} clauses name.
     */
    private static Map<String, Set<String>> dashboardSelectors() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
        dashboard.path("templating").path("list").forEach(v -> {
            JsonNode q = v.path("query");
            queries.add(q.isObject() ? q.path("query").asText() : q.asText());
        });
        Pattern metric = Pattern.compile("(flink_[A-Za-z0-9_]+)(\\{([^}]*)\\})?");
        Pattern matcherLabel = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
        Map<String, Set<String>> selectors = new TreeMap<>();
        for (String query : queries) {
            Matcher m = metric.matcher(query);
            while (m.find()) {
                Set<String> labels = selectors.computeIfAbsent(m.group(1), n -> new TreeSet<>());
                if (m.group(3) != null) {
                    Matcher l = matcherLabel.matcher(m.group(3));
                    while (l.find()) {
                        labels.add(l.group(1));
                    }
                }
            }
        }
        return selectors;
    }

    private double single(String name, String key) {
        List<PrometheusText.Sample> samples = scrape.named(name, s -> key.equals(s.label("key")));
        assertEquals(1, samples.size(), name + " of key " + key);
        return samples.get(0).value();
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The binary named by {@code -Dstreamkmeans.prometheus}, else {@code prometheus} on the PATH, else null. */
    private static Path prometheusBinary() {
        String configured = System.getProperty("streamkmeans.prometheus");
        if (configured != null) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The Kafka source's deserializer, on records without Kafka. */
    private static final class Parse extends RichFlatMapFunction<String, Either<DeadLetter, Point>> {
        private static final long serialVersionUID = 1L;
        private final PointDeserializer deserializer = new PointDeserializer(PointFormat.json(), ParserLimits.DEFAULTS);
        private long offset;

        @Override
        public void open(OpenContext openContext) {
            deserializer.open(null);
        }

        @Override
        public void flatMap(String value, Collector<Either<DeadLetter, Point>> out) {
            deserializer.deserialize(new ConsumerRecord<>("points", 0, offset++, null,
                    value.getBytes(StandardCharsets.UTF_8)), out);
        }
    }

    /**
     * Passes labels on and, once the input has ended and the chain closes, tells the test and holds
     * the task until the test releases it. The whole job is one chain, so its metrics stay
     * registered meanwhile, with every window fitted and counted (the end of the input fires the
     * last windows before operators close).
     */
    private static final class Gate extends ProcessFunction<LabelRecord, LabelRecord> {
        private static final long serialVersionUID = 1L;
        static final CountDownLatch INPUT_DONE = new CountDownLatch(1);
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Override
        public void processElement(LabelRecord label, Context ctx, Collector<LabelRecord> out) {
            out.collect(label);
        }

        @Override
        public void close() throws Exception {
            INPUT_DONE.countDown();
            RELEASE.await(240, TimeUnit.SECONDS);
        }
    }
}
