package streamkmeans.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for which Kafka client settings are secret, and the masking that keeps their values
 * out of printed configuration, messages and logs. A property is secret when its name contains
 * {@code password}, {@code passphrase}, {@code secret}, {@code token}, {@code jaas},
 * {@code credential}, {@code user.info} / {@code userinfo} (basic auth), {@code private} or
 * {@code apikey}, or ends with {@code .key} (an inline PEM key such as {@code ssl.keystore.key}).
 * The rule errs on the side of masking: a masked value that was not secret costs nothing.
 *
 * <p>Stateless; every method is O(length of its input).
 */
public final class KafkaSecrets {
    /** What a secret value is shown as. */
    public static final String MASK = "****";

    private static final List<String> SECRET_PARTS = List.of("password", "passphrase", "secret", "token", "jaas",
            "credential", "user.info", "userinfo", "private", "apikey", "api.key");
    /** A {@code name="value"} or {@code name=value} pair inside a JAAS config line, for names that hold secrets. */
    private static final Pattern JAAS_SECRET = Pattern.compile(
            "(?i)\\b([\\w.]*(?:password|secret|token|user_[\\w.-]+)\\s*=\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s;\"]+)");
    /** Shorter values are not searched for in free text: they would mask ordinary words. */
    private static final int MIN_REDACTED_LENGTH = 4;

    private KafkaSecrets() {
    }

    /** Whether the value of the Kafka (or Schema Registry) client property {@code name} must never be shown. */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (n.endsWith(".key")) {
            return true;
        }
        for (String part : SECRET_PARTS) {
            if (n.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** The value to show for property {@code name}: {@link #MASK} for a secret, the value otherwise. */
    public static String shown(String name, String value) {
        return isSecret(name) ? MASK : value;
    }

    /** A copy of {@code properties}, in the same order, with every secret value replaced by {@link #MASK}. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((name, value) -> out.put(name, shown(name, value)));
        return out;
    }

    /**
     * {@code text} (an exception message, a log line) with every secret of {@code properties}
     * replaced by {@link #MASK}: the whole value of each secret property and, inside any JAAS
     * configuration, the values of {@code password=}, {@code *secret=}, {@code *token=} and
     * {@code user_NAME=} entries.
     */
    public static String redact(String text, Map<String, String> properties) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String value = e.getValue();
            if (isSecret(e.getKey()) && value != null && value.length() >= MIN_REDACTED_LENGTH) {
                out = out.replace(value, MASK);
                for (String secret : jaasSecrets(value)) {
                    out = out.replace(secret, MASK);
                }
            }
        }
        return JAAS_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /** The secret values inside a JAAS configuration (unquoted), long enough to be searched for. */
    private static List<String> jaasSecrets(String jaas) {
        return JAAS_SECRET.matcher(jaas).results()
                .map(m -> m.group(2).startsWith("\"") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2))
                .filter(s -> s.length() >= MIN_REDACTED_LENGTH)
                .toList();
    }
}
