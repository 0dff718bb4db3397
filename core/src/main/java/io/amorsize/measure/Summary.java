package io.amorsize.measure;

import java.util.Arrays;
import java.util.List;

/**
 * Robust statistics of the timings, and the {@link CostProfile} they make.
 *
 * <ul>
 *   <li>Mean, p50, p95, p99, max and coefficient of variation of the per-record wall time (net of
 *       run-queue waits). The mean is the plain mean (the cost model needs totals); the median and
 *       the quantiles are robust to a GC pause landing on a few records.</li>
 *   <li>CPU time as {@code mean × cpu/wall} of the timed calls; unknown when the JVM does not
 *       support CPU time. Allocated bytes per record; unknown when not available.</li>
 *   <li>Sizes of the first few input and output records by the {@link Sizer}; unknown when any of
 *       them cannot be sized.</li>
 *   <li>Partition skew ({@link #partitionSkew}).</li>
 * </ul>
 */
final class Summary {

    private final Sizer sizer;

    Summary(Sizer sizer) {
        this.sizer = sizer;
    }

    /** The profile of a per-record measurement. */
    CostProfile records(RecordTiming.Result t, boolean steady, List<Object> inputs, List<Object> outputs) {
        return records(t, steady, sizes(inputs, outputs));
    }

    /** The profile of a per-record measurement whose record sizes are already known. */
    static CostProfile records(RecordTiming.Result t, boolean steady, CostProfile.Sizes sizes) {
        double[] values = t.values();
        CostProfile.Timing timing = timing(values);
        double cpuNanos =
                t.cpuKnown() ? cpuShare(t.cpuNanos(), t.wallNanos()) * timing.meanNanos() : CostProfile.UNKNOWN;
        double allocated = t.allocatedBytes() >= 0 ? t.allocatedBytes() / (double) t.calls() : CostProfile.UNKNOWN;
        double skew = partitionSkew(values, t.unitGroup(), t.groupCount(), timing.p99Nanos());
        CostProfile.Sample sample = new CostProfile.Sample((int) Math.min(Integer.MAX_VALUE, t.calls()), steady, skew);
        return CostProfile.perRecord(sample, timing, new CostProfile.Resources(cpuNanos, allocated), sizes);
    }

    /**
     * The profile of a batch measurement: per-record statistics at the largest batch size
     * {@code batchSize} from that size's call times, with the fit attached.
     */
    CostProfile batches(
            double[] callTimesAtLargest,
            int batchSize,
            boolean steady,
            boolean cpuKnown,
            double cpuNanosAtLargest,
            double wallNanosAtLargest,
            boolean allocationKnown,
            double allocatedAtLargest,
            BatchFit fit,
            List<Object> inputs,
            List<Object> outputs) {
        double[] perRecord = callTimesAtLargest.clone();
        for (int i = 0; i < perRecord.length; i++) {
            perRecord[i] /= batchSize;
        }
        CostProfile.Timing timing = timing(perRecord);
        double cpuNanos =
                cpuKnown ? cpuShare(cpuNanosAtLargest, wallNanosAtLargest) * timing.meanNanos() : CostProfile.UNKNOWN;
        long recordsAtLargest = (long) perRecord.length * batchSize;
        double allocated =
                allocationKnown ? Math.max(0, allocatedAtLargest) / (double) recordsAtLargest : CostProfile.UNKNOWN;
        CostProfile.Sizes sizes = sizes(inputs, outputs);
        CostProfile.Sample sample = CostProfile.Sample.of((int) Math.min(Integer.MAX_VALUE, recordsAtLargest), steady);
        return new CostProfile(sample, timing, new CostProfile.Resources(cpuNanos, allocated), sizes, fit);
    }

    /** The two ends of a confidence interval around {@code estimate}. */
    record Interval(CostProfile low, CostProfile high) {}

    /** Error rate of the intervals over all the checks of one measurement. */
    private static final double ALPHA = 0.05;

    /**
     * The estimate at the low and the high end of an approximate confidence interval: the mean ±
     * z·s/√n, and each of p50, p95 and p99 at the order statistics z·√(n·q·(1−q)) ranks below and
     * above its own (distribution-free); max, cv, skew, sizes and resources as in {@code estimate}.
     * {@code values} are the per-record times the estimate was made from. The interval is the
     * {@code look}-th one of a measurement that stops as soon as one of them fixes the decision,
     * so z widens with the looks: look k spends α/(k(k+1)) of α = 5 % (two-sided; the looks
     * together spend at most α), and for few values z grows by 2.5/n (about Student's t).
     * Otherwise checking often would stop early on a lucky run of timings.
     */
    static Interval interval(CostProfile estimate, double[] values, int look) {
        int n = values.length;
        if (n < 2) {
            return new Interval(estimate, estimate);
        }
        double z = z(look, n);
        double mean = Stats.mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double half = z * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        CostProfile.Timing t = estimate.timing();
        double lowMean = Math.max(t.meanNanos() - half, t.meanNanos() * 1e-3);
        CostProfile.Timing low = new CostProfile.Timing(
                lowMean, rank(sorted, 0.50, -z), rank(sorted, 0.95, -z), rank(sorted, 0.99, -z), t.maxNanos(), t.cv());
        CostProfile.Timing high = new CostProfile.Timing(
                t.meanNanos() + half,
                rank(sorted, 0.50, z),
                rank(sorted, 0.95, z),
                rank(sorted, 0.99, z),
                t.maxNanos(),
                t.cv());
        return new Interval(withTiming(estimate, low), withTiming(estimate, high));
    }

    /** The interval's z at check {@code look} (1-based) with {@code n} values. */
    static double z(int look, int n) {
        double k = Math.max(1, look);
        return Stats.upperNormalQuantile(ALPHA / (2.0 * k * (k + 1))) + 2.5 / Math.max(1, n);
    }

    private static double rank(double[] sorted, double q, double z) {
        int n = sorted.length;
        double pos = q * (n - 1) + z * Math.sqrt(n * q * (1 - q));
        pos = Math.min(n - 1, Math.max(0, pos));
        return Stats.quantile(sorted, pos / (n - 1));
    }

    private static CostProfile withTiming(CostProfile p, CostProfile.Timing timing) {
        return new CostProfile(p.sample(), timing, p.resources(), p.sizes(), p.batchFit());
    }

    /** Mean, quantiles and cv of per-record times (not modified). */
    static CostProfile.Timing timing(double[] values) {
        double rawMean = Stats.mean(values);
        double mean = Math.max(rawMean, Double.MIN_NORMAL);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double cv = Stats.stddev(values, rawMean) / mean;
        return new CostProfile.Timing(
                mean,
                Stats.quantile(sorted, 0.50),
                Stats.quantile(sorted, 0.95),
                Stats.quantile(sorted, 0.99),
                sorted[sorted.length - 1],
                cv);
    }

    /** Mean serialized sizes of {@code inputs} and {@code outputs}; unknown for an empty list. */
    CostProfile.Sizes sizes(List<Object> inputs, List<Object> outputs) {
        return new CostProfile.Sizes(meanSize(inputs), meanSize(outputs));
    }

    private double meanSize(List<Object> items) {
        if (items.isEmpty()) {
            return CostProfile.UNKNOWN;
        }
        double sum = 0;
        for (Object o : items) {
            long s;
            try {
                s = sizer.sizeOf(o);
            } catch (RuntimeException e) {
                s = -1;
            }
            if (s < 0) {
                return CostProfile.UNKNOWN;
            }
            sum += s;
        }
        return sum / items.size();
    }

    /**
     * Mean of the most expensive group ÷ overall mean (1.0 for a single group). A timing counts as
     * an outlier, and is capped, when it exceeds both the overall p99 ({@code p99}) and three times
     * its own group's median: a GC pause or a preemption on a crowded machine then does not pass
     * for skew, while a group whose records are all expensive (even a group of one record) does.
     */
    static double partitionSkew(double[] values, int[] unitGroup, int groupCount, double p99) {
        if (groupCount <= 1) {
            return 1.0;
        }
        int[] counts = new int[groupCount];
        for (int i = 0; i < values.length; i++) {
            counts[unitGroup[i]]++;
        }
        double[][] byGroup = new double[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            byGroup[g] = new double[counts[g]];
        }
        int[] fill = new int[groupCount];
        for (int i = 0; i < values.length; i++) {
            int g = unitGroup[i];
            byGroup[g][fill[g]++] = values[i];
        }
        double all = 0;
        double worst = 0;
        for (int g = 0; g < groupCount; g++) {
            if (counts[g] == 0) {
                continue;
            }
            double cap = Math.max(p99, 3 * Stats.median(byGroup[g], counts[g]));
            double sum = 0;
            for (double v : byGroup[g]) {
                sum += Math.min(v, cap);
            }
            all += sum;
            worst = Math.max(worst, sum / counts[g]);
        }
        double overall = all / values.length;
        if (!(overall > 0)) {
            return 1.0;
        }
        return Math.max(1.0, worst / overall);
    }

    /**
     * CPU time ÷ wall time of the timed calls, in [0, 1]. Both sums cover only the timed windows
     * (not the bookkeeping between them), and the wall time is already net of run-queue waits, so
     * that a CPU-bound function on a crowded machine is not mistaken for an I/O-bound one. The CPU
     * reads bracket each window and add a little; the share is capped at 1.
     */
    static double cpuShare(double cpuNanos, double wallNanos) {
        if (!(wallNanos > 0)) {
            return 1.0;
        }
        return Math.min(1.0, Math.max(0.0, cpuNanos / wallNanos));
    }
}
