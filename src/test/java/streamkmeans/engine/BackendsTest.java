package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/** Backend choice, on a machine with a usable GPU or (the build and CI machines) without one. */
class BackendsTest {

    @Test
    void cpuGivesTheCpuBackendAndAutoTheGpuWhenUsable() {
        try (LloydBackend cpu = Backends.open(Backends.Choice.CPU, Workers.sequential());
             LloydBackend auto = Backends.open(Backends.Choice.AUTO, Workers.sequential())) {
            assertEquals("cpu", cpu.name());
            assertTrue(Backends.usable(Backends.Choice.CPU) && Backends.usable(Backends.Choice.AUTO));
            // Before its first window the GPU backend names the GPU.
            assertEquals(Backends.usable(Backends.Choice.GPU) ? "gpu" : "cpu", auto.name());
        }
    }

    @Test
    void gpuWithoutAcceleratorIsOneClearError() {
        assumeFalse(Backends.usable(Backends.Choice.GPU), "this machine has a usable GPU");
        Backends.BackendUnavailableException e = assertThrows(Backends.BackendUnavailableException.class,
                () -> Backends.check(Backends.Choice.GPU));
        assertTrue(e.getMessage().startsWith("--backend gpu: no usable GPU: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(Backends.BackendUnavailableException.class,
                () -> Backends.open(Backends.Choice.GPU, Workers.sequential()));
    }

    @Test
    void parsesChoices() {
        assertEquals(Backends.Choice.GPU, Backends.Choice.parse(" GPU "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.Choice.parse("tpu"));
        assertEquals("unknown backend 'tpu' (expected auto, cpu or gpu)", e.getMessage());
    }
}
