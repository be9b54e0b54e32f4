package streamkmeans.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, for the
 * {@code demo} and {@code kafka} commands and for tests. It listens on the loopback interface only,
 * with PLAINTEXT on {@link #port()} and the controller on a second free port, and keeps its log in
 * a temporary directory that {@link #close()} deletes.
 *
 * <p>The ports and the directory are fixed when the broker is launched, so {@link #stop()} followed
 * by {@link #start()} brings back the same broker, with its topics and committed data, at the same
 * address: clients reconnect as they would to a restarted real broker.
 *
 * <p>With SASL users ({@link #launch(int, Map)}) the client port is a {@code SASL_PLAINTEXT}
 * listener that requires authentication with mechanism {@code PLAIN} against those users (set in
 * the broker's JAAS configuration); broker-internal traffic then uses a second, PLAINTEXT loopback
 * listener, which {@link #createTopics} uses too. Credentials travel unencrypted: this is for
 * tests and local trials of client settings, not for a network.
 *
 * <p>Internal topics (consumer offsets, transaction state, share-group state) have one replica and
 * one partition, and consumer groups start without the initial rebalance delay. Storage is
 * formatted with {@code transaction.version=1}: under Kafka 4's transaction protocol v2 the Flink
 * Kafka connector logs a false "data loss" error on every restore. A JVM killed without
 * {@link #close()} leaves the directory behind ({@code streamkmeans-kafka-*} in the temp dir).
 *
 * <p>Thread-safe: lifecycle methods are synchronized.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final String INTERNAL_LISTENER = "INTERNAL";
    /** A SASL user name: it becomes a JAAS option name ({@code user_NAME}). */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final int controllerPort;
    /** The PLAINTEXT listener of broker-internal traffic when clients use SASL; 0 otherwise. */
    private final int internalPort;
    private final Path logDir;
    private final KafkaConfig config;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(int port, int controllerPort, int internalPort, Path logDir, Map<String, String> saslUsers) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.internalPort = internalPort;
        this.logDir = logDir;
        this.config = KafkaConfig.fromProps(brokerProperties(port, controllerPort, internalPort, logDir, saslUsers),
            false);
    }

    /**
     * Formats a fresh temporary log directory and starts a broker on free loopback ports.
     * Takes 1.5 to 5 seconds.
     *
     * @return the running broker; close it to stop it and delete its data
     * @throws IllegalStateException if the broker cannot start
     */
    public static EmbeddedKafka launch() {
        return launch(0);
    }

    /**
     * Formats a fresh temporary log directory and starts a broker whose PLAINTEXT listener is
     * {@code 127.0.0.1:port} (any free port when {@code port} is 0).
     *
     * @param port the client port, or 0 for a free one
     * @return the running broker; close it to stop it and delete its data
     * @throws IllegalArgumentException if the port is outside 0..65535
     * @throws IllegalStateException if the broker cannot start (for example, the port is taken)
     */
    public static EmbeddedKafka launch(int port) {
        return launch(port, Map.of());
    }

    /**
     * Formats a fresh temporary log directory and starts a broker whose client listener on
     * {@code 127.0.0.1:port} is {@code SASL_PLAINTEXT} with mechanism {@code PLAIN}, accepting
     * exactly the given users; with no users it is the PLAINTEXT broker of {@link #launch(int)}.
     * Clients then need {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and
     * a {@code sasl.jaas.config} with {@code PlainLoginModule}.
     *
     * @param port the client port, or 0 for a free one
     * @param saslPlainUsers user name to password; names of letters, digits, {@code .}, {@code _}
     *     and {@code -}
     * @return the running broker; close it to stop it and delete its data
     * @throws IllegalArgumentException if the port is outside 0..65535 or a user name is not allowed
     * @throws IllegalStateException if the broker cannot start (for example, the port is taken)
     */
    public static EmbeddedKafka launch(int port, Map<String, String> saslPlainUsers) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        for (String user : saslPlainUsers.keySet()) {
            if (!USER_NAME.matcher(user).matches()) {
                throw new IllegalArgumentException("a SASL user name may hold only letters, digits, '.', '_' and '-', "
                    + "got '" + user + "'");
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("streamkmeans-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log directory", e);
        }
        EmbeddedKafka kafka = null;
        try {
            int controllerPort = freePort();
            int internalPort = saslPlainUsers.isEmpty() ? 0 : freePort();
            kafka = new EmbeddedKafka(port == 0 ? freePort() : port, controllerPort, internalPort, dir,
                Map.copyOf(saslPlainUsers));
            kafka.format();
            kafka.start();
            return kafka;
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            } else {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** The address clients connect to, {@code 127.0.0.1:port}; valid while stopped too. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client port (PLAINTEXT, or SASL_PLAINTEXT for a broker with SASL users). */
    public int port() {
        return port;
    }

    /** The broker's log (and metadata) directory, deleted by {@link #close()}. */
    public Path logDir() {
        return logDir;
    }

    /** Whether the broker is running (started and not stopped or closed). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Starts the broker again after {@link #stop()}, on the same ports and with the same data.
     * Does nothing if it is running. Returns once the broker accepts requests.
     *
     * @throws IllegalStateException if the broker is closed or cannot start
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the embedded Kafka broker is closed");
        }
        if (server != null) {
            return;
        }
        long t0 = System.nanoTime();
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(s);
            throw new IllegalStateException("Kafka broker failed to start on " + bootstrapServers()
                + ": " + e.getMessage(), e);
        }
        server = s;
        LOG.info("Kafka broker listening on {} (log dir {}), started in {} ms",
            bootstrapServers(), logDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Shuts the broker down and waits for it, keeping its data and ports for {@link #start()}.
     * Does nothing if it is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
        LOG.info("Kafka broker on {} stopped", bootstrapServers());
    }

    /**
     * Creates topics with {@code partitions} partitions and one replica each, and returns once
     * every partition has a leader that answers offset requests. Producing right after creating a
     * topic can otherwise lose the first batch. Topics that already exist are left as they are
     * (their partitions are still waited for).
     *
     * @param partitions partitions per topic, at least 1
     * @param names topic names
     * @throws IllegalStateException if the broker is not running, a topic cannot be created or its
     *     partitions are not ready within 60 seconds
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (!isRunning()) {
            throw new IllegalStateException("the embedded Kafka broker is not running");
        }
        List<NewTopic> topics = new ArrayList<>(names.length);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
        }
        // With SASL clients, the broker's own PLAINTEXT listener: the fixture needs no credentials.
        String bootstrap = internalPort == 0 ? bootstrapServers() : HOST + ":" + internalPort;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": "
                            + e.getCause().getMessage(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                }
            });
            awaitOffsets(admin, latest);
        }
    }

    private static void awaitOffsets(Admin admin, Map<TopicPartition, OffsetSpec> partitions) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                // Leaders are still being elected or metadata is still propagating: ask again.
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic partitions", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic partitions", e);
            }
        }
        throw new IllegalStateException("topic partitions not ready after " + TOPIC_READY_TIMEOUT.toSeconds()
            + " s: " + (last == null ? "timeout" : String.valueOf(last.getCause())), last);
    }

    /** Stops the broker if it runs and deletes its log directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            deleteRecursively(logDir);
        }
    }

    private void format() {
        try {
            new Formatter()
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setFeatureLevel("transaction.version", (short) 1)
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static Properties brokerProperties(int port, int controllerPort, int internalPort, Path logDir,
            Map<String, String> saslUsers) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        String controller = CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort;
        if (saslUsers.isEmpty()) {
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + "," + controller);
            p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            String sasl = SASL_LISTENER + "://" + HOST + ":" + port;
            String internal = INTERNAL_LISTENER + "://" + HOST + ":" + internalPort;
            p.put("listeners", sasl + "," + internal + "," + controller);
            p.put("advertised.listeners", sasl + "," + internal);
            p.put("listener.security.protocol.map", SASL_LISTENER + ":SASL_PLAINTEXT," + INTERNAL_LISTENER
                + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("inter.broker.listener.name", INTERNAL_LISTENER);
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
                plainServerJaas(saslUsers));
        }
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        // One broker: internal topics cannot have more than one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner's default 128 MiB dedupe buffer is wasted on a demo broker.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        return p;
    }

    /** The broker side of SASL/PLAIN: one {@code user_NAME="password"} option per accepted user. */
    private static String plainServerJaas(Map<String, String> users) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
            .append(password.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return jaas.append(';').toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly: {}", e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete Kafka log directory {}: {}", dir, e.toString());
        }
    }
}
