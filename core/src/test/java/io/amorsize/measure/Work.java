package io.amorsize.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/** Real work of known cost for measurement tests: CPU busy-spins and sleeps. */
final class Work {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Work() {}

    /**
     * Busy-spins until this thread has used {@code nanos} of CPU time: a known cost that does not
     * depend on the JIT (no iteration counting) nor on the machine's load. A spin until a
     * System.nanoTime deadline would not do here: the Measurer subtracts the time the thread
     * waited for a CPU (run-queue time), and a wall-deadline spin preempted mid-way really does
     * less work, so on a crowded 2-core machine it would be measured below its nominal cost.
     */
    static long spinCpu(long nanos) {
        long end = THREADS.getCurrentThreadCpuTime() + nanos;
        long n = 0;
        while (THREADS.getCurrentThreadCpuTime() < end) {
            n++;
        }
        return n;
    }

    /** CPU time of the calling thread so far. */
    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<Integer> ints(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    static List<Integer> ints(int from, int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(from + i);
        }
        return l;
    }

    static double relativeError(double measured, double expected) {
        return Math.abs(measured - expected) / expected;
    }
}
