package streamkmeans.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka connection options shared by the commands that talk to a broker: the bootstrap servers
 * and any client property ({@code --kafka-property security.protocol=SASL_SSL}, or a properties
 * file), so SASL and TLS settings pass through unchanged. Values of secret-looking properties
 * (passwords, JAAS configs, keys) are never printed: {@link #describe()} masks them.
 */
public final class KafkaClientOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "A Kafka client property for every client of the command (repeatable), "
                    + "e.g. security.protocol=SASL_SSL.")
    List<String> properties = new ArrayList<>();

    @Option(names = "--kafka-properties-file", paramLabel = "FILE",
            description = "A Java properties file of Kafka client properties; --kafka-property wins over it.")
    Path propertiesFile;

    /** The bootstrap servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The client properties: the file's, then the {@code --kafka-property} ones, then the
     * bootstrap servers.
     *
     * @throws IllegalArgumentException for a malformed property or an unreadable file (one line)
     */
    public Map<String, String> clientProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties file = new Properties();
            try (Reader r = Files.newBufferedReader(propertiesFile)) {
                file.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("--kafka-properties-file: cannot read " + propertiesFile + ": "
                        + e.getMessage());
            }
            file.stringPropertyNames().stream().sorted().forEach(name -> out.put(name, file.getProperty(name)));
        }
        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafka-property expects NAME=VALUE, got '" + mask(p) + "'");
            }
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1));
        }
        out.put("bootstrap.servers", bootstrapServers);
        return out;
    }

    /** The same properties as a {@link Properties} object for Kafka clients. */
    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties());
        return p;
    }

    /** The properties for printing, with secret values replaced by {@code ****}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        clientProperties().forEach((name, value) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(name).append('=').append(isSecret(name) ? "****" : value);
        });
        return sb.toString();
    }

    /** Whether a property's value must not be shown: passwords, JAAS configs, keys, tokens. */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("jaas") || n.contains("secret") || n.contains("token")
                || n.endsWith(".key") || n.contains("credential");
    }

    private static String mask(String assignment) {
        int eq = assignment.indexOf('=');
        return eq > 0 && isSecret(assignment.substring(0, eq)) ? assignment.substring(0, eq) + "=****" : assignment;
    }
}
