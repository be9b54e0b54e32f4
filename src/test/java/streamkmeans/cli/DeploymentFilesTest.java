package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import streamkmeans.engine.Backends;
import streamkmeans.stream.JobSettings;

/**
 * The deployment files (docker/ and flink-conf/) checked without a Docker engine: images pinned to
 * the versions the job is built with, every mounted path present and every mounted configuration
 * file parseable, the Flink configuration valid for Flink itself, and the pieces agreeing with each
 * other (ports, data source, dashboard folder, topics, the options of the submitted job). The
 * compose schema itself is validated by {@code docker-compose config} in docker/ci-check.sh.
 */
class DeploymentFilesTest {
    private static final Path DOCKER = Path.of("docker");
    private static final Path COMPOSE = DOCKER.resolve("docker-compose.yml");
    private static final Path COMPOSE_CPU = DOCKER.resolve("docker-compose.cpu.yml");
    private static final Path FLINK_CONF = Path.of("flink-conf");
    /** Build outputs the stack mounts: made by `mvn package`, checked by ClusterJarIT. */
    private static final Set<String> BUILT_JARS = Set.of("target/streamkmeans.jar", "target/streamkmeans-cluster.jar");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPORTERS = "metrics.reporter.";
    private static final Pattern PINNED_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+[-.\\w]*");

    @Test
    void everyImageIsPinnedToAVersion() throws IOException {
        for (Path file : List.of(COMPOSE, COMPOSE_CPU)) {
            services(file).forEach((name, service) -> {
                if (!service.has("image")) {
                    assertTrue(file.equals(COMPOSE_CPU) && service.size() == 1 && service.has("profiles"),
                            file + ": service " + name + " has no image");
                    return;
                }
                String image = service.get("image").asText();
                int colon = image.lastIndexOf(':');
                assertTrue(colon > 0, file + ": " + name + " uses " + image + " without a tag");
                assertTrue(PINNED_TAG.matcher(image.substring(colon + 1)).matches(),
                        file + ": " + name + " uses " + image + ", not a version tag");
            });
        }
    }

    @Test
    void theImagesRunTheFlinkAndKafkaVersionsTheJobIsBuiltWith() throws IOException {
        Set<String> images = new TreeSet<>();
        for (Path file : List.of(COMPOSE, COMPOSE_CPU)) {
            services(file).values().forEach(s -> images.add(s.path("image").asText("")));
        }
        String flink = EnvironmentInformation.getVersion();
        String kafka = AppInfoParser.getVersion();
        assertTrue(images.contains("flink:" + flink + "-scala_2.12-java17"), images.toString());
        assertTrue(images.contains("apache/kafka:" + kafka), images.toString());
        assertTrue(images.stream().filter(i -> i.startsWith("flink:") || i.startsWith("apache/kafka:"))
                .allMatch(i -> i.equals("flink:" + flink + "-scala_2.12-java17") || i.equals("apache/kafka:" + kafka)),
                images.toString());
    }

    @Test
    void everyMountedPathExistsAndEveryMountedConfigurationFileParses() throws IOException {
        for (Path file : List.of(COMPOSE, COMPOSE_CPU)) {
            JsonNode declared = yaml(COMPOSE).path("volumes");
            services(file).forEach((name, service) -> {
                for (Mount mount : mounts(service)) {
                    if (mount.named()) {
                        assertTrue(declared.has(mount.source()), file + ": " + name + " mounts the undeclared volume "
                                + mount.source());
                        continue;
                    }
                    Path host = DOCKER.resolve(mount.source()).normalize();
                    if (BUILT_JARS.contains(host.toString())) {
                        continue;
                    }
                    assertTrue(Files.exists(host), file + ": " + name + " mounts " + host + ", which does not exist");
                    assertTrue(mount.readOnly(), file + ": " + name + " mounts " + host + " writable");
                    checkParses(host);
                }
            });
        }
    }

    @Test
    void prometheusScrapesThePortsAndHostsOfTheFlinkReporters() throws IOException {
        String portRange = flinkConfiguration().getString(REPORTERS + "prom.port", "");
        int reporterPort = Integer.parseInt(portRange.split("-")[0].trim());
        JsonNode prometheus = yaml(DOCKER.resolve("prometheus/prometheus.yml"));
        Set<String> hosts = composeHostNames();
        Set<String> scraped = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode target : job.path("static_configs").findValues("targets")) {
                for (JsonNode t : target) {
                    String[] hostPort = t.asText().split(":");
                    assertEquals(reporterPort, Integer.parseInt(hostPort[1]), t.asText());
                    scraped.add(hostPort[0]);
                }
            }
            for (JsonNode sd : job.path("dns_sd_configs")) {
                assertEquals(reporterPort, sd.path("port").asInt(), sd.toString());
                sd.path("names").forEach(n -> scraped.add(n.asText()));
            }
        }
        assertEquals(Set.of("jobmanager", "taskmanager"), scraped);
        assertTrue(hosts.containsAll(scraped), scraped + " are not all compose services or aliases: " + hosts);
    }

    @Test
    void grafanaProvisionsTheDataSourceAndTheDashboardItsPanelsUse() throws IOException {
        JsonNode grafana = services(COMPOSE).get("grafana");
        Map<String, String> mounts = new HashMap<>();
        mounts(grafana).forEach(m -> mounts.put(DOCKER.resolve(m.source()).normalize().toString(), m.target()));
        String dashboardsInContainer = mounts.get("docker/grafana/dashboards");
        assertEquals("/etc/grafana/provisioning", mounts.get("docker/grafana/provisioning"));

        JsonNode datasource = yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0);
        assertEquals("prometheus", datasource.path("type").asText());
        assertEquals("http://prometheus:9090", datasource.path("url").asText());
        assertTrue(services(COMPOSE).containsKey("prometheus"));
        JsonNode provider = yaml(DOCKER.resolve("grafana/provisioning/dashboards/streamkmeans.yml"))
                .path("providers").get(0);
        assertEquals(dashboardsInContainer, provider.path("options").path("path").asText());
        String home = grafana.path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertTrue(home.startsWith(dashboardsInContainer + "/"), home);
        Path dashboardFile = DOCKER.resolve("grafana/dashboards").resolve(home.substring(dashboardsInContainer.length() + 1));
        JsonNode dashboard = JSON.readTree(dashboardFile.toFile());

        String uid = datasource.path("uid").asText();
        List<JsonNode> uses = dashboard.findValues("datasource");
        assertFalse(uses.isEmpty());
        for (JsonNode use : uses) {
            assertEquals(uid, use.path("uid").asText(), "a panel or variable uses another data source: " + use);
        }
        Set<String> variables = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(Set.of("job", "key"), variables);
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertTrue(panel.path("targets").size() > 0, "panel without a query: " + panel.path("title"));
            }
        }
    }

    @Test
    void theFlinkConfigurationUsesOnlyCurrentFlinkOptions() throws Exception {
        Map<String, ConfigOption<?>> options = flinkOptions();
        Set<String> unknown = new TreeSet<>();
        for (String key : yaml(FLINK_CONF.resolve("config.yaml")).properties().stream().map(Map.Entry::getKey).toList()) {
            if (key.startsWith(REPORTERS) || key.startsWith("external-resource.")) {
                continue; // per-reporter and per-resource keys: checked by value below
            }
            ConfigOption<?> option = options.get(key);
            if (option == null) {
                unknown.add(key);
            }
        }
        assertEquals(Set.of(), unknown, "not keys of any Flink option (or deprecated ones)");
    }

    @Test
    void theFlinkConfigurationSetsCheckpointsStateMetricsGpuAndJavaOptions() throws Exception {
        Configuration conf = flinkConfiguration();
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis() > 0);
        assertEquals("EXACTLY_ONCE", conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE).name());
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:///opt/flink/checkpoints"));
        assertEquals("hashmap", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));

        String reporter = conf.getString(REPORTERS + "prom.factory.class", "");
        assertNotNull(Class.forName(reporter), reporter);

        assertEquals(List.of("gpu"), conf.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST));
        assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory",
                conf.getString("external-resource.gpu.driver-factory.class", ""));
        assertTrue(Integer.parseInt(conf.getString("external-resource.gpu.amount", "0")) >= 1);
        assertTrue(conf.getString("external-resource.gpu.param.discovery-script.path", "")
                .endsWith("plugins/external-resource-gpu/nvidia-gpu-discovery.sh"));

        String all = conf.get(CoreOptions.FLINK_JVM_OPTIONS);
        for (String open : List.of("java.lang", "java.util", "java.io", "java.nio", "java.lang.reflect")) {
            assertTrue(all.contains("--add-opens=java.base/" + open + "=ALL-UNNAMED"), open + " is not opened: " + all);
        }
        assertTrue(conf.get(CoreOptions.FLINK_TM_JVM_OPTIONS).contains("--add-modules jdk.incubator.vector"));

        Properties log4j = new Properties();
        try (Reader r = Files.newBufferedReader(FLINK_CONF.resolve("log4j-console.properties"))) {
            log4j.load(r);
        }
        assertEquals("ERROR", log4j.getProperty("logger.metricgroup.level"));
        assertEquals("org.apache.flink.metrics.MetricGroup", log4j.getProperty("logger.metricgroup.name"));
        for (String appender : List.of("rootLogger.appenderRef.console.ref", "rootLogger.appenderRef.rolling.ref")) {
            String ref = log4j.getProperty(appender);
            assertTrue(log4j.stringPropertyNames().stream().anyMatch(
                    k -> k.endsWith(".name") && k.startsWith("appender.") && ref.equals(log4j.getProperty(k))),
                    appender + " names no appender");
        }
    }

    @Test
    void theTaskManagerAsksForAnNvidiaGpuAndTheCpuVariantReplacesIt() throws IOException {
        Map<String, JsonNode> services = services(COMPOSE);
        JsonNode gpu = services.get("taskmanager");
        JsonNode device = gpu.path("deploy").path("resources").path("reservations").path("devices").get(0);
        assertEquals("nvidia", device.path("driver").asText());
        assertTrue(device.path("capabilities").toString().contains("\"gpu\""), device.toString());

        Map<String, JsonNode> cpu = services(COMPOSE_CPU);
        assertEquals("[\"gpu\"]", cpu.get("taskmanager").path("profiles").toString(), "the GPU TaskManager is not parked");
        ObjectNode replacement = cpu.get("taskmanager-cpu").deepCopy();
        assertEquals("[\"taskmanager\"]", replacement.path("networks").path("default").path("aliases").toString());
        assertEquals("external-resources: none", replacement.path("environment").path("FLINK_PROPERTIES").asText());
        // Apart from the GPU, the two TaskManagers are the same service.
        ObjectNode original = gpu.deepCopy();
        original.remove("deploy");
        ((ObjectNode) original.get("environment")).remove("NVIDIA_DRIVER_CAPABILITIES");
        replacement.remove("networks");
        ((ObjectNode) replacement.get("environment")).remove("FLINK_PROPERTIES");
        assertEquals(original, replacement);
    }

    @Test
    void theJobmanagerSubmitterAndTaskManagerShareTheFlinkSetup() throws IOException {
        Map<String, JsonNode> services = services(COMPOSE);
        JsonNode jobmanager = services.get("jobmanager");
        for (String name : List.of("taskmanager", "submit")) {
            JsonNode s = services.get(name);
            assertEquals(jobmanager.get("image"), s.get("image"), name);
            assertEquals(jobmanager.get("entrypoint"), s.get("entrypoint"), name);
            assertEquals("jobmanager", s.path("environment").path("JOB_MANAGER_RPC_ADDRESS").asText(), name);
            assertTrue(mounts(s).contains(mounts(jobmanager).get(0)), name + " lacks the flink-conf mount");
        }
        assertEquals("../flink-conf", mounts(jobmanager).get(0).source());
    }

    @Test
    void theSubmittedJobTakesItsOptionsAndMatchesTheTopicsAndTheGenerator() throws IOException {
        Map<String, JsonNode> services = services(COMPOSE);
        JsonNode submit = services.get("submit");
        JsonNode env = submit.path("environment");
        List<String> args = new ArrayList<>(List.of("--job-name", env.path("JOB_NAME").asText(),
                "--bootstrap-servers", env.path("KAFKA_BOOTSTRAP").asText()));
        args.addAll(Arrays.asList(env.path("JOB_ARGS").asText().trim().split("\\s+")));
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args.toArray(new String[0]));
        JobSettings job = run.job.settings(run.spec, run.kafka.clientProperties(), false);
        assertEquals("kafka:9092", job.kafka().get("bootstrap.servers"));
        // The client (submit container) builds the job graph without a GPU: only auto or cpu pass there.
        assertEquals(Backends.Choice.AUTO, job.clusterer().backend());

        String script = Files.readString(DOCKER.resolve("submit.sh"));
        String jarInContainer = mounts(submit).stream().filter(m -> m.source().endsWith("streamkmeans-cluster.jar"))
                .findFirst().orElseThrow().target();
        assertTrue(script.contains("jar=" + jarInContainer), "submit.sh does not submit " + jarInContainer);

        Map<String, Integer> topics = topicsCreatedByKafkaInit(services.get("kafka-init"));
        for (String topic : List.of(job.inputTopic(), job.labelsTopic(), job.summariesTopic(), job.deadLetterTopic())) {
            assertTrue(topics.containsKey(topic), "kafka-init does not create " + topic + ": " + topics);
        }
        assertTrue(topics.get(job.inputTopic()) >= run.parallelism, "fewer partitions than source subtasks");

        List<String> generatorCommand = new ArrayList<>();
        services.get("generator").path("command").forEach(c -> generatorCommand.add(c.asText()));
        assertEquals("generate", generatorCommand.get(0));
        GenerateCommand generate = new GenerateCommand();
        new CommandLine(generate).parseArgs(generatorCommand.subList(1, generatorCommand.size()).toArray(new String[0]));
        assertEquals(job.inputTopic(), generate.topic);
        assertEquals(job.clusterer().k(), generate.k, "the job should look for as many clusters as the generator makes");
    }

    /** Topic name to partitions, from kafka-init's "for spec in name:partitions ..." loop. */
    private static Map<String, Integer> topicsCreatedByKafkaInit(JsonNode kafkaInit) {
        Matcher loop = Pattern.compile("for spec in ([^;]+);").matcher(kafkaInit.path("command").toString());
        assertTrue(loop.find(), "kafka-init has no topic loop");
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String spec : loop.group(1).trim().split("\\s+")) {
            String[] parts = spec.split(":");
            topics.put(parts[0], Integer.parseInt(parts[1]));
        }
        return topics;
    }

    /** A bind or volume mount of a service; {@code named} for a named volume. */
    private record Mount(String source, String target, boolean readOnly, boolean named) {
    }

    private static List<Mount> mounts(JsonNode service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.isTextual()) {
                String[] parts = v.asText().split(":");
                boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/");
                mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].contains("ro"), !bind));
            } else {
                assertEquals("bind", v.path("type").asText(), v.toString());
                mounts.add(new Mount(v.path("source").asText(), v.path("target").asText(),
                        v.path("read_only").asBoolean(false), false));
            }
        }
        return mounts;
    }

    /** Service names and network aliases: the host names containers resolve in the stack. */
    private static Set<String> composeHostNames() throws IOException {
        Set<String> hosts = new TreeSet<>();
        for (Path file : List.of(COMPOSE, COMPOSE_CPU)) {
            services(file).forEach((name, service) -> {
                hosts.add(name);
                service.path("networks").findValues("aliases").forEach(a -> a.forEach(n -> hosts.add(n.asText())));
            });
        }
        return hosts;
    }

    /** Parses {@code path} (each file below it, for a folder) by its kind; fails on a file it cannot read. */
    private static void checkParses(Path path) {
        try (Stream<Path> files = Files.isDirectory(path) ? Files.walk(path) : Stream.of(path)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    assertTrue(yaml(file).isObject(), file + " is not a YAML mapping");
                } else if (name.endsWith(".json")) {
                    assertTrue(JSON.readTree(file.toFile()).isObject(), file + " is not a JSON object");
                } else if (name.endsWith(".properties")) {
                    new Properties().load(Files.newBufferedReader(file));
                } else if (name.endsWith(".sh")) {
                    assertTrue(Files.readString(file).startsWith("#!/usr/bin/env bash\n"), file + " has no bash shebang");
                } else {
                    fail("mounted file of unknown kind, add a check: " + file);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot parse " + path + ": " + e.getMessage(), e);
        }
    }

    /** Every public ConfigOption of Flink's option classes that this configuration may use, by current key. */
    private static Map<String, ConfigOption<?>> flinkOptions() throws IllegalAccessException {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        Set<String> deprecated = new TreeSet<>();
        for (Class<?> holder : List.of(CoreOptions.class, JobManagerOptions.class, TaskManagerOptions.class,
                RestOptions.class, MetricOptions.class, StateBackendOptions.class, CheckpointingOptions.class,
                RestartStrategyOptions.class, ExternalResourceOptions.class)) {
            for (Field f : holder.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    options.put(option.key(), option);
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        if (fallback.isDeprecated()) {
                            deprecated.add(fallback.getKey());
                        }
                    }
                }
            }
        }
        deprecated.forEach(options::remove);
        return options;
    }

    private static Configuration flinkConfiguration() {
        return GlobalConfiguration.loadConfiguration(FLINK_CONF.toAbsolutePath().toString());
    }

    private static Map<String, JsonNode> services(Path composeFile) throws IOException {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        yaml(composeFile).path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
        assertFalse(services.isEmpty(), composeFile + " has no services");
        return services;
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }
}
