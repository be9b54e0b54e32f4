package streamkmeans.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped PTX is the compiled form of the CUDA source in the repository: it records the
 * source's SHA-256 (always checked), and where nvcc is on the PATH a fresh compile with the same
 * nvcc gives the same PTX, which ptxas assembles for the devices of several generations (what the
 * driver does when it loads it). A failure here means: run scripts/build-ptx.
 */
class PtxResourceTest {
    private static final Path SOURCE = Path.of("src/main/cuda/kmeans.cu");
    private static final Path SHIPPED = Path.of("src/main/resources/streamkmeans/gpu/kmeans.ptx");

    @Test
    void theShippedPtxWasMadeFromTheCurrentSource() throws Exception {
        String ptx = Files.readString(SHIPPED, StandardCharsets.US_ASCII);
        String expected = "// source-sha256: " + sha256(Files.readAllBytes(SOURCE));
        assertTrue(ptx.lines().limit(3).anyMatch(expected::equals),
                SHIPPED + " is stale (it does not record the SHA-256 of " + SOURCE + "): run scripts/build-ptx");
        // The class path serves the same text the backend loads.
        assertEquals(ptx, Ptx.text());
        for (String kernel : List.of("assign_narrow", "assign_medium", "assign_wide", "accumulate", "finalize",
                "reduce_sum", "inertia_partials", "prepare_centroids", "point_distances", "farthest_partials",
                "farthest_final", "take_point", "lower_closest", "candidate_minima", "chunk_sums", "sample_in_chunk",
                "last_positive_before", "silhouette_sums", "silhouette_scores", "fma_peak", "copy_bandwidth")) {
            assertTrue(ptx.contains(".visible .entry " + kernel + "("), "kernel " + kernel + " is missing");
        }
        assertTrue(ptx.contains("\n.target sm_75\n"), "compiled for compute_75");
    }

    @Test
    void aFreshCompileWithTheSameNvccGivesTheShippedPtx(@TempDir Path dir) throws Exception {
        String version = run(List.of("nvcc", "--version"), dir);
        assumeTrue(version != null, "nvcc is not on the PATH");
        String shipped = Files.readString(SHIPPED, StandardCharsets.US_ASCII);
        String release = version.lines().filter(l -> l.startsWith("Cuda compilation tools")).findFirst().orElse("?");
        assumeTrue(shipped.contains("// " + release + "\n"), "the shipped PTX was made by another nvcc than " + release);
        Path fresh = dir.resolve("kmeans.ptx");
        String log = run(List.of("nvcc", "-ptx", "-arch=compute_75", "-O3", "-std=c++17", "-o", fresh.toString(),
                SOURCE.toAbsolutePath().toString()), dir);
        assertTrue(log != null && Files.exists(fresh), "nvcc failed: " + log);
        String body = shipped.substring(shipped.indexOf('\n', shipped.indexOf("// source-sha256: ")) + 1);
        assertEquals(Files.readString(fresh, StandardCharsets.US_ASCII), body,
                SHIPPED + " differs from a fresh compile of " + SOURCE + ": run scripts/build-ptx");
    }

    @Test
    void theShippedPtxAssemblesForTuringHopperAndBlackwell(@TempDir Path dir) throws Exception {
        assumeTrue(run(List.of("ptxas", "--version"), dir) != null, "ptxas is not on the PATH");
        // What the driver does when it loads the module: compile the PTX for the device in hand.
        for (String arch : List.of("sm_75", "sm_90", "sm_120")) {
            Path cubin = dir.resolve(arch + ".cubin");
            String log = run(List.of("ptxas", "-arch=" + arch, "-o", cubin.toString(), SHIPPED.toAbsolutePath().toString()),
                    dir);
            assertTrue(log != null && Files.size(cubin) > 0, "ptxas -arch=" + arch + " failed: " + log);
        }
    }

    /** Runs a command; its output, or null when it cannot be started or fails. */
    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? out : null;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
