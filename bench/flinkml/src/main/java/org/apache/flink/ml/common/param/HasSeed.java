package org.apache.flink.ml.common.param;

import org.apache.flink.ml.param.LongParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.WithParams;

/**
 * The random seed; unset, it is the hash of the implementing class's name (as in Flink ML).
 * Stand-in for the flink-ml-servable-lib 2.2.0 interface (not on Maven Central).
 */
public interface HasSeed<T> extends WithParams<T> {
    /** The seed, null when unset. */
    Param<Long> SEED = new LongParam("seed", "The random seed.", null);

    /** The seed, or the class name's hash when unset. */
    default long getSeed() {
        Long seed = get(SEED);
        return seed == null ? getClass().getName().hashCode() : seed;
    }

    /** Sets the seed. */
    default T setSeed(long value) {
        return set(SEED, value);
    }
}
