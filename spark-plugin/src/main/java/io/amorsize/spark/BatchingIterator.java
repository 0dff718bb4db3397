package io.amorsize.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.Function;

/**
 * Streams a partition through a batch function: pulls at most {@code batchSize} records from the
 * input, calls the function once, yields its outputs, and repeats; the last partial batch is
 * flushed. Never holds more than one batch of input and its output.
 */
final class BatchingIterator<T, R> implements Iterator<R> {

    private final Iterator<T> input;
    private final int batchSize;
    private final Function<List<T>, List<R>> fn;
    private Iterator<R> current = Collections.emptyIterator();

    BatchingIterator(Iterator<T> input, int batchSize, Function<List<T>, List<R>> fn) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.input = input;
        this.batchSize = batchSize;
        this.fn = fn;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (!input.hasNext()) {
                return false;
            }
            List<T> batch = new ArrayList<>(Math.min(batchSize, 4096));
            while (batch.size() < batchSize && input.hasNext()) {
                batch.add(input.next());
            }
            List<R> out;
            try {
                out = fn.call(batch);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            current = out == null ? Collections.emptyIterator() : out.iterator();
        }
        return true;
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
