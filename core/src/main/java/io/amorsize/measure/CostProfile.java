package io.amorsize.measure;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the user function costs per record, measured on a sample. This is what the cache stores and
 * what the model consumes; it holds no engine type and nothing about the input size or cluster.
 *
 * <p>It is made of named parts: how the sample was timed ({@link Sample}), the wall-time
 * distribution per record ({@link Timing}), CPU and allocation ({@link Resources}), record sizes
 * ({@link Sizes}) and, for a batch function, the fit of its call time ({@link BatchFit}). The flat
 * accessors ({@link #meanNanos()}, {@link #inputBytes()}, ...) read through to the parts.
 *
 * <p>Times are wall-clock nanoseconds per record after JIT warm-up. Unknown CPU time, sizes and
 * allocation read as {@value #UNKNOWN} from the flat accessors; build them with
 * {@link Resources#unknown()} and {@link Sizes#unknown()} rather than writing the number.
 *
 * @param sample    how many records were timed, whether timings settled, partition skew
 * @param timing    per-record wall-time distribution
 * @param resources CPU time and allocation per record (either may be unknown)
 * @param sizes     serialized input and output record sizes (either may be unknown)
 * @param batchFit  fit of a batch function's call time, or {@code null} for a per-record function
 *                  (see {@link #isBatch()})
 */
public record CostProfile(Sample sample, Timing timing, Resources resources, Sizes sizes, BatchFit batchFit)
        implements Serializable {

    /** What the flat accessors return for a quantity that could not be measured. */
    public static final int UNKNOWN = -1;

    public CostProfile {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(sizes, "sizes");
    }

    /** A per-record function's profile (no batch fit). */
    public static CostProfile perRecord(Sample sample, Timing timing, Resources resources, Sizes sizes) {
        return new CostProfile(sample, timing, resources, sizes, null);
    }

    /**
     * A profile from a few summary numbers, for prewarming and tests: per-record cost {@code meanNanos}
     * with coefficient of variation {@code cv}; quantiles approximated from a normal-ish shape
     * ({@link Timing#approximate}); CPU and allocation unknown. A negative size means unknown.
     */
    public static CostProfile of(double meanNanos, double cv, double inputBytes, double outputBytes) {
        return of(meanNanos, cv, Sizes.of(inputBytes, outputBytes));
    }

    /** As {@link #of(double, double, double, double)} with the sizes given as a value. */
    public static CostProfile of(double meanNanos, double cv, Sizes sizes) {
        return perRecord(Sample.of(1, true), Timing.approximate(meanNanos, cv), Resources.unknown(), sizes);
    }

    /** A copy with a batch fit attached. */
    public CostProfile withBatchFit(BatchFit fit) {
        return new CostProfile(sample, timing, resources, sizes, Objects.requireNonNull(fit));
    }

    /** True for a batch function's profile (one with a {@link #batchFit()}). */
    public boolean isBatch() {
        return batchFit != null;
    }

    // ---- flat accessors (read through to the parts) ------------------------------------------

    /** Records timed after warm-up (>= 1). */
    public int sampleSize() {
        return sample.size();
    }

    /** True if timings settled before the warm-up budget ran out. */
    public boolean steadyState() {
        return sample.steadyState();
    }

    /** Mean cost of the most expensive sampled input partition ÷ overall mean (1.0 when even or one partition). */
    public double partitionSkew() {
        return sample.partitionSkew();
    }

    /** Mean wall time per record (> 0). */
    public double meanNanos() {
        return timing.meanNanos();
    }

    public double p50Nanos() {
        return timing.p50Nanos();
    }

    public double p95Nanos() {
        return timing.p95Nanos();
    }

    public double p99Nanos() {
        return timing.p99Nanos();
    }

    /** Slowest sampled record. */
    public double maxNanos() {
        return timing.maxNanos();
    }

    /** Coefficient of variation (stddev / mean) of per-record wall time, >= 0. */
    public double cv() {
        return timing.cv();
    }

    /** Standard deviation of per-record wall time. */
    public double stddevNanos() {
        return timing.stddevNanos();
    }

    /** Mean CPU time per record (ThreadMXBean); {@value #UNKNOWN} if unavailable. */
    public double cpuNanos() {
        return resources.cpuNanos();
    }

    /** Mean bytes allocated per record; {@value #UNKNOWN} if unavailable. */
    public double allocatedBytes() {
        return resources.allocatedBytes();
    }

    /** Mean serialized size of an input record; {@value #UNKNOWN} if unknown. */
    public double inputBytes() {
        return sizes.inputBytes();
    }

    /** Mean serialized size of an output record; {@value #UNKNOWN} if unknown. */
    public double outputBytes() {
        return sizes.outputBytes();
    }

    /** CPU time ÷ wall time in [0, 1]; NaN when CPU time is unavailable. Low means I/O-bound. */
    public double cpuFraction() {
        if (!resources.cpuKnown()) {
            return Double.NaN;
        }
        return Math.min(1.0, resources.cpuNanos() / timing.meanNanos());
    }

    /** True when the function spends most of its wall time off the CPU (sleep, I/O, waiting). */
    public boolean ioBound() {
        double f = cpuFraction();
        return !Double.isNaN(f) && f < 0.5;
    }

    // ---- parts ---------------------------------------------------------------------------------

    /**
     * How the profile was sampled.
     *
     * @param size          records timed after warm-up (>= 1); for a batch function, the records in
     *                      the timed calls at the largest batch size
     * @param steadyState   true if timings settled before the warm-up budget ran out
     * @param partitionSkew mean cost of the most expensive sampled input partition ÷ overall mean
     *                      (finite, >= 1; 1.0 when one partition was sampled or cost is evenly spread)
     */
    public record Sample(int size, boolean steadyState, double partitionSkew) implements Serializable {
        public Sample {
            if (size < 1) {
                throw new IllegalArgumentException("sampleSize must be >= 1, got " + size);
            }
            if (!(partitionSkew >= 1.0) || !Double.isFinite(partitionSkew)) {
                throw new IllegalArgumentException("partitionSkew must be finite and >= 1, got " + partitionSkew);
            }
        }

        /** A sample with no partition skew (one partition, or cost spread evenly). */
        public static Sample of(int size, boolean steadyState) {
            return new Sample(size, steadyState, 1.0);
        }

        public Sample withPartitionSkew(double skew) {
            return new Sample(size, steadyState, skew);
        }
    }

    /**
     * Per-record wall-time distribution, in nanoseconds.
     *
     * @param meanNanos mean (> 0): the cost model needs totals
     * @param p50Nanos  median
     * @param p95Nanos  95th percentile
     * @param p99Nanos  99th percentile
     * @param maxNanos  slowest sampled record
     * @param cv        coefficient of variation (stddev / mean), >= 0
     */
    public record Timing(
            double meanNanos, double p50Nanos, double p95Nanos, double p99Nanos, double maxNanos, double cv)
            implements Serializable {
        public Timing {
            requirePositive("meanNanos", meanNanos);
            requireNonNegative("p50Nanos", p50Nanos);
            requireNonNegative("p95Nanos", p95Nanos);
            requireNonNegative("p99Nanos", p99Nanos);
            requireNonNegative("maxNanos", maxNanos);
            requireNonNegative("cv", cv);
        }

        /** Quantiles approximated from mean and cv by a normal-ish shape (for prewarming and tests). */
        public static Timing approximate(double meanNanos, double cv) {
            requirePositive("meanNanos", meanNanos);
            double sd = cv * meanNanos;
            return new Timing(
                    meanNanos, meanNanos, meanNanos + 1.645 * sd, meanNanos + 2.326 * sd, meanNanos + 3 * sd, cv);
        }

        public double stddevNanos() {
            return cv * meanNanos;
        }
    }

    /**
     * CPU time and allocation per record; {@value CostProfile#UNKNOWN} where the JVM does not offer them.
     *
     * @param cpuNanos       mean CPU time per record (ThreadMXBean)
     * @param allocatedBytes mean bytes allocated per record
     */
    public record Resources(double cpuNanos, double allocatedBytes) implements Serializable {
        private static final Resources NONE = new Resources(UNKNOWN, UNKNOWN);

        public Resources {
            requireFinite("cpuNanos", cpuNanos);
            requireFinite("allocatedBytes", allocatedBytes);
        }

        /** Neither CPU time nor allocation known. */
        public static Resources unknown() {
            return NONE;
        }

        /** Known CPU time, unknown allocation. */
        public static Resources cpu(double cpuNanos) {
            return new Resources(cpuNanos, UNKNOWN);
        }

        public boolean cpuKnown() {
            return cpuNanos >= 0;
        }

        public boolean allocationKnown() {
            return allocatedBytes >= 0;
        }
    }

    /**
     * Mean serialized record sizes in bytes; {@value CostProfile#UNKNOWN} when a record could not be sized.
     *
     * @param inputBytes  an input record
     * @param outputBytes an output record
     */
    public record Sizes(double inputBytes, double outputBytes) implements Serializable {
        private static final Sizes NONE = new Sizes(UNKNOWN, UNKNOWN);

        public Sizes {
            requireFinite("inputBytes", inputBytes);
            requireFinite("outputBytes", outputBytes);
        }

        /** Neither size known. */
        public static Sizes unknown() {
            return NONE;
        }

        /** Both sizes; a negative value means that size is unknown. */
        public static Sizes of(double inputBytes, double outputBytes) {
            return new Sizes(inputBytes, outputBytes);
        }

        /** Input and output records of the same size. */
        public static Sizes both(double bytes) {
            return of(bytes, bytes);
        }

        public boolean inputKnown() {
            return inputBytes >= 0;
        }

        public boolean outputKnown() {
            return outputBytes >= 0;
        }
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
