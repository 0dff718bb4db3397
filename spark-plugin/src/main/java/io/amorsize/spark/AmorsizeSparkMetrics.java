package io.amorsize.spark;

import io.amorsize.tune.TuningMetrics;

/**
 * This driver's tuning counters. The facade updates them with or without the plugin; {@link
 * AmorsizePlugin} publishes them to Spark's metrics system.
 */
public final class AmorsizeSparkMetrics {

    /** The counters {@link AmorsizeSpark}'s decisions update. */
    static final TuningMetrics COUNTERS = new TuningMetrics();

    private AmorsizeSparkMetrics() {}

    /** Decisions answered from a cache (Redis or the local file). */
    public static long hits() {
        return COUNTERS.hits();
    }

    /** Decisions that measured the function. */
    public static long misses() {
        return COUNTERS.misses();
    }

    /** Decisions that kept the RDD because tuning failed. */
    public static long fallbacks() {
        return COUNTERS.fallbacks();
    }

    /** All decisions. */
    public static long decisions() {
        return COUNTERS.decisions();
    }

    /** Total wall time spent tuning, in nanoseconds. */
    public static long tuningNanos() {
        return COUNTERS.tuningNanos();
    }
}
