package io.amorsize.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The input of a simulated stage: how many records each current partition holds and which cost
 * distribution its records follow. Partitions share a small number of distributions ("classes"),
 * which keeps coalescing and repartitioning O(partitions × classes). Immutable.
 */
public final class SimulatedInput {

    private final long[] records;
    private final int[] classOf;
    private final List<CostDistribution> classes;

    private SimulatedInput(long[] records, int[] classOf, List<CostDistribution> classes) {
        this.records = records;
        this.classOf = classOf;
        this.classes = List.copyOf(classes);
    }

    /** {@code records} spread as evenly as possible over {@code partitions}, all with {@code cost}. */
    public static SimulatedInput even(long records, int partitions, CostDistribution cost) {
        if (records < 0) {
            throw new IllegalArgumentException("records must be >= 0, got " + records);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        Objects.requireNonNull(cost, "cost");
        long[] r = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            r[i] = records / partitions + (i < records % partitions ? 1 : 0);
        }
        return new SimulatedInput(r, new int[partitions], List.of(cost));
    }

    /** Given partition sizes, all with {@code cost}. */
    public static SimulatedInput sized(long[] recordsPerPartition, CostDistribution cost) {
        Objects.requireNonNull(recordsPerPartition, "recordsPerPartition");
        if (recordsPerPartition.length == 0) {
            throw new IllegalArgumentException("recordsPerPartition must not be empty");
        }
        for (long r : recordsPerPartition) {
            if (r < 0) {
                throw new IllegalArgumentException("partition sizes must be >= 0");
            }
        }
        return new SimulatedInput(
                recordsPerPartition.clone(),
                new int[recordsPerPartition.length],
                List.of(Objects.requireNonNull(cost, "cost")));
    }

    /** A copy in which partition {@code index}'s records follow {@code cost} (clustered skew). */
    public SimulatedInput withPartitionCost(int index, CostDistribution cost) {
        if (index < 0 || index >= records.length) {
            throw new IllegalArgumentException("index must be in [0, " + records.length + "), got " + index);
        }
        List<CostDistribution> c = new ArrayList<>(classes);
        int k = c.indexOf(cost);
        if (k < 0) {
            c.add(Objects.requireNonNull(cost, "cost"));
            k = c.size() - 1;
        }
        int[] cls = classOf.clone();
        cls[index] = k;
        return new SimulatedInput(records.clone(), cls, c);
    }

    public int partitions() {
        return records.length;
    }

    public long records(int partition) {
        return records[partition];
    }

    public CostDistribution cost(int partition) {
        return classes.get(classOf[partition]);
    }

    public long totalRecords() {
        return Arrays.stream(records).sum();
    }

    /** Records in the largest partition ÷ all records (1/partitions when empty). */
    public double largestPartitionShare() {
        long total = totalRecords();
        if (total == 0) {
            return 1.0 / records.length;
        }
        return (double) Arrays.stream(records).max().orElse(0) / total;
    }

    /** Mean per-record cost over all records. */
    public double meanCost() {
        double total = 0;
        long n = 0;
        for (int i = 0; i < records.length; i++) {
            total += records[i] * cost(i).mean();
            n += records[i];
        }
        return n == 0 ? cost(0).mean() : total / n;
    }

    int classCount() {
        return classes.size();
    }

    CostDistribution costClass(int k) {
        return classes.get(k);
    }

    int classOf(int partition) {
        return classOf[partition];
    }
}
