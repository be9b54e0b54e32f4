package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import streamkmeans.stream.JobSettings;
import streamkmeans.stream.ParserLimits;

class JobOptionsTest {

    private static JobSettings settings(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run.job.settings(run.spec, run.kafka.clientProperties(), false);
    }

    @Test
    void parserLimitsDefaultToTheSafeOnes() {
        assertEquals(ParserLimits.DEFAULTS, settings().limits());
    }

    @Test
    void parserLimitsComeFromTheCommandLine() {
        ParserLimits limits = settings("--max-record-bytes", "2048", "--max-features", "16", "--max-depth", "4",
                "--max-key-length", "20", "--max-id-length", "30").limits();
        assertEquals(new ParserLimits(2048, 16, 4, 20, 30, ParserLimits.END_OF_YEAR_9999), limits);
    }

    @Test
    void aLimitTooLowIsOneLineNamingTheOption() {
        ParameterException depth = assertThrows(ParameterException.class,
                () -> settings("--max-depth", "1"));
        assertEquals("--max-depth must be at least 2, got 1", depth.getMessage());
        ParameterException bytes = assertThrows(ParameterException.class,
                () -> settings("--max-record-bytes", "0"));
        assertEquals("--max-record-bytes must be at least 1, got 0", bytes.getMessage());
    }
}
