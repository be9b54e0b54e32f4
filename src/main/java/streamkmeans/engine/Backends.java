package streamkmeans.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;

/**
 * Chooses the Lloyd backend: {@code cpu} always works; {@code gpu} asks the accelerator provider
 * on the class path and fails with one clear message when there is none or it is not usable;
 * {@code auto} takes the accelerator when usable and the CPU otherwise.
 */
public final class Backends {
    private Backends() {
    }

    /** The backend choices of the command line. */
    public enum Choice {
        AUTO, CPU, GPU;

        /** Parses {@code auto}, {@code cpu} or {@code gpu} (any case). */
        public static Choice parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "cpu" -> CPU;
                case "gpu" -> GPU;
                default -> throw new IllegalArgumentException("unknown backend '" + s + "' (expected auto, cpu or gpu)");
            };
        }
    }

    /**
     * Opens the chosen backend on {@code workers}.
     *
     * @throws BackendUnavailableException when {@code gpu} is chosen and no usable GPU backend exists
     */
    public static LloydBackend open(Choice choice, Workers workers) {
        return open(choice, workers, OptionalInt.empty());
    }

    /**
     * Opens the chosen backend on {@code workers}; an accelerator backend runs on {@code device}
     * (an ordinal, such as the GPU that Flink's external resource framework gave a task slot), or
     * on the provider's configured default when empty.
     *
     * @throws BackendUnavailableException when {@code gpu} is chosen and no usable GPU backend exists
     */
    public static LloydBackend open(Choice choice, Workers workers, OptionalInt device) {
        if (choice == Choice.CPU) {
            return new CpuLloydBackend(workers);
        }
        Optional<AcceleratorProvider> gpu = accelerator("gpu");
        Optional<String> reason = unavailableReason(gpu);
        if (reason.isEmpty()) {
            return gpu.orElseThrow().open(workers, device);
        }
        if (choice == Choice.GPU) {
            throw unavailable(reason.get());
        }
        return new CpuLloydBackend(workers);
    }

    /** Whether {@code choice} can be opened here, without opening anything ({@link #check} without the error). */
    public static boolean usable(Choice choice) {
        return choice != Choice.GPU || unavailableReason(accelerator("gpu")).isEmpty();
    }

    /** Checks, without opening anything, that {@code choice} can be opened here. */
    public static void check(Choice choice) {
        if (choice != Choice.GPU) {
            return;
        }
        unavailableReason(accelerator("gpu")).ifPresent(r -> {
            throw unavailable(r);
        });
    }

    private static Optional<String> unavailableReason(Optional<AcceleratorProvider> provider) {
        return provider.isPresent()
                ? provider.get().unavailableReason()
                : Optional.of("this build has no GPU backend");
    }

    private static BackendUnavailableException unavailable(String reason) {
        return new BackendUnavailableException("--backend gpu: no usable GPU: " + reason);
    }

    private static Optional<AcceleratorProvider> accelerator(String name) {
        for (AcceleratorProvider p : ServiceLoader.load(AcceleratorProvider.class)) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The chosen backend cannot run here; the message is one line for users. */
    public static final class BackendUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BackendUnavailableException(String message) {
            super(message);
        }
    }
}
