package io.amorsize.spark;

import java.util.Iterator;
import org.apache.spark.util.LongAccumulator;

/** Passes a partition through unchanged and adds its record count to an accumulator once, at the end. */
final class CountingIterator<T> implements Iterator<T> {

    private final Iterator<T> input;
    private final LongAccumulator records;
    private long n;
    private boolean done;

    CountingIterator(Iterator<T> input, LongAccumulator records) {
        this.input = input;
        this.records = records;
    }

    @Override
    public boolean hasNext() {
        boolean more = input.hasNext();
        if (!more && !done) {
            done = true;
            records.add(n);
        }
        return more;
    }

    @Override
    public T next() {
        T t = input.next();
        n++;
        return t;
    }
}
