package io.amorsize.measure;

import io.amorsize.BatchFunction;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.sample.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a user function on a sample: JIT warm-up, wall vs CPU time, sizes, allocation, batch fit.
 *
 * <h2>How a per-record function is measured ({@link #measure})</h2>
 * <ol>
 *   <li><b>Warm-up.</b> The function runs on the sample records (cycling when the sample is small)
 *       and the timings are discarded until the medians of successive windows of timings agree
 *       within {@value #SETTLE_TOLERANCE_PERCENT} % and the JIT had a fair chance (at least a fifth
 *       of the warm-up budget, and 20,000 calls or two fifths of it: timings are also stable in
 *       the interpreter, before compilation), or until the warm-up budget is spent.
 *       {@link CostProfile#steadyState()} says which happened. The warm-up budget is
 *       {@link Options#WARMUP_BUDGET}, at most half of {@link Options#MEASURE_BUDGET}.</li>
 *   <li><b>Timing.</b> Records are timed one by one with the {@link Ticker}. The ticker's own cost
 *       (calibrated first) is subtracted, and on Linux so is the time the thread waited for a CPU
 *       while other processes ran (from {@code /proc/thread-self/schedstat}): a crowded machine
 *       does not inflate the cost, while sleeps and I/O waits stay in. Functions cheaper than
 *       about 2 µs are timed in groups of calls (about 10 µs per group) and each group's time is
 *       divided by its size; the quantiles then describe group averages. Every input partition is
 *       timed once before any is timed twice, then in proportion to its sampled records; within a
 *       partition records are visited in a fixed pseudo-random order. Timing stops when every
 *       sampled record was timed once and at least 100 timings were taken, when the mean is known
 *       to 1 % relative standard error after 200 timings, or when the measure budget
 *       ({@link Options#MEASURE_BUDGET}, counted from the start of warm-up) is spent &mdash; but
 *       never before {@code min(3, sample size)} records and one timing per partition.</li>
 *   <li><b>Statistics.</b> Mean, p50, p95, p99, max and coefficient of variation of the per-record
 *       wall time (net of run-queue waits, as above). The mean is the plain mean (the cost model
 *       needs totals); the median and the quantiles are robust to a GC pause landing on a few
 *       records.</li>
 *   <li><b>CPU time</b> (ThreadMXBean, current thread) of the timed calls, reported as
 *       {@code mean × cpu/wall}; {@code -1} when the JVM does not support CPU time.
 *       <b>Allocated bytes</b> per record from {@code com.sun.management.ThreadMXBean};
 *       {@code -1} when not available.</li>
 *   <li><b>Sizes</b> of the first few input and output records by the {@link Sizer} (Java
 *       serialization by default); {@code -1} when any of them cannot be sized.</li>
 *   <li><b>Partition skew</b>: mean cost of the most expensive partition's timed records ÷ the
 *       mean over all timed records (1.0 for one partition). A timing above both the overall p99
 *       and three times its partition's median is capped there, so that a GC pause or a
 *       preemption does not pass for skew.</li>
 * </ol>
 *
 * <p>An interrupt of the measuring thread (a cancelled task) ends warm-up and timing early, as if
 * the budget were spent; the profile is returned and the interrupt flag stays set. A clock that
 * does not move cannot hang a measurement: call counts bound every phase.
 *
 * <h2>Use inside an engine task</h2>
 * A Measurer holds only a few numbers, a ticker and a sizer, and no static mutable state. It is not
 * {@link java.io.Serializable}; build it inside the Spark or Flink closure with
 * {@link #withBudgets(Duration, Duration, Duration, int)}, which needs only primitives.
 *
 * <p>Instances are immutable and may be shared; each call measures on the calling thread.
 */
public final class Measurer {

    private static final Logger LOG = LoggerFactory.getLogger(Measurer.class);

    static final int SETTLE_TOLERANCE_PERCENT = 10;
    private static final double SETTLE_TOLERANCE = SETTLE_TOLERANCE_PERCENT / 100.0;
    /** Successive window comparisons within tolerance needed to call timings settled. */
    private static final int STABLE_COMPARISONS = 2;
    private static final int MIN_WINDOW_UNITS = 5;
    private static final int MAX_WINDOW_UNITS = 200;
    /** Calls after which C2 has normally compiled a hot small method. */
    private static final long MIN_WARMUP_CALLS = 20_000;
    /** Functions cheaper than this are timed in groups of calls. */
    private static final double GROUP_THRESHOLD_NANOS = 2_000;
    private static final double GROUP_TARGET_NANOS = 10_000;
    private static final int MAX_GROUP = 4096;
    private static final int MIN_TIMED_UNITS = 100;
    private static final int STABLE_TIMED_UNITS = 200;
    private static final double TARGET_RELATIVE_STANDARD_ERROR = 0.01;
    /** Safety net against a ticker that does not advance. */
    private static final long HARD_CAP_CALLS = 10_000_000L;
    /** Records (and outputs) sized for the mean serialized size. */
    private static final int SIZE_PROBES = 8;
    /** Batch measurement: most timed rounds (one call at each batch size per round). */
    private static final int MAX_BATCH_ROUNDS = 40;
    /** Batch measurement: most warm-up rounds (a bound when the clock misbehaves). */
    private static final int MAX_BATCH_WARMUP_ROUNDS = 2000;
    private static final long SEED = 0x5eed_a407L;

    private final long sampleBudgetNanos;
    private final long warmupBudgetNanos;
    private final long measureBudgetNanos;
    private final int maxRecords;
    private final Ticker ticker;
    private final Sizer sizer;

    /** Budgets from {@code settings} ({@link Options#WARMUP_BUDGET}, {@link Options#MEASURE_BUDGET}, ...). */
    public Measurer(Settings settings, Ticker ticker) {
        this(Objects.requireNonNull(settings, "settings").get(Options.SAMPLE_BUDGET),
                settings.get(Options.WARMUP_BUDGET), settings.get(Options.MEASURE_BUDGET),
                settings.get(Options.SAMPLE_MAX_RECORDS), ticker, Sizer.javaSerialization());
    }

    private Measurer(Duration sample, Duration warmup, Duration measure, int maxRecords, Ticker ticker, Sizer sizer) {
        this.sampleBudgetNanos = nonNegativeNanos("sample", sample);
        this.warmupBudgetNanos = nonNegativeNanos("warmup", warmup);
        this.measureBudgetNanos = nonNegativeNanos("measure", measure);
        if (maxRecords < Sampler.MIN_RECORDS) {
            throw new IllegalArgumentException("maxRecords must be >= " + Sampler.MIN_RECORDS + ", got " + maxRecords);
        }
        this.maxRecords = maxRecords;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sizer = Objects.requireNonNull(sizer, "sizer");
    }

    /**
     * A measurer from primitive budgets, for engine tasks where {@link Settings} is not available
     * (it is not serializable). Uses the system ticker and Java-serialization sizes.
     *
     * @param sample     budget for drawing the sample (see {@link #sampler()})
     * @param warmup     most time spent warming up
     * @param measure    budget for timing, warm-up included
     * @param maxRecords most records sampled (>= 3)
     */
    public static Measurer withBudgets(Duration sample, Duration warmup, Duration measure, int maxRecords) {
        return new Measurer(sample, warmup, measure, maxRecords, Ticker.system(), Sizer.javaSerialization());
    }

    /** A copy that sizes records with {@code sizer} (e.g. the engine's serializer). */
    public Measurer withSizer(Sizer sizer) {
        if (sizer == null) {
            throw new IllegalArgumentException("sizer must not be null");
        }
        return new Measurer(Duration.ofNanos(sampleBudgetNanos), Duration.ofNanos(warmupBudgetNanos),
                Duration.ofNanos(measureBudgetNanos), maxRecords, ticker, sizer);
    }

    /** A sampler with this measurer's sample budget, record cap and ticker. */
    public Sampler sampler() {
        return Sampler.withBudget(Duration.ofNanos(sampleBudgetNanos), maxRecords).withTicker(ticker);
    }

    /**
     * Measures {@code fn} on records grouped by the input partition they came from (one group for
     * a local input). Empty groups are ignored. See the class comment for the procedure.
     *
     * @param recordsByPartition sampled records, one list per input partition
     * @param fn                 the user function
     * @return the cost profile ({@code batchFit} null)
     * @throws FunctionFailedException  when {@code fn} throws on a record; its index is the record's
     *                                  position in the concatenation of the groups
     * @throws IllegalArgumentException when {@code fn} is null or there is no record to measure
     */
    public <T, R> CostProfile measure(List<? extends List<T>> recordsByPartition, RecordFunction<T, R> fn) {
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (recordsByPartition == null) {
            throw new IllegalArgumentException("recordsByPartition must not be null");
        }
        List<Object[]> groups = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        long offset = 0;
        for (List<T> g : recordsByPartition) {
            if (g == null) {
                throw new IllegalArgumentException("recordsByPartition must not contain a null partition");
            }
            if (!g.isEmpty()) {
                groups.add(g.toArray());
                offsets.add((int) Math.min(Integer.MAX_VALUE, offset));
            }
            offset += g.size();
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("recordsByPartition must hold at least one record");
        }
        RecordRun<T, R> run = new RecordRun<>(fn, groups, offsets.stream().mapToInt(Integer::intValue).toArray());
        return new RecordMeasurement<>(run).execute();
    }

    /**
     * Measures a batch function at two or three batch sizes and fits t(b) = fixed + perRecord·b by
     * least squares over the per-size median call times.
     *
     * <p>Batch sizes are the largest size B and about B/2 and B/4. B is the sample size (at least
     * 8, a small sample being cycled to fill a batch; at most the record cap), reduced when about four rounds of calls would
     * not fit in the measure budget by a first guess from calls of 1 and 8 records. The function
     * is warmed up first (calls at every size until two successive rounds agree within 10 % or the
     * warm-up budget is spent). Each size is then called once per round, in rotating order, until
     * the measure budget is spent (at most 40 rounds, at least one).
     *
     * <p>The returned profile's per-record statistics (mean, quantiles, cv, CPU, allocation)
     * describe the cost <b>per record at the largest measured batch size</b> (call time ÷ B);
     * {@code sampleSize} counts the records in the timed calls at that size;
     * {@code partitionSkew} is 1.0; {@code batchFit} holds the fit.
     *
     * @throws FunctionFailedException  when {@code fn} throws on a batch; the index is the sample
     *                                  position of the batch's first record
     * @throws IllegalArgumentException when {@code fn} is null or {@code sample} is null or empty
     */
    public <T, R> CostProfile measureBatches(List<T> sample, BatchFunction<T, R> fn) {
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (sample == null || sample.isEmpty()) {
            throw new IllegalArgumentException("sample must not be null or empty");
        }
        return new BatchMeasurement<>(sample.toArray(), fn).execute();
    }

    @Override
    public String toString() {
        return "Measurer{warmup=" + Duration.ofNanos(warmupBudgetNanos) + ", measure="
                + Duration.ofNanos(measureBudgetNanos) + ", maxRecords=" + maxRecords + ", sizer=" + sizer + "}";
    }

    // ------------------------------------------------------------------------------------------

    private long warmupLimitNanos() {
        return Math.min(warmupBudgetNanos, measureBudgetNanos / 2);
    }

    /** Cost of one ticker read, to subtract from each timing (a low quantile of back-to-back reads). */
    private long calibrateTicker() {
        long[] d = new long[512];
        for (int i = 0; i < d.length; i++) {
            long a = ticker.nanos();
            long b = ticker.nanos();
            d[i] = b - a;
        }
        Arrays.sort(d);
        return Math.max(0, d[d.length / 4]);
    }

    private static int groupSizeFor(double perCallNanos) {
        if (!(perCallNanos < GROUP_THRESHOLD_NANOS)) {
            return 1;
        }
        double k = GROUP_TARGET_NANOS / Math.max(perCallNanos, 1.0);
        return (int) Math.max(1, Math.min(MAX_GROUP, Math.ceil(k)));
    }

    private double meanSize(List<Object> items) {
        if (items.isEmpty()) {
            return -1;
        }
        double sum = 0;
        for (Object o : items) {
            long s;
            try {
                s = sizer.sizeOf(o);
            } catch (RuntimeException e) {
                s = -1;
            }
            if (s < 0) {
                return -1;
            }
            sum += s;
        }
        return sum / items.size();
    }

    private static long nonNegativeNanos(String name, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /**
     * The user function failed: exceptions, and errors that are the function's own fault (a
     * missing class, an assertion, unbounded recursion). Other errors (out of memory) propagate.
     */
    private static FunctionFailedException failure(long index, Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new FunctionFailedException(index, e);
    }

    /** Growable array of doubles without boxing. */
    private static final class Doubles {
        double[] a;
        int n;

        Doubles(int capacity) {
            a = new double[Math.max(8, capacity)];
        }

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Keeps results alive so the JIT cannot drop the work; stores one result in 1024. */
    private static final class Sink {
        Object kept;
        int tick;

        void consume(Object o) {
            if ((++tick & 1023) == 0) {
                kept = o;
            }
        }
    }

    // ---- per-record functions ----------------------------------------------------------------

    private static final class RecordRun<T, R> {
        final RecordFunction<T, R> fn;
        final Object[][] groups;
        final int[] offsets;
        final Sink sink = new Sink();
        final List<Object> inProbe = new ArrayList<>(SIZE_PROBES);
        final List<Object> outProbe = new ArrayList<>(SIZE_PROBES);

        RecordRun(RecordFunction<T, R> fn, List<Object[]> groups, int[] offsets) {
            this.fn = fn;
            this.groups = groups.toArray(new Object[0][]);
            this.offsets = offsets;
        }

        @SuppressWarnings("unchecked")
        void call(int g, int i) {
            Object rec = groups[g][i];
            R out;
            try {
                out = fn.apply((T) rec);
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                throw failure((long) offsets[g] + i, e);
            }
            if (outProbe.size() < SIZE_PROBES) {
                inProbe.add(rec);
                outProbe.add(out);
            }
            sink.consume(out);
        }
    }

    private final class RecordMeasurement<T, R> {
        private final RecordRun<T, R> run;
        private final int groupCount;
        private final int total;
        /** Per group, a fixed pseudo-random permutation of its record indices. */
        private final int[][] perm;
        /** Warm-up order: round-robin over groups, each in its permuted order. */
        private final int[] orderGroup;
        private final int[] orderIndex;
        private final JvmProbe probe = JvmProbe.create();

        RecordMeasurement(RecordRun<T, R> run) {
            this.run = run;
            this.groupCount = run.groups.length;
            Random random = new Random(SEED);
            perm = new int[groupCount][];
            int t = 0;
            int longest = 0;
            for (int g = 0; g < groupCount; g++) {
                int n = run.groups[g].length;
                perm[g] = permutation(n, random);
                t += n;
                longest = Math.max(longest, n);
            }
            total = t;
            orderGroup = new int[t];
            orderIndex = new int[t];
            int p = 0;
            for (int i = 0; i < longest; i++) {
                for (int g = 0; g < groupCount; g++) {
                    if (i < perm[g].length) {
                        orderGroup[p] = g;
                        orderIndex[p] = perm[g][i];
                        p++;
                    }
                }
            }
        }

        CostProfile execute() {
            try (RunQueueClock rq = RunQueueClock.open()) {
                return execute(rq);
            }
        }

        private CostProfile execute(RunQueueClock rq) {
            long overhead = calibrateTicker();
            long start = ticker.nanos();

            // ---- warm-up ----
            long warmLimit = warmupLimitNanos();
            long windowNanos = Math.max(1_000_000L, warmLimit / 25);
            long minWarm = warmLimit / 5;
            int k = 1;
            int pos = 0;
            long calls = 0;
            double prevMedian = Double.NaN;
            double lastPerCall = Double.NaN;
            int stable = 0;
            boolean steady = false;
            Doubles window = new Doubles(MAX_WINDOW_UNITS);
            long windowStart = start;
            while (true) {
                long ta = ticker.nanos();
                long w0 = rq.waitNanos();
                long t0 = ticker.nanos();
                for (int j = 0; j < k; j++) {
                    run.call(orderGroup[pos], orderIndex[pos]);
                    if (++pos == total) {
                        pos = 0;
                    }
                }
                long t1 = ticker.nanos();
                long w1 = rq.waitNanos();
                long tb = ticker.nanos();
                calls += k;
                lastPerCall = withoutRunQueueWait(t1 - t0 - overhead, w0, w1, (t0 - ta) + (tb - t1)) / k;
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
                    if (stable >= STABLE_COMPARISONS && t1 - start >= minWarm
                            && (calls >= MIN_WARMUP_CALLS || t1 - start >= 2 * minWarm)) {
                        steady = true;
                        break;
                    }
                }
                if (t1 - start >= warmLimit || calls >= HARD_CAP_CALLS || Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
            long warmupNanos = ticker.nanos() - start;

            // ---- timing ----
            double perCallGuess = Double.isNaN(prevMedian) ? lastPerCall : prevMedian;
            int kt = groupSizeFor(perCallGuess);
            long deadline = start + measureBudgetNanos;
            int minCalls = Math.min(3, total);
            int capacity = (int) Math.min(1 << 20, (long) total / kt + groupCount + MIN_TIMED_UNITS + 16);
            Doubles units = new Doubles(capacity);
            int[] unitGroup = new int[capacity];
            long[] groupCalls = new long[groupCount];
            long[] groupUnits = new long[groupCount];
            int[] cursor = new int[groupCount];
            // stride scheduling: each group is timed in proportion to its sampled records, and every
            // group once before any group twice
            double[] pass = new double[groupCount];
            int groupsTimed = 0;
            int groupsCovered = 0;
            long timedCalls = 0;
            double sum = 0;
            double sumSq = 0;
            double unitCpu = 0;
            double unitWall = 0;
            boolean cpuOk = true;
            long alloc0 = probe.allocatedBytes();
            long wall0 = ticker.nanos();
            while (true) {
                int g = 0;
                for (int i = 1; i < groupCount; i++) {
                    if (pass[i] < pass[g]) {
                        g = i;
                    }
                }
                int[] p = perm[g];
                int c = cursor[g];
                long ta = ticker.nanos();
                long w0 = rq.waitNanos();
                long c0 = probe.cpuNanos();
                long t0 = ticker.nanos();
                for (int j = 0; j < kt; j++) {
                    run.call(g, p[c]);
                    if (++c == p.length) {
                        c = 0;
                    }
                }
                long t1 = ticker.nanos();
                long c1 = probe.cpuNanos();
                long w1 = rq.waitNanos();
                long tb = ticker.nanos();
                cursor[g] = c;
                double dt = withoutRunQueueWait(t1 - t0 - overhead, w0, w1, (t0 - ta) + (tb - t1));
                cpuOk &= c0 >= 0 && c1 >= 0;
                unitCpu += c1 - c0;
                unitWall += dt;
                double per = dt / kt;
                if (units.n == unitGroup.length) {
                    unitGroup = Arrays.copyOf(unitGroup, unitGroup.length * 2);
                }
                unitGroup[units.n] = g;
                units.add(per);
                sum += per;
                sumSq += per * per;
                if (groupUnits[g] == 0) {
                    groupsTimed++;
                }
                long before = groupCalls[g];
                groupCalls[g] += kt;
                groupUnits[g]++;
                if (before < p.length && groupCalls[g] >= p.length) {
                    groupsCovered++;
                }
                timedCalls += kt;
                pass[g] += (double) kt / p.length;

                if (groupsTimed == groupCount && timedCalls >= minCalls) {
                    if (t1 >= deadline || Thread.currentThread().isInterrupted()) {
                        break;
                    }
                    if (groupsCovered == groupCount && units.n >= MIN_TIMED_UNITS) {
                        break;
                    }
                    if (units.n >= STABLE_TIMED_UNITS && units.n % 50 == 0
                            && relativeStandardError(units.n, sum, sumSq) <= TARGET_RELATIVE_STANDARD_ERROR
                            && minUnits(groupUnits) >= 10) {
                        break;
                    }
                }
                if (timedCalls >= HARD_CAP_CALLS) {
                    break;
                }
            }
            long wall1 = ticker.nanos();
            long alloc1 = probe.allocatedBytes();

            double[] values = units.toArray();
            double mean = Math.max(sum / values.length, Double.MIN_NORMAL);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double cv = Stats.stddev(values, sum / values.length) / mean;
            double cpuNanos = cpuOk ? cpuShare(unitCpu, unitWall) * mean : -1;
            double allocated = (alloc0 >= 0 && alloc1 >= 0) ? Math.max(0, alloc1 - alloc0) / (double) timedCalls : -1;
            double skew = partitionSkew(values, unitGroup, groupCount, Stats.quantile(sorted, 0.99));
            double inBytes = meanSize(run.inProbe);
            double outBytes = meanSize(run.outProbe);

            CostProfile profile = new CostProfile(
                    (int) Math.min(Integer.MAX_VALUE, timedCalls), steady, mean,
                    Stats.quantile(sorted, 0.50), Stats.quantile(sorted, 0.95), Stats.quantile(sorted, 0.99),
                    sorted[sorted.length - 1], cv, cpuNanos, inBytes, outBytes, allocated, skew, null);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Measured {} records in {} partitions: mean {} ns, p50 {} ns, p95 {} ns, cv {}, cpu {} ns, "
                                + "skew {}, group {} calls/timing, warm-up {} ms ({}), timing {} ms",
                        timedCalls, groupCount, fmt(mean), fmt(profile.p50Nanos()), fmt(profile.p95Nanos()),
                        fmt(cv), fmt(cpuNanos), fmt(skew), kt, warmupNanos / 1_000_000,
                        steady ? "settled" : "not settled", (wall1 - wall0) / 1_000_000);
            }
            return profile;
        }
    }

    /**
     * Mean of the most expensive group ÷ overall mean (1.0 for a single group). A timing counts as
     * an outlier, and is capped, when it exceeds both the overall p99 ({@code p99}) and three times
     * its own group's median: a GC pause or a preemption on a crowded machine then does not pass
     * for skew, while a group whose records are all expensive (even a group of one record) does.
     */
    static double partitionSkew(double[] values, int[] unitGroup, int groupCount, double p99) {
        if (groupCount <= 1) {
            return 1.0;
        }
        int[] counts = new int[groupCount];
        for (int i = 0; i < values.length; i++) {
            counts[unitGroup[i]]++;
        }
        double[][] byGroup = new double[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            byGroup[g] = new double[counts[g]];
        }
        int[] fill = new int[groupCount];
        for (int i = 0; i < values.length; i++) {
            int g = unitGroup[i];
            byGroup[g][fill[g]++] = values[i];
        }
        double all = 0;
        double worst = 0;
        for (int g = 0; g < groupCount; g++) {
            if (counts[g] == 0) {
                continue;
            }
            double cap = Math.max(p99, 3 * Stats.median(byGroup[g], counts[g]));
            double sum = 0;
            for (double v : byGroup[g]) {
                sum += Math.min(v, cap);
            }
            all += sum;
            worst = Math.max(worst, sum / counts[g]);
        }
        double overall = all / values.length;
        if (!(overall > 0)) {
            return 1.0;
        }
        return Math.max(1.0, worst / overall);
    }

    /**
     * CPU time ÷ wall time of the timed calls, in [0, 1]. Both sums cover only the timed windows
     * (not the bookkeeping between them), and the wall time is already net of run-queue waits, so
     * that a CPU-bound function on a crowded machine is not mistaken for an I/O-bound one. The CPU
     * reads bracket each window and add a little; the share is capped at 1.
     */
    static double cpuShare(double cpuNanos, double wallNanos) {
        if (!(wallNanos > 0)) {
            return 1.0;
        }
        return Math.min(1.0, Math.max(0.0, cpuNanos / wallNanos));
    }

    /**
     * A unit's wall time (ticker overhead already subtracted) minus the time the thread waited for
     * a CPU inside it. The run-queue clock is read just outside the timed window, so its delta may
     * include a wait in the gap between the clock read and the ticker read; {@code outsideNanos}
     * (the wall time of those gaps) bounds that part, and only the remainder is subtracted. The raw
     * time when the clock is unavailable. Never negative.
     */
    static double withoutRunQueueWait(long wallNanos, long wait0, long wait1, long outsideNanos) {
        double wall = Math.max(0, wallNanos);
        if (wait0 < 0 || wait1 < 0 || wait1 <= wait0) {
            return wall;
        }
        double inside = Math.max(0, (wait1 - wait0) - Math.max(0, outsideNanos));
        return Math.max(0, wall - inside);
    }

    private static double relativeStandardError(int n, double sum, double sumSq) {
        double mean = sum / n;
        if (mean <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double var = Math.max(0, sumSq / n - mean * mean);
        return Math.sqrt(var / n) / mean;
    }

    private static long minUnits(long[] groupUnits) {
        long m = Long.MAX_VALUE;
        for (long u : groupUnits) {
            m = Math.min(m, u);
        }
        return m;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    // ---- batch functions ---------------------------------------------------------------------

    private final class BatchMeasurement<T, R> {
        private final Object[] sample;
        private final BatchFunction<T, R> fn;
        private final JvmProbe probe = JvmProbe.create();
        private final Sink sink = new Sink();
        private final RunQueueClock rq = RunQueueClock.open();
        private int cursor;
        private List<R> lastOutput;
        /** CPU time of the last timed call, or -1 when unavailable. */
        private long lastCpu;
        /** Bytes allocated during the last timed call, or -1 when unavailable. */
        private long lastAllocated;

        BatchMeasurement(Object[] sample, BatchFunction<T, R> fn) {
            this.sample = sample;
            this.fn = fn;
        }

        @SuppressWarnings("unchecked")
        private List<T> nextBatch(int size) {
            List<T> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add((T) sample[cursor]);
                if (++cursor == sample.length) {
                    cursor = 0;
                }
            }
            return batch;
        }

        /** Calls fn on a fresh batch; returns the call's wall time minus ticker overhead and run-queue wait. */
        private double timedCall(int size, long overhead) {
            int first = cursor;
            List<T> batch = nextBatch(size);
            long al0 = probe.allocatedBytes();
            long ta = ticker.nanos();
            long w0 = rq.waitNanos();
            long c0 = probe.cpuNanos();
            long t0 = ticker.nanos();
            List<R> out;
            try {
                out = fn.apply(batch);
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                throw failure(first, e);
            }
            long t1 = ticker.nanos();
            long c1 = probe.cpuNanos();
            long w1 = rq.waitNanos();
            long tb = ticker.nanos();
            long al1 = probe.allocatedBytes();
            lastCpu = (c0 >= 0 && c1 >= 0) ? c1 - c0 : -1;
            lastAllocated = (al0 >= 0 && al1 >= 0) ? Math.max(0, al1 - al0) : -1;
            lastOutput = out;
            sink.consume(out);
            return withoutRunQueueWait(t1 - t0 - overhead, w0, w1, (t0 - ta) + (tb - t1));
        }

        CostProfile execute() {
            try {
                return measure();
            } finally {
                rq.close();
            }
        }

        private CostProfile measure() {
            long overhead = calibrateTicker();
            long start = ticker.nanos();
            long warmLimit = warmupLimitNanos();
            long timedBudget = Math.max(1, measureBudgetNanos - warmLimit);
            int big = Math.max(sample.length, 8);
            big = Math.min(big, Math.max(maxRecords, 8));

            // probe: calls of 1 and 8 records give a first guess of the line, to bound B by time
            // (a probe at B itself could already blow the budget when records are expensive)
            int probe = Math.min(8, big);
            double t1 = timedCall(1, overhead);
            double tp = timedCall(probe, overhead);
            double c = Math.max(0, (tp - t1) / (probe - 1));
            double a = Math.max(0, t1 - c);
            if (c > 0) {
                double room = timedBudget / 4.0 - 3 * a;
                long fit = (long) Math.floor(room / (1.75 * c));
                big = (int) Math.max(2, Math.min(big, fit));
            }
            int[] sizes = distinctSizes(big);

            // warm-up rounds
            long calls = 1 + probe;
            boolean steady = false;
            double[] previous = null;
            long minWarm = warmLimit / 5;
            int warmupRounds = 0;
            while (ticker.nanos() - start < warmLimit && warmupRounds++ < MAX_BATCH_WARMUP_ROUNDS
                    && !Thread.currentThread().isInterrupted()) {
                double[] round = new double[sizes.length];
                for (int i = 0; i < sizes.length; i++) {
                    round[i] = timedCall(sizes[i], overhead);
                    calls += sizes[i];
                }
                if (previous != null && agree(previous, round)) {
                    long now = ticker.nanos();
                    if (now - start >= minWarm && (calls >= MIN_WARMUP_CALLS || now - start >= 2 * minWarm)) {
                        steady = true;
                        break;
                    }
                }
                previous = round;
                if (calls >= HARD_CAP_CALLS) {
                    break;
                }
            }

            // timed rounds, size order rotated each round
            long deadline = start + measureBudgetNanos;
            List<Doubles> times = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                times.add(new Doubles(MAX_BATCH_ROUNDS));
            }
            int largest = sizes.length - 1;
            long cpuAtLargest = 0;
            long allocAtLargest = 0;
            double wallAtLargest = 0;
            boolean cpuOk = true;
            boolean allocOk = true;
            List<R> largestOutput = null;
            int rounds = 0;
            while (rounds < MAX_BATCH_ROUNDS) {
                for (int r = 0; r < sizes.length; r++) {
                    int i = (r + rounds) % sizes.length;
                    if (i == largest) {
                        double t = timedCall(sizes[i], overhead);
                        times.get(i).add(t);
                        wallAtLargest += t;
                        cpuOk &= lastCpu >= 0;
                        allocOk &= lastAllocated >= 0;
                        cpuAtLargest += lastCpu;
                        allocAtLargest += lastAllocated;
                        largestOutput = lastOutput;
                    } else {
                        times.get(i).add(timedCall(sizes[i], overhead));
                    }
                }
                rounds++;
                if (ticker.nanos() >= deadline || Thread.currentThread().isInterrupted()) {
                    break;
                }
            }

            double[] x = new double[sizes.length];
            double[] y = new double[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                x[i] = sizes[i];
                y[i] = Stats.median(times.get(i).a, times.get(i).n);
            }
            BatchFit fit = Stats.fitLine(x, y);

            int b = sizes[largest];
            double[] perRecord = times.get(largest).toArray();
            for (int i = 0; i < perRecord.length; i++) {
                perRecord[i] /= b;
            }
            double rawMean = Stats.mean(perRecord);
            double mean = Math.max(rawMean, Double.MIN_NORMAL);
            double[] sorted = perRecord.clone();
            Arrays.sort(sorted);
            double cv = Stats.stddev(perRecord, rawMean) / mean;
            double cpuNanos = cpuOk ? cpuShare(cpuAtLargest, wallAtLargest) * mean : -1;
            long recordsAtLargest = (long) perRecord.length * b;
            double allocated = allocOk ? Math.max(0, allocAtLargest) / (double) recordsAtLargest : -1;
            List<Object> inputs = new ArrayList<>();
            for (int i = 0; i < Math.min(SIZE_PROBES, sample.length); i++) {
                inputs.add(sample[i]);
            }
            double inBytes = meanSize(inputs);
            double outBytes = -1;
            if (largestOutput != null && !largestOutput.isEmpty()) {
                List<Object> outs = new ArrayList<>(largestOutput.subList(0, Math.min(SIZE_PROBES, largestOutput.size())));
                outBytes = meanSize(outs);
            }
            CostProfile profile = new CostProfile((int) Math.min(Integer.MAX_VALUE, recordsAtLargest), steady, mean,
                    Stats.quantile(sorted, 0.50), Stats.quantile(sorted, 0.95), Stats.quantile(sorted, 0.99),
                    sorted[sorted.length - 1], cv, cpuNanos, inBytes, outBytes, allocated, 1.0, fit);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Measured batch function at sizes {} over {} rounds: fixed {} ns/call, {} ns/record, r2 {}, {}",
                        Arrays.toString(sizes), rounds, fmt(fit.fixedNanos()), fmt(fit.perRecordNanos()),
                        fmt(fit.rSquared()), steady ? "settled" : "not settled");
            }
            return profile;
        }
    }

    /** B/4, B/2, B without duplicates, ascending; at least two sizes when B >= 2. */
    static int[] distinctSizes(int big) {
        int[] candidates = {Math.max(1, (big + 3) / 4), Math.max(1, (big + 1) / 2), big};
        return Arrays.stream(candidates).distinct().sorted().toArray();
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
