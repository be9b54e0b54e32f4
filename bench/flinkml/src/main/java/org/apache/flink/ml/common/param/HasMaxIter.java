package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.WithParams;

/**
 * Maximum iterations of a batch algorithm, 20 by default. Stand-in for the flink-ml-servable-lib
 * 2.2.0 interface (not on Maven Central).
 */
public interface HasMaxIter<T> extends WithParams<T> {
    /** The iteration limit, above 0. */
    Param<Integer> MAX_ITER = new IntParam("maxIter", "Maximum number of iterations.", 20, ParamValidators.gt(0));

    /** The iteration limit. */
    default int getMaxIter() {
        return get(MAX_ITER);
    }

    /** Sets the iteration limit. */
    default T setMaxIter(int value) {
        return set(MAX_ITER, value);
    }
}
