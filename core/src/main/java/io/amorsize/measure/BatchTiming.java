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
     */
    record Result(CostProfile profile, int[] sizes, int rounds, WarmUp.Result warmUp) {
    }

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
    Result measure(long start, long warmLimit, long measureBudget, int maxRecords, Summary summary) {
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

        WarmUp.Result warm = WarmUp.batches(this::timedCall, sizes, timer, start, warmLimit, 1 + probe);

        // timed rounds, size order rotated each round
        long deadline = start + measureBudget;
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
            }
            rounds++;
            if (timer.now() >= deadline || Thread.currentThread().isInterrupted()) {
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

        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < Math.min(RecordRun.SIZE_PROBES, sample.length); i++) {
            inputs.add(sample[i]);
        }
        List<Object> outputs = new ArrayList<>();
        if (largestOutput != null) {
            outputs.addAll(largestOutput.subList(0, Math.min(RecordRun.SIZE_PROBES, largestOutput.size())));
        }
        CostProfile profile = summary.batches(times.get(largest).toArray(), sizes[largest], warm.steady(), cpuOk,
                cpuAtLargest, wallAtLargest, allocOk, allocAtLargest, fit, inputs, outputs);
        return new Result(profile, sizes, rounds, warm);
    }

    /** B/4, B/2, B without duplicates, ascending; at least two sizes when B >= 2. */
    static int[] distinctSizes(int big) {
        int[] candidates = {Math.max(1, (big + 3) / 4), Math.max(1, (big + 1) / 2), big};
        return Arrays.stream(candidates).distinct().sorted().toArray();
    }
}
