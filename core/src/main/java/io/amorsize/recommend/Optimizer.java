package io.amorsize.recommend;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.CostModel;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses partitions, action and batch size by minimising the {@link CostModel}'s predicted
 * makespan over a small set of candidates; no closed formula.
 *
 * <ol>
 *   <li>Candidates: the current count (KEEP); powers of two and fractions below the slot count;
 *       1–8 and then ×1.5 multiples of the slot count; the count that gives tasks of
 *       {@link Options#TASK_TARGET_DURATION}; the memory floor; the current count ÷ 2, 3, 4, …
 *       (COALESCE targets); for small inputs the counts that change the records per task; each
 *       shrunk to the fewest tasks with the same records per task. All within
 *       {@link Workload#maxParallelism()} and, with {@link Workload#preferDivisorsOfMax()}, moved
 *       to divisors of it; the cores and their multiples when the cluster has fewer cores than
 *       slots. Each count is priced as REPARTITION and, below the current count, as COALESCE
 *       (unless {@link Workload#resizeRebalances()}: then every other count is a rebalance).</li>
 *   <li>Candidates whose largest task does not fit the slot's memory share are dropped.</li>
 *   <li>Among candidates within {@value #TIE_PERCENT} % of the fastest, the fewest tasks win
 *       (then KEEP before COALESCE before REPARTITION): parallelism that buys no time is a cost.</li>
 *   <li>Do no harm: unless the winner is at least {@link Options#SPEEDUP_THRESHOLD} times faster
 *       than the current partitioning (and the current partitioning fits in memory), keep it.</li>
 *   <li>Fewer tasks, same time: when the current partitioning is kept, the fewest tasks that are
 *       reached without a shuffle (COALESCE; with {@link Workload#resizeRebalances()} the
 *       rebalance, priced) and predicted within {@value #TIE_PERCENT} % of the current makespan
 *       replace it: slots that buy no time are a cost to the cluster.</li>
 *   <li>Batch size: b ≥ a(1−ε)/(ε·c) from the batch fit t(b) = a + c·b with
 *       ε = {@link Options#BATCH_OVERHEAD_SHARE}, capped by {@link Options#BATCH_MAX_LATENCY},
 *       memory and records per partition; 1 when a fixed per-call cost is negligible.</li>
 * </ol>
 * Pure (no I/O) and fast: about a hundred O(1) predictions per decision.
 */
public final class Optimizer {

    static final int TIE_PERCENT = 3;
    private static final double TIE = TIE_PERCENT / 100.0;
    private static final int HARD_CAP = 1 << 22;

    private final Settings settings;

    public Optimizer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A {@link io.amorsize.Source#COMPUTED} recommendation with its explanation. Pure: no I/O. */
    public Recommendation optimize(CostProfile profile, Workload workload, ClusterShape cluster) {
        return decide(profile, workload, cluster, List.of()).toRecommendation();
    }

    /** As {@link #optimize(CostProfile, Workload, ClusterShape)}, with extra lines for the explanation. */
    public Recommendation optimize(CostProfile profile, Workload workload, ClusterShape cluster, List<String> notes) {
        return decide(profile, workload, cluster, notes).toRecommendation();
    }

    /** The full decision: chosen and current candidates, ranked candidates, batch reasoning. */
    public Decision decide(CostProfile profile, Workload workload, ClusterShape cluster, List<String> notes) {
        return decide(profile, workload, cluster, notes, true);
    }

    /**
     * As {@link #decide(CostProfile, Workload, ClusterShape, List)}; without {@code explain} the
     * decision's text is empty (rendering it costs ten times the decision: {@link DecisionStopRule}
     * decides between rounds of measuring and needs no text).
     */
    Decision decide(CostProfile profile, Workload workload, ClusterShape cluster, List<String> notes, boolean explain) {
        if (profile == null) {
            throw new IllegalArgumentException("profile must not be null");
        }
        if (workload == null) {
            throw new IllegalArgumentException("workload must not be null");
        }
        if (cluster == null) {
            throw new IllegalArgumentException("cluster must not be null");
        }
        if (notes == null) {
            throw new IllegalArgumentException("notes must not be null");
        }
        CostModel model = CostModel.from(settings);
        long n = workload.records();
        int p0 = workload.currentPartitions();
        int slots = cluster.slots();
        List<String> warnings = new ArrayList<>();

        BatchChoice batch = chooseBatch(profile, cluster, model, warnings);

        long pMax = Math.min(HARD_CAP, Math.max(1, n));
        if (workload.maxParallelism() > 0) {
            pMax = Math.min(pMax, workload.maxParallelism());
        }
        long floor = model.memoryFloor(profile, workload, cluster);
        if (floor > pMax) {
            warnings.add(String.format(
                    java.util.Locale.ROOT,
                    "the records need at least %,d partitions to fit %.0f %% of a slot's memory, more than the %,d allowed",
                    floor,
                    model.memoryFraction() * 100,
                    pMax));
        }

        long[] counts = candidateCounts(profile, workload, cluster, batch, floor, pMax);
        List<Prediction> all = new ArrayList<>(counts.length * 2 + 1);
        Prediction current = model.predict(profile, workload, cluster, Action.KEEP, p0, batch.sizeFor((double) n / p0));
        all.add(current);
        for (long c : counts) {
            int p = (int) c;
            int b = batch.sizeFor((double) n / p);
            all.add(model.predict(profile, workload, cluster, Action.REPARTITION, p, b));
            if (p < p0 && !workload.resizeRebalances()) {
                all.add(model.predict(profile, workload, cluster, Action.COALESCE, p, b));
            }
        }
        List<Prediction> feasible = new ArrayList<>();
        for (Prediction pr : all) {
            if (pr.fitsMemory()) {
                feasible.add(pr);
            }
        }
        if (feasible.isEmpty()) {
            // Nothing fits: the most partitions allowed is the least bad.
            Prediction most = all.get(0);
            for (Prediction pr : all) {
                if (pr.partitions() > most.partitions()
                        || (pr.partitions() == most.partitions() && pr.action() == Action.REPARTITION)) {
                    most = pr;
                }
            }
            feasible.add(most);
        }
        feasible.sort(Comparator.comparingDouble(Prediction::makespanNanos));
        Prediction best = feasible.get(0);
        Prediction winner = best;
        for (Prediction pr : feasible) {
            if (pr.makespanNanos() > best.makespanNanos() * (1 + TIE)) {
                break;
            }
            if (pr.partitions() < winner.partitions()
                    || (pr.partitions() == winner.partitions()
                            && pr.action().ordinal() < winner.action().ordinal())) {
                winner = pr;
            }
        }
        double threshold = settings.get(Options.SPEEDUP_THRESHOLD);
        boolean kept = false;
        Prediction chosen = winner;
        if (winner != current && current.fitsMemory() && current.makespanNanos() < winner.makespanNanos() * threshold) {
            chosen = current;
            kept = winner.partitions() != current.partitions() || winner.action() != Action.KEEP;
        }
        Prediction fewer = chosen == current && current.fitsMemory() ? fewerTasks(feasible, current, workload) : null;
        if (fewer != null) {
            chosen = fewer;
            kept = false;
        }
        if (!current.fitsMemory() && chosen != current) {
            warnings.add(String.format(
                    java.util.Locale.ROOT,
                    "the current %,d partitions do not fit the slots' memory share: changed regardless of the speedup threshold",
                    p0));
        }
        addProfileWarnings(profile, workload, warnings);
        String text = !explain
                ? ""
                : Explanation.render(
                        profile,
                        workload,
                        cluster,
                        model,
                        chosen,
                        current,
                        best,
                        winner,
                        feasible,
                        floor,
                        batch,
                        kept,
                        fewer != null,
                        threshold,
                        warnings,
                        notes);
        return new Decision(chosen, current, best, feasible, floor, batch, kept, fewer != null, warnings, text);
    }

    /**
     * The candidate with the fewest tasks below the current count that is reached without a shuffle
     * (COALESCE; with {@link Workload#resizeRebalances()} a REPARTITION, whose rebalance is priced)
     * and predicted within the tie band of the current makespan; null when there is none.
     */
    static Prediction fewerTasks(List<Prediction> feasible, Prediction current, Workload workload) {
        Action reach = workload.resizeRebalances() ? Action.REPARTITION : Action.COALESCE;
        Prediction fewest = null;
        for (Prediction pr : feasible) {
            if (pr.action() == reach
                    && pr.partitions() < current.partitions()
                    && pr.makespanNanos() <= current.makespanNanos() * (1 + TIE)
                    && (fewest == null || pr.partitions() < fewest.partitions())) {
                fewest = pr;
            }
        }
        return fewest;
    }

    // ---- batch size ----

    BatchChoice chooseBatch(CostProfile profile, ClusterShape cluster, CostModel model, List<String> warnings) {
        BatchFit fit = profile.batchFit();
        if (fit == null) {
            return new BatchChoice(1, 1, "per-record function", "per-record function: no batching");
        }
        double a = fit.fixedNanos();
        double c = fit.perRecordNanos();
        double eps = settings.get(Options.BATCH_OVERHEAD_SHARE);
        if (!(a > 0) || (eps > 0 && a / (a + c) <= eps)) {
            return new BatchChoice(
                    1,
                    1,
                    "none",
                    String.format(
                            java.util.Locale.ROOT,
                            "fixed per-call cost %s is at most %.0f %% of a one-record call (%s): batching buys nothing, batch 1",
                            Explanation.time(a),
                            eps * 100,
                            Explanation.time(a + c)));
        }
        double needed = (eps > 0 && c > 0) ? Math.ceil(a * (1 - eps) / (eps * c)) : Double.POSITIVE_INFINITY;
        double latency = settings.get(Options.BATCH_MAX_LATENCY).toNanos();
        double latencyCap;
        if (c <= 0) {
            latencyCap = Double.POSITIVE_INFINITY;
        } else if (latency <= a + c) {
            latencyCap = 1;
            warnings.add("one call of the batch function (" + Explanation.time(a + c)
                    + ") already exceeds the batch latency ceiling " + Explanation.time(latency));
        } else {
            latencyCap = Math.floor((latency - a) / c);
        }
        double memoryCap = Math.max(1, (double) model.maxRecordsPerTask(profile, cluster));
        double size = needed;
        String limitedBy = "overhead share";
        if (latencyCap < size) {
            size = latencyCap;
            limitedBy = "latency";
        }
        if (memoryCap < size) {
            size = memoryCap;
            limitedBy = "memory";
        }
        if (!Double.isFinite(size)) {
            size = Integer.MAX_VALUE;
            limitedBy = "none";
        }
        long s = (long) Math.max(1, Math.min(Integer.MAX_VALUE, size));
        long neededL = Double.isFinite(needed) ? (long) Math.min(Long.MAX_VALUE, needed) : Long.MAX_VALUE;
        double share = a / (a + c * s);
        String reason = String.format(
                java.util.Locale.ROOT,
                "fit t(b) = %s + %s·b: keeping the fixed cost within %.0f %% needs b >= %s; %s; fixed cost is %.1f %% of a call",
                Explanation.time(a),
                Explanation.time(c),
                eps * 100,
                neededL == Long.MAX_VALUE ? "any" : String.format(java.util.Locale.ROOT, "%,d", neededL),
                switch (limitedBy) {
                    case "latency" ->
                        String.format(
                                java.util.Locale.ROOT,
                                "capped at %,d by the %s latency ceiling",
                                s,
                                Explanation.time(latency));
                    case "memory" ->
                        String.format(java.util.Locale.ROOT, "capped at %,d by the slot's memory share", s);
                    default -> String.format(java.util.Locale.ROOT, "batch %,d", s);
                },
                share * 100);
        return new BatchChoice(s, neededL, limitedBy, reason);
    }

    // ---- candidates ----

    private long[] candidateCounts(
            CostProfile profile, Workload workload, ClusterShape cluster, BatchChoice batch, long floor, long pMax) {
        long n = workload.records();
        int p0 = workload.currentPartitions();
        long slots = cluster.slots();
        LongSet set = new LongSet();
        set.add(1);
        set.add(p0);
        for (long p = 2; p < slots; p *= 2) {
            set.add(p);
        }
        for (long k = 2; k <= 8; k++) {
            set.add(Math.max(1, slots / k));
        }
        for (long k = 1; k <= 8; k++) {
            set.add(k * slots);
        }
        long cores = cluster.cores();
        if (cores < slots) {
            // CPU-bound work gains nothing beyond the cores: whole multiples of them.
            for (long k = 1; k <= 8 && k * cores < slots; k++) {
                set.add(k * cores);
            }
        }
        double k = 12;
        for (int i = 0; i < 40 && k * slots <= pMax; i++, k *= 1.5) {
            set.add(Math.round(k) * slots);
        }
        double target = settings.get(Options.TASK_TARGET_DURATION).toNanos();
        if (target > 0 && n > 0) {
            double total = profile.batchFit() == null
                    ? n * profile.meanNanos()
                    : n * profile.batchFit().callNanos(Math.max(1, batch.size())) / Math.max(1, batch.size());
            long pt = (long) Math.min(HARD_CAP, Math.ceil(total / target));
            set.add(pt);
            set.add(ceil(pt, slots) * slots);
        }
        set.add(floor);
        set.add(ceil(floor, slots) * slots);
        for (long g : new long[] {2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024}) {
            if (g < p0) {
                set.add(ceil(p0, g));
            }
        }
        if (n > 0 && n <= 64 * slots) {
            for (long r = 1; r <= 16; r++) {
                set.add(ceil(n, r));
            }
        }
        // The fewest tasks with the same records per task as each candidate.
        int size = set.size();
        for (int i = 0; i < size; i++) {
            long p = set.get(i);
            if (n > 0 && p > 0) {
                set.add(ceil(n, ceil(n, p)));
            }
        }
        long[] raw = set.toArray();
        LongSet out = new LongSet();
        long[] divisors = workload.preferDivisorsOfMax() && workload.maxParallelism() > 0
                ? divisors(workload.maxParallelism())
                : null;
        for (long p : raw) {
            long c = Math.max(1, Math.min(p, pMax));
            if (divisors == null) {
                out.add(c);
            } else {
                int i = Arrays.binarySearch(divisors, c);
                if (i >= 0) {
                    out.add(c);
                } else {
                    int ins = -i - 1;
                    if (ins < divisors.length && divisors[ins] <= pMax) {
                        out.add(divisors[ins]);
                    }
                    if (ins > 0) {
                        out.add(divisors[ins - 1]);
                    }
                }
            }
        }
        long[] result = out.toArray();
        Arrays.sort(result);
        return result;
    }

    static long[] divisors(long m) {
        List<Long> low = new ArrayList<>();
        List<Long> high = new ArrayList<>();
        for (long d = 1; d * d <= m; d++) {
            if (m % d == 0) {
                low.add(d);
                if (d != m / d) {
                    high.add(0, m / d);
                }
            }
        }
        long[] out = new long[low.size() + high.size()];
        int i = 0;
        for (long d : low) {
            out[i++] = d;
        }
        for (long d : high) {
            out[i++] = d;
        }
        return out;
    }

    private static long ceil(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static void addProfileWarnings(CostProfile profile, Workload workload, List<String> warnings) {
        if (!profile.steadyState()) {
            warnings.add("timings did not settle within the warm-up budget: per-record cost may be overstated");
        }
        if (profile.sampleSize() < 30 && profile.sampleSize() > 1) {
            warnings.add("only " + profile.sampleSize() + " records were timed: spread and tail are rough");
        }
        if (!workload.recordsExact() && workload.relativeError() > 0.25) {
            warnings.add(String.format(
                    java.util.Locale.ROOT,
                    "the record count is an estimate (±%.0f %%): the decision is as good as the estimate",
                    workload.relativeError() * 100));
        }
        if (profile.ioBound()) {
            warnings.add(String.format(
                    java.util.Locale.ROOT,
                    "the function is I/O-bound (CPU %.0f %% of wall time): it gains from every slot, also beyond the "
                            + "cores, but never from more tasks than slots; more slots or concurrent calls inside the "
                            + "function would go further",
                    profile.cpuFraction() * 100));
        }
        if (CostModel.recordBytes(profile) <= 0) {
            warnings.add("record size unknown: memory was not checked");
        }
    }

    /** A tiny insertion-ordered set of longs (no boxing on the hot path). */
    private static final class LongSet {
        private long[] values = new long[128];
        private int size;

        void add(long v) {
            for (int i = 0; i < size; i++) {
                if (values[i] == v) {
                    return;
                }
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        long get(int i) {
            return values[i];
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
