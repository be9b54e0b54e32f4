package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.DoubleParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.WithParams;

/**
 * Weight kept by the previous centroids at each mini-batch (0: forget them, 1: keep them all).
 * Stand-in for the flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasDecayFactor<T> extends WithParams<T> {
    /** The decay factor in [0, 1], default 0. */
    Param<Double> DECAY_FACTOR = new DoubleParam("decayFactor", "The forgetfulness of the previous centroids.",
            0.0, ParamValidators.inRange(0, 1));

    /** The decay factor. */
    default double getDecayFactor() {
        return get(DECAY_FACTOR);
    }

    /** Sets the decay factor. */
    default T setDecayFactor(Double value) {
        return set(DECAY_FACTOR, value);
    }
}
