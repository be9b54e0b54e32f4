package streamkmeans.engine;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Lloyd backend on an accelerator, found through {@link java.util.ServiceLoader} so that the
 * engine depends on no accelerator library: an implementation (such as the JCuda backend) lists
 * itself in {@code META-INF/services/streamkmeans.engine.AcceleratorProvider}.
 */
public interface AcceleratorProvider {

    /** Short name, as chosen with {@code --backend}: {@code "gpu"}. */
    String name();

    /**
     * Checks once whether the accelerator can be used here (libraries load, a device exists).
     *
     * @return empty when usable, else the reason it is not (one line, for users)
     */
    Optional<String> unavailableReason();

    /**
     * A backend on the accelerator's device {@code device} (an ordinal; empty for the provider's
     * configured default); only called when {@link #unavailableReason()} is empty.
     */
    LloydBackend open(Workers workers, OptionalInt device);
}
