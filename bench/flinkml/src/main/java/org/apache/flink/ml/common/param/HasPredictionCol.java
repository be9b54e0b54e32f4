package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * The output column a model writes its prediction to, {@code prediction} by default. Stand-in for
 * the flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasPredictionCol<T> extends WithParams<T> {
    /** The prediction column name. */
    Param<String> PREDICTION_COL = new StringParam("predictionCol", "Prediction column name.", "prediction",
            ParamValidators.notNull());

    /** The prediction column name. */
    default String getPredictionCol() {
        return get(PREDICTION_COL);
    }

    /** Sets the prediction column name. */
    default T setPredictionCol(String value) {
        return set(PREDICTION_COL, value);
    }
}
