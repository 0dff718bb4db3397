package io.amorsize.measure;

import java.util.Objects;

/**
 * What the user function costs per record, measured on a sample. This is what the cache stores and
 * what the model consumes; it holds no engine type and nothing about the input size or cluster.
 *
 * <p>Times are wall-clock nanoseconds per record after JIT warm-up. Unknown CPU time, sizes and
 * allocation are {@code -1}; an unknown {@link #partitionSkew()} is 1.0.
 *
 * @param sampleSize         records timed after warm-up (>= 1)
 * @param steadyState        true if timings settled before the warm-up budget ran out
 * @param meanNanos          mean wall time per record (> 0)
 * @param p50Nanos           median
 * @param p95Nanos           95th percentile
 * @param p99Nanos           99th percentile
 * @param maxNanos           slowest sampled record
 * @param cv                 coefficient of variation (stddev / mean) of per-record wall time, >= 0
 * @param cpuNanos           mean CPU time per record (ThreadMXBean); -1 if unavailable
 * @param inputBytes         mean serialized size of an input record; -1 if unknown
 * @param outputBytes        mean serialized size of an output record; -1 if unknown
 * @param allocatedBytes     mean bytes allocated per record; -1 if unavailable
 * @param partitionSkew      mean cost of the most expensive sampled input partition ÷ overall mean
 *                           (1.0 when one partition was sampled or cost is evenly spread)
 * @param batchFit           fit of a batch function's call time, or {@code null} for per-record functions
 */
public record CostProfile(
        int sampleSize,
        boolean steadyState,
        double meanNanos,
        double p50Nanos,
        double p95Nanos,
        double p99Nanos,
        double maxNanos,
        double cv,
        double cpuNanos,
        double inputBytes,
        double outputBytes,
        double allocatedBytes,
        double partitionSkew,
        BatchFit batchFit) implements java.io.Serializable {

    public CostProfile {
        if (sampleSize < 1) {
            throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
        }
        requirePositive("meanNanos", meanNanos);
        requireNonNegative("p50Nanos", p50Nanos);
        requireNonNegative("p95Nanos", p95Nanos);
        requireNonNegative("p99Nanos", p99Nanos);
        requireNonNegative("maxNanos", maxNanos);
        requireNonNegative("cv", cv);
        requireFinite("cpuNanos", cpuNanos);
        requireFinite("inputBytes", inputBytes);
        requireFinite("outputBytes", outputBytes);
        requireFinite("allocatedBytes", allocatedBytes);
        if (!(partitionSkew >= 1.0) || !Double.isFinite(partitionSkew)) {
            throw new IllegalArgumentException("partitionSkew must be finite and >= 1, got " + partitionSkew);
        }
    }

    /** CPU time ÷ wall time in [0, 1]; NaN when CPU time is unavailable. Low means I/O-bound. */
    public double cpuFraction() {
        if (cpuNanos < 0) {
            return Double.NaN;
        }
        return Math.min(1.0, cpuNanos / meanNanos);
    }

    /** True when the function spends most of its wall time off the CPU (sleep, I/O, waiting). */
    public boolean ioBound() {
        double f = cpuFraction();
        return !Double.isNaN(f) && f < 0.5;
    }

    /** Standard deviation of per-record wall time. */
    public double stddevNanos() {
        return cv * meanNanos;
    }

    /** A copy with a batch fit attached. */
    public CostProfile withBatchFit(BatchFit fit) {
        return new CostProfile(sampleSize, steadyState, meanNanos, p50Nanos, p95Nanos, p99Nanos, maxNanos,
                cv, cpuNanos, inputBytes, outputBytes, allocatedBytes, partitionSkew, Objects.requireNonNull(fit));
    }

    /**
     * A profile from a few summary numbers, for prewarming and tests: per-record cost {@code meanNanos}
     * with coefficient of variation {@code cv}; quantiles approximated from a normal-ish shape.
     */
    public static CostProfile of(double meanNanos, double cv, double inputBytes, double outputBytes) {
        requirePositive("meanNanos", meanNanos);
        double sd = cv * meanNanos;
        return new CostProfile(1, true, meanNanos, meanNanos, meanNanos + 1.645 * sd, meanNanos + 2.326 * sd,
                meanNanos + 3 * sd, cv, -1, inputBytes, outputBytes, -1, 1.0, null);
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }
}
