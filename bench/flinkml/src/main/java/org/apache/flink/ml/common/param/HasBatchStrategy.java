package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * How online training cuts its input into mini-batches. Flink ML 2.2.0 ships this interface in
 * flink-ml-servable-lib, which is not on Maven Central; this stand-in has the parameter name,
 * default and accessor that flink-ml-lib 2.2.0 uses.
 */
public interface HasBatchStrategy<T> extends WithParams<T> {
    /** Mini-batches of a fixed number of records. */
    String COUNT_STRATEGY = "count";

    /** The strategy; only {@link #COUNT_STRATEGY} exists. */
    Param<String> BATCH_STRATEGY = new StringParam("batchStrategy",
            "Strategy to create mini batch from online train data.", COUNT_STRATEGY,
            ParamValidators.inArray(COUNT_STRATEGY));

    /** The batch strategy. */
    default String getBatchStrategy() {
        return get(BATCH_STRATEGY);
    }
}
