package io.amorsize.model;

/**
 * The input the function will run over, as the optimizer sees it.
 *
 * @param records            records in the input (exact or estimated, >= 0)
 * @param recordsExact       true when {@code records} is known exactly (a collection, a counted source)
 * @param relativeError      estimated relative error of {@code records} (0 when exact), for the explanation
 * @param currentPartitions  partitions the input has now (>= 1): what KEEP means
 * @param largestPartitionShare records in the largest current partition ÷ records (in (0, 1]; use
 *                           1/currentPartitions when unknown) — lets KEEP and COALESCE be priced honestly
 * @param maxParallelism     upper bound on partitions/parallelism, 0 = none (Flink's max parallelism)
 * @param preferDivisorsOfMax for keyed operators: prefer parallelism values that divide
 *                           {@code maxParallelism} evenly (the Flink autoscaler's practice)
 * @param resizeRebalances   true when any partition count other than the current one moves every
 *                           record over the network: a Flink operator whose parallelism differs from
 *                           its input's reads through a rebalance. Then there is no COALESCE, and a
 *                           lower count pays that rebalance like a REPARTITION
 */
public record Workload(
        long records,
        boolean recordsExact,
        double relativeError,
        int currentPartitions,
        double largestPartitionShare,
        int maxParallelism,
        boolean preferDivisorsOfMax,
        boolean resizeRebalances) implements java.io.Serializable {

    public Workload {
        if (records < 0) {
            throw new IllegalArgumentException("records must be >= 0, got " + records);
        }
        if (currentPartitions < 1) {
            throw new IllegalArgumentException("currentPartitions must be >= 1, got " + currentPartitions);
        }
        if (!(relativeError >= 0) || !Double.isFinite(relativeError)) {
            throw new IllegalArgumentException("relativeError must be finite and >= 0, got " + relativeError);
        }
        if (!(largestPartitionShare > 0 && largestPartitionShare <= 1.0)) {
            throw new IllegalArgumentException("largestPartitionShare must be in (0, 1], got " + largestPartitionShare);
        }
        if (maxParallelism < 0) {
            throw new IllegalArgumentException("maxParallelism must be >= 0, got " + maxParallelism);
        }
    }

    /** A workload whose partition count can shrink without a shuffle (Spark's coalesce). */
    public Workload(long records, boolean recordsExact, double relativeError, int currentPartitions,
                    double largestPartitionShare, int maxParallelism, boolean preferDivisorsOfMax) {
        this(records, recordsExact, relativeError, currentPartitions, largestPartitionShare, maxParallelism,
                preferDivisorsOfMax, false);
    }

    /** An exactly known input spread evenly over {@code currentPartitions}. */
    public static Workload of(long records, int currentPartitions) {
        return new Workload(records, true, 0.0, currentPartitions, 1.0 / Math.max(1, currentPartitions), 0, false);
    }

    /** An estimated record count with its relative error, spread evenly. */
    public static Workload estimated(long records, double relativeError, int currentPartitions) {
        return new Workload(records, false, relativeError, currentPartitions, 1.0 / Math.max(1, currentPartitions), 0, false);
    }

    public Workload withLargestPartitionShare(double share) {
        return new Workload(records, recordsExact, relativeError, currentPartitions, share, maxParallelism,
                preferDivisorsOfMax, resizeRebalances);
    }

    public Workload withMaxParallelism(int max, boolean preferDivisors) {
        return new Workload(records, recordsExact, relativeError, currentPartitions, largestPartitionShare, max,
                preferDivisors, resizeRebalances);
    }

    /**
     * A copy in which every change of the partition count is a rebalance (Flink): see
     * {@link #resizeRebalances()}.
     */
    public Workload withResizeRebalances() {
        return new Workload(records, recordsExact, relativeError, currentPartitions, largestPartitionShare,
                maxParallelism, preferDivisorsOfMax, true);
    }
}
