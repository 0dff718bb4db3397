package io.amorsize.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Current-thread CPU time and allocated bytes, where the JVM offers them. Instances are cheap;
 * nothing is static so that a probe made inside an engine task reflects that JVM.
 */
final class JvmProbe {

    private final ThreadMXBean threads;
    private final boolean cpuSupported;
    private final com.sun.management.ThreadMXBean allocation;

    private JvmProbe(ThreadMXBean threads, boolean cpuSupported, com.sun.management.ThreadMXBean allocation) {
        this.threads = threads;
        this.cpuSupported = cpuSupported;
        this.allocation = allocation;
    }

    static JvmProbe create() {
        ThreadMXBean threads;
        try {
            threads = ManagementFactory.getThreadMXBean();
        } catch (RuntimeException | LinkageError e) {
            return new JvmProbe(null, false, null);
        }
        boolean cpu;
        try {
            cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        } catch (RuntimeException e) {
            cpu = false;
        }
        com.sun.management.ThreadMXBean alloc = null;
        try {
            if (threads instanceof com.sun.management.ThreadMXBean sun
                    && sun.isThreadAllocatedMemorySupported()
                    && sun.isThreadAllocatedMemoryEnabled()) {
                alloc = sun;
            }
        } catch (RuntimeException | LinkageError e) {
            alloc = null;
        }
        return new JvmProbe(threads, cpu, alloc);
    }

    /** CPU time of the current thread in nanoseconds, or -1 when unsupported. */
    long cpuNanos() {
        if (!cpuSupported) {
            return -1;
        }
        try {
            return threads.getCurrentThreadCpuTime();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Bytes allocated so far by the current thread, or -1 when unsupported. */
    long allocatedBytes() {
        if (allocation == null) {
            return -1;
        }
        try {
            return allocation.getCurrentThreadAllocatedBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
