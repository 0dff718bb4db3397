package io.amorsize.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/** Real work of known cost for measurement tests: busy-spins and sleeps. */
final class Work {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Work() {
    }

    /** Busy-spins until System.nanoTime passes now + nanos (wall-clock cost, robust to JIT). */
    static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long n = 0;
        while (System.nanoTime() < end) {
            n++;
        }
        return n;
    }

    /** Busy-spins until this thread has used {@code nanos} of CPU time (CPU-bound under any load). */
    static long spinCpu(long nanos) {
        long end = THREADS.getCurrentThreadCpuTime() + nanos;
        long n = 0;
        while (THREADS.getCurrentThreadCpuTime() < end) {
            n++;
        }
        return n;
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
