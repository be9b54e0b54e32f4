package streamkmeans.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import streamkmeans.stream.WindowSummary;

/**
 * Window summaries for the report and watch tests, written by the job's own {@link WindowSummary}
 * so they have exactly the topic's format: k centroids that move by a known step per window.
 */
final class SummaryFixtures {
    /** Window end of window 0, epoch ms (2025-01-01T00:00:00Z). */
    static final long T0 = 1_735_689_600_000L;
    /** Window length, ms. */
    static final long WINDOW = 2_000;
    /** How far every centroid moves per window, along the first axis (data units). */
    static final double STEP = 0.25;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SummaryFixtures() {
    }

    /**
     * Window {@code i} of {@code key}: k centroids with coordinate t of centroid j at
     * {@code 10·j + t} plus {@code STEP·i} on the first axis; 1000·(j+1) + i points in cluster j;
     * the first window seeded with K-Means++ and without drift, window {@code reseedAt} reseeded,
     * window {@code unfittedAt} too small to fit (−1: none).
     */
    static WindowSummary window(String key, int i, int k, int d, int reseedAt, int unfittedAt) {
        float[][] centroids = new float[k][d];
        int[] sizes = new int[k];
        int points = 0;
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                centroids[j][t] = (float) (10 * j + t + (t == 0 ? STEP * i : 0));
            }
            sizes[j] = 1000 * (j + 1) + i;
            points += sizes[j];
        }
        long end = T0 + WINDOW * i;
        if (i == unfittedAt) {
            return new WindowSummary(key, end - WINDOW, end, WindowSummary.STATUS_TOO_FEW_POINTS, k - 1, d, k, "cpu",
                    null, null, null, null, null, 2.0, null, null, 0.7, centroids, new int[k], null, null, null, i);
        }
        double[] perCluster = new double[k];
        Arrays.fill(perCluster, STEP);
        WindowSummary.Drift drift = i == 0 ? null : new WindowSummary.Drift(perCluster, STEP, STEP);
        String seeding = i == 0 ? "kmeans++" : i == reseedAt ? "reseed" : "warm";
        double meanSq = 2.0 + 0.01 * i;
        return new WindowSummary(key, end - WINDOW, end, WindowSummary.STATUS_OK, points, d, k, "cpu", seeding, 3,
                true, meanSq * points, meanSq, 2.0, 0.7 - 0.001 * i, "exact", 0.7, centroids, sizes, drift,
                i == 0 ? null : 0.01, 1.5, i + 1);
    }

    /** Windows 0 … n−1 of one key as JSON lines, as {@code demo --json} prints them. */
    static List<String> lines(String key, int n, int k, int d, int reseedAt, int unfittedAt) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(window(key, i, k, d, reseedAt, unfittedAt).toJson());
        }
        return out;
    }

    /** The JSON lines as objects. */
    static List<JsonNode> parse(List<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            try {
                out.add(MAPPER.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * Sends the values to the topic in one transaction, committed or aborted, as the exactly-once
     * job does; waits until the broker has the outcome.
     */
    static void send(String bootstrap, String topic, boolean commit, List<String> values) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fixtures-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value)).get();
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }
}
