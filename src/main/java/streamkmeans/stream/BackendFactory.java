package streamkmeans.stream;

import java.io.Serializable;
import java.util.OptionalInt;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.Workers;

/**
 * Opens a Lloyd backend on a clusterer's workers, on the task manager (so it travels with the
 * job graph and must be serializable). The clusterer takes two: the backend the settings choose
 * and the CPU backend of its refits; tests hand in failing ones.
 */
@FunctionalInterface
interface BackendFactory extends Serializable {

    /**
     * A new backend on {@code workers}; an accelerator backend on {@code device} (a device ordinal,
     * empty for its default). The caller closes it.
     */
    LloydBackend open(Workers workers, OptionalInt device);
}
