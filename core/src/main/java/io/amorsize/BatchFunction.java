package io.amorsize;

import java.io.Serializable;
import java.util.List;

/** A user function applied to a batch of records at once (one call, many records). */
@FunctionalInterface
public interface BatchFunction<T, R> extends Serializable {
    List<R> apply(List<T> batch) throws Exception;
}
