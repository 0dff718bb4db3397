package io.amorsize.examples;

import io.amorsize.Action;
import io.amorsize.config.Settings;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.CostModel;
import io.amorsize.model.SimulatedInput;
import io.amorsize.model.Simulator;
import io.amorsize.model.SyntheticWorkload;
import io.amorsize.model.Workload;
import io.amorsize.recommend.Decision;
import io.amorsize.recommend.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The simulator benchmark (docs/BENCHMARKS.md, section "Simulator"). For each synthetic workload:
 * draw the profile a measurement would see, let the optimizer decide, and compare the simulated
 * makespan at its choice with the best simulated makespan over a sweep of partition counts and
 * actions. Then the optimizer's decision time at 10,000 slots, and the bucket-reuse check (a
 * profile measured at one record count reused across its cache bucket).
 *
 * <pre>
 * mvn -B -q -DskipTests package exec:java -pl examples/core-examples -am \
 *     -Dexec.mainClass=io.amorsize.examples.SimulatorReport
 * </pre>
 */
public final class SimulatorReport {

    private static final int RUNS = 5;
    private static final long SEED = 20261123L;
    private static final int SAMPLE_RECORDS = 2000;
    private static final int SAMPLE_PARTITIONS = 4;

    private SimulatorReport() {}

    public static void main(String[] args) {
        Settings settings = Settings.defaults();
        Optimizer optimizer = new Optimizer(settings);
        CostModel model = CostModel.from(settings);
        System.out.println("## Simulator: recommended vs best simulated makespan");
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Each makespan is the mean of %d simulated runs (common random numbers); the optimizer sees a"
                        + " profile from %,d sampled records in up to %d partitions.%n%n",
                RUNS,
                SAMPLE_RECORDS,
                SAMPLE_PARTITIONS);
        System.out.println(
                "| workload | slots | cores | CPU | records | P0 | recommended | best in sweep | sim @ rec | sim best | ratio | model/sim |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|");
        double logSum = 0;
        double worst = 0;
        int count = 0;
        long t0 = System.nanoTime();
        for (SyntheticWorkload w : SyntheticWorkload.suite()) {
            Row row = evaluate(w, optimizer, model, SEED);
            logSum += Math.log(row.ratio);
            worst = Math.max(worst, row.ratio);
            count++;
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %.0f %% | %s | %,d | %s %,d | %s %,d | %s | %s | %.3f | %.2f |%n",
                    w.name(),
                    w.slots(),
                    w.cores(),
                    w.cpuShare() * 100,
                    sci(w.input().totalRecords()),
                    w.input().partitions(),
                    row.recAction,
                    row.recP,
                    row.bestAction,
                    row.bestP,
                    time(row.simRec),
                    time(row.simBest),
                    row.ratio,
                    row.modelRec / row.simRec);
        }
        double geo = Math.exp(logSum / count);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Workloads: %d; worst ratio %.3f (target <= 1.10); geometric mean %.3f (target <= 1.03). "
                        + "Simulation took %.1f s.%n",
                count,
                worst,
                geo,
                (System.nanoTime() - t0) / 1e9);
        System.out.println();
        decisionTime(optimizer);
        System.out.println();
        bucketReuse(optimizer, model);
        System.out.println();
        limits(optimizer, model);
    }

    /**
     * Outside the suite and its targets: what happens when the model's inputs are wrong. Shows the
     * size of the error rather than hiding it.
     */
    static void limits(Optimizer optimizer, CostModel model) {
        System.out.println("## Limits: when the optimizer's inputs are wrong (not part of the targets)");
        System.out.println();
        System.out.println("| case | recommended | best in sweep | sim @ rec | sim best | ratio |");
        System.out.println("|---|---|---|---:|---:|---:|");
        double ms = 1e6;
        double us = 1e3;
        // 1. A hot partition among 64: a sample of 4 partitions usually misses it.
        io.amorsize.model.SimulatedInput hot64 = io.amorsize.model.SimulatedInput.even(
                        1_000_000, 64, io.amorsize.model.CostDistribution.uniform(15 * us, 25 * us))
                .withPartitionCost(37, io.amorsize.model.CostDistribution.uniform(1.5 * ms, 2.5 * ms));
        SyntheticWorkload unseen = new SyntheticWorkload(
                "hot partition 1 of 64, sample of 4 partitions", hot64, 16, 5 * ms, 2L << 30, 100);
        limitRow(unseen.name(), unseen, evaluate(unseen, optimizer, model, SEED));
        // 2. The shuffle costs 3x what the model assumes (33 MB/s per slot instead of 100).
        SyntheticWorkload cheap = SyntheticWorkload.suite().stream()
                .filter(x -> x.name().equals("one-oversized-partition"))
                .findFirst()
                .orElseThrow();
        limitRow(
                "one-oversized-partition, shuffle 3x dearer than modelled",
                cheap,
                evaluate(
                        cheap,
                        optimizer,
                        model,
                        SEED,
                        new Simulator(33e6, 1_500, cheap.recordBytes()),
                        cheap.cluster()));
        // 3. The real per-task overhead is 4x the configured default (20 ms, not calibrated).
        SyntheticWorkload tiny = SyntheticWorkload.suite().stream()
                .filter(x -> x.name().equals("1e3-records-10k-slots"))
                .findFirst()
                .orElseThrow();
        SyntheticWorkload tinyReal = new SyntheticWorkload(
                tiny.name(), tiny.input(), tiny.slots(), 20 * ms, tiny.memoryPerSlotBytes(), tiny.recordBytes());
        limitRow(
                "1e3-records-10k-slots, overhead 20 ms but told 5 ms",
                tinyReal,
                evaluate(tinyReal, optimizer, model, SEED, tinyReal.simulator(), tiny.cluster()));
        // 4. By design: the current partitioning is ~14 % slower than the best, under the 1.2x
        //    do-no-harm threshold, so it is kept.
        SyntheticWorkload fourteen = new SyntheticWorkload(
                "14 even partitions on 16 slots (do no harm keeps them)",
                io.amorsize.model.SimulatedInput.even(
                        1_400_000, 14, io.amorsize.model.CostDistribution.uniform(0.9 * ms, 1.1 * ms)),
                16,
                5 * ms,
                2L << 30,
                100);
        limitRow(fourteen.name(), fourteen, evaluate(fourteen, optimizer, model, SEED));
    }

    private static void limitRow(String name, SyntheticWorkload w, Row row) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %s %,d | %s %,d | %s | %s | %.3f |%n",
                name,
                row.recAction,
                row.recP,
                row.bestAction,
                row.bestP,
                time(row.simRec),
                time(row.simBest),
                row.ratio);
    }

    record Row(
            Action recAction,
            int recP,
            Action bestAction,
            int bestP,
            double simRec,
            double simBest,
            double ratio,
            double modelRec) {}

    static Row evaluate(SyntheticWorkload w, Optimizer optimizer, CostModel model, long seed) {
        return evaluate(w, optimizer, model, seed, w.simulator(), w.cluster());
    }

    /**
     * @param sim         the ground truth (may price the shuffle differently from the model)
     * @param seenCluster the cluster as the optimizer is told it (may misstate the overhead)
     */
    static Row evaluate(
            SyntheticWorkload w,
            Optimizer optimizer,
            CostModel model,
            long seed,
            Simulator sim,
            io.amorsize.model.ClusterShape seenCluster) {
        CostProfile profile = w.sampleProfile(new SplittableRandom(seed), SAMPLE_RECORDS, SAMPLE_PARTITIONS);
        Decision d = optimizer.decide(profile, w.workload(), seenCluster, List.of());
        SimulatedInput in = w.input();
        double rec = w.meanMakespan(sim, d.chosen().action(), d.chosen().partitions(), seed, RUNS);
        double best = rec;
        Action bestAction = d.chosen().action();
        int bestP = d.chosen().partitions();
        double budget = model.memoryFraction() * w.memoryPerSlotBytes();
        for (int p : sweep(w)) {
            for (Action a : new Action[] {Action.REPARTITION, Action.COALESCE, Action.KEEP}) {
                if ((a == Action.COALESCE && p >= in.partitions()) || (a == Action.KEEP && p != in.partitions())) {
                    continue;
                }
                if (largestTask(in, a, p) * w.recordBytes() > budget) {
                    continue; // would not fit in memory: not a fair competitor
                }
                double t = w.meanMakespan(sim, a, p, seed, RUNS);
                if (t < best) {
                    best = t;
                    bestAction = a;
                    bestP = p;
                }
            }
        }
        return new Row(
                d.chosen().action(),
                d.chosen().partitions(),
                bestAction,
                bestP,
                rec,
                best,
                rec / best,
                d.chosen().makespanNanos());
    }

    /** Partition counts swept: every count up to 4× the slots for small clusters, a grid otherwise. */
    static int[] sweep(SyntheticWorkload w) {
        long n = w.input().totalRecords();
        int c = w.slots();
        TreeSet<Integer> ps = new TreeSet<>();
        ps.add(w.input().partitions());
        if (c <= 64) {
            for (int p = 1; p <= 4 * c; p++) {
                ps.add(p);
            }
            for (int k = 5; k <= 8; k++) {
                ps.add(k * c);
            }
        } else {
            for (int p = 1; p < c; p *= 2) {
                ps.add(p);
            }
            for (int k = 1; k <= 32; k++) {
                ps.add(Math.max(1, c * k / 8));
            }
            for (int k : new int[] {5, 6, 8, 12, 16}) {
                ps.add(k * c);
            }
        }
        if (n <= 64L * c) {
            for (long r = 1; r <= 16; r++) {
                ps.add((int) Math.max(1, (n + r - 1) / r));
            }
        }
        return ps.stream()
                .mapToInt(Integer::intValue)
                .filter(p -> p >= 1 && p <= Math.max(1, n) && p <= 200_000)
                .toArray();
    }

    /** Records of the largest task after the action. */
    static long largestTask(SimulatedInput in, Action a, int p) {
        int p0 = in.partitions();
        long max = 0;
        switch (a) {
            case KEEP -> {
                for (int i = 0; i < p0; i++) {
                    max = Math.max(max, in.records(i));
                }
            }
            case COALESCE -> {
                for (int g = 0; g < p; g++) {
                    long s = 0;
                    for (int i = (int) ((long) g * p0 / p); i < (int) ((long) (g + 1) * p0 / p); i++) {
                        s += in.records(i);
                    }
                    max = Math.max(max, s);
                }
            }
            case REPARTITION -> max = (in.totalRecords() + p - 1) / p;
            default -> throw new IllegalStateException();
        }
        return max;
    }

    static void decisionTime(Optimizer optimizer) {
        SyntheticWorkload w = SyntheticWorkload.suite().stream()
                .filter(s -> s.slots() == 10_000)
                .findFirst()
                .orElseThrow();
        CostProfile profile = w.sampleProfile(new SplittableRandom(SEED), SAMPLE_RECORDS, SAMPLE_PARTITIONS);
        Workload workload = w.workload();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += optimizer
                    .decide(profile, workload, w.cluster(), List.of())
                    .chosen()
                    .partitions();
        }
        int n = 20_000;
        long[] t = new long[n];
        long[] cpu = new long[n];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) {
            long c = mx.getCurrentThreadCpuTime();
            long s = System.nanoTime();
            sink += optimizer.optimize(profile, workload, w.cluster()).partitions();
            t[i] = System.nanoTime() - s;
            cpu[i] = mx.getCurrentThreadCpuTime() - c;
        }
        Arrays.sort(t);
        Arrays.sort(cpu);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage();
        System.out.println("## Optimizer decision time at 10,000 slots");
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Workload %s, %,d decisions after 20,000 warm-up decisions, explanation included: "
                        + "wall p50 %.3f ms, p99 %.3f ms, max %.3f ms; thread CPU p50 %.3f ms, p99 %.3f ms "
                        + "(target <= 1 ms). Machine load average during the run: %.1f on %d cores. (checksum %d)%n",
                w.name(),
                n,
                t[n / 2] / 1e6,
                t[(int) (n * 0.99)] / 1e6,
                t[n - 1] / 1e6,
                cpu[n / 2] / 1e6,
                cpu[(int) (n * 0.99)] / 1e6,
                load,
                Runtime.getRuntime().availableProcessors(),
                sink % 10);
    }

    /**
     * A profile measured at record count N is reused for inputs of the same bucket (N to 2N) and
     * the decision re-derived for the exact count, versus a fresh measurement at that count.
     */
    static void bucketReuse(Optimizer optimizer, CostModel model) {
        System.out.println("## Cache bucket reuse: profile measured at N reused for up to 2N records");
        System.out.println();
        System.out.println(
                "| workload | records now | bucket | re-derived from cached profile | fresh measurement | ratio | cached decision as is | ratio |");
        System.out.println("|---|---:|---|---|---|---:|---|---:|");
        double worst = 0;
        double worstStale = 0;
        List<SyntheticWorkload> bases = new ArrayList<>();
        for (SyntheticWorkload w : SyntheticWorkload.suite()) {
            if (List.of(
                            "one-partition-expensive",
                            "heavy-tail-lognormal",
                            "bimodal-1pct-100x",
                            "hot-input-partition",
                            "1e9-lognormal-1k-slots",
                            "tiny-partitions-cheap",
                            "1e3-records-10k-slots")
                    .contains(w.name())) {
                bases.add(w);
            }
        }
        for (SyntheticWorkload base : bases) {
            // Bucket low end: the largest power of two not above the base count.
            long n0 = Long.highestOneBit(base.input().totalRecords());
            SyntheticWorkload measuredAt =
                    base.scaled((double) n0 / base.input().totalRecords());
            CostProfile cached =
                    measuredAt.sampleProfile(new SplittableRandom(SEED), SAMPLE_RECORDS, SAMPLE_PARTITIONS);
            Decision cachedDecision = optimizer.decide(cached, measuredAt.workload(), measuredAt.cluster(), List.of());
            for (double f : new double[] {1.0, 1.3, 1.6, 1.99}) {
                SyntheticWorkload now = measuredAt.scaled(f);
                String bucketNow = new InputShape(
                                now.input().totalRecords(), -1, now.input().partitions())
                        .bucket();
                String bucketThen = new InputShape(
                                measuredAt.input().totalRecords(),
                                -1,
                                now.input().partitions())
                        .bucket();
                if (!bucketNow.equals(bucketThen)) {
                    continue;
                }
                Decision reused = optimizer.decide(cached, now.workload(), now.cluster(), List.of());
                CostProfile freshProfile =
                        now.sampleProfile(new SplittableRandom(SEED + 7), SAMPLE_RECORDS, SAMPLE_PARTITIONS);
                Decision fresh = optimizer.decide(freshProfile, now.workload(), now.cluster(), List.of());
                Simulator sim = now.simulator();
                double tr = sim.meanMakespan(
                        now.input(),
                        now.slots(),
                        now.overheadNanos(),
                        reused.chosen().action(),
                        reused.chosen().partitions(),
                        SEED,
                        RUNS);
                double tf = sim.meanMakespan(
                        now.input(),
                        now.slots(),
                        now.overheadNanos(),
                        fresh.chosen().action(),
                        fresh.chosen().partitions(),
                        SEED,
                        RUNS);
                Action staleAction = cachedDecision.chosen().action();
                int staleP = cachedDecision.chosen().partitions();
                double ts = sim.meanMakespan(
                        now.input(), now.slots(), now.overheadNanos(), staleAction, staleP, SEED, RUNS);
                worst = Math.max(worst, tr / tf);
                worstStale = Math.max(worstStale, ts / tf);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %s | %s %,d (%s) | %s %,d (%s) | %.3f | %s %,d (%s) | %.3f |%n",
                        base.name(),
                        sci(now.input().totalRecords()),
                        bucketNow,
                        reused.chosen().action(),
                        reused.chosen().partitions(),
                        time(tr),
                        fresh.chosen().action(),
                        fresh.chosen().partitions(),
                        time(tf),
                        tr / tf,
                        staleAction,
                        staleP,
                        time(ts),
                        ts / tf);
            }
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Worst ratio re-derived ÷ fresh: %.3f (target <= 1.10). Reusing the cached decision "
                        + "without re-deriving: worst %.3f.%n",
                worst,
                worstStale);
    }

    static String sci(long n) {
        if (n < 100_000) {
            return String.format(Locale.ROOT, "%,d", n);
        }
        String t = String.format(Locale.ROOT, "%.2e", (double) n)
                .replace("e+0", "e")
                .replace("e+", "e");
        return t.replace(".00e", "e");
    }

    static String time(double nanos) {
        if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
