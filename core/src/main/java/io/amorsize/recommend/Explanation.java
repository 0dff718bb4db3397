package io.amorsize.recommend;

import io.amorsize.Action;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.CostModel;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import java.util.List;
import java.util.Locale;

/** Renders a decision as the multi-line text of {@link io.amorsize.Recommendation#explain()}. Internal. */
final class Explanation {

    private static final int SHOWN_CANDIDATES = 5;

    private Explanation() {}

    static String render(
            CostProfile profile,
            Workload workload,
            ClusterShape cluster,
            CostModel model,
            Prediction chosen,
            Prediction current,
            Prediction best,
            Prediction winner,
            List<Prediction> ranked,
            long floor,
            BatchChoice batch,
            boolean kept,
            boolean fewer,
            double threshold,
            List<String> warnings,
            List<String> notes) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("amorsize: ").append(headline(chosen, current)).append('\n');

        sb.append("  measured cost : ")
                .append(f(
                        "mean %s/record, p50 %s, p95 %s, p99 %s, max %s; cv %.2f",
                        time(profile.meanNanos()),
                        time(profile.p50Nanos()),
                        time(profile.p95Nanos()),
                        time(profile.p99Nanos()),
                        time(profile.maxNanos()),
                        profile.cv()))
                .append('\n');
        double cpu = profile.cpuFraction();
        sb.append("                  ")
                .append(
                        Double.isNaN(cpu)
                                ? "CPU time unavailable"
                                : f(
                                        "CPU %.0f %% of wall time (%s)",
                                        cpu * 100, profile.ioBound() ? "I/O-bound" : "CPU-bound"))
                .append(f("; %,d record%s timed; ", profile.sampleSize(), profile.sampleSize() == 1 ? "" : "s"))
                .append(
                        profile.steadyState()
                                ? "steady state reached after JIT warm-up"
                                : "NOT steady (warm-up budget ran out)")
                .append(
                        profile.partitionSkew() > 1.0
                                ? f("; most expensive sampled partition %.2fx the mean", profile.partitionSkew())
                                : "")
                .append('\n');
        if (profile.batchFit() != null) {
            sb.append("  batch fit     : ")
                    .append(f(
                            "t(b) = %s + %s per record (%d batch sizes, R² %.3f)",
                            time(profile.batchFit().fixedNanos()),
                            time(profile.batchFit().perRecordNanos()),
                            profile.batchFit().points(),
                            profile.batchFit().rSquared()))
                    .append('\n');
        }
        sb.append("  records       : ")
                .append(f("%,d", workload.records()))
                .append(
                        workload.recordsExact()
                                ? " (exact)"
                                : f(" (estimated, ±%.0f %%)", workload.relativeError() * 100))
                .append(f(
                        " in %,d partition%s now; largest holds %s %%",
                        workload.currentPartitions(),
                        workload.currentPartitions() == 1 ? "" : "s",
                        percent(workload.largestPartitionShare() * 100)));
        if (workload.maxParallelism() > 0) {
            sb.append(f(
                    "; max parallelism %,d%s",
                    workload.maxParallelism(), workload.preferDivisorsOfMax() ? " (divisors preferred)" : ""));
        }
        sb.append('\n');
        sb.append("  cluster       : ")
                .append(f(
                        "%s %s, %,d slots on %,d cores, %s memory per slot, per-task overhead %s",
                        cluster.engine(),
                        cluster.engineVersion(),
                        cluster.slots(),
                        cluster.cores(),
                        bytes(cluster.memoryPerSlotBytes()),
                        time(cluster.perTaskOverheadNanos())))
                .append('\n');
        sb.append("  capacity      : ")
                .append(capacity(profile, cluster, model, chosen))
                .append('\n');
        double rb = CostModel.recordBytes(profile);
        sb.append("  memory        : ")
                .append(
                        rb > 0
                                ? f(
                                        "~%s per record; a task may hold %s (%.0f %% of a slot) -> at least %,d partition%s",
                                        bytes(rb),
                                        bytes(model.taskMemoryBudget(cluster)),
                                        model.memoryFraction() * 100,
                                        floor,
                                        floor == 1 ? "" : "s")
                                : "record size unknown: not checked")
                .append('\n');
        sb.append("  candidates    : (predicted makespan, fastest first)\n");
        int shown = 0;
        boolean currentShown = false;
        boolean chosenShown = false;
        for (Prediction p : ranked) {
            if (shown >= SHOWN_CANDIDATES) {
                break;
            }
            sb.append(row(p, chosen, current));
            currentShown |= p == current;
            chosenShown |= p == chosen;
            shown++;
        }
        if (!chosenShown) {
            sb.append(row(chosen, chosen, current));
            currentShown |= chosen == current;
        }
        if (!currentShown) {
            sb.append(row(current, chosen, current));
        }
        sb.append("  why           : ")
                .append(why(chosen, current, best, winner, kept, fewer, threshold))
                .append('\n');
        sb.append("  batch         : ").append(batch.reason());
        if (profile.batchFit() != null && chosen.batchSize() < batch.size()) {
            sb.append(f(
                    "; %,d records per partition caps it at %,d",
                    (long) chosen.maxRecordsPerTask(), chosen.batchSize()));
        }
        sb.append('\n');
        for (String note : notes) {
            sb.append("  note          : ").append(note).append('\n');
        }
        for (String w : warnings) {
            sb.append("  WARNING       : ").append(w).append('\n');
        }
        return sb.toString();
    }

    static String headline(Prediction chosen, Prediction current) {
        String move;
        if (chosen.action() == Action.KEEP) {
            move = f("keep %,d partition%s", current.partitions(), current.partitions() == 1 ? "" : "s");
        } else if (chosen.partitions() == current.partitions()) {
            move = f("reshuffle the %,d partitions (%s, same count)", current.partitions(), chosen.action());
        } else {
            move = f("%,d -> %,d partitions (%s)", current.partitions(), chosen.partitions(), chosen.action());
        }
        return f(
                "%s, batch %,d; predicted %s (now %s, %.2fx)",
                move,
                chosen.batchSize(),
                time(chosen.makespanNanos()),
                time(current.makespanNanos()),
                current.makespanNanos() / Math.max(1e-9, chosen.makespanNanos()));
    }

    private static String row(Prediction p, Prediction chosen, Prediction current) {
        String mark = p == chosen ? "  <- chosen" : "";
        if (p == current) {
            mark += "  (current)";
        }
        return f(
                "    %-11s %,9d  %10s  %,6d wave%s  %,14.0f rec/task  task %9s%s%s%s%n",
                p.action(),
                p.partitions(),
                time(p.makespanNanos()),
                p.waves(),
                p.waves() == 1 ? " " : "s",
                p.maxRecordsPerTask(),
                time(p.typicalTaskNanos()),
                p.heaviestTaskNanos() > p.typicalTaskNanos() * 1.1 ? ", heaviest " + time(p.heaviestTaskNanos()) : "",
                p.shuffleNanos() > 0 ? ", shuffle " + time(p.shuffleNanos()) : "",
                mark);
    }

    /**
     * Slots vs cores, and which of them bounds the chosen tasks: "limited by the cores" when the
     * chosen concurrency runs slower per task than alone (CPU-bound work beyond the cores).
     */
    static String capacity(CostProfile profile, ClusterShape cluster, CostModel model, Prediction chosen) {
        int slots = cluster.slots();
        int cores = cluster.cores();
        double share = CostModel.cpuShare(profile);
        String cpu = Double.isNaN(profile.cpuFraction())
                ? "CPU share unknown, taken as 100 %"
                : f("CPU %.0f %% of wall time", share * 100);
        double atSlots = slots / model.cpuSlowdown(profile, cluster, slots);
        long running = Math.min(chosen.partitions(), slots);
        double slow = model.cpuSlowdown(profile, cluster, running);
        String limit;
        if (cores >= slots) {
            limit = f("every slot has a core: the %,d slots limit the parallelism", slots);
        } else if (atSlots >= slots * 0.97) {
            limit = f(
                    "%s: %,d tasks at once still run at %.0f %% speed, so the %,d slots limit the parallelism",
                    cpu, slots, 100 / model.cpuSlowdown(profile, cluster, slots), slots);
        } else {
            limit = f(
                    "%s: %,d slots do the work of %.1f tasks at full speed, so the %,d cores limit the parallelism",
                    cpu, slots, atSlots, cores);
        }
        if (slow > 1.0001) {
            limit += f("; the chosen %,d tasks at once run %.2fx slower each than alone", running, slow);
        }
        return limit;
    }

    private static String why(
            Prediction chosen,
            Prediction current,
            Prediction best,
            Prediction winner,
            boolean kept,
            boolean fewer,
            double threshold) {
        if (fewer) {
            return f(
                    "fewer tasks, same time: %,d -> %,d (%s predicted %s, within %d %% of the current %s; " + "%s)",
                    current.partitions(),
                    chosen.partitions(),
                    chosen.action(),
                    time(chosen.makespanNanos()),
                    Optimizer.TIE_PERCENT,
                    time(current.makespanNanos()),
                    chosen.action() == Action.COALESCE
                            ? "merging partitions moves no data"
                            : "the rebalance is priced in");
        }
        if (kept) {
            return f(
                    "kept the current partitioning: the best candidate (%s %,d, %s) is only %.2fx faster than now, "
                            + "below the %.2fx do-no-harm threshold",
                    winner.action(),
                    winner.partitions(),
                    time(winner.makespanNanos()),
                    current.makespanNanos() / winner.makespanNanos(),
                    threshold);
        }
        if (chosen == current) {
            return "the current partitioning is already the fastest (or within " + Optimizer.TIE_PERCENT
                    + " % of it with the fewest tasks)";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(f(
                "%.2fx faster than now (threshold %.2fx)",
                current.makespanNanos() / chosen.makespanNanos(), threshold));
        if (best != chosen) {
            sb.append(f(
                    "; within %.1f %% of the fastest candidate (%s %,d) with fewer tasks",
                    (chosen.makespanNanos() / best.makespanNanos() - 1) * 100, best.action(), best.partitions()));
        }
        if (current.heaviestTaskNanos() > current.typicalTaskNanos() * 1.5) {
            sb.append(f(
                    "; now one task takes %s while a typical one takes %s",
                    time(current.heaviestTaskNanos()), time(current.typicalTaskNanos())));
            if (chosen.action() == Action.REPARTITION) {
                sb.append(": a shuffle spreads the expensive records");
            }
        } else if (chosen.partitions() < current.partitions()) {
            sb.append(f(
                    "; now %,d wave%s of %s tasks pay the per-task overhead more often than needed",
                    current.waves(), current.waves() == 1 ? "" : "s", time(current.typicalTaskNanos())));
        } else if (current.partitions() < chosen.partitions()) {
            sb.append("; now too few tasks keep slots idle");
        }
        return sb.toString();
    }

    private static String percent(double p) {
        return p >= 1 || p == 0 ? f("%.1f", p) : f("%.2g", p);
    }

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    /** Human-readable duration of {@code nanos}. */
    static String time(double nanos) {
        if (!Double.isFinite(nanos)) {
            return "?";
        }
        double a = Math.abs(nanos);
        if (a < 1e3) {
            return f("%.0f ns", nanos);
        }
        if (a < 1e6) {
            return f("%.3g µs", nanos / 1e3);
        }
        if (a < 1e9) {
            return f("%.3g ms", nanos / 1e6);
        }
        if (a < 120e9) {
            return f("%.3g s", nanos / 1e9);
        }
        if (a < 7200e9) {
            return f("%.3g min", nanos / 60e9);
        }
        return f("%.3g h", nanos / 3600e9);
    }

    static String bytes(double b) {
        if (b < 1024) {
            return f("%.0f B", b);
        }
        if (b < 1024 * 1024) {
            return f("%.1f KiB", b / 1024);
        }
        if (b < 1024.0 * 1024 * 1024) {
            return f("%.1f MiB", b / 1024 / 1024);
        }
        return f("%.1f GiB", b / 1024 / 1024 / 1024);
    }
}
