package io.amorsize.measure;

import io.amorsize.Ticker;
import java.util.Arrays;

/**
 * Times one unit of work (a group of calls, or one batch call) on the measuring thread: wall time
 * by the {@link Ticker} minus the ticker's own cost (calibrated once), minus the time the thread
 * waited for a CPU inside the unit ({@link RunQueueClock}), and, when asked, the CPU time of the
 * unit ({@link JvmProbe}).
 *
 * <p>Use: {@link #begin(boolean)}, do the work, {@link #end()}; then {@link #lastEndNanos()} and
 * {@link #lastCpuNanos()} describe that unit. Nothing is allocated per unit, so the allocation of
 * the measured function is not blurred. Bound to the thread that created it; not thread-safe.
 */
final class UnitTimer {

    private final Ticker ticker;
    private final RunQueueClock runQueue;
    private final JvmProbe probe;
    private final long overheadNanos;

    private boolean readCpu;
    private long ta;
    private long w0;
    private long c0;
    private long t0;
    private long t1;
    private long lastCpu = -1;

    /** Calibrates the ticker's cost (512 back-to-back reads) before returning. */
    UnitTimer(Ticker ticker, RunQueueClock runQueue, JvmProbe probe) {
        this.ticker = ticker;
        this.runQueue = runQueue;
        this.probe = probe;
        this.overheadNanos = calibrate(ticker);
    }

    /** Cost of one ticker read, to subtract from each timing (a low quantile of back-to-back reads). */
    static long calibrate(Ticker ticker) {
        long[] d = new long[512];
        for (int i = 0; i < d.length; i++) {
            long a = ticker.nanos();
            long b = ticker.nanos();
            d[i] = b - a;
        }
        Arrays.sort(d);
        return Math.max(0, d[d.length / 4]);
    }

    long now() {
        return ticker.nanos();
    }

    JvmProbe probe() {
        return probe;
    }

    /** Starts a unit; {@code cpu} also brackets it with CPU-time reads. */
    void begin(boolean cpu) {
        readCpu = cpu;
        ta = ticker.nanos();
        w0 = runQueue.waitNanos();
        c0 = cpu ? probe.cpuNanos() : -1;
        t0 = ticker.nanos();
    }

    /** Ends the unit started by {@link #begin}: its wall time net of ticker cost and run-queue wait. */
    double end() {
        t1 = ticker.nanos();
        long c1 = readCpu ? probe.cpuNanos() : -1;
        long w1 = runQueue.waitNanos();
        long tb = ticker.nanos();
        lastCpu = readCpu && c0 >= 0 && c1 >= 0 ? c1 - c0 : -1;
        return withoutRunQueueWait(t1 - t0 - overheadNanos, w0, w1, (t0 - ta) + (tb - t1));
    }

    /** Ticker reading at the end of the last unit's timed window. */
    long lastEndNanos() {
        return t1;
    }

    /** CPU time of the last unit, or -1 when unavailable or not asked for. */
    long lastCpuNanos() {
        return lastCpu;
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
}
