package streamkmeans.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import streamkmeans.engine.Backends;
import streamkmeans.engine.Simd;

/**
 * Entry point of the executable jar: the {@code streamkmeans} command and its subcommands.
 *
 * <p>Exit codes: 0 on success, 2 for anything the user can fix (an unknown or malformed option, a
 * bad input file, a k the data cannot support), 1 for an internal error. Every error is one line on
 * stderr; the stack trace of an internal error is printed only with {@code --verbose} or
 * {@code -Dstreamkmeans.debug=true}.
 */
@Command(
        name = "streamkmeans",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Real-time K-Means clustering of event streams, and the offline tools around it.",
        subcommands = {
            // Subcommands, in the order the usage help lists them; new ones go before "help".
            DemoCommand.class,
            RunCommand.class,
            FitCommand.class,
            KafkaCommand.class,
            GenerateCommand.class,
            BenchCommand.class,
            StreamBenchCommand.class,
            ReportCommand.class,
            WatchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Callable<Integer> {
    /** Exit code of a user error (bad option, bad input). */
    public static final int USER_ERROR = 2;
    /** Exit code of an internal error. */
    public static final int INTERNAL_ERROR = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the full stack trace of internal errors.")
    boolean verbose;

    /** Without a subcommand there is nothing to do: say which ones exist. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (one of: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line with {@code args}, writing results to {@code out} and errors to
     * {@code err}, and returns the exit code. Errors the JVM raises (out of memory, a missing
     * class) are reported like internal errors instead of escaping.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine(out, err);
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            outOfMemory(err, "streamkmeans", e);
            return INTERNAL_ERROR;
        } catch (RuntimeException | Error e) {
            boolean verbose = debugProperty() || Arrays.asList(args).contains("--verbose");
            internalError(err, "streamkmeans", e, verbose);
            return INTERNAL_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The {@code streamkmeans} command line with its error handling installed: one line per error
     * on {@code err}, exit code 2 for user errors and 1 for internal ones.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(Main::badParameters);
        cmd.setExecutionExceptionHandler(Main::failed);
        return cmd;
    }

    private static int badParameters(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        // Picocli checks required options before it complains about unknown ones; a misspelt option
        // is the more useful thing to report ("--inptu" is why "--input" is missing).
        ParameterException first = ex instanceof UnmatchedArgumentException || cmd.getUnmatchedArguments().isEmpty()
                ? ex : new UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
        cmd.getErr().println(name + ": " + describe(first) + " (see '" + name + " --help')");
        return USER_ERROR;
    }

    /** Picocli's message, reworded into the lower-case one-line style of the other errors. */
    static String describe(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            boolean option = first.startsWith("-") && first.length() > 1;
            boolean command = !option && !u.getCommandLine().getSubcommands().isEmpty();
            String what = option ? "unknown option '" + first + "'"
                    : command ? "unknown command '" + first + "'"
                    : "unexpected argument '" + first + "'";
            var suggestions = u.getSuggestions();
            return suggestions.isEmpty() ? what : what + "; did you mean " + String.join(" or ", suggestions) + "?";
        }
        String message = ex.getMessage() == null ? "invalid arguments" : ex.getMessage();
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            message = message.substring(0, nl);
        }
        return message.isEmpty() ? message
                : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    private static int failed(Exception ex, CommandLine cmd, ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof InputException || ex instanceof Backends.BackendUnavailableException) {
            cmd.getErr().println(name + ": " + ex.getMessage());
            return USER_ERROR;
        }
        // Worker threads hand their failures back wrapped; running out of heap deserves its own hint.
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                outOfMemory(cmd.getErr(), name, oom);
                return INTERNAL_ERROR;
            }
        }
        internalError(cmd.getErr(), name, ex, debugProperty() || verbose(parsed));
        return INTERNAL_ERROR;
    }

    private static void outOfMemory(PrintWriter err, String name, OutOfMemoryError e) {
        err.println(name + ": out of memory (" + e.getMessage()
                + "); give the JVM more heap, for example java -Xmx8g -jar ...");
    }

    private static void internalError(PrintWriter err, String name, Throwable e, boolean verbose) {
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
        err.println(name + ": internal error: " + e.getClass().getName() + detail
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean debugProperty() {
        return Boolean.getBoolean("streamkmeans.debug");
    }

    /** {@code --version}: the build, the Java runtime and whether the SIMD kernels can run. */
    static final class Version implements IVersionProvider {
        private static final String POM_PROPERTIES = "/META-INF/maven/streamkmeans/streamkmeans/pom.properties";

        @Override
        public String[] getVersion() {
            return new String[] {
                "streamkmeans " + buildVersion(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                        + " processors)",
                Simd.vectorAvailable() ? "SIMD kernels: on (jdk.incubator.vector)"
                        : "SIMD kernels: off (start Java with --add-modules jdk.incubator.vector on an AVX2 CPU)",
            };
        }

        /** The Maven version the jar plugin records in every jar; absent when run from classes. */
        private static String buildVersion() {
            try (InputStream in = Main.class.getResourceAsStream(POM_PROPERTIES)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version", "(unknown version)");
                }
            } catch (IOException e) {
                // An unreadable descriptor is no reason to fail --version.
            }
            return "(development build)";
        }
    }
}
