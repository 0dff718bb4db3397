package io.amorsize.model;

import io.amorsize.Action;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import java.util.Objects;

/**
 * Predicts the makespan of one stage that applies the measured function to a workload on a cluster,
 * for a given partition count and {@link Action}. Pure arithmetic, O(1) per prediction.
 *
 * <p>What it accounts for:
 * <ul>
 *   <li><b>Waves.</b> Tasks are launched in index order as slots free up (Spark, Flink batch). With
 *       P equal tasks on C slots the stage takes ceil(P/C) waves of (task work + per-task overhead):
 *       a ragged last wave costs a whole wave.</li>
 *   <li><b>Clustered skew.</b> KEEP and COALESCE keep the current partitions: the largest one
 *       ({@link Workload#largestPartitionShare()}) and the most expensive one
 *       ({@link CostProfile#partitionSkew()}) are assumed to coincide in one heavy task; COALESCE
 *       merges neighbouring partitions and so adds regular work to it. The other slots keep
 *       working while the heavy task runs.</li>
 *   <li><b>Stragglers.</b> A task of n records with per-record standard deviation σ spreads by
 *       σ√n; the slowest of the m tasks in the last wave sits at the expected maximum of m normals
 *       above the mean. For heavy tails the task that holds the largest record of the last wave
 *       (a quantile interpolated from p50/p95/p99/max) is used when that is larger.</li>
 *   <li><b>Shuffle.</b> REPARTITION spreads everything round-robin but pays, per record, input
 *       bytes ÷ shuffle throughput plus a constant, half written by the current tasks (a stage of
 *       its own) and half read by the new ones.</li>
 *   <li><b>Memory.</b> The largest task's records × the record size must fit
 *       {@link Options#MEMORY_FRACTION} of a slot's memory.</li>
 *   <li><b>Batch functions.</b> A task of n records makes ceil(n/b) calls of
 *       {@link BatchFit#callNanos(long)}.</li>
 *   <li><b>Cores vs slots.</b> k concurrent tasks on {@link ClusterShape#cores()} cores: a task
 *       spends the share f = {@link #cpuShare(CostProfile)} of its time on the CPU. CPU-bound work
 *       (f = 1) runs at full speed on at most min(slots, cores) tasks and beyond that each task
 *       slows by k ÷ cores; I/O-bound work (f = 0) uses every slot; in between the slowdown is
 *       that of k tasks alternating CPU bursts and waits on the cores (a finite-source queue,
 *       {@link #cpuSlowdown(CostProfile, ClusterShape, long)}). The function's work in a wave is
 *       stretched by the slowdown of that wave's concurrency; overhead and shuffle are not.</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
public final class CostModel {

    /** Shuffle bytes one slot moves per second (serialize + write + read), when not configured. */
    public static final double DEFAULT_SHUFFLE_BYTES_PER_SECOND = 100e6;
    /** Fixed shuffle cost per record (serializer call, buffer and index bookkeeping), write + read. */
    public static final double DEFAULT_SHUFFLE_RECORD_NANOS = 500;
    /** Serialized size assumed for the shuffle when the profile does not know it. */
    public static final double UNKNOWN_RECORD_BYTES = 100;
    /** Tasks whose predicted work differs by less than this are treated as equal. */
    private static final double EQUAL_TASKS = 1.02;

    private final double shuffleBytesPerSecond;
    private final double shuffleRecordNanos;
    private final double memoryFraction;
    private final int samplePartitions;

    /**
     * @param shuffleBytesPerSecond bytes per second one slot shuffles (> 0)
     * @param shuffleRecordNanos    fixed shuffle cost per record, write + read (>= 0)
     * @param memoryFraction        share of a slot's memory one task's records may use, in (0, 1]
     */
    public CostModel(double shuffleBytesPerSecond, double shuffleRecordNanos, double memoryFraction) {
        this(shuffleBytesPerSecond, shuffleRecordNanos, memoryFraction, Options.SAMPLE_PARTITIONS.defaultValue());
    }

    /**
     * @param samplePartitions how many input partitions a measurement samples
     *                         ({@link Options#SAMPLE_PARTITIONS}): the partition skew of a profile
     *                         is discounted by what sampling noise alone would show among them
     */
    public CostModel(
            double shuffleBytesPerSecond, double shuffleRecordNanos, double memoryFraction, int samplePartitions) {
        if (samplePartitions < 1) {
            throw new IllegalArgumentException("samplePartitions must be >= 1, got " + samplePartitions);
        }
        this.samplePartitions = samplePartitions;
        if (!(shuffleBytesPerSecond > 0) || !Double.isFinite(shuffleBytesPerSecond)) {
            throw new IllegalArgumentException(
                    "shuffleBytesPerSecond must be finite and > 0, got " + shuffleBytesPerSecond);
        }
        if (!(shuffleRecordNanos >= 0) || !Double.isFinite(shuffleRecordNanos)) {
            throw new IllegalArgumentException("shuffleRecordNanos must be finite and >= 0, got " + shuffleRecordNanos);
        }
        if (!(memoryFraction > 0 && memoryFraction <= 1)) {
            throw new IllegalArgumentException("memoryFraction must be in (0, 1], got " + memoryFraction);
        }
        this.shuffleBytesPerSecond = shuffleBytesPerSecond;
        this.shuffleRecordNanos = shuffleRecordNanos;
        this.memoryFraction = memoryFraction;
    }

    /** The model with {@link Options#SHUFFLE_THROUGHPUT} and {@link Options#MEMORY_FRACTION} from {@code settings}. */
    public static CostModel from(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        double fraction = Math.min(1.0, Math.max(1e-6, settings.get(Options.MEMORY_FRACTION)));
        return new CostModel(
                settings.get(Options.SHUFFLE_THROUGHPUT),
                DEFAULT_SHUFFLE_RECORD_NANOS,
                fraction,
                settings.get(Options.SAMPLE_PARTITIONS));
    }

    public double memoryFraction() {
        return memoryFraction;
    }

    /** Shuffle cost of one record (write + read), nanoseconds. */
    public double shuffleNanosPerRecord(CostProfile profile) {
        double bytes = profile.inputBytes() > 0 ? profile.inputBytes() : UNKNOWN_RECORD_BYTES;
        return bytes / shuffleBytesPerSecond * 1e9 + shuffleRecordNanos;
    }

    /**
     * Estimated in-memory bytes per record: the larger of the serialized input and output sizes, or
     * the allocation per record when neither is known; -1 when nothing is known.
     */
    public static double recordBytes(CostProfile profile) {
        double b = Math.max(profile.inputBytes(), profile.outputBytes());
        if (b > 0) {
            return b;
        }
        return profile.allocatedBytes() > 0 ? profile.allocatedBytes() : -1;
    }

    /** Bytes one task's records may use: {@code memoryFraction × memoryPerSlotBytes}. */
    public double taskMemoryBudget(ClusterShape cluster) {
        return memoryFraction * cluster.memoryPerSlotBytes();
    }

    /**
     * Most records one task may hold in memory (Long.MAX_VALUE when the record size is unknown, 0
     * when not even one record fits).
     */
    public long maxRecordsPerTask(CostProfile profile, ClusterShape cluster) {
        double bytes = recordBytes(profile);
        if (!(bytes > 0)) {
            return Long.MAX_VALUE;
        }
        double n = Math.floor(taskMemoryBudget(cluster) / bytes);
        return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
    }

    /**
     * Fewest evenly filled partitions whose records fit in memory: ceil(N / maxRecordsPerTask), at
     * least 1; {@code records} (one record per task) when not even one record fits.
     */
    public long memoryFloor(CostProfile profile, Workload workload, ClusterShape cluster) {
        long n = workload.records();
        long perTask = maxRecordsPerTask(profile, cluster);
        if (n <= 1) {
            return 1;
        }
        if (perTask <= 0) {
            return n;
        }
        return Math.max(1, ceilDiv(n, perTask));
    }

    /**
     * Predicts the stage's makespan.
     *
     * @param action     KEEP (partitions must equal the current count), COALESCE (fewer than the
     *                   current count) or REPARTITION (any count)
     * @param partitions tasks after the action (>= 1)
     * @param batchSize  records per call for batch functions (>= 1; ignored for per-record functions)
     */
    public Prediction predict(
            CostProfile profile,
            Workload workload,
            ClusterShape cluster,
            Action action,
            int partitions,
            int batchSize) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(action, "action");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        int p0 = workload.currentPartitions();
        if (action == Action.KEEP && partitions != p0) {
            throw new IllegalArgumentException("KEEP means the current " + p0 + " partitions, got " + partitions);
        }
        if (action == Action.COALESCE && partitions >= p0) {
            throw new IllegalArgumentException("COALESCE only reduces partitions (" + p0 + "), got " + partitions);
        }
        if (action == Action.COALESCE && workload.resizeRebalances()) {
            throw new IllegalArgumentException("COALESCE is not available: every change of the partition count "
                    + "rebalances (Workload.resizeRebalances)");
        }
        int b = profile.batchFit() == null ? 1 : batchSize;
        double n = workload.records();
        double o = cluster.perTaskOverheadNanos();
        int slots = cluster.slots();
        long waves = ceilDiv(partitions, slots);
        long lastWave = partitions - (waves - 1) * slots;
        // The function's work slows down when more tasks run at once than the cores serve.
        double slow = cpuSlowdown(profile, cluster, Math.min(partitions, slots));
        double slowLast = cpuSlowdown(profile, cluster, lastWave);

        // Layout of the current partitions: one heavy partition, the rest regular.
        double keepHeavyRecords = p0 == 1 ? n : Math.min(n, Math.max(n / p0, workload.largestPartitionShare() * n));
        double keepHeavyFactor =
                p0 == 1 || keepHeavyRecords <= 0 ? 1.0 : Math.min(clusteredSkew(profile, p0), n / keepHeavyRecords);
        double keepRegularRecords = p0 == 1 ? 0 : (n - keepHeavyRecords) / (p0 - 1);
        double keepRegularFactor = regularFactor(n, keepHeavyRecords, keepHeavyFactor);

        double heavyRecords;
        double heavyFactor;
        double regularRecords;
        double regularFactor;
        double shuffleStage = 0;
        double readPerRecord = 0;
        switch (action) {
            case KEEP -> {
                heavyRecords = keepHeavyRecords;
                heavyFactor = keepHeavyFactor;
                regularRecords = keepRegularRecords;
                regularFactor = keepRegularFactor;
            }
            case COALESCE -> {
                long group = ceilDiv(p0, partitions);
                heavyRecords = Math.min(n, keepHeavyRecords + (group - 1) * keepRegularRecords);
                heavyFactor = heavyRecords <= 0
                        ? 1.0
                        : (keepHeavyRecords * keepHeavyFactor + (heavyRecords - keepHeavyRecords) * keepRegularFactor)
                                / heavyRecords;
                regularRecords = partitions == 1 ? 0 : (n - heavyRecords) / (partitions - 1);
                regularFactor = regularFactor(n, heavyRecords, heavyFactor);
            }
            case REPARTITION -> {
                heavyRecords = Math.ceil(n / partitions);
                heavyFactor = 1.0;
                regularRecords = partitions == 1 ? 0 : (n - heavyRecords) / (partitions - 1);
                regularFactor = 1.0;
                double perRecord = shuffleNanosPerRecord(profile);
                double write = perRecord / 2;
                readPerRecord = perRecord / 2;
                // The current tasks write their records to the shuffle: a stage of its own.
                shuffleStage = schedule(p0, slots, keepHeavyRecords * write + o, keepRegularRecords * write + o);
            }
            default -> throw new IllegalStateException(action.toString());
        }

        double heavyWork = work(profile, heavyRecords, b) * heavyFactor;
        double regularWork = partitions == 1 ? heavyWork : work(profile, regularRecords, b) * regularFactor;
        double heavyFixed = heavyRecords * readPerRecord + o;
        double regularFixed = partitions == 1 ? heavyFixed : regularRecords * readPerRecord + o;
        double heavyTask = heavyWork * slow + heavyFixed;
        double regularTask = regularWork * slow + regularFixed;
        double base;
        double straggler = 0;
        if (partitions == 1 || heavyTask <= regularTask * EQUAL_TASKS) {
            // Equal tasks: whole waves, and the slowest task of the last wave (which may run
            // fewer tasks at once, so slows down less).
            double task = Math.max(heavyTask, regularTask);
            base = slowLast == slow
                    ? waves * task
                    : (waves - 1) * task
                            + Math.max(heavyWork * slowLast + heavyFixed, regularWork * slowLast + regularFixed);
            double recs = Math.max(heavyRecords, regularRecords);
            straggler =
                    straggler(profile, recs, work(profile, recs, b) * Math.max(heavyFactor, regularFactor), lastWave)
                            * slowLast;
        } else {
            // One heavy task among regular ones: it runs while the other slots work through the
            // rest; the stage ends with the later of the heavy task and the regular waves (with
            // their own slowest task).
            double regularStraggler =
                    straggler(profile, regularRecords, work(profile, regularRecords, b) * regularFactor, lastWave)
                            * slow;
            double scheduled = schedule(partitions, slots, heavyTask, regularTask);
            if (scheduled > heavyTask * 1.0001) {
                scheduled += regularStraggler;
            }
            double waveBound = waves * regularTask + regularStraggler;
            base = Math.max(scheduled, waveBound);
            straggler = base - scheduled + (scheduled > heavyTask * 1.0001 ? regularStraggler : 0);
        }
        double bytes = recordBytes(profile);
        double taskBytes = bytes > 0 ? heavyRecords * bytes : -1;
        boolean fits = !(bytes > 0) || taskBytes <= taskMemoryBudget(cluster) || heavyRecords <= 1;
        double shuffle = action == Action.REPARTITION ? shuffleStage + waves * regularRecords * readPerRecord : 0;
        return new Prediction(
                action,
                partitions,
                b,
                shuffleStage + base + straggler,
                waves,
                Math.ceil(heavyRecords),
                regularTask,
                heavyTask,
                straggler,
                shuffle,
                taskBytes,
                fits);
    }

    /**
     * Share of a task's wall time spent on the CPU: the profile's {@link CostProfile#cpuFraction()},
     * or 1 (CPU-bound, the side that does not overcommit the cores) when CPU time was unavailable.
     */
    public static double cpuShare(CostProfile profile) {
        double f = profile.cpuFraction();
        return Double.isNaN(f) ? 1.0 : Math.max(0.0, Math.min(1.0, f));
    }

    /**
     * How many times longer the function's work takes when {@code concurrent} tasks run at once on
     * the cluster's cores than when each has a core to itself (>= 1).
     *
     * <p>Each task alternates CPU bursts (share f of its time) and waits (1 − f); the cores serve
     * the bursts. In the stationary state of that finite-source queue (k tasks, C cores, burst ÷
     * wait ratio ρ = f/(1−f), P(n at the CPU) ∝ k!/(k−n)! · ρⁿ / (n! for n ≤ C, else C!·Cⁿ⁻ᶜ)) the
     * cores complete E[min(n, C)] bursts per burst length where k uncontended tasks would complete
     * k·f: the slowdown is k·f ÷ E[min(n, C)]. It is 1 when k ≤ C or f = 0, and k ÷ C when f = 1.
     */
    public double cpuSlowdown(CostProfile profile, ClusterShape cluster, long concurrent) {
        return slowdown(cpuShare(profile), cluster.cores(), concurrent);
    }

    /** {@link #cpuSlowdown} for CPU share {@code f} of {@code k} tasks on {@code cores} cores. */
    static double slowdown(double f, int cores, long k) {
        if (k <= cores || f <= 0) {
            return 1.0;
        }
        if (f >= 1) {
            return (double) k / cores;
        }
        double rho = f / (1 - f);
        double term = 1;
        double total = 1;
        double busy = 0;
        for (long m = 1; m <= k; m++) {
            term *= (k - m + 1) * rho / Math.min(m, cores);
            total += term;
            busy += term * Math.min(m, cores);
            if (total > 1e250) {
                term /= 1e250;
                total /= 1e250;
                busy /= 1e250;
            }
        }
        double served = busy / total;
        return Math.max(1.0, k * f / served);
    }

    /**
     * The profile's partition skew less what sampling noise alone would show: the expected largest
     * of m partition means of sampleSize/m records each, m = min(current partitions, sampled
     * partitions), is about 1 + cv·E[max of m normals]/√(sampleSize/m) times the mean.
     */
    double clusteredSkew(CostProfile profile, int currentPartitions) {
        double k = profile.partitionSkew();
        int m = Math.min(currentPartitions, samplePartitions);
        if (k <= 1 || m <= 1) {
            return 1.0;
        }
        double perPartition = Math.max(1.0, (double) profile.sampleSize() / m);
        double noise = profile.cv() * Gaussian.expectedMax(m) / Math.sqrt(perPartition);
        return Math.max(1.0, k - noise);
    }

    /** Cost factor of the regular records so that the total stays N × mean. */
    private static double regularFactor(double n, double heavyRecords, double heavyFactor) {
        double rest = n - heavyRecords;
        if (rest <= 0) {
            return 1.0;
        }
        return Math.max(0.0, (n - heavyRecords * heavyFactor) / rest);
    }

    /** Work of a task with {@code records} records (no overhead), nanoseconds. */
    static double work(CostProfile profile, double records, int batchSize) {
        if (records <= 0) {
            return 0;
        }
        BatchFit fit = profile.batchFit();
        if (fit == null) {
            return records * profile.meanNanos();
        }
        return Math.ceil(records / batchSize) * fit.fixedNanos() + records * fit.perRecordNanos();
    }

    /**
     * Makespan of one heavy task (launched first) and {@code tasks − 1} regular tasks on
     * {@code slots} slots: the other slots run regular tasks while the heavy one runs; the heavy
     * task's slot takes regular tasks after it. Minimises over the number k of regular waves:
     * max(k, heavy/regular + max(0, R − (C−1)k)) regular task lengths.
     */
    static double schedule(long tasks, int slots, double heavyTask, double regularTask) {
        if (tasks <= 1) {
            return heavyTask;
        }
        long regular = tasks - 1;
        if (!(regularTask > 0)) {
            return heavyTask;
        }
        if (slots == 1) {
            return heavyTask + regular * regularTask;
        }
        double hf = heavyTask / regularTask;
        double kStar = (hf + regular) / slots;
        long[] ks = {(long) Math.floor(kStar), (long) Math.ceil(kStar), ceilDiv(regular, slots - 1)};
        double best = Double.POSITIVE_INFINITY;
        for (long k : ks) {
            if (k < 0) {
                continue;
            }
            double left = Math.max(0, regular - (double) (slots - 1) * k);
            best = Math.min(best, Math.max(k, hf + left));
        }
        return best * regularTask;
    }

    /**
     * Expected delay of the slowest of {@code tasksInWave} tasks of {@code records} records each
     * beyond the mean task ({@code taskWork}): the CLT spread of the task sums (σ√n × the expected
     * maximum of m normals), plus what the largest record of the wave adds beyond what a normal
     * distribution with the same σ would produce in that many records (zero for light tails; the
     * dominant term for heavy tails with few records per task).
     */
    private static double straggler(CostProfile profile, double records, double taskWork, long tasksInWave) {
        if (records <= 0 || taskWork <= 0 || tasksInWave < 1) {
            return 0;
        }
        double perRecord = taskWork / records;
        double scale = perRecord / profile.meanNanos();
        double sdRecord = profile.cv() * profile.meanNanos();
        double clt = sdRecord * Math.sqrt(records) * Gaussian.expectedMax(tasksInWave);
        double inWave = records * tasksInWave;
        double tailExtra = 0;
        if (inWave >= 1) {
            double largest = quantile(profile, 1 - 1 / (inWave + 1)) - profile.meanNanos();
            double normalLargest = sdRecord * Gaussian.expectedMax(inWave);
            tailExtra = Math.max(0, largest - normalLargest);
        }
        return (clt + tailExtra) * scale;
    }

    /** Most the tail is extrapolated beyond the sample's maximum. */
    private static final double MAX_EXTRAPOLATION = 10;

    /**
     * The per-record cost at quantile {@code level}, interpolated linearly between the profile's
     * p50, p95, p99 and max (the max stands at level 1 − 1/(sampleSize+1), at least 0.995); beyond
     * the max, extrapolated as a lognormal tail (slope from p50, p99 and max; at most 10× the max).
     */
    public static double quantile(CostProfile profile, double level) {
        double maxLevel = Math.max(0.995, 1 - 1.0 / (profile.sampleSize() + 1.0));
        double[] lv = {0.5, 0.95, 0.99, maxLevel};
        double[] v = {profile.p50Nanos(), profile.p95Nanos(), profile.p99Nanos(), profile.maxNanos()};
        for (int i = 1; i < v.length; i++) {
            v[i] = Math.max(v[i], v[i - 1]);
        }
        if (level <= lv[0]) {
            return v[0];
        }
        for (int i = 1; i < lv.length; i++) {
            if (level <= lv[i]) {
                double t = (level - lv[i - 1]) / (lv[i] - lv[i - 1]);
                return v[i - 1] + t * (v[i] - v[i - 1]);
            }
        }
        double max = v[3];
        double p99 = v[2];
        if (!(p99 > 0) || !(max > p99) || level >= 1) {
            return max;
        }
        double zMax = Gaussian.quantile(maxLevel);
        double z99 = Gaussian.quantile(0.99);
        // Log-cost per standard-normal unit: the smaller of the body's (p50 -> p99) and the far
        // tail's (p99 -> max) slope, since the sample's max alone is a noisy witness.
        double slope = Math.log(max / p99) / (zMax - z99);
        if (v[0] > 0) {
            slope = Math.min(slope, Math.log(p99 / v[0]) / z99);
        }
        double factor = Math.exp(slope * (Gaussian.quantile(level) - zMax));
        return max * Math.min(MAX_EXTRAPOLATION, factor);
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
