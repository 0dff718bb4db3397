package io.amorsize.sample;

import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Draws a bounded sample without materialising the input.
 *
 * <p>Bounds: at most {@link Options#SAMPLE_MAX_RECORDS} records and the wall-time budget
 * {@link Options#SAMPLE_BUDGET}, read through the injected {@link Ticker}. At least
 * {@value #MIN_RECORDS} records are taken when the source has them: the budget may be exceeded only
 * to reach that minimum. Infinite iterators terminate at the record cap or the budget.
 *
 * <p>Not thread-safe per call but stateless between calls; holds no static state, so it can be
 * constructed inside a Spark or Flink task with {@link #withBudget(Duration, int)}.
 */
public final class Sampler {

    /** Fewest records a sample holds when the source has them, whatever the budget. */
    public static final int MIN_RECORDS = 3;

    private final long budgetNanos;
    private final int maxRecords;
    private final Ticker ticker;

    public Sampler(Settings settings, Ticker ticker) {
        this(
                Objects.requireNonNull(settings, "settings").get(Options.SAMPLE_BUDGET),
                settings.get(Options.SAMPLE_MAX_RECORDS),
                ticker);
    }

    private Sampler(Duration budget, int maxRecords, Ticker ticker) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("budget must not be negative, got " + budget);
        }
        if (maxRecords < MIN_RECORDS) {
            throw new IllegalArgumentException("maxRecords must be >= " + MIN_RECORDS + ", got " + maxRecords);
        }
        this.budgetNanos = saturatedNanos(budget);
        this.maxRecords = maxRecords;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * A sampler from primitive budgets, for use inside an engine task where {@link Settings} is not
     * available. Uses the system ticker.
     *
     * @param budget     wall-time budget for drawing the sample
     * @param maxRecords most records sampled (>= {@value #MIN_RECORDS})
     */
    public static Sampler withBudget(Duration budget, int maxRecords) {
        return new Sampler(budget, maxRecords, Ticker.system());
    }

    /** Same budgets, another ticker (tests). */
    public Sampler withTicker(Ticker ticker) {
        return new Sampler(Duration.ofNanos(budgetNanos), maxRecords, ticker);
    }

    /**
     * Reads lazily from the front of {@code source}, stopping at the record cap or the time budget.
     * {@link Sample#exhausted()} is true only when {@code source.hasNext()} returned false; then
     * {@link Sample#recordsRead()} is the source's exact size.
     *
     * @throws IllegalArgumentException if {@code source} is null
     */
    public <T> Sample<T> take(Iterator<T> source) {
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        long start = ticker.nanos();
        List<T> records = new ArrayList<>(Math.min(maxRecords, 256));
        boolean exhausted = false;
        while (records.size() < maxRecords) {
            if (records.size() >= MIN_RECORDS && ticker.nanos() - start >= budgetNanos) {
                break;
            }
            if (!source.hasNext()) {
                exhausted = true;
                break;
            }
            records.add(source.next());
        }
        long elapsed = Math.max(0, ticker.nanos() - start);
        return new Sample<>(records, records.size(), exhausted, elapsed);
    }

    /** Front sample of {@code source.iterator()}; see {@link #take(Iterator)}. */
    public <T> Sample<T> take(Iterable<T> source) {
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        return take(source.iterator());
    }

    /**
     * Samples a list whose size is known. A random-access list larger than the record cap is sampled
     * systematically (every k-th record, spread over the whole list) instead of from the front, so
     * that cost clustered at one end of the list is seen. Because the size is known, the result is
     * always {@link Sample#exhausted() exhausted} with {@link Sample#recordsRead()} = {@code source.size()}.
     * The time budget applies as in {@link #take(Iterator)}.
     *
     * @throws IllegalArgumentException if {@code source} is null
     */
    public <T> Sample<T> take(List<T> source) {
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        int size = source.size();
        if (!(source instanceof RandomAccess) || size <= maxRecords) {
            Sample<T> front = take(source.iterator());
            return new Sample<>(front.records(), size, true, front.elapsedNanos());
        }
        long start = ticker.nanos();
        double stride = (double) size / maxRecords;
        List<T> records = new ArrayList<>(Math.min(maxRecords, 256));
        for (int i = 0; i < maxRecords; i++) {
            if (records.size() >= MIN_RECORDS && ticker.nanos() - start >= budgetNanos) {
                break;
            }
            records.add(source.get((int) Math.min(size - 1, (long) (i * stride))));
        }
        long elapsed = Math.max(0, ticker.nanos() - start);
        return new Sample<>(records, size, true, elapsed);
    }

    /** The record cap. */
    public int maxRecords() {
        return maxRecords;
    }

    /** The time budget. */
    public Duration budget() {
        return Duration.ofNanos(budgetNanos);
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
