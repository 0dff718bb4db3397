package io.amorsize.measure;

import io.amorsize.BatchFunction;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.config.Settings;
import java.util.List;
import java.util.Objects;

/** Times a user function on a sample: warm-up, wall vs CPU time, sizes, allocation, batch fit. */
public final class Measurer {

    private final Settings settings;
    private final Ticker ticker;

    public Measurer(Settings settings, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Measures {@code fn} on records grouped by the input partition they came from (one group for
     * a local input).
     *
     * @throws FunctionFailedException when {@code fn} throws on a record
     */
    public <T, R> CostProfile measure(List<? extends List<T>> recordsByPartition, RecordFunction<T, R> fn) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Measures a batch function at two or more batch sizes and fits fixed + per-record cost.
     *
     * @throws FunctionFailedException when {@code fn} throws on a batch
     */
    public <T, R> CostProfile measureBatches(List<T> sample, BatchFunction<T, R> fn) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
