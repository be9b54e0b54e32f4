package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import streamkmeans.cli.FitCommandTest.Run;

/**
 * {@code run}'s Flink settings and its {@code --savepoint} check. That a job submitted to a
 * cluster keeps the cluster's settings and resumes with {@code --savepoint} is tested end to end
 * in {@code streamkmeans.stream.SavepointResumeTest}.
 */
class RunCommandTest {

    @Test
    void aLocalRunKeepsItsDefaults() {
        Map<String, String> conf = RunCommand.localConfiguration(null, null, 2, "job").toMap();
        assertEquals("10000 ms", conf.get("execution.checkpointing.interval"));
        assertEquals("EXACTLY_ONCE", conf.get("execution.checkpointing.mode"));
        assertEquals("fixed-delay", conf.get("restart-strategy.type"));
        assertEquals("10", conf.get("restart-strategy.fixed-delay.attempts"));
        assertEquals("2", conf.get("parallelism.default"));
        assertTrue(conf.get("execution.checkpointing.dir").endsWith("/streamkmeans-checkpoints/job"),
                conf.toString());

        Map<String, String> given = RunCommand.localConfiguration(Duration.ofSeconds(3), "file:///cp", null, "job")
                .toMap();
        assertEquals("3000 ms", given.get("execution.checkpointing.interval"));
        assertEquals("file:///cp", given.get("execution.checkpointing.dir"));
        assertFalse(given.containsKey("parallelism.default"));

        Map<String, String> none = RunCommand.localConfiguration(Duration.ZERO, null, null, "job").toMap();
        assertFalse(none.containsKey("execution.checkpointing.interval"));
        assertFalse(none.containsKey("execution.checkpointing.dir"));
    }

    @Test
    void aSubmittedJobSetsOnlyWhatItsOptionsGive() {
        assertTrue(RunCommand.submittedConfiguration(null, null, null).toMap().isEmpty(),
                "the cluster's restart strategy, checkpoint interval and parallelism apply");

        Map<String, String> given = RunCommand.submittedConfiguration(Duration.ofSeconds(30), "s3://b/cp", 4).toMap();
        assertEquals(Map.of("execution.checkpointing.interval", "30000 ms",
                "execution.checkpointing.mode", "EXACTLY_ONCE",
                "execution.checkpointing.dir", "s3://b/cp",
                "parallelism.default", "4"), given);
        // Flink refuses a zero interval: the cluster's checkpointing, if any, stays.
        assertTrue(RunCommand.submittedConfiguration(Duration.ZERO, null, null).toMap().isEmpty());
    }

    @Test
    void onAClusterWithoutCheckpointsExactlyOnceGetsTheDefaultInterval() {
        // A flink-run context whose cluster enables no checkpoints and cannot be reached: the job is
        // built and its configuration decided before the submission fails.
        Configuration client = new Configuration();
        client.setString("execution.target", "remote");
        client.setString("execution.attached", "false");
        client.setString("rest.address", "127.0.0.1");
        client.setString("rest.port", "1");
        client.setString("rest.retry.max-attempts", "0");
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), client,
                getClass().getClassLoader(), true, true);
        try {
            Run run = FitCommandTest.run("run", "--bootstrap-servers", "127.0.0.1:1", "--no-kafka-check",
                    "--savepoint", "/not/checked/on/a/cluster");
            assertTrue(run.err().contains("the cluster enables no checkpoints; exactly-once delivery commits on "
                    + "checkpoints, so this job checkpoints every 10s"), run.err());
            assertTrue(run.err().contains("restoring /not/checked/on/a/cluster"), run.err());
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
    }

    @Test
    void aMissingSavepointIsOneErrorLine(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("savepoint-123");
        Run run = FitCommandTest.run("run", "--bootstrap-servers", "127.0.0.1:1", "--savepoint", missing.toString());
        assertEquals(Main.USER_ERROR, run.code());
        assertEquals("streamkmeans run: " + missing + ": no savepoint there: the path does not exist",
                run.err().strip());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Run notASavepoint = FitCommandTest.run("run", "--bootstrap-servers", "127.0.0.1:1",
                "--savepoint", empty.toUri().toString());
        assertEquals(Main.USER_ERROR, notASavepoint.code());
        assertEquals(1, notASavepoint.err().strip().lines().count(), notASavepoint.err());
        assertTrue(notASavepoint.err().contains("no _metadata file"), notASavepoint.err());
    }

    @Test
    void aSavepointIsAFolderWithMetadataOrTheMetadataFileOrARemotePath(@TempDir Path dir) throws IOException {
        Path metadata = Files.createFile(dir.resolve("_metadata"));
        assertDoesNotThrow(() -> RunCommand.requireSavepoint(dir.toString()));
        assertDoesNotThrow(() -> RunCommand.requireSavepoint(dir.toUri().toString()));
        assertDoesNotThrow(() -> RunCommand.requireSavepoint(metadata.toString()));
        // Other file systems are the JobManager's to resolve.
        assertDoesNotThrow(() -> RunCommand.requireSavepoint("s3://bucket/savepoints/savepoint-1"));
    }
}
