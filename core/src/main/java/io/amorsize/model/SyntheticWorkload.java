package io.amorsize.model;

import io.amorsize.Action;
import io.amorsize.measure.CostProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A synthetic job for the {@link Simulator}: an input with known cost distributions, a cluster,
 * and the record size. {@link #sampleProfile} draws what a measurement would see, so the optimizer
 * is judged on sampled profiles, not on the true parameters.
 *
 * @param name          short name for reports
 * @param input         current partitions and their record costs
 * @param slots         task slots
 * @param overheadNanos per-task overhead
 * @param memoryPerSlotBytes memory per slot
 * @param recordBytes   serialized bytes per record (shuffle cost, memory)
 * @param cores         CPU cores serving the slots ({@code >= slots}: no contention)
 * @param cpuShare      share of the function's time spent on the CPU, in [0, 1] (what a
 *                      measurement reports as CPU ÷ wall time)
 */
public record SyntheticWorkload(
        String name,
        SimulatedInput input,
        int slots,
        double overheadNanos,
        long memoryPerSlotBytes,
        double recordBytes,
        int cores,
        double cpuShare) {

    private static final long GIB = 1L << 30;
    /** Functions cheaper than this are timed in groups of calls (as the Measurer does). */
    private static final double GROUP_THRESHOLD_NANOS = 2_000;

    private static final double GROUP_TARGET_NANOS = 10_000;

    public SyntheticWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, got " + cores);
        }
        if (!(cpuShare >= 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("cpuShare must be in [0, 1], got " + cpuShare);
        }
    }

    /** A CPU-bound job with a core per slot. */
    public SyntheticWorkload(
            String name,
            SimulatedInput input,
            int slots,
            double overheadNanos,
            long memoryPerSlotBytes,
            double recordBytes) {
        this(name, input, slots, overheadNanos, memoryPerSlotBytes, recordBytes, slots, 1.0);
    }

    public ClusterShape cluster() {
        return new ClusterShape("sim", "1", slots, memoryPerSlotBytes, overheadNanos, cores);
    }

    /** A copy on {@code cores} cores whose function spends {@code cpuShare} of its time on the CPU. */
    public SyntheticWorkload onCores(int cores, double cpuShare) {
        return new SyntheticWorkload(
                name, input, slots, overheadNanos, memoryPerSlotBytes, recordBytes, cores, cpuShare);
    }

    /** Mean simulated makespan of {@code action} to {@code partitions} on this workload's slots and cores. */
    public double meanMakespan(Simulator sim, Action action, int partitions, long seed, int runs) {
        return sim.meanMakespan(input, slots, cores, cpuShare, overheadNanos, action, partitions, seed, runs);
    }

    /** The workload as an engine adapter would describe it (exact count, largest partition share). */
    public Workload workload() {
        return Workload.exact(input.totalRecords(), input.partitions()).withLargestShare(input.largestPartitionShare());
    }

    /** A copy with every partition's record count scaled by {@code factor} (same costs per record). */
    public SyntheticWorkload scaled(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("factor must be finite and > 0, got " + factor);
        }
        // Floor each partition, then hand out the remainder so the total is round(total × factor).
        long[] r = new long[input.partitions()];
        long target = Math.round(input.totalRecords() * factor);
        long assigned = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] = (long) Math.floor(input.records(i) * factor);
            assigned += r[i];
        }
        for (int i = 0; assigned < target; i = (i + 1) % r.length) {
            r[i]++;
            assigned++;
        }
        SimulatedInput s = SimulatedInput.sized(r, input.cost(0));
        for (int i = 0; i < r.length; i++) {
            if (!input.cost(i).equals(input.cost(0))) {
                s = s.withPartitionCost(i, input.cost(i));
            }
        }
        return new SyntheticWorkload(name, s, slots, overheadNanos, memoryPerSlotBytes, recordBytes, cores, cpuShare);
    }

    public Simulator simulator() {
        return Simulator.withDefaultShuffle(recordBytes);
    }

    /**
     * The profile a measurement would produce: up to {@code sampleRecords} records drawn evenly from
     * {@code samplePartitions} randomly chosen partitions; records cheaper than 2 µs timed in groups
     * of ~10 µs (quantiles then describe group means); partition skew = the most expensive
     * partition's mean (timings capped at the overall p99) ÷ the overall mean; CPU time per record =
     * {@link #cpuShare()} × the mean.
     */
    public CostProfile sampleProfile(SplittableRandom rng, int sampleRecords, int samplePartitions) {
        int p0 = input.partitions();
        int m = Math.min(p0, samplePartitions);
        int[] chosen = pick(p0, m, rng);
        List<double[]> perPartition = new ArrayList<>();
        int count = 0;
        for (int idx : chosen) {
            long available = input.records(idx);
            int take = (int) Math.min(available, Math.max(1, sampleRecords / m));
            double[] costs = new double[take];
            for (int i = 0; i < take; i++) {
                costs[i] = input.cost(idx).sample(rng);
            }
            if (take > 0) {
                perPartition.add(costs);
                count += take;
            }
        }
        if (count == 0) {
            double mean = Math.max(1, input.meanCost());
            CostProfile p = CostProfile.of(mean, 0, recordBytes, recordBytes);
            return CostProfile.perRecord(p.sample(), p.timing(), CostProfile.Resources.cpu(cpuShare * mean), p.sizes());
        }
        double roughMean =
                perPartition.stream().flatMapToDouble(Arrays::stream).average().orElse(1);
        int group =
                roughMean < GROUP_THRESHOLD_NANOS ? (int) Math.min(4096, Math.ceil(GROUP_TARGET_NANOS / roughMean)) : 1;
        List<double[]> timed = new ArrayList<>();
        for (double[] costs : perPartition) {
            int units = Math.max(1, costs.length / group);
            double[] t = new double[units];
            for (int u = 0; u < units; u++) {
                double s = 0;
                int from = u * group;
                int to = Math.min(costs.length, from + group);
                if (to <= from) {
                    to = Math.min(costs.length, from + 1);
                }
                for (int i = from; i < to; i++) {
                    s += costs[i];
                }
                t[u] = s / Math.max(1, to - from);
            }
            timed.add(t);
        }
        double[] all = timed.stream().flatMapToDouble(Arrays::stream).toArray();
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(all).average().orElse(1);
        double var = Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum() / all.length;
        double p99 = q(sorted, 0.99);
        double worst = 0;
        for (double[] t : timed) {
            double s = 0;
            for (double v : t) {
                s += Math.min(v, p99);
            }
            worst = Math.max(worst, s / t.length);
        }
        double cappedMean =
                Arrays.stream(all).map(v -> Math.min(v, p99)).average().orElse(mean);
        double skew = timed.size() <= 1 ? 1.0 : Math.max(1.0, worst / cappedMean);
        double safeMean = Math.max(mean, 1e-3);
        CostProfile.Timing timing = new CostProfile.Timing(
                safeMean, q(sorted, 0.5), q(sorted, 0.95), p99, sorted[sorted.length - 1], Math.sqrt(var) / safeMean);
        return CostProfile.perRecord(
                new CostProfile.Sample(count, true, skew),
                timing,
                CostProfile.Resources.cpu(cpuShare * safeMean),
                CostProfile.Sizes.both(recordBytes));
    }

    private static double q(double[] sorted, double level) {
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(level * sorted.length) - 1));
        return sorted[i];
    }

    private static int[] pick(int n, int m, SplittableRandom rng) {
        if (m >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[m];
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int k = 0;
        while (k < m) {
            int v = rng.nextInt(n);
            if (seen.add(v)) {
                out[k++] = v;
            }
        }
        return out;
    }

    /**
     * The benchmark suite: 19 workloads spanning 8 to 10,000 slots and 10³ to 10¹⁰ records —
     * cheap and expensive, uniform, bimodal and heavy-tailed, skew clustered in one input partition
     * and in one oversized partition, tiny partitions, a memory-bound input, already-right
     * partitioning; and five with twice as many slots as cores ({@link #slotsOverCores()}).
     * Per-task overhead 5 ms unless noted (a real cluster's order of magnitude).
     */
    public static List<SyntheticWorkload> suite() {
        double ms = 1e6;
        double us = 1e3;
        List<SyntheticWorkload> s = new ArrayList<>();
        s.add(new SyntheticWorkload(
                "tiny-partitions-cheap",
                SimulatedInput.even(1_000_000, 10_000, CostDistribution.uniform(0.5 * us, 1.5 * us)),
                8,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "one-partition-expensive",
                SimulatedInput.even(10_000, 1, CostDistribution.uniform(8 * ms, 12 * ms)),
                64,
                5 * ms,
                2 * GIB,
                200));
        s.add(new SyntheticWorkload(
                "already-right",
                SimulatedInput.even(100_000_000, 256, CostDistribution.uniform(40 * us, 60 * us)),
                256,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "heavy-tail-lognormal",
                SimulatedInput.even(10_000_000, 16, CostDistribution.lognormal(20 * us, 2.0)),
                128,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "bimodal-1pct-100x",
                SimulatedInput.even(100_000, 4, CostDistribution.bimodal(100 * us, 10 * ms, 0.01)),
                32,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "hot-input-partition",
                SimulatedInput.even(1_000_000, 4, CostDistribution.uniform(15 * us, 25 * us))
                        .withPartitionCost(2, CostDistribution.uniform(1.5 * ms, 2.5 * ms)),
                16,
                5 * ms,
                2 * GIB,
                100));
        long[] lopsided = new long[16];
        Arrays.fill(lopsided, 500_000 / 15);
        lopsided[0] = 500_000;
        lopsided[1] += 500_000 - 15 * (500_000 / 15); // 1,000,000 records in all
        s.add(new SyntheticWorkload(
                "one-oversized-partition",
                SimulatedInput.sized(lopsided, CostDistribution.uniform(5 * us, 15 * us)),
                16,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "1e10-cheap-10k-slots",
                SimulatedInput.even(10_000_000_000L, 2_000, CostDistribution.uniform(100, 300)),
                10_000,
                5 * ms,
                4 * GIB,
                50));
        s.add(new SyntheticWorkload(
                "1e10-lognormal-ragged-wave",
                SimulatedInput.even(10_000_000_000L, 12_000, CostDistribution.lognormal(1 * us, 1.0)),
                10_000,
                5 * ms,
                4 * GIB,
                50));
        s.add(new SyntheticWorkload(
                "1e3-records-10k-slots",
                SimulatedInput.even(1_000, 1, CostDistribution.uniform(0.5 * ms, 1.5 * ms)),
                10_000,
                5 * ms,
                4 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "1e3-cheap-keep",
                SimulatedInput.even(1_000, 8, CostDistribution.uniform(1 * us, 3 * us)),
                8,
                5 * ms,
                2 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "1e9-lognormal-1k-slots",
                SimulatedInput.even(1_000_000_000L, 200, CostDistribution.lognormal(5 * us, 1.0)),
                1_000,
                5 * ms,
                4 * GIB,
                100));
        s.add(new SyntheticWorkload(
                "memory-bound-10KB-records",
                SimulatedInput.even(100_000_000, 100, CostDistribution.uniform(5 * us, 15 * us)),
                100,
                5 * ms,
                4 * GIB,
                10_000));
        s.add(new SyntheticWorkload(
                "hot-partition-1k-slots",
                SimulatedInput.even(10_000_000, 4, CostDistribution.lognormal(10 * us, 0.5))
                        .withPartitionCost(0, CostDistribution.lognormal(500 * us, 0.5)),
                1_000,
                5 * ms,
                4 * GIB,
                100));
        s.addAll(slotsOverCores());
        return s;
    }

    /**
     * Workloads with slots = 2 × cores (a Flink task manager with more slots than cores, Spark
     * {@code local[8]} on 4 cores): CPU-bound, I/O-bound (5 % CPU) and mixed (50 % CPU) functions
     * of ~1 ms per record from one input partition; a CPU-bound one already spread over every slot
     * (the cores, not the slots, bound its speed-up); and a cheap function whose 8 partitions buy
     * nothing over fewer.
     */
    public static List<SyntheticWorkload> slotsOverCores() {
        double ms = 1e6;
        double us = 1e3;
        CostDistribution oneMs = CostDistribution.uniform(0.5 * ms, 1.5 * ms);
        List<SyntheticWorkload> s = new ArrayList<>();
        s.add(new SyntheticWorkload(
                "cpu-bound-8-slots-4-cores", SimulatedInput.even(20_000, 1, oneMs), 8, 5 * ms, 2 * GIB, 100, 4, 1.0));
        s.add(new SyntheticWorkload(
                "io-bound-8-slots-4-cores", SimulatedInput.even(20_000, 1, oneMs), 8, 5 * ms, 2 * GIB, 100, 4, 0.05));
        s.add(new SyntheticWorkload(
                "mixed-8-slots-4-cores", SimulatedInput.even(20_000, 1, oneMs), 8, 5 * ms, 2 * GIB, 100, 4, 0.5));
        s.add(new SyntheticWorkload(
                "cpu-bound-spread-8-slots-4-cores",
                SimulatedInput.even(20_000, 8, oneMs),
                8,
                5 * ms,
                2 * GIB,
                100,
                4,
                1.0));
        s.add(new SyntheticWorkload(
                "cheap-8-partitions-8-slots-4-cores",
                SimulatedInput.even(1_000, 8, CostDistribution.uniform(0.05 * us, 0.15 * us)),
                8,
                5 * ms,
                2 * GIB,
                100,
                4,
                1.0));
        return s;
    }
}
