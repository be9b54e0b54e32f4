package streamkmeans.gpu;

import java.util.Optional;
import java.util.OptionalInt;
import streamkmeans.engine.AcceleratorProvider;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.Workers;

/**
 * The JCuda GPU backend as the engine's accelerator {@code gpu}, found through
 * {@link java.util.ServiceLoader}. Settings come from system properties ({@link GpuSettings}):
 * the device ordinal, the crossover below which windows stay on the CPU, strict mode.
 */
public final class GpuAcceleratorProvider implements AcceleratorProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public GpuAcceleratorProvider() {
    }

    /** {@code "gpu"}. */
    @Override
    public String name() {
        return "gpu";
    }

    /** Empty when {@link GpuProbe} finds the configured device usable, else its one-line reason. */
    @Override
    public Optional<String> unavailableReason() {
        GpuProbe.Verdict verdict = GpuProbe.verdict(GpuSettings.fromSystemProperties().device());
        return verdict.usable() ? Optional.empty() : Optional.of(verdict.detail());
    }

    /**
     * A {@link FallbackLloydBackend} over a GPU backend on {@code device} (else the configured one;
     * its context created on first use) and a CPU backend on {@code workers}.
     */
    @Override
    public LloydBackend open(Workers workers, OptionalInt device) {
        GpuSettings configured = GpuSettings.fromSystemProperties();
        GpuSettings settings = device.isPresent() ? configured.onDevice(device.getAsInt()) : configured;
        return new FallbackLloydBackend(new CpuLloydBackend(workers), () -> GpuLloydBackend.open(settings.device()),
                settings);
    }
}
