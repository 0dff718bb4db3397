package io.amorsize;

import java.io.Serializable;

/**
 * A per-record user function as core sees it. Engine adapters wrap their own function types
 * (Spark's {@code Function}, Flink's {@code MapFunction}) in this; it is {@link Serializable} so
 * that a lambda's captured state can be fingerprinted.
 */
@FunctionalInterface
public interface RecordFunction<T, R> extends Serializable {
    R apply(T record) throws Exception;
}
