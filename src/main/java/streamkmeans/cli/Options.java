package streamkmeans.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import streamkmeans.stream.WindowSpec;

/** Parsing of option values shared by the commands, with one-line user errors. */
final class Options {
    private Options() {
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}. */
    static Duration duration(CommandSpec spec, String option, String text) {
        try {
            return WindowSpec.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
