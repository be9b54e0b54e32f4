package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import streamkmeans.cli.FitCommandTest.Run;
import streamkmeans.engine.Backends;

class MainTest {
    private static final String NL = System.lineSeparator();

    private static Run run(String... args) {
        return FitCommandTest.run(args);
    }

    @Test
    void versionAndHelpGoToStdout() {
        Run version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("streamkmeans "), version.out());
        assertTrue(version.out().contains("Java " + Runtime.version()), version.out());
        assertTrue(version.out().contains("SIMD kernels: "), version.out());
        assertEquals("", version.err());

        Run help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("fit"), help.out());
        assertTrue(help.out().contains("bench"), help.out());

        Run fitHelp = run("fit", "--help");
        assertEquals(0, fitHelp.code());
        assertTrue(fitHelp.out().contains("--k-range=LO..HI"), fitHelp.out());
        assertTrue(fitHelp.out().contains("default: 2..10"), fitHelp.out());
    }

    @Test
    void unknownOptionIsOneLine() {
        Run r = run("fit", "--input", "x.txt", "--k", "3", "--bogus-option");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals("streamkmeans fit: unknown option '--bogus-option' (see 'streamkmeans fit --help')" + NL, r.err());

        // Reported before the required options it may have been meant as.
        Run misspelt = run("fit", "--inptu", "x.txt", "--k", "3");
        assertEquals(2, misspelt.code());
        assertEquals("streamkmeans fit: unknown option '--inptu'; did you mean --input or --init? (see 'streamkmeans fit --help')"
                + NL, misspelt.err());
    }

    @Test
    void unknownCommandSuggestsTheNearestOne() {
        Run r = run("fitt");
        assertEquals(2, r.code());
        assertEquals("streamkmeans: unknown command 'fitt'; did you mean fit? (see 'streamkmeans --help')" + NL,
                r.err());
    }

    @Test
    void missingCommandOrOption() {
        Run none = run();
        assertEquals(2, none.code());
        assertEquals("streamkmeans: missing command (one of: demo, run, fit, kafka, generate, bench, stream-bench, report, watch, help) (see 'streamkmeans --help')" + NL,
                none.err());

        Run noInput = run("fit", "--k", "3");
        assertEquals(2, noInput.code());
        assertEquals("streamkmeans fit: missing required option: '--input=FILE' (see 'streamkmeans fit --help')" + NL,
                noInput.err());

        Run notAnInt = run("fit", "--input", "x", "--k", "3", "--n-init", "ten");
        assertEquals(2, notAnInt.code());
        assertEquals("streamkmeans fit: invalid value for option '--n-init': 'ten' is not an int "
                + "(see 'streamkmeans fit --help')" + NL, notAnInt.err());
    }

    @Test
    void aKeyTtlShorterThanTheWindowOrUnreadableIsOneLine() {
        Run shorter = run("run", "--window", "10s", "--key-ttl", "5s");
        assertEquals(2, shorter.code());
        assertEquals("streamkmeans run: key TTL (5000 ms) must be at least the window size (10000 ms) "
                + "(see 'streamkmeans run --help')" + NL, shorter.err());
        Run unreadable = run("run", "--key-ttl", "soon");
        assertEquals(2, unreadable.code());
        assertTrue(unreadable.err().startsWith("streamkmeans run: --key-ttl: cannot read duration 'soon'"),
                unreadable.err());
    }

    @Test
    void aGpuJobOnAMachineWithoutAGpuIsOneLineBeforeAnythingStarts() {
        assumeFalse(Backends.usable(Backends.Choice.GPU), "this machine has a usable GPU");
        Run demo = run("demo", "--backend", "gpu");
        assertEquals(2, demo.code());
        assertTrue(demo.err().startsWith("streamkmeans demo: --backend gpu: no usable GPU: "), demo.err());
        assertEquals(1, demo.err().lines().count(), demo.err());
        Run unknown = run("demo", "--backend", "tpu");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("streamkmeans demo: unknown backend 'tpu'"), unknown.err());
    }

    /** A subcommand that fails the way a bug would. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("kaput\nsecond line");
        }
    }

    /** A subcommand whose worker ran out of heap (Workers wraps errors of its threads). */
    @Command(name = "oom")
    static final class Oom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException(new OutOfMemoryError("Java heap space"));
        }
    }

    private static Run runWithBoom(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new PrintWriter(out), new PrintWriter(err));
        cmd.addSubcommand(new Boom());
        cmd.addSubcommand(new Oom());
        // Output streams set after adding reach the new subcommand too.
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void internalErrorsAreOneLineUnlessVerbose() {
        Run quiet = runWithBoom("boom");
        assertEquals(1, quiet.code());
        assertEquals("streamkmeans boom: internal error: java.lang.IllegalStateException: kaput "
                + "(run with --verbose for the stack trace)" + NL, quiet.err());

        Run verbose = runWithBoom("boom", "--verbose");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().startsWith("streamkmeans boom: internal error: java.lang.IllegalStateException: kaput"
                + NL), verbose.err());
        assertTrue(verbose.err().contains("at streamkmeans.cli.MainTest$Boom.call"), verbose.err());

        Run verboseFirst = runWithBoom("--verbose", "boom");
        assertTrue(verboseFirst.err().contains("at streamkmeans.cli.MainTest$Boom.call"), verboseFirst.err());
    }

    @Test
    void outOfMemoryGetsAHint() {
        Run r = runWithBoom("oom");
        assertEquals(1, r.code());
        assertEquals("streamkmeans oom: out of memory (Java heap space); give the JVM more heap, "
                + "for example java -Xmx8g -jar ..." + NL, r.err());
    }

    @Test
    void describeRewordsPicocliMessages() {
        CommandLine cmd = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals("something went wrong",
                Main.describe(new CommandLine.ParameterException(cmd, "Something went wrong\nmore detail")));
    }
}
