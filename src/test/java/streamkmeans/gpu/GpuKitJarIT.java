package streamkmeans.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The GPU check kit's jar, {@code streamkmeans-gpu-kit.jar}: the engine, the GPU backend, JCuda's
 * driver binding and logging, nothing of Flink or Kafka, small enough to carry; and on a machine
 * without a GPU its main class says so in one line and exits with status 3. Runs after
 * {@code package} (failsafe), on the jar the build just made.
 */
class GpuKitJarIT {
    private static final Path BUILD = Path.of(System.getProperty("streamkmeans.build.dir", "target"));
    private static final Path JAR = BUILD.resolve("streamkmeans-gpu-kit.jar");

    @Test
    void holdsTheEngineTheGpuBackendAndTheDriverBindingOnly() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " was not built");
        assertTrue(Files.size(JAR) < 8L << 20, "kit jar is " + Files.size(JAR) + " bytes");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("streamkmeans.gpu.GpuCheck", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            Set<String> entries = jar.stream().map(e -> e.getName()).collect(Collectors.toCollection(TreeSet::new));
            for (String needed : List.of("streamkmeans/gpu/GpuCheck.class", "streamkmeans/gpu/GpuLloydBackend.class",
                    "streamkmeans/engine/KMeans.class", "streamkmeans/gpu/kmeans.ptx",
                    "META-INF/services/streamkmeans.engine.AcceleratorProvider",
                    "jcuda/driver/JCudaDriver.class", "lib/libJCudaDriver-12.0.0-linux-x86_64.so",
                    "org/slf4j/LoggerFactory.class", "log4j2.properties")) {
                assertTrue(entries.contains(needed), "missing " + needed);
            }
            for (String entry : entries) {
                assertFalse(entry.startsWith("streamkmeans/cli/") || entry.startsWith("streamkmeans/stream/")
                        || entry.startsWith("org/apache/flink/") || entry.startsWith("org/apache/kafka/")
                        || entry.startsWith("picocli/"), "unexpected " + entry);
                assertFalse(entry.startsWith("lib/") && entry.endsWith(".so")
                        && !entry.equals("lib/libJCudaDriver-12.0.0-linux-x86_64.so"), "unused native " + entry);
            }
        }
    }

    @Test
    void withoutAGpuTheCheckSaysSoInOneLineAndFails() throws Exception {
        assumeFalse(GpuProbe.verdict(0).usable(), "a GPU is usable here");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-jar", JAR.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        assertEquals("gpu-check: no GPU: " + GpuProbe.verdict(0).detail() + System.lineSeparator(), out);
    }
}
