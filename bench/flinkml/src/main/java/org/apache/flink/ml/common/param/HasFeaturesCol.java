package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * The input column holding the feature vectors, {@code features} by default. Stand-in for the
 * flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasFeaturesCol<T> extends WithParams<T> {
    /** The features column name. */
    Param<String> FEATURES_COL = new StringParam("featuresCol", "Features column name.", "features",
            ParamValidators.notNull());

    /** The features column name. */
    default String getFeaturesCol() {
        return get(FEATURES_COL);
    }

    /** Sets the features column name. */
    default T setFeaturesCol(String value) {
        return set(FEATURES_COL, value);
    }
}
