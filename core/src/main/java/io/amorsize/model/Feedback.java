package io.amorsize.model;

import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the observations of earlier runs correct a cached profile: robustly, by the median of the
 * {@value #RECENT} most recent observations (the lower median for an even count), so one run slowed
 * 10× by a lost executor does not move the next decision.
 *
 * <ul>
 *   <li>The observed record count replaces an estimated one.</li>
 *   <li>The observed cost per record rescales the sampled timing (and a batch fit) by
 *       median observed cost ÷ sampled mean.</li>
 *   <li>The between-task spread of runs that kept the input's partitions raises the profile's
 *       partition skew when it is larger (a hot partition the sample missed).</li>
 * </ul>
 * Pure and engine-free.
 *
 * @param runs       observations in the history (0 = nothing to correct with)
 * @param used       observations the medians are taken over
 * @param records    median observed record count, or {@value Observation#UNKNOWN}
 * @param costNanos  median observed cost per record, or {@value Observation#UNKNOWN}
 * @param spread     median slowest ÷ median task of the runs that kept the input's partitions
 *                   (KEEP or COALESCE: their spread is the input's skew), or {@value Observation#UNKNOWN}
 * @param last       the most recent observation, or null when {@code runs} is 0
 */
public record Feedback(int runs, int used, long records, double costNanos, double spread, Observation last) {

    /** Observations the medians are taken over. */
    public static final int RECENT = 5;
    /** Largest factor one correction moves the sampled cost by (either way). */
    public static final double MAX_FACTOR = 1000;

    private static final Feedback NONE =
            new Feedback(0, 0, Observation.UNKNOWN, Observation.UNKNOWN, Observation.UNKNOWN, null);

    /** No observations. */
    public static Feedback none() {
        return NONE;
    }

    /** The correction from {@code history} (oldest first). */
    public static Feedback of(List<Observation> history) {
        Objects.requireNonNull(history, "history");
        if (history.isEmpty()) {
            return NONE;
        }
        List<Observation> recent = history.subList(Math.max(0, history.size() - RECENT), history.size());
        List<Double> records = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        List<Double> spreads = new ArrayList<>();
        for (Observation o : recent) {
            if (o.spread() >= 1 && o.action() != io.amorsize.Action.REPARTITION) {
                spreads.add(o.spread());
            }
            if (o.recordsKnown()) {
                records.add((double) o.records());
            }
            if (o.costKnown()) {
                costs.add(o.costNanos());
            }
        }
        long r = records.isEmpty() ? Observation.UNKNOWN : Math.round(lowerMedian(records));
        double c = costs.isEmpty() ? Observation.UNKNOWN : lowerMedian(costs);
        double sp = spreads.isEmpty() ? Observation.UNKNOWN : lowerMedian(spreads);
        return new Feedback(history.size(), recent.size(), r, c, sp, history.get(history.size() - 1));
    }

    public boolean any() {
        return runs > 0;
    }

    /** {@code profile} with its timing rescaled to the observed cost (unchanged when no cost was observed). */
    public CostProfile correct(CostProfile profile) {
        if (spread > profile.partitionSkew()) {
            // a hot input partition the sample missed: the runs that kept the partitions saw it
            profile = new CostProfile(
                    profile.sample().withPartitionSkew(Math.min(1e6, spread)),
                    profile.timing(),
                    profile.resources(),
                    profile.sizes(),
                    profile.batchFit());
        }
        if (!(costNanos > 0)) {
            return profile;
        }
        double k = Math.max(1 / MAX_FACTOR, Math.min(MAX_FACTOR, costNanos / profile.meanNanos()));
        CostProfile.Timing t = profile.timing();
        CostProfile.Timing scaled = new CostProfile.Timing(
                t.meanNanos() * k, t.p50Nanos() * k, t.p95Nanos() * k, t.p99Nanos() * k, t.maxNanos() * k, t.cv());
        BatchFit f = profile.batchFit();
        BatchFit fit =
                f == null ? null : new BatchFit(f.fixedNanos() * k, f.perRecordNanos() * k, f.points(), f.rSquared());
        return new CostProfile(profile.sample(), scaled, profile.resources(), profile.sizes(), fit);
    }

    /**
     * {@code workload} with the observed record count when its own count is an estimate (an exact
     * count the engine knows for this input wins).
     */
    public Workload correct(Workload workload) {
        if (records < 0 || workload.recordsExact()) {
            return workload;
        }
        return new Workload(Workload.RecordCount.exact(records), workload.partitions(), workload.limits());
    }

    /** The explanation line, e.g. {@code observed: 3 runs; last predicted 2.10 s, observed 2.41 s (+15 %); records 100,000 (observed)}. */
    public String describe() {
        if (!any()) {
            return "observed: no runs yet";
        }
        return String.format(
                Locale.ROOT,
                "observed: %d run%s; last predicted %.2f s, observed %.2f s (%+.0f %%)%s%s",
                runs,
                runs == 1 ? "" : "s",
                last.predictedNanos() / 1e9,
                last.observedNanos() / 1e9,
                last.predictionError() * 100,
                records >= 0 ? String.format(Locale.ROOT, "; records %,d (observed)", records) : "",
                costNanos > 0
                        ? String.format(Locale.ROOT, "; cost %.1f µs/record (median of %d)", costNanos / 1e3, used)
                        : "");
    }

    /** The lower median: for an even count, the smaller of the two middle values. */
    static double lowerMedian(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        return s.get((s.size() - 1) / 2);
    }
}
