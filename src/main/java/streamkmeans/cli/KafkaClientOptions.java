package streamkmeans.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import streamkmeans.stream.KafkaSecrets;

/**
 * Kafka connection options shared by the commands that talk to a broker: the bootstrap servers
 * and any client property ({@code --kafka-property security.protocol=SASL_SSL}, or a properties
 * file), so SASL and TLS settings pass through unchanged. Values of secret properties
 * (passwords, JAAS configs, keys; the rule is {@link KafkaSecrets#isSecret}) are never printed:
 * {@link #describe()} and the error messages mask them.
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

    /**
     * {@link #clientProperties()} for a command: a malformed property or an unreadable file is a
     * usage error of that command (one line, exit code 2).
     */
    Map<String, String> clientProperties(CommandSpec spec) {
        try {
            return clientProperties();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The same properties as a {@link Properties} object for Kafka clients. */
    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties());
        return p;
    }

    /** The properties for printing, with secret values replaced by {@code ****}. */
    public String describe() {
        return describe(clientProperties());
    }

    /** {@code name=value, ...} of {@code properties}, with secret values replaced by {@code ****}. */
    static String describe(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder();
        KafkaSecrets.masked(properties).forEach((name, value) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(name).append('=').append(value);
        });
        return sb.toString();
    }

    /** A malformed {@code --kafka-property} for its error message: a value without a name may be a secret. */
    private static String mask(String assignment) {
        return assignment.startsWith("=") ? "=" + KafkaSecrets.MASK : assignment;
    }
}
