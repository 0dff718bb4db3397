package io.amorsize.spark;

import java.util.Objects;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.MapFunction;

/**
 * A Dataset's {@link MapFunction} seen as the RDD path's {@link Function}, so that a Dataset is
 * sampled and measured through the same {@link AmorsizeSpark} code as an RDD. The fingerprint of
 * this object covers the wrapped function (its code and captured values).
 */
final class MapFunctionAdapter<A, B> implements Function<A, B> {

    private static final long serialVersionUID = 1L;
    private final MapFunction<A, B> fn;

    MapFunctionAdapter(MapFunction<A, B> fn) {
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    @Override
    public B call(A value) throws Exception {
        return fn.call(value);
    }
}
