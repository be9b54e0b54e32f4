package org.apache.flink.ml.common.param;

import org.apache.flink.ml.common.distance.CosineDistanceMeasure;
import org.apache.flink.ml.common.distance.EuclideanDistanceMeasure;
import org.apache.flink.ml.common.distance.ManhattanDistanceMeasure;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * The distance measure of a clustering algorithm, Euclidean by default. Stand-in for the
 * flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasDistanceMeasure<T> extends WithParams<T> {
    /** One of the distance measures of flink-ml-servable-core. */
    Param<String> DISTANCE_MEASURE = new StringParam("distanceMeasure", "Distance measure.",
            EuclideanDistanceMeasure.NAME, ParamValidators.inArray(EuclideanDistanceMeasure.NAME,
                    ManhattanDistanceMeasure.NAME, CosineDistanceMeasure.NAME));

    /** The distance measure's name. */
    default String getDistanceMeasure() {
        return get(DISTANCE_MEASURE);
    }

    /** Sets the distance measure by name. */
    default T setDistanceMeasure(String value) {
        return set(DISTANCE_MEASURE, value);
    }
}
