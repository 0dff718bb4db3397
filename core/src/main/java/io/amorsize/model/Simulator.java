package io.amorsize.model;

import io.amorsize.Action;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Discrete-event simulation of one stage, the ground truth for the {@link CostModel}: it uses none
 * of the model's formulas. Each task's duration is the per-task overhead plus the sum of its
 * records' costs drawn from their {@link CostDistribution}s (per-task sums drawn directly, so 10¹⁰
 * records cost no more than 10³); tasks are launched in partition-index order, each on the slot
 * that frees first, as Spark and Flink batch schedulers do; the makespan is when the last one ends.
 *
 * <ul>
 *   <li>KEEP: one task per current partition.</li>
 *   <li>COALESCE(P): task i takes current partitions [i·P0/P, (i+1)·P0/P) (Spark's coalescer
 *       without locality preferences).</li>
 *   <li>REPARTITION(P): the current partitions first write their records to the shuffle (a stage
 *       of P0 tasks); then each of P tasks reads its round-robin share of every cost class and runs
 *       the function. Shuffle cost per record = bytes ÷ throughput + a constant, half written,
 *       half read.</li>
 * </ul>
 * Stateless; pass a seeded {@link SplittableRandom} for reproducible runs.
 */
public final class Simulator {

    private final double shuffleWriteNanos;
    private final double shuffleReadNanos;

    /**
     * @param shuffleBytesPerSecond bytes per second one slot shuffles
     * @param shuffleRecordNanos    fixed shuffle cost per record (write + read)
     * @param recordBytes           serialized bytes per record
     */
    public Simulator(double shuffleBytesPerSecond, double shuffleRecordNanos, double recordBytes) {
        if (!(shuffleBytesPerSecond > 0) || !(shuffleRecordNanos >= 0) || !(recordBytes >= 0)) {
            throw new IllegalArgumentException("shuffle throughput must be > 0, costs and bytes >= 0");
        }
        double perRecord = recordBytes / shuffleBytesPerSecond * 1e9 + shuffleRecordNanos;
        this.shuffleWriteNanos = perRecord / 2;
        this.shuffleReadNanos = perRecord / 2;
    }

    /** A simulator whose shuffle costs what the default {@link CostModel} assumes. */
    public static Simulator withDefaultShuffle(double recordBytes) {
        return new Simulator(CostModel.DEFAULT_SHUFFLE_BYTES_PER_SECOND, CostModel.DEFAULT_SHUFFLE_RECORD_NANOS,
                recordBytes);
    }

    /**
     * One simulated run: the stage's makespan in nanoseconds.
     *
     * @param input      the current partitions and their record costs
     * @param slots      concurrent task slots
     * @param overhead   per-task overhead, nanoseconds
     * @param action     how {@code partitions} is reached
     * @param partitions task count after the action (KEEP: must equal the current count)
     */
    public double makespan(SimulatedInput input, int slots, double overhead, Action action, int partitions,
                           SplittableRandom rng) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(rng, "rng");
        if (slots < 1 || partitions < 1 || !(overhead >= 0)) {
            throw new IllegalArgumentException("slots and partitions must be >= 1, overhead >= 0");
        }
        int p0 = input.partitions();
        switch (action) {
            case KEEP -> {
                if (partitions != p0) {
                    throw new IllegalArgumentException("KEEP means " + p0 + " partitions, got " + partitions);
                }
                double[] d = new double[p0];
                for (int i = 0; i < p0; i++) {
                    d[i] = overhead + input.cost(i).sum(input.records(i), rng);
                }
                return listSchedule(d, slots);
            }
            case COALESCE -> {
                if (partitions >= p0) {
                    throw new IllegalArgumentException("COALESCE needs fewer than " + p0 + " partitions, got " + partitions);
                }
                int classes = input.classCount();
                long[][] prefix = new long[classes][p0 + 1];
                for (int i = 0; i < p0; i++) {
                    for (int c = 0; c < classes; c++) {
                        prefix[c][i + 1] = prefix[c][i] + (input.classOf(i) == c ? input.records(i) : 0);
                    }
                }
                double[] d = new double[partitions];
                for (int g = 0; g < partitions; g++) {
                    int from = (int) ((long) g * p0 / partitions);
                    int to = (int) ((long) (g + 1) * p0 / partitions);
                    double t = overhead;
                    for (int c = 0; c < classes; c++) {
                        t += input.costClass(c).sum(prefix[c][to] - prefix[c][from], rng);
                    }
                    d[g] = t;
                }
                return listSchedule(d, slots);
            }
            case REPARTITION -> {
                double[] map = new double[p0];
                for (int i = 0; i < p0; i++) {
                    map[i] = overhead + input.records(i) * shuffleWriteNanos;
                }
                double mapStage = listSchedule(map, slots);
                int classes = input.classCount();
                long[] classRecords = new long[classes];
                for (int i = 0; i < p0; i++) {
                    classRecords[input.classOf(i)] += input.records(i);
                }
                int[] offset = new int[classes];
                for (int c = 0; c < classes; c++) {
                    offset[c] = rng.nextInt(partitions);
                }
                double[] d = new double[partitions];
                for (int j = 0; j < partitions; j++) {
                    double t = overhead;
                    for (int c = 0; c < classes; c++) {
                        long r = classRecords[c];
                        long rem = r % partitions;
                        int pos = (j - offset[c] + partitions) % partitions;
                        long n = r / partitions + (pos < rem ? 1 : 0);
                        t += input.costClass(c).sum(n, rng) + n * shuffleReadNanos;
                    }
                    d[j] = t;
                }
                return mapStage + listSchedule(d, slots);
            }
            default -> throw new IllegalStateException(action.toString());
        }
    }

    /** Mean makespan over {@code runs} runs with seeds {@code seed, seed+1, ...} (common random numbers). */
    public double meanMakespan(SimulatedInput input, int slots, double overhead, Action action, int partitions,
                               long seed, int runs) {
        double s = 0;
        for (int r = 0; r < runs; r++) {
            s += makespan(input, slots, overhead, action, partitions, new SplittableRandom(seed + r));
        }
        return s / runs;
    }

    /**
     * Greedy list scheduling: tasks in index order, each to the slot that frees first.
     *
     * @return the time the last task ends
     */
    static double listSchedule(double[] durations, int slots) {
        int n = durations.length;
        if (n == 0) {
            return 0;
        }
        if (n <= slots) {
            double max = 0;
            for (double d : durations) {
                max = Math.max(max, d);
            }
            return max;
        }
        // Binary min-heap of slot free times.
        double[] heap = new double[slots];
        int size = slots;
        double end = 0;
        for (double d : durations) {
            double free = heap[0];
            double done = free + d;
            end = Math.max(end, done);
            // Replace the root and sift down.
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    break;
                }
                int r = l + 1;
                int m = (r < size && heap[r] < heap[l]) ? r : l;
                if (heap[m] >= done) {
                    break;
                }
                heap[i] = heap[m];
                i = m;
            }
            heap[i] = done;
        }
        return end;
    }
}
