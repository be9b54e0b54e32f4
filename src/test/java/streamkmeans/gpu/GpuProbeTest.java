package streamkmeans.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import streamkmeans.engine.AcceleratorProvider;
import streamkmeans.engine.Backends;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.Workers;

/**
 * The probe and the provider on a machine without a usable GPU (the build and CI machines; these
 * tests are skipped where a GPU is usable): a clear one-line verdict, no exception, and the engine
 * choosing the CPU.
 */
class GpuProbeTest {

    @Test
    void withoutAGpuTheVerdictIsOneClearLineAndIsRemembered() {
        GpuProbe.Verdict verdict = GpuProbe.verdict(0);
        assumeFalse(verdict.usable(), "a GPU is usable here");
        assertNull(verdict.device());
        assertFalse(verdict.detail().isBlank());
        assertFalse(verdict.detail().contains("\n"), verdict.detail());
        assertTrue(verdict.detail().length() < 300, verdict.detail());
        // Asked again (JCuda would now throw NoClassDefFoundError): the same verdict, no exception.
        assertSame(verdict, GpuProbe.verdict(0));
    }

    @Test
    void withoutTheDriverLibraryTheReasonSaysSo() {
        GpuProbe.Verdict verdict = GpuProbe.verdict(0);
        assumeFalse(verdict.usable(), "a GPU is usable here");
        assumeFalse(driverLibraryPresent(), "libcuda is installed here");
        assertTrue(verdict.detail().startsWith("no NVIDIA driver (JCuda's driver binding could not be loaded: "),
                verdict.detail());
        assertTrue(verdict.detail().contains("libcuda.so.1"), verdict.detail());
    }

    @Test
    void theProviderIsFoundAndAutoFallsBackToTheCpu() {
        assumeFalse(GpuProbe.verdict(0).usable(), "a GPU is usable here");
        List<AcceleratorProvider> providers = ServiceLoader.load(AcceleratorProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertEquals(1, providers.size());
        AcceleratorProvider gpu = providers.get(0);
        assertEquals("gpu", gpu.name());
        assertEquals(Optional.of(GpuProbe.verdict(0).detail()), gpu.unavailableReason());
        try (LloydBackend auto = Backends.open(Backends.Choice.AUTO, Workers.sequential())) {
            assertEquals("cpu", auto.name());
        }
        Backends.BackendUnavailableException e = assertThrows(Backends.BackendUnavailableException.class,
                () -> Backends.open(Backends.Choice.GPU, Workers.sequential()));
        assertEquals("--backend gpu: no usable GPU: " + GpuProbe.verdict(0).detail(), e.getMessage());
    }

    @Test
    void settingsComeFromSystemPropertiesWithDefaults() {
        GpuSettings defaults = GpuSettings.fromSystemProperties();
        assertEquals(Integer.getInteger(GpuSettings.DEVICE_PROPERTY, 0), defaults.device());
        String saved = System.getProperty(GpuSettings.MIN_WORK_PROPERTY);
        try {
            System.setProperty(GpuSettings.MIN_WORK_PROPERTY, "12345");
            assertEquals(12345, GpuSettings.fromSystemProperties().minWork());
            System.setProperty(GpuSettings.MIN_WORK_PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GpuSettings::fromSystemProperties);
            assertEquals("system property streamkmeans.gpu.minWork must be a number, got 'lots'", e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(GpuSettings.MIN_WORK_PROPERTY);
            } else {
                System.setProperty(GpuSettings.MIN_WORK_PROPERTY, saved);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new GpuSettings(-1, 0, false));
    }

    private static boolean driverLibraryPresent() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64")) {
            if (new java.io.File(dir, "libcuda.so.1").exists()) {
                return true;
            }
        }
        return false;
    }
}
