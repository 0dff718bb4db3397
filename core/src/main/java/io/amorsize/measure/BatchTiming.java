package io.amorsize.measure;

import io.amorsize.BatchFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times a batch function at two or three batch sizes and fits t(b) = fixed + perRecord·b by least
 * squares over the per-size median call times ({@link Stats#fitLine}).
 *
 * <p>Batch sizes are the largest size B and about B/2 and B/4 ({@link #distinctSizes}). B is the
 * sample size (at least 8, a small sample being cycled to fill a batch; at most the record cap),
 * reduced when about four rounds of calls would not fit in the timing budget by a first guess
 * from calls of 1 and 8 records. After warm-up ({@link WarmUp#batches}) each size is called once
 * per round, in rotating order, until the budget is spent (at most {@value #MAX_BATCH_ROUNDS}
 * rounds, at least one).
 *
 * <p>Bound to the measuring thread; not thread-safe.
 */
final class BatchTiming<T, R> {

    /** Most timed rounds (one call at each batch size per round). */
    static final int MAX_BATCH_ROUNDS = 40;

    /**
     * What a batch measurement found.
     *
     * @param profile per-record statistics at the largest batch size, with the fit
     * @param sizes   the batch sizes timed
     * @param rounds  timed rounds
     * @param warmUp  how warm-up ended
     * @param records records passed to the function in timed rounds
     * @param stop    why timing ended
     */
    record Result(
            CostProfile profile,
            int[] sizes,
            int rounds,
            WarmUp.Result warmUp,
            long records,
            MeasureReport.Stop stop) {}

    /** The Measurer's {@link StopRule} with its spend cap already bounded by the budget. */
    interface Rule {
        boolean decisionStable(CostProfile low, CostProfile high);

        long capNanos(CostProfile estimate);
    }

    /** Interim checks need this many rounds (a median and a spread per size). */
    private static final int MIN_CHECK_ROUNDS = 3;

    private final Object[] sample;
    private final BatchFunction<T, R> fn;
    private final UnitTimer timer;
    private final Sink sink = new Sink();
    private int cursor;
    private List<R> lastOutput;
    /** CPU time of the last timed call, or -1 when unavailable. */
    private long lastCpu;
    /** Bytes allocated during the last timed call, or -1 when unavailable. */
    private long lastAllocated;

    BatchTiming(Object[] sample, BatchFunction<T, R> fn, UnitTimer timer) {
        this.sample = sample;
        this.fn = fn;
        this.timer = timer;
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
    private double timedCall(int size) {
        int first = cursor;
        List<T> batch = nextBatch(size);
        JvmProbe probe = timer.probe();
        long al0 = probe.allocatedBytes();
        timer.begin(true);
        List<R> out;
        try {
            out = fn.apply(batch);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            throw RecordRun.failure(first, e);
        }
        double dt = timer.end();
        long al1 = probe.allocatedBytes();
        lastCpu = timer.lastCpuNanos();
        lastAllocated = (al0 >= 0 && al1 >= 0) ? Math.max(0, al1 - al0) : -1;
        lastOutput = out;
        sink.consume(out);
        return dt;
    }

    /**
     * Measures from {@code start}: warm-up for at most {@code warmLimit}, timing until
     * {@code start + measureBudget}.
     */
    Result measure(long start, long warmLimit, long measureBudget, int maxRecords, Summary summary, Rule rule) {
        long timedBudget = Math.max(1, measureBudget - warmLimit);
        int big = Math.max(sample.length, 8);
        big = Math.min(big, Math.max(maxRecords, 8));

        // probe: calls of 1 and 8 records give a first guess of the line, to bound B by time
        // (a probe at B itself could already blow the budget when records are expensive)
        int probe = Math.min(8, big);
        double t1 = timedCall(1);
        double tp = timedCall(probe);
        double c = Math.max(0, (tp - t1) / (probe - 1));
        double a = Math.max(0, t1 - c);
        if (c > 0) {
            double room = timedBudget / 4.0 - 3 * a;
            long fit = (long) Math.floor(room / (1.75 * c));
            big = (int) Math.max(2, Math.min(big, fit));
        }
        int[] sizes = distinctSizes(big);

        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < Math.min(RecordRun.SIZE_PROBES, sample.length); i++) {
            inputs.add(sample[i]);
        }
        long timingBudget = measureBudget;
        boolean capped = false;
        CostProfile.Sizes interimSizes = null;
        if (rule != null) {
            // a first guess of the cost from the probe calls bounds warm-up and timing by the spend cap
            interimSizes = summary.sizes(
                    inputs,
                    lastOutput == null
                            ? List.of()
                            : new ArrayList<>(
                                    lastOutput.subList(0, Math.min(RecordRun.SIZE_PROBES, lastOutput.size()))));
            double perRecord = Math.max(1e-3, (a + c * big) / big);
            CostProfile guess =
                    CostProfile.of(perRecord, 0, interimSizes).withBatchFit(new BatchFit(a, c, 2, Double.NaN));
            long cap = rule.capNanos(guess);
            if (cap < timingBudget) {
                timingBudget = cap;
                capped = true;
            }
            warmLimit = Math.min(warmLimit, cap / 2);
        }

        WarmUp.Result warm = WarmUp.batches(this::timedCall, sizes, timer, start, warmLimit, 1 + probe);
        if (capped && warm.end() == MeasureReport.WarmUpEnd.BUDGET) {
            warm = new WarmUp.Result(
                    MeasureReport.WarmUpEnd.SPEND_CAP, warm.perCallNanos(), warm.calls(), warm.nanos());
        }

        // timed rounds, size order rotated each round
        long deadline = start + timingBudget;
        MeasureReport.Stop stop = MeasureReport.Stop.ROUNDS;
        long records = 0;
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
                    double t = timedCall(sizes[i]);
                    times.get(i).add(t);
                    wallAtLargest += t;
                    cpuOk &= lastCpu >= 0;
                    allocOk &= lastAllocated >= 0;
                    cpuAtLargest += lastCpu;
                    allocAtLargest += lastAllocated;
                    largestOutput = lastOutput;
                } else {
                    times.get(i).add(timedCall(sizes[i]));
                }
                records += sizes[i];
            }
            rounds++;
            if (timer.now() >= deadline) {
                stop = capped ? MeasureReport.Stop.SPEND_CAP : MeasureReport.Stop.BUDGET;
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                stop = MeasureReport.Stop.INTERRUPTED;
                break;
            }
            if (rule != null
                    && rounds >= MIN_CHECK_ROUNDS
                    && rounds < MAX_BATCH_ROUNDS
                    && stable(rule, sizes, times, interimSizes, warm.steady(), rounds - MIN_CHECK_ROUNDS + 1)) {
                stop = MeasureReport.Stop.DECISION_STABLE;
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

        List<Object> outputs = new ArrayList<>();
        if (largestOutput != null) {
            outputs.addAll(largestOutput.subList(0, Math.min(RecordRun.SIZE_PROBES, largestOutput.size())));
        }
        CostProfile profile = summary.batches(
                times.get(largest).toArray(),
                sizes[largest],
                warm.steady(),
                cpuOk,
                cpuAtLargest,
                wallAtLargest,
                allocOk,
                allocAtLargest,
                fit,
                inputs,
                outputs);
        return new Result(profile, sizes, rounds, warm, records, stop);
    }

    /**
     * Whether the decision is the same at the low and the high end of the fit's confidence
     * interval (z as in {@link Summary#interval}), and at the two corners that move the batch size
     * most (low fixed cost with high per-record cost, and the reverse). The standard error of each size's median call time is
     * about 1.25·s/√n; the two extreme sizes carry it to the slope and the intercept.
     */
    private static boolean stable(
            Rule rule, int[] sizes, List<Doubles> times, CostProfile.Sizes interimSizes, boolean steady, int look) {
        int n = sizes.length;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] se = new double[n];
        for (int i = 0; i < n; i++) {
            Doubles d = times.get(i);
            x[i] = sizes[i];
            y[i] = Stats.median(d.a, d.n);
            double[] v = d.toArray();
            double mean = Stats.mean(v);
            double ss = 0;
            for (double t : v) {
                ss += (t - mean) * (t - mean);
            }
            double z = Summary.z(look, v.length);
            se[i] = z * 1.2533 * Math.sqrt(ss / Math.max(1, v.length - 1)) / Math.sqrt(v.length);
        }
        BatchFit fit = Stats.fitLine(x, y);
        double span = Math.max(1, x[n - 1] - x[0]);
        double seC = Math.sqrt(se[0] * se[0] + se[n - 1] * se[n - 1]) / span;
        double seA = Math.sqrt(se[0] * se[0] + x[0] * x[0] * seC * seC);
        double a = fit.fixedNanos();
        double c = fit.perRecordNanos();
        int big = sizes[n - 1];
        CostProfile low = batchProfile(Math.max(0, a - seA), Math.max(0, c - seC), big, interimSizes, steady);
        CostProfile high = batchProfile(a + seA, c + seC, big, interimSizes, steady);
        if (!rule.decisionStable(low, high)) {
            return false;
        }
        CostProfile cheapCalls = batchProfile(Math.max(0, a - seA), c + seC, big, interimSizes, steady);
        CostProfile dearCalls = batchProfile(a + seA, Math.max(0, c - seC), big, interimSizes, steady);
        return rule.decisionStable(cheapCalls, dearCalls);
    }

    private static CostProfile batchProfile(double a, double c, int big, CostProfile.Sizes sizes, boolean steady) {
        double perRecord = Math.max(1e-3, (a + c * big) / big);
        return CostProfile.perRecord(
                        CostProfile.Sample.of(big, steady),
                        CostProfile.Timing.approximate(perRecord, 0),
                        CostProfile.Resources.unknown(),
                        sizes)
                .withBatchFit(new BatchFit(a, c, 2, Double.NaN));
    }

    /** B/4, B/2, B without duplicates, ascending; at least two sizes when B >= 2. */
    static int[] distinctSizes(int big) {
        int[] candidates = {Math.max(1, (big + 3) / 4), Math.max(1, (big + 1) / 2), big};
        return Arrays.stream(candidates).distinct().sorted().toArray();
    }
}
