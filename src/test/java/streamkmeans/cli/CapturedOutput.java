package streamkmeans.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything this JVM logs at {@code level} or above (every logger, Flink's and Kafka's included,
 * whatever the test configuration says), plus everything written to {@code System.out} and
 * {@code System.err}, from construction until {@link #close()}. While capturing, log events go
 * only here, not to the console. For tests that look for what must never be printed.
 */
final class CapturedOutput implements AutoCloseable {
    private static final String APPENDER = "captured-output";

    private final StringWriter logs = new StringWriter();
    private final ByteArrayOutputStream std = new ByteArrayOutputStream();
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Map<LoggerConfig, Level> oldLevels = new HashMap<>();
    private final Map<String, Appender> oldRootAppenders;
    private final WriterAppender appender;

    CapturedOutput(Level level) {
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder()
                .setName(APPENDER)
                .setTarget(logs)
                .setLayout(PatternLayout.newBuilder().withPattern("%-5p %c - %m%n%throwable").build())
                .build();
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        oldRootAppenders = Map.copyOf(root.getAppenders());
        oldRootAppenders.keySet().forEach(root::removeAppender);
        root.addAppender(appender, level, null);
        oldLevels.put(root, root.getLevel());
        root.setLevel(level);
        for (LoggerConfig logger : config.getLoggers().values()) {
            oldLevels.putIfAbsent(logger, logger.getLevel());
            logger.setLevel(level);
        }
        context.updateLoggers();
        System.setOut(new PrintStream(tee(std, oldOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(std, oldErr), true, StandardCharsets.UTF_8));
    }

    /** The log lines (with stack traces) and the standard output and error captured so far. */
    String text() {
        synchronized (std) {
            return logs + "\n" + std.toString(StandardCharsets.UTF_8);
        }
    }

    /** Only the log lines captured so far. */
    String logs() {
        return logs.toString();
    }

    @Override
    public void close() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        oldLevels.forEach(LoggerConfig::setLevel);
        context.updateLoggers();
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(APPENDER);
        oldRootAppenders.values().forEach(a -> root.addAppender(a, null, null));
        context.updateLoggers();
        appender.stop();
    }

    private static OutputStream tee(ByteArrayOutputStream copy, PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
    }
}
