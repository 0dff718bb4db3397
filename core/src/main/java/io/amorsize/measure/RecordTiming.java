package io.amorsize.measure;

import java.util.Arrays;

/**
 * The timing phase of a per-record measurement: units of {@code groupSize} calls (one call for
 * functions above ~2 µs, about 10 µs of calls below; see {@link WarmUp#groupSizeFor}), each timed
 * by the {@link UnitTimer} (wall net of ticker cost and run-queue wait, plus CPU time).
 *
 * <p>Stride scheduling: every input partition is timed once before any is timed twice, then in
 * proportion to its sampled records; within a partition records are visited in their fixed
 * pseudo-random order. {@link #run(long)} stops when every sampled record was timed once and at
 * least {@value #MIN_TIMED_UNITS} timings were taken, when the mean is known to 1 % relative
 * standard error after {@value #STABLE_TIMED_UNITS} timings, or at the deadline &mdash; but never
 * before {@code min(3, sample size)} records and one timing per partition ({@link #minimumReached()}).
 *
 * <p>Bound to the measuring thread; not thread-safe.
 */
final class RecordTiming {

    static final int MIN_TIMED_UNITS = 100;
    static final int STABLE_TIMED_UNITS = 200;
    private static final double TARGET_RELATIVE_STANDARD_ERROR = 0.01;

    /**
     * What the timing phase saw.
     *
     * @param values         per-record time of each unit (unit time ÷ group size), in timing order
     * @param unitGroup      input partition of each unit
     * @param groupCount     input partitions
     * @param calls          function calls timed
     * @param groupSize      calls per unit
     * @param cpuKnown       whether every unit had a CPU time
     * @param cpuNanos       CPU time of all units
     * @param wallNanos      net wall time of all units
     * @param allocatedBytes bytes allocated over the timing phase, or -1 when unavailable
     * @param elapsedNanos   ticker time of the timing phase, bookkeeping included
     */
    record Result(
            double[] values,
            int[] unitGroup,
            int groupCount,
            long calls,
            int groupSize,
            boolean cpuKnown,
            double cpuNanos,
            double wallNanos,
            long allocatedBytes,
            long elapsedNanos) {}

    private final RecordRun<?, ?> run;
    private final UnitTimer timer;
    private final int groupSize;
    private final int groupCount;
    private final int minCalls;
    private final Doubles units;
    private int[] unitGroup;
    private final long[] groupCalls;
    private final long[] groupUnits;
    private final int[] cursor;
    /** Stride scheduling: each group's progress in passes over its records. */
    private final double[] pass;

    private int groupsTimed;
    private int groupsCovered;
    private long timedCalls;
    private double sum;
    private double sumSq;
    private double unitCpu;
    private double unitWall;
    private boolean cpuOk = true;
    private final long alloc0;
    private final long wall0;

    /** Starts the timing phase (reads the allocation counter and the ticker). */
    RecordTiming(RecordRun<?, ?> run, UnitTimer timer, int groupSize) {
        this.run = run;
        this.timer = timer;
        this.groupSize = groupSize;
        this.groupCount = run.groupCount;
        this.minCalls = Math.min(3, run.total);
        int capacity = (int) Math.min(1 << 20, (long) run.total / groupSize + groupCount + MIN_TIMED_UNITS + 16);
        units = new Doubles(capacity);
        unitGroup = new int[capacity];
        groupCalls = new long[groupCount];
        groupUnits = new long[groupCount];
        cursor = new int[groupCount];
        pass = new double[groupCount];
        alloc0 = timer.probe().allocatedBytes();
        wall0 = timer.now();
    }

    /** Times units until a stop condition of the class comment holds. */
    MeasureReport.Stop run(long deadline) {
        while (true) {
            timeUnit();
            MeasureReport.Stop end = stopReason(deadline);
            if (end != null) {
                return end;
            }
        }
    }

    /** Times one unit of the partition furthest behind. */
    void timeUnit() {
        int g = 0;
        for (int i = 1; i < groupCount; i++) {
            if (pass[i] < pass[g]) {
                g = i;
            }
        }
        int[] p = run.perm[g];
        int c = cursor[g];
        int kt = groupSize;
        timer.begin(true);
        for (int j = 0; j < kt; j++) {
            run.call(g, p[c]);
            if (++c == p.length) {
                c = 0;
            }
        }
        double dt = timer.end();
        long cpu = timer.lastCpuNanos();
        cursor[g] = c;
        cpuOk &= cpu >= 0;
        unitCpu += cpu;
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
    }

    /** At least {@code min(3, sample size)} calls and one unit per partition were timed. */
    boolean minimumReached() {
        return groupsTimed == groupCount && timedCalls >= minCalls;
    }

    /** Every sampled record was timed at least once. */
    boolean covered() {
        return groupsCovered == groupCount;
    }

    /** Why timing should stop after the last unit by the rules of the class comment, or null to go on. */
    MeasureReport.Stop stopReason(long deadline) {
        if (minimumReached()) {
            if (timer.lastEndNanos() >= deadline) {
                return MeasureReport.Stop.BUDGET;
            }
            if (Thread.currentThread().isInterrupted()) {
                return MeasureReport.Stop.INTERRUPTED;
            }
            if (covered() && units.n >= MIN_TIMED_UNITS) {
                return MeasureReport.Stop.EVERY_RECORD_TIMED;
            }
            if (units.n >= STABLE_TIMED_UNITS
                    && units.n % 50 == 0
                    && relativeStandardError(units.n, sum, sumSq) <= TARGET_RELATIVE_STANDARD_ERROR
                    && minUnits(groupUnits) >= 10) {
                return MeasureReport.Stop.MEAN_PRECISE;
            }
        }
        return callCapReached() ? MeasureReport.Stop.CALL_CAP : null;
    }

    /**
     * Only the stops that do not depend on precision (deadline, interrupt, call cap): when a
     * {@link StopRule} decides the rest.
     */
    MeasureReport.Stop hardStop(long deadline) {
        if (minimumReached()) {
            if (timer.lastEndNanos() >= deadline) {
                return MeasureReport.Stop.BUDGET;
            }
            if (Thread.currentThread().isInterrupted()) {
                return MeasureReport.Stop.INTERRUPTED;
            }
        }
        return callCapReached() ? MeasureReport.Stop.CALL_CAP : null;
    }

    private boolean callCapReached() {
        return timedCalls >= WarmUp.HARD_CAP_CALLS;
    }

    /** Units timed so far. */
    int units() {
        return units.n;
    }

    /** Function calls timed so far. */
    long calls() {
        return timedCalls;
    }

    /** Per-record times so far (a copy). */
    double[] values() {
        return units.toArray();
    }

    /** Input partition of each unit so far (a copy). */
    int[] unitGroups() {
        return Arrays.copyOf(unitGroup, units.n);
    }

    /** What was timed so far, without ending the phase (reads the allocation counter, not the ticker). */
    Result snapshot() {
        long alloc1 = timer.probe().allocatedBytes();
        long allocated = (alloc0 >= 0 && alloc1 >= 0) ? Math.max(0, alloc1 - alloc0) : -1;
        return new Result(
                units.toArray(),
                unitGroups(),
                groupCount,
                timedCalls,
                groupSize,
                cpuOk,
                unitCpu,
                unitWall,
                allocated,
                timer.lastEndNanos() - wall0);
    }

    /** Ends the timing phase (reads the ticker and the allocation counter). */
    Result finish() {
        long wall1 = timer.now();
        long alloc1 = timer.probe().allocatedBytes();
        long allocated = (alloc0 >= 0 && alloc1 >= 0) ? Math.max(0, alloc1 - alloc0) : -1;
        return new Result(
                units.toArray(),
                unitGroups(),
                groupCount,
                timedCalls,
                groupSize,
                cpuOk,
                unitCpu,
                unitWall,
                allocated,
                wall1 - wall0);
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
}
