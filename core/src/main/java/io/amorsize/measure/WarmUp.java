package io.amorsize.measure;

/**
 * JIT warm-up: runs the function and discards the timings until they settle or the warm-up limit
 * is spent, and says which.
 *
 * <p>Per-record functions ({@link #records}): units of {@code k} calls over the sample in
 * round-robin partition order; the per-call medians of successive windows (at least
 * {@value #MIN_WINDOW_UNITS} units, ~1/25 of the limit or {@value #MAX_WINDOW_UNITS} units) must agree within
 * {@value #SETTLE_TOLERANCE_PERCENT} % twice in a row, and the JIT must have had a fair chance (a
 * fifth of the limit, and {@value #MIN_WARMUP_CALLS} calls or two fifths of it: timings are also
 * stable in the interpreter, before compilation). The group size {@code k} follows each window's
 * median ({@link #groupSizeFor}), and the last median is the guess the timing phase starts from.
 *
 * <p>Batch functions ({@link #batches}): rounds of one call at every batch size until two
 * successive rounds agree within the same tolerance, with the same fair-chance rule.
 */
final class WarmUp {

    static final int SETTLE_TOLERANCE_PERCENT = 10;
    static final double SETTLE_TOLERANCE = SETTLE_TOLERANCE_PERCENT / 100.0;
    /** Successive window comparisons within tolerance needed to call timings settled. */
    private static final int STABLE_COMPARISONS = 2;

    static final int MIN_WINDOW_UNITS = 5;
    static final int MAX_WINDOW_UNITS = 200;
    /** Calls after which C2 has normally compiled a hot small method. */
    static final long MIN_WARMUP_CALLS = 20_000;
    /** Functions cheaper than this are timed in groups of calls. */
    static final double GROUP_THRESHOLD_NANOS = 2_000;

    private static final double GROUP_TARGET_NANOS = 10_000;
    private static final int MAX_GROUP = 4096;
    /** Safety net against a ticker that does not advance. */
    static final long HARD_CAP_CALLS = 10_000_000L;
    /** Batch warm-up: most rounds (a bound when the clock misbehaves). */
    private static final int MAX_BATCH_WARMUP_ROUNDS = 2000;

    /**
     * @param end          why warm-up ended
     * @param perCallNanos the last window median per call (the timing phase's group size follows
     *                     it); for batch functions NaN
     * @param calls        records passed to the function during warm-up
     * @param nanos        warm-up wall time, ticker-measured from {@code start}
     */
    record Result(MeasureReport.WarmUpEnd end, double perCallNanos, long calls, long nanos) {
        boolean steady() {
            return end == MeasureReport.WarmUpEnd.SETTLED;
        }
    }

    /** One batch call of {@code size} records; returns its net wall time. */
    @FunctionalInterface
    interface BatchCall {
        double call(int size);
    }

    private WarmUp() {}

    /** The spend cap in nanoseconds for a function of {@code perCallNanos}; {@link #NONE} when there is none. */
    @FunctionalInterface
    interface Cap {
        Cap NONE = perCall -> Long.MAX_VALUE;

        long nanos(double perCallNanos);
    }

    /** Warms {@code run} up from {@code start} for at most {@code limitNanos} (at least one unit). */
    static Result records(RecordRun<?, ?> run, UnitTimer timer, long start, long limitNanos) {
        return records(run, timer, start, limitNanos, Cap.NONE);
    }

    /**
     * As {@link #records(RecordRun, UnitTimer, long, long)}, the limit lowered after each window to
     * half the spend cap for the window's median ({@code cap}), so that timing keeps the other half.
     */
    static Result records(RecordRun<?, ?> run, UnitTimer timer, long start, long budgetNanos, Cap cap) {
        long limitNanos = budgetNanos;
        // with a cap, the first window is the shortest: the cap (known after it) may shrink the limit
        long windowNanos = cap == Cap.NONE ? Math.max(1_000_000L, limitNanos / 25) : 1_000_000L;
        long minWarm = limitNanos / 5;
        int[] orderGroup = run.orderGroup;
        int[] orderIndex = run.orderIndex;
        int total = run.total;
        int k = 1;
        int pos = 0;
        long calls = 0;
        double prevMedian = Double.NaN;
        double lastPerCall = Double.NaN;
        int stable = 0;
        MeasureReport.WarmUpEnd end;
        Doubles window = new Doubles(MAX_WINDOW_UNITS);
        long windowStart = start;
        while (true) {
            timer.begin(false);
            for (int j = 0; j < k; j++) {
                run.call(orderGroup[pos], orderIndex[pos]);
                if (++pos == total) {
                    pos = 0;
                }
            }
            double dt = timer.end();
            long t1 = timer.lastEndNanos();
            calls += k;
            lastPerCall = dt / k;
            window.add(lastPerCall);
            if (window.n >= MIN_WINDOW_UNITS && (window.n >= MAX_WINDOW_UNITS || t1 - windowStart >= windowNanos)) {
                double m = Stats.median(window.a, window.n);
                if (!Double.isNaN(prevMedian) && Stats.relativeDifference(m, prevMedian) <= SETTLE_TOLERANCE) {
                    stable++;
                } else {
                    stable = 0;
                }
                prevMedian = m;
                window.n = 0;
                windowStart = t1;
                k = groupSizeFor(m);
                long capped = cap.nanos(m) / 2;
                if (capped < limitNanos) {
                    limitNanos = capped;
                    windowNanos = Math.max(1_000_000L, limitNanos / 25);
                    minWarm = limitNanos / 5;
                }
                if (stable >= STABLE_COMPARISONS
                        && t1 - start >= minWarm
                        && (calls >= MIN_WARMUP_CALLS || t1 - start >= 2 * minWarm)) {
                    end = MeasureReport.WarmUpEnd.SETTLED;
                    break;
                }
            }
            if (t1 - start >= limitNanos) {
                end = limitNanos < budgetNanos ? MeasureReport.WarmUpEnd.SPEND_CAP : MeasureReport.WarmUpEnd.BUDGET;
                break;
            }
            if (calls >= HARD_CAP_CALLS) {
                end = MeasureReport.WarmUpEnd.CALL_CAP;
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                end = MeasureReport.WarmUpEnd.INTERRUPTED;
                break;
            }
        }
        long nanos = timer.now() - start;
        double perCall = Double.isNaN(prevMedian) ? lastPerCall : prevMedian;
        return new Result(end, perCall, calls, nanos);
    }

    /**
     * Warms a batch function up: rounds of one call per size in {@code sizes} while less than
     * {@code limitNanos} has passed since {@code start}. {@code callsSoFar} counts records already
     * passed to the function (probe calls).
     */
    static Result batches(BatchCall call, int[] sizes, UnitTimer timer, long start, long limitNanos, long callsSoFar) {
        long calls = callsSoFar;
        MeasureReport.WarmUpEnd end;
        double[] previous = null;
        long minWarm = limitNanos / 5;
        int rounds = 0;
        long last = start;
        while (true) {
            last = timer.now();
            if (!(last - start < limitNanos)) {
                end = MeasureReport.WarmUpEnd.BUDGET;
                break;
            }
            if (!(rounds++ < MAX_BATCH_WARMUP_ROUNDS)) {
                end = MeasureReport.WarmUpEnd.CALL_CAP;
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                end = MeasureReport.WarmUpEnd.INTERRUPTED;
                break;
            }
            double[] round = new double[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                round[i] = call.call(sizes[i]);
                calls += sizes[i];
            }
            if (previous != null && agree(previous, round)) {
                long now = timer.now();
                last = now;
                if (now - start >= minWarm && (calls >= MIN_WARMUP_CALLS || now - start >= 2 * minWarm)) {
                    end = MeasureReport.WarmUpEnd.SETTLED;
                    break;
                }
            }
            previous = round;
            if (calls >= HARD_CAP_CALLS) {
                end = MeasureReport.WarmUpEnd.CALL_CAP;
                break;
            }
        }
        // no extra ticker read here: the time is that of the last check
        return new Result(end, Double.NaN, calls - callsSoFar, last - start);
    }

    /** Calls per timing unit for a function costing {@code perCallNanos}: groups of ~10 µs below 2 µs. */
    static int groupSizeFor(double perCallNanos) {
        if (!(perCallNanos < GROUP_THRESHOLD_NANOS)) {
            return 1;
        }
        double k = GROUP_TARGET_NANOS / Math.max(perCallNanos, 1.0);
        return (int) Math.max(1, Math.min(MAX_GROUP, Math.ceil(k)));
    }

    private static boolean agree(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Stats.relativeDifference(a[i], b[i]) > SETTLE_TOLERANCE) {
                return false;
            }
        }
        return true;
    }
}
