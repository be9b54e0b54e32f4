package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.WithParams;

/**
 * Records per mini-batch over all subtasks together, 32 by default. Stand-in for the
 * flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasGlobalBatchSize<T> extends WithParams<T> {
    /** The global batch size, above 0. */
    Param<Integer> GLOBAL_BATCH_SIZE = new IntParam("globalBatchSize", "Global batch size of training algorithms.",
            32, ParamValidators.gt(0));

    /** The global batch size. */
    default int getGlobalBatchSize() {
        return get(GLOBAL_BATCH_SIZE);
    }

    /** Sets the global batch size. */
    default T setGlobalBatchSize(Integer value) {
        return set(GLOBAL_BATCH_SIZE, value);
    }
}
