package io.amorsize.spark;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This driver's tuning counters. The facade updates them with or without the plugin; {@link
 * AmorsizePlugin} publishes them to Spark's metrics system.
 */
public final class AmorsizeSparkMetrics {

    static final AtomicLong HITS = new AtomicLong();
    static final AtomicLong MISSES = new AtomicLong();
    static final AtomicLong FALLBACKS = new AtomicLong();
    static final AtomicLong DECISIONS = new AtomicLong();
    static final AtomicLong TUNING_NANOS = new AtomicLong();

    private AmorsizeSparkMetrics() {
    }

    /** Decisions answered from a cache (Redis or the local file). */
    public static long hits() {
        return HITS.get();
    }

    /** Decisions that measured the function. */
    public static long misses() {
        return MISSES.get();
    }

    /** Decisions that kept the RDD because tuning failed. */
    public static long fallbacks() {
        return FALLBACKS.get();
    }

    /** All decisions. */
    public static long decisions() {
        return DECISIONS.get();
    }

    /** Total wall time spent tuning, in nanoseconds. */
    public static long tuningNanos() {
        return TUNING_NANOS.get();
    }
}
