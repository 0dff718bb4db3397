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
 * <p><b>Cores.</b> When fewer cores than concurrently running tasks serve the stage, each task's
 * function work is played out as {@value #BURSTS} alternating CPU bursts and waits (the CPU share
 * of the work in bursts, the rest in waits; burst lengths drawn at random, totals exact, each task
 * starting with a burst or a wait at random). Waits run at full speed; the cores are shared equally
 * by the tasks in a CPU burst (processor sharing). Per-task overhead and shuffle reads run at full
 * speed before the function. With enough cores this is the plain list schedule above.
 * Stateless; pass a seeded {@link SplittableRandom} for reproducible runs.
 */
public final class Simulator {

    /** CPU bursts (and as many waits) one task's function work is split into when cores are short. */
    static final int BURSTS = 16;

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
        return new Simulator(
                CostModel.DEFAULT_SHUFFLE_BYTES_PER_SECOND, CostModel.DEFAULT_SHUFFLE_RECORD_NANOS, recordBytes);
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
    public double makespan(
            SimulatedInput input, int slots, double overhead, Action action, int partitions, SplittableRandom rng) {
        return makespan(input, slots, slots, 1.0, overhead, action, partitions, rng);
    }

    /**
     * One simulated run on {@code cores} CPU cores shared by the {@code slots} slots.
     *
     * @param cores    CPU cores serving all slots (>= 1); {@code >= slots} means no contention
     * @param cpuShare share of the function's time spent on the CPU, in [0, 1]
     */
    public double makespan(
            SimulatedInput input,
            int slots,
            int cores,
            double cpuShare,
            double overhead,
            Action action,
            int partitions,
            SplittableRandom rng) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(rng, "rng");
        if (slots < 1 || partitions < 1 || !(overhead >= 0)) {
            throw new IllegalArgumentException("slots and partitions must be >= 1, overhead >= 0");
        }
        if (cores < 1 || !(cpuShare >= 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("cores must be >= 1 and cpuShare in [0, 1]");
        }
        Stage stage = new Stage(slots, cores, cpuShare, rng);
        int p0 = input.partitions();
        switch (action) {
            case KEEP -> {
                if (partitions != p0) {
                    throw new IllegalArgumentException("KEEP means " + p0 + " partitions, got " + partitions);
                }
                double[] fixed = new double[p0];
                double[] work = new double[p0];
                for (int i = 0; i < p0; i++) {
                    fixed[i] = overhead;
                    work[i] = input.cost(i).sum(input.records(i), rng);
                }
                return stage.run(fixed, work);
            }
            case COALESCE -> {
                if (partitions >= p0) {
                    throw new IllegalArgumentException(
                            "COALESCE needs fewer than " + p0 + " partitions, got " + partitions);
                }
                int classes = input.classCount();
                long[][] prefix = new long[classes][p0 + 1];
                for (int i = 0; i < p0; i++) {
                    for (int c = 0; c < classes; c++) {
                        prefix[c][i + 1] = prefix[c][i] + (input.classOf(i) == c ? input.records(i) : 0);
                    }
                }
                double[] fixed = new double[partitions];
                double[] work = new double[partitions];
                for (int g = 0; g < partitions; g++) {
                    int from = (int) ((long) g * p0 / partitions);
                    int to = (int) ((long) (g + 1) * p0 / partitions);
                    double t = 0;
                    for (int c = 0; c < classes; c++) {
                        t += input.costClass(c).sum(prefix[c][to] - prefix[c][from], rng);
                    }
                    fixed[g] = overhead;
                    work[g] = t;
                }
                return stage.run(fixed, work);
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
                double[] fixed = new double[partitions];
                double[] work = new double[partitions];
                for (int j = 0; j < partitions; j++) {
                    double t = 0;
                    double read = overhead;
                    for (int c = 0; c < classes; c++) {
                        long r = classRecords[c];
                        long rem = r % partitions;
                        int pos = (j - offset[c] + partitions) % partitions;
                        long n = r / partitions + (pos < rem ? 1 : 0);
                        t += input.costClass(c).sum(n, rng);
                        read += n * shuffleReadNanos;
                    }
                    fixed[j] = read;
                    work[j] = t;
                }
                return mapStage + stage.run(fixed, work);
            }
            default -> throw new IllegalStateException(action.toString());
        }
    }

    /** Mean makespan over {@code runs} runs with seeds {@code seed, seed+1, ...} (common random numbers). */
    public double meanMakespan(
            SimulatedInput input, int slots, double overhead, Action action, int partitions, long seed, int runs) {
        return meanMakespan(input, slots, slots, 1.0, overhead, action, partitions, seed, runs);
    }

    /** {@link #meanMakespan(SimulatedInput, int, double, Action, int, long, int)} on {@code cores} cores. */
    public double meanMakespan(
            SimulatedInput input,
            int slots,
            int cores,
            double cpuShare,
            double overhead,
            Action action,
            int partitions,
            long seed,
            int runs) {
        double s = 0;
        for (int r = 0; r < runs; r++) {
            s += makespan(input, slots, cores, cpuShare, overhead, action, partitions, new SplittableRandom(seed + r));
        }
        return s / runs;
    }

    /** The slots and cores of one stage, and how its tasks are played out. */
    private record Stage(int slots, int cores, double cpuShare, SplittableRandom rng) {

        /** Makespan of tasks with {@code fixed} full-speed time then {@code work} of the function. */
        double run(double[] fixed, double[] work) {
            if (cores >= Math.min(slots, work.length) || cpuShare <= 0) {
                double[] d = new double[work.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = fixed[i] + work[i];
                }
                return listSchedule(d, slots);
            }
            return sharedCores(fixed, work, slots, cores, cpuShare, rng);
        }
    }

    /**
     * Event-driven schedule of tasks in index order on {@code slots} slots whose CPU bursts share
     * {@code cores} cores (processor sharing); see the class comment.
     */
    static double sharedCores(
            double[] fixed, double[] work, int slots, int cores, double cpuShare, SplittableRandom rng) {
        int n = work.length;
        // Per running slot: the task's phases (fixed, then alternating burst/wait) and progress.
        double[][] phases = new double[slots][];
        boolean[][] onCpu = new boolean[slots][];
        int[] phase = new int[slots];
        double[] left = new double[slots];
        boolean[] busy = new boolean[slots];
        int next = 0;
        int running = 0;
        double now = 0;
        while (next < n || running > 0) {
            // Launch tasks on free slots (index order).
            for (int s = 0; s < slots && next < n; s++) {
                if (!busy[s]) {
                    int total = 1 + 2 * BURSTS;
                    double[] ph = new double[total];
                    boolean[] cpu = new boolean[total];
                    ph[0] = fixed[next];
                    double[] burst = split(work[next] * cpuShare, rng);
                    double[] wait = split(work[next] * (1 - cpuShare), rng);
                    boolean cpuFirst = rng.nextBoolean();
                    for (int k = 0; k < BURSTS; k++) {
                        int a = 1 + 2 * k;
                        ph[a] = cpuFirst ? burst[k] : wait[k];
                        cpu[a] = cpuFirst;
                        ph[a + 1] = cpuFirst ? wait[k] : burst[k];
                        cpu[a + 1] = !cpuFirst;
                    }
                    phases[s] = ph;
                    onCpu[s] = cpu;
                    phase[s] = 0;
                    left[s] = ph[0];
                    busy[s] = true;
                    running++;
                    next++;
                }
            }
            // Skip finished phases (zero length) before timing the next event.
            boolean advanced = false;
            for (int s = 0; s < slots; s++) {
                while (busy[s] && left[s] <= 0) {
                    phase[s]++;
                    if (phase[s] >= phases[s].length) {
                        busy[s] = false;
                        running--;
                        advanced = true;
                    } else {
                        left[s] = phases[s][phase[s]];
                    }
                }
            }
            if (advanced) {
                continue; // a slot freed: launch before timing
            }
            if (running == 0) {
                break;
            }
            int inCpu = 0;
            for (int s = 0; s < slots; s++) {
                if (busy[s] && onCpu[s][phase[s]]) {
                    inCpu++;
                }
            }
            double cpuRate = inCpu <= cores ? 1.0 : (double) cores / inCpu;
            double dt = Double.POSITIVE_INFINITY;
            for (int s = 0; s < slots; s++) {
                if (busy[s]) {
                    double rate = onCpu[s][phase[s]] ? cpuRate : 1.0;
                    dt = Math.min(dt, left[s] / rate);
                }
            }
            now += dt;
            for (int s = 0; s < slots; s++) {
                if (busy[s]) {
                    double rate = onCpu[s][phase[s]] ? cpuRate : 1.0;
                    double l = left[s] - dt * rate;
                    left[s] = l <= 1e-9 * Math.max(1.0, phases[s][phase[s]]) ? 0 : l;
                }
            }
        }
        return now;
    }

    /** {@code total} split into {@value #BURSTS} parts of random (exponential) relative length. */
    private static double[] split(double total, SplittableRandom rng) {
        double[] parts = new double[BURSTS];
        double sum = 0;
        for (int k = 0; k < BURSTS; k++) {
            parts[k] = -Math.log(1 - rng.nextDouble());
            sum += parts[k];
        }
        for (int k = 0; k < BURSTS; k++) {
            parts[k] = sum > 0 ? total * parts[k] / sum : total / BURSTS;
        }
        return parts;
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
