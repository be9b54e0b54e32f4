package streamkmeans.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import streamkmeans.stream.KafkaSecrets;

/**
 * The check a command makes before it starts work against a Kafka cluster: with the user's client
 * properties, an admin client asks for the cluster's brokers and then for the given topics. A
 * wrong password, a TLS handshake that fails, a broker that does not answer, a missing topic or a
 * missing permission then ends the command at once with one line (an {@link InputException},
 * exit code 2), instead of a job that retries for minutes and fails with a wall of stack traces.
 * Secret values never appear in the messages ({@link KafkaSecrets#redact}).
 *
 * <p>Cost: one connection and two metadata requests; at most {@code timeout} when nothing answers.
 */
final class KafkaPreflight {
    /** How long the check waits for an answer. Authentication failures come back at once. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private KafkaPreflight() {
    }

    /**
     * Connects with {@code client} and checks that every topic of {@code topics} exists.
     *
     * @param client  Kafka client properties, {@code bootstrap.servers} included
     * @param topics  topics that must exist (none: only connect and authenticate)
     * @param timeout how long to wait for the broker's answers
     * @throws InputException one line saying what failed, where, and the broker's reason
     */
    static void check(Map<String, String> client, Collection<String> topics, Duration timeout) throws InputException {
        String where = "Kafka at " + client.getOrDefault(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "?");
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Properties p = new Properties();
        p.putAll(client);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "streamkmeans-preflight");
        Admin admin;
        try {
            admin = Admin.create(p);
        } catch (KafkaException e) {
            throw new InputException(where, "invalid Kafka client settings: " + reason(e, client), e);
        }
        try {
            await(admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes(), timeout);
            if (!topics.isEmpty()) {
                List<String> missing = new ArrayList<>();
                var described = admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(millis))
                        .topicNameValues();
                for (String topic : topics) {
                    try {
                        await(described.get(topic), timeout);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        missing.add(topic);
                    }
                }
                if (!missing.isEmpty()) {
                    throw new InputException(where, (missing.size() == 1 ? "topic " : "topics ")
                            + String.join(", ", missing) + (missing.size() == 1 ? " does" : " do")
                            + " not exist; create " + (missing.size() == 1 ? "it" : "them") + " first");
                }
            }
        } catch (ExecutionException e) {
            throw failure(where, e.getCause(), client, timeout);
        } catch (java.util.concurrent.TimeoutException e) {
            throw failure(where, new TimeoutException(e.getMessage()), client, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException(where, "interrupted while connecting", e);
        } finally {
            // The answer is in: pending metadata retries (after a failure) need not be waited for.
            admin.close(Duration.ZERO);
        }
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        // The admin client times out on its own; the extra seconds only guard against a lost answer.
        return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    /** The one-line error for what the broker (or the client) answered. */
    private static InputException failure(String where, Throwable cause, Map<String, String> client, Duration timeout) {
        String protocol = client.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
        String problem;
        if (cause instanceof SslAuthenticationException) {
            problem = "TLS handshake failed (" + protocol + "): " + reason(cause, client);
        } else if (cause instanceof AuthenticationException) {
            String mechanism = client.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM);
            problem = "authentication failed (" + protocol + ", SASL " + mechanism + "): " + reason(cause, client);
        } else if (cause instanceof AuthorizationException) {
            problem = "not authorized: " + reason(cause, client);
        } else if (cause instanceof TimeoutException) {
            problem = "no answer within " + timeout.toSeconds() + " s (is Kafka running there, and does "
                    + "security.protocol=" + protocol + " match its listener?)";
        } else {
            problem = reason(cause, client);
        }
        return new InputException(where, problem, cause);
    }

    /** The innermost message of {@code e}, on one line, with the client's secrets masked. */
    private static String reason(Throwable e, Map<String, String> client) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return KafkaSecrets.redact(message.lines().findFirst().orElse(""), client);
    }
}
