package io.amorsize.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * The input the function will run over, as the optimizer sees it: how many records
 * ({@link RecordCount}), how they are partitioned now ({@link Partitions}), and the engine's limits
 * on parallelism ({@link Limits}). Build one with {@link #exact} or {@link #estimated} and refine it
 * with {@link #withLargestShare}, {@link #withMaxParallelism} or {@link #withKeyedMaxParallelism}.
 * The flat accessors ({@link #records()}, {@link #currentPartitions()}, ...) read through to the parts.
 *
 * @param count      records in the input, exact or estimated
 * @param partitions partitions the input has now: what KEEP means
 * @param limits     upper bound on partitions/parallelism, if any
 */
public record Workload(RecordCount count, Partitions partitions, Limits limits) implements Serializable {

    public Workload {
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(limits, "limits");
    }

    /** An exactly known input spread evenly over {@code currentPartitions}, no parallelism limit. */
    public static Workload exact(long records, int currentPartitions) {
        return new Workload(RecordCount.exact(records), Partitions.even(currentPartitions), Limits.none());
    }

    /** Same as {@link #exact(long, int)}. */
    public static Workload of(long records, int currentPartitions) {
        return exact(records, currentPartitions);
    }

    /** An estimated record count with its relative error, spread evenly, no parallelism limit. */
    public static Workload estimated(long records, double relativeError, int currentPartitions) {
        return new Workload(
                RecordCount.estimated(records, relativeError), Partitions.even(currentPartitions), Limits.none());
    }

    /** A count (exact or estimated) spread evenly over {@code currentPartitions}, no parallelism limit. */
    public static Workload of(RecordCount count, int currentPartitions) {
        return new Workload(count, Partitions.even(currentPartitions), Limits.none());
    }

    /** A copy whose largest current partition holds {@code share} of the records. */
    public Workload withLargestShare(double share) {
        return new Workload(count, new Partitions(partitions.current(), share), limits);
    }

    /** Same as {@link #withLargestShare(double)}. */
    public Workload withLargestPartitionShare(double share) {
        return withLargestShare(share);
    }

    /** A copy with the same count and limits over {@code partitions}. */
    public Workload withPartitions(Partitions partitions) {
        return new Workload(count, partitions, limits);
    }

    /** A copy with the same count and partitions under {@code limits}. */
    public Workload withLimits(Limits limits) {
        return new Workload(count, partitions, limits);
    }

    /** A copy capped at {@code max} partitions (0 = no cap). */
    public Workload withMaxParallelism(int max) {
        return withLimits(new Limits(max, false, limits.resizeRebalances()));
    }

    /** A copy capped at {@code max}, preferring parallelism values that divide it (keyed operators). */
    public Workload withKeyedMaxParallelism(int max) {
        return withLimits(new Limits(max, true, limits.resizeRebalances()));
    }

    /** A copy capped at {@code max}; {@code preferDivisors} as in {@link Limits#preferDivisorsOfMax()}. */
    public Workload withMaxParallelism(int max, boolean preferDivisors) {
        return withLimits(new Limits(max, preferDivisors, limits.resizeRebalances()));
    }

    /** A copy in which every change of the partition count is a rebalance (Flink): see {@link Limits#resizeRebalances()}. */
    public Workload withResizeRebalances() {
        return withLimits(limits.rebalancing());
    }

    // ---- flat accessors (read through to the parts) ------------------------------------------

    /** Records in the input (exact or estimated, >= 0). */
    public long records() {
        return count.value();
    }

    /** True when {@link #records()} is known exactly (a collection, a counted source). */
    public boolean recordsExact() {
        return count.exact();
    }

    /** Estimated relative error of {@link #records()} (0 when exact), for the explanation. */
    public double relativeError() {
        return count.relativeError();
    }

    /** Partitions the input has now (>= 1). */
    public int currentPartitions() {
        return partitions.current();
    }

    /** Records in the largest current partition ÷ records, in (0, 1]. */
    public double largestPartitionShare() {
        return partitions.largestShare();
    }

    /** Upper bound on partitions/parallelism, 0 = none (Flink's max parallelism). */
    public int maxParallelism() {
        return limits.maxParallelism();
    }

    /** See {@link Limits#resizeRebalances()}. */
    public boolean resizeRebalances() {
        return limits.resizeRebalances();
    }

    /** For keyed operators: prefer parallelism values that divide {@link #maxParallelism()} evenly. */
    public boolean preferDivisorsOfMax() {
        return limits.preferDivisorsOfMax();
    }

    // ---- parts ---------------------------------------------------------------------------------

    /**
     * How many records the input holds.
     *
     * @param value         records (>= 0)
     * @param exact         true when {@code value} is known exactly
     * @param relativeError estimated relative error of {@code value} (finite, >= 0; 0 when exact)
     */
    public record RecordCount(long value, boolean exact, double relativeError) implements Serializable {
        public RecordCount {
            if (value < 0) {
                throw new IllegalArgumentException("records must be >= 0, got " + value);
            }
            if (!(relativeError >= 0) || !Double.isFinite(relativeError)) {
                throw new IllegalArgumentException("relativeError must be finite and >= 0, got " + relativeError);
            }
        }

        public static RecordCount exact(long records) {
            return new RecordCount(records, true, 0.0);
        }

        public static RecordCount estimated(long records, double relativeError) {
            return new RecordCount(records, false, relativeError);
        }
    }

    /**
     * How the input is partitioned now.
     *
     * @param current      partitions (>= 1)
     * @param largestShare records in the largest partition ÷ records, in (0, 1]; lets KEEP and
     *                     COALESCE be priced honestly ({@link #even} when unknown)
     */
    public record Partitions(int current, double largestShare) implements Serializable {
        public Partitions {
            if (current < 1) {
                throw new IllegalArgumentException("currentPartitions must be >= 1, got " + current);
            }
            if (!(largestShare > 0 && largestShare <= 1.0)) {
                throw new IllegalArgumentException("largestPartitionShare must be in (0, 1], got " + largestShare);
            }
        }

        /** {@code current} partitions of equal size. */
        public static Partitions even(int current) {
            return new Partitions(current, 1.0 / Math.max(1, current));
        }
    }

    /**
     * The engine's limits on parallelism.
     *
     * @param maxParallelism      upper bound on partitions/parallelism, 0 = none (Flink's max parallelism)
     * @param preferDivisorsOfMax for keyed operators: prefer parallelism values that divide
     *                            {@code maxParallelism} evenly (the Flink autoscaler's practice)
     * @param resizeRebalances    true when any partition count other than the current one moves every
     *                            record over the network: a Flink operator whose parallelism differs from
     *                            its input's reads through a rebalance. Then there is no COALESCE, and a
     *                            lower count pays that rebalance like a REPARTITION
     */
    public record Limits(int maxParallelism, boolean preferDivisorsOfMax, boolean resizeRebalances)
            implements Serializable {
        private static final Limits NONE = new Limits(0, false, false);

        public Limits {
            if (maxParallelism < 0) {
                throw new IllegalArgumentException("maxParallelism must be >= 0, got " + maxParallelism);
            }
        }

        /** Limits under which the partition count can shrink without a shuffle (Spark's coalesce). */
        public Limits(int maxParallelism, boolean preferDivisorsOfMax) {
            this(maxParallelism, preferDivisorsOfMax, false);
        }

        /** No limit. */
        public static Limits none() {
            return NONE;
        }

        /** At most {@code max} partitions (0 = none), any value up to it. */
        public static Limits upTo(int max) {
            return new Limits(max, false);
        }

        /** The same limits, where every change of the count is a rebalance (see {@link #resizeRebalances()}). */
        public Limits rebalancing() {
            return new Limits(maxParallelism, preferDivisorsOfMax, true);
        }

        /** At most {@code max}, preferring divisors of it (keyed state is split into {@code max} key groups). */
        public static Limits keyed(int max) {
            return new Limits(max, true);
        }

        public boolean bounded() {
            return maxParallelism > 0;
        }
    }
}
