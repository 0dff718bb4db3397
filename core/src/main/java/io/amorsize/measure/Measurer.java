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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a user function on a sample: JIT warm-up, wall vs CPU time, sizes, allocation, batch fit.
 *
 * <p>The Measurer holds the budgets and runs the stages; each stage is its own package-private
 * collaborator: {@code WarmUp} (until window medians agree; says whether steady state was reached),
 * {@code RecordTiming} (grouped timing of sub-µs functions, stride scheduling over partitions, stop
 * conditions) on top of {@code UnitTimer} (ticker cost, CPU vs wall, run-queue wait subtraction),
 * {@code BatchTiming} (the t(b) = a + c·b fit) and {@code Summary} (robust statistics → {@link CostProfile}).
 *
 * <h2>How a per-record function is measured ({@link #measure})</h2>
 * <ol>
 *   <li><b>Warm-up.</b> The function runs on the sample records (cycling when the sample is small)
 *       and the timings are discarded until the medians of successive windows of timings agree
 *       within 10 % and the JIT had a fair chance (at least a fifth
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
 * <h2>Measuring only as long as the decision needs ({@link #withStopRule})</h2>
 * With a {@link StopRule}, timing runs in rounds (64 units or 2 ms, and at least three times as
 * long as the last check took) after the minimum above and 30 units. After each round the
 * estimate and its confidence interval (mean ± z·s/√n, quantiles at order-statistic bounds; z
 * widens with each check so that checking often does not stop early on a lucky run) go to the
 * rule; timing stops when the rule finds the same decision at both ends, or when the spend
 * (warm-up included) reaches the rule's cap, or at the budget. Warm-up ends at half the cap if
 * timings have not settled by then. The fixed conditions above (every record timed, 1 %) then do
 * not apply. {@link #measureWithReport} says what stopped warm-up and timing ({@link MeasureReport}).
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

    private final long sampleBudgetNanos;
    private final long warmupBudgetNanos;
    private final long measureBudgetNanos;
    private final int maxRecords;
    private final Ticker ticker;
    private final Sizer sizer;
    /** Null: today's fixed stop conditions. */
    private final StopRule stopRule;

    /** Budgets from {@code settings} ({@link Options#WARMUP_BUDGET}, {@link Options#MEASURE_BUDGET}, ...). */
    public Measurer(Settings settings, Ticker ticker) {
        this(
                Objects.requireNonNull(settings, "settings").get(Options.SAMPLE_BUDGET),
                settings.get(Options.WARMUP_BUDGET),
                settings.get(Options.MEASURE_BUDGET),
                settings.get(Options.SAMPLE_MAX_RECORDS),
                ticker,
                Sizer.javaSerialization(),
                null);
    }

    private Measurer(
            Duration sample,
            Duration warmup,
            Duration measure,
            int maxRecords,
            Ticker ticker,
            Sizer sizer,
            StopRule stopRule) {
        this.sampleBudgetNanos = nonNegativeNanos("sample", sample);
        this.warmupBudgetNanos = nonNegativeNanos("warmup", warmup);
        this.measureBudgetNanos = nonNegativeNanos("measure", measure);
        if (maxRecords < Sampler.MIN_RECORDS) {
            throw new IllegalArgumentException("maxRecords must be >= " + Sampler.MIN_RECORDS + ", got " + maxRecords);
        }
        this.maxRecords = maxRecords;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sizer = Objects.requireNonNull(sizer, "sizer");
        this.stopRule = stopRule;
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
        return new Measurer(sample, warmup, measure, maxRecords, Ticker.system(), Sizer.javaSerialization(), null);
    }

    /** A copy that sizes records with {@code sizer} (e.g. the engine's serializer). */
    public Measurer withSizer(Sizer sizer) {
        if (sizer == null) {
            throw new IllegalArgumentException("sizer must not be null");
        }
        return new Measurer(
                Duration.ofNanos(sampleBudgetNanos),
                Duration.ofNanos(warmupBudgetNanos),
                Duration.ofNanos(measureBudgetNanos),
                maxRecords,
                ticker,
                sizer,
                stopRule);
    }

    /**
     * A copy that times in rounds and asks {@code rule}, after each round, whether the decision is
     * already fixed by the estimate ({@link StopRule#decisionStable}) or the spend cap reached
     * ({@link StopRule#spendCap}); warm-up then also ends at half the spend cap. The budgets stay
     * upper bounds; the fixed stop conditions of the class comment (every record timed, mean
     * within 1 %) no longer apply. {@code null} restores them.
     */
    public Measurer withStopRule(StopRule rule) {
        return new Measurer(
                Duration.ofNanos(sampleBudgetNanos),
                Duration.ofNanos(warmupBudgetNanos),
                Duration.ofNanos(measureBudgetNanos),
                maxRecords,
                ticker,
                sizer,
                rule);
    }

    /** A sampler with this measurer's sample budget, record cap and ticker. */
    public Sampler sampler() {
        return Sampler.withBudget(Duration.ofNanos(sampleBudgetNanos), maxRecords)
                .withTicker(ticker);
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
        return measureWithReport(recordsByPartition, fn).profile();
    }

    /**
     * As {@link #measure}, with the report of what was timed, what it cost and why it stopped
     * (for the explanation and the INFO line).
     */
    public <T, R> Measured measureWithReport(List<? extends List<T>> recordsByPartition, RecordFunction<T, R> fn) {
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
        return measureRecords(new RecordRun<>(
                fn, groups, offsets.stream().mapToInt(Integer::intValue).toArray()));
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
        return measureBatchesWithReport(sample, fn).profile();
    }

    /** As {@link #measureBatches}, with the report of the measurement. */
    public <T, R> Measured measureBatchesWithReport(List<T> sample, BatchFunction<T, R> fn) {
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (sample == null || sample.isEmpty()) {
            throw new IllegalArgumentException("sample must not be null or empty");
        }
        return measureBatches(sample.toArray(), fn);
    }

    @Override
    public String toString() {
        return "Measurer{warmup=" + Duration.ofNanos(warmupBudgetNanos) + ", measure="
                + Duration.ofNanos(measureBudgetNanos) + ", maxRecords=" + maxRecords + ", sizer=" + sizer
                + (stopRule == null ? "" : ", stopRule=" + stopRule) + "}";
    }

    // ------------------------------------------------------------------------------------------

    private long warmupLimitNanos() {
        return Math.min(warmupBudgetNanos, measureBudgetNanos / 2);
    }

    private <T, R> Measured measureRecords(RecordRun<T, R> run) {
        JvmProbe probe = JvmProbe.create();
        try (RunQueueClock rq = RunQueueClock.open()) {
            UnitTimer timer = new UnitTimer(ticker, rq, probe);
            long start = timer.now();
            long deadline = start + measureBudgetNanos;
            WarmUp.Result warm;
            RecordTiming timing;
            MeasureReport.Stop stop;
            if (stopRule == null) {
                warm = WarmUp.records(run, timer, start, warmupLimitNanos());
                timing = new RecordTiming(run, timer, WarmUp.groupSizeFor(warm.perCallNanos()));
                stop = timing.run(deadline);
            } else {
                InterimSizes sizes = new InterimSizes(run);
                primeStopRule();
                start = timer.now();
                deadline = start + measureBudgetNanos;
                warm = WarmUp.records(
                        run,
                        timer,
                        start,
                        warmupLimitNanos(),
                        perCall -> capNanos(CostProfile.of(Math.max(perCall, MIN_NANOS), 0, sizes.get())));
                timing = new RecordTiming(run, timer, WarmUp.groupSizeFor(warm.perCallNanos()));
                stop = timeInRounds(timing, timer, start, deadline, warm, sizes);
            }
            RecordTiming.Result timed = timing.finish();
            CostProfile profile = new Summary(sizer).records(timed, warm.steady(), run.inProbe, run.outProbe);
            MeasureReport report = new MeasureReport(
                    timed.calls(),
                    timed.groupCount(),
                    Duration.ofNanos(warm.nanos()),
                    Duration.ofNanos(Math.max(0, timer.now() - start)),
                    warm.end(),
                    stop);
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Measured {} records in {} partitions: mean {} ns, p50 {} ns, p95 {} ns, cv {}, cpu {} ns, "
                                + "skew {}, group {} calls/timing, warm-up {} ms ({}), timing {} ms ({})",
                        timed.calls(),
                        timed.groupCount(),
                        fmt(profile.meanNanos()),
                        fmt(profile.p50Nanos()),
                        fmt(profile.p95Nanos()),
                        fmt(profile.cv()),
                        fmt(profile.cpuNanos()),
                        fmt(profile.partitionSkew()),
                        timed.groupSize(),
                        warm.nanos() / 1_000_000,
                        warm.end(),
                        timed.elapsedNanos() / 1_000_000,
                        stop);
            }
            return new Measured(profile, report);
        }
    }

    /**
     * Interim checks start after this many timing units: the interval needs a few, and a cost
     * carried by one record in ten should have shown up (a 4 % chance that it has not).
     */
    private static final int MIN_ROUND_UNITS = 30;
    /** A round: this many units, or {@link #ROUND_NANOS} of timing, whichever comes first... */
    private static final int ROUND_UNITS = 64;

    private static final long ROUND_NANOS = 2_000_000L;
    /** ...and at least this many times as long as the last check took (checks stay a small share). */
    private static final int CHECK_COST_FACTOR = 3;

    private static final double MIN_NANOS = 1e-3;

    /** Times units until the stop rule says the decision is stable, or the spend cap, budget or call cap. */
    private MeasureReport.Stop timeInRounds(
            RecordTiming timing, UnitTimer timer, long start, long deadline, WarmUp.Result warm, InterimSizes sizes) {
        long cap = capNanos(CostProfile.of(Math.max(warm.perCallNanos(), MIN_NANOS), 0, sizes.get()));
        long lastCheck = timer.now();
        long checkCost = 0;
        int sinceCheck = 0;
        int looks = 0;
        while (true) {
            timing.timeUnit();
            MeasureReport.Stop hard = timing.hardStop(deadline);
            if (hard != null) {
                return hard;
            }
            if (!timing.minimumReached()) {
                continue;
            }
            long t1 = timer.lastEndNanos();
            if (t1 - start >= cap) {
                return MeasureReport.Stop.SPEND_CAP;
            }
            sinceCheck++;
            long sinceLast = t1 - lastCheck;
            if (timing.units() >= MIN_ROUND_UNITS
                    && sinceLast >= CHECK_COST_FACTOR * checkCost
                    && (sinceCheck >= ROUND_UNITS || sinceLast >= ROUND_NANOS)) {
                RecordTiming.Result snapshot = timing.snapshot();
                CostProfile estimate = Summary.records(snapshot, warm.steady(), sizes.get());
                cap = capNanos(estimate);
                if (t1 - start >= cap) {
                    return MeasureReport.Stop.SPEND_CAP;
                }
                Summary.Interval interval = Summary.interval(estimate, snapshot.values(), ++looks);
                if (stopRule.decisionStable(interval.low(), interval.high())) {
                    return MeasureReport.Stop.DECISION_STABLE;
                }
                sinceCheck = 0;
                lastCheck = timer.now();
                checkCost = lastCheck - t1;
            }
        }
    }

    /**
     * Runs the stop rule once on a made-up estimate before the clock starts, so that loading and
     * compiling its classes (the optimizer's, on a cold JVM tens of milliseconds) does not count
     * as measuring: the decision needs them after measuring anyway.
     */
    private void primeStopRule() {
        CostProfile guess = CostProfile.of(1_000, 0.1, CostProfile.Sizes.unknown());
        stopRule.spendCap(guess);
        stopRule.decisionStable(guess, guess);
    }

    /** The stop rule's spend cap for {@code estimate}, in nanoseconds, never above the measure budget. */
    private long capNanos(CostProfile estimate) {
        Duration cap = stopRule.spendCap(estimate);
        if (cap == null || cap.isNegative()) {
            return 0;
        }
        long nanos;
        try {
            nanos = cap.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return Math.min(nanos, measureBudgetNanos);
    }

    /** Record sizes for interim estimates: sized once the probes are full (or when asked before). */
    private final class InterimSizes {
        private final RecordRun<?, ?> run;
        private CostProfile.Sizes sizes;
        private int sizedAt = -1;

        InterimSizes(RecordRun<?, ?> run) {
            this.run = run;
        }

        CostProfile.Sizes get() {
            int n = run.outProbe.size();
            if (sizes == null || (sizedAt < RecordRun.SIZE_PROBES && n > sizedAt)) {
                sizes = new Summary(sizer).sizes(run.inProbe, run.outProbe);
                sizedAt = n;
            }
            return sizes;
        }
    }

    private <T, R> Measured measureBatches(Object[] sample, BatchFunction<T, R> fn) {
        JvmProbe probe = JvmProbe.create();
        try (RunQueueClock rq = RunQueueClock.open()) {
            UnitTimer timer = new UnitTimer(ticker, rq, probe);
            if (stopRule != null) {
                primeStopRule();
            }
            long start = timer.now();
            BatchTiming.Result r = new BatchTiming<>(sample, fn, timer)
                    .measure(
                            start,
                            warmupLimitNanos(),
                            measureBudgetNanos,
                            maxRecords,
                            new Summary(sizer),
                            stopRule == null
                                    ? null
                                    : new BatchTiming.Rule() {
                                        @Override
                                        public boolean decisionStable(CostProfile low, CostProfile high) {
                                            return stopRule.decisionStable(low, high);
                                        }

                                        @Override
                                        public long capNanos(CostProfile estimate) {
                                            return Measurer.this.capNanos(estimate);
                                        }
                                    });
            BatchFit fit = r.profile().batchFit();
            MeasureReport report = new MeasureReport(
                    r.records(),
                    1,
                    Duration.ofNanos(r.warmUp().nanos()),
                    Duration.ofNanos(Math.max(0, timer.now() - start)),
                    r.warmUp().end(),
                    r.stop());
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Measured batch function at sizes {} over {} rounds: fixed {} ns/call, {} ns/record, r2 {}, "
                                + "warm-up {}, stopped: {}",
                        Arrays.toString(r.sizes()),
                        r.rounds(),
                        fmt(fit.fixedNanos()),
                        fmt(fit.perRecordNanos()),
                        fmt(fit.rSquared()),
                        r.warmUp().end(),
                        r.stop());
            }
            return new Measured(r.profile(), report);
        }
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

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
