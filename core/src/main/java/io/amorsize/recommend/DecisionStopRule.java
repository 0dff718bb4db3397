package io.amorsize.recommend;

import io.amorsize.Action;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.Measurer;
import io.amorsize.measure.StopRule;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.CostModel;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Optimizer}'s answer to "can measuring stop?" for one input on one cluster.
 *
 * <ul>
 *   <li><b>Decision stable</b> when the decisions at the low and the high end of the estimate have
 *       the same action, the same batch-size bucket (the same power of two), and partition counts
 *       within the optimizer's tie band: each end's choice, priced under the other end's profile,
 *       is within {@value Optimizer#TIE_PERCENT} % of that end's own choice.</li>
 *   <li><b>Spend cap</b>: {@link Options#MEASURE_SPEND_SHARE} of the predicted makespan of the
 *       input's current partitioning under the estimate, never below {@link Options#MEASURE_MIN_SPEND}
 *       (the Measurer keeps {@link Options#MEASURE_BUDGET} as the upper bound).</li>
 * </ul>
 * Pure and fast (a few optimizer runs per check); immutable.
 */
public final class DecisionStopRule implements StopRule {

    private static final double TIE = Optimizer.TIE_PERCENT / 100.0;

    private final Optimizer optimizer;
    private final CostModel model;
    private final Workload workload;
    private final ClusterShape cluster;
    private final double share;
    private final long minSpendNanos;

    private DecisionStopRule(Settings settings, Workload workload, ClusterShape cluster) {
        this.optimizer = new Optimizer(settings);
        this.model = CostModel.from(settings);
        this.workload = Objects.requireNonNull(workload, "workload");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.share = settings.get(Options.MEASURE_SPEND_SHARE);
        this.minSpendNanos = settings.get(Options.MEASURE_MIN_SPEND).toNanos();
    }

    /** The rule for {@code workload} (as far as it is known before measuring) on {@code cluster}. */
    public static DecisionStopRule of(Settings settings, Workload workload, ClusterShape cluster) {
        return new DecisionStopRule(Objects.requireNonNull(settings, "settings"), workload, cluster);
    }

    /**
     * {@code measurer} with this rule attached when {@link Options#MEASURE_STOP_WHEN_STABLE} is on
     * (the default), else {@code measurer} unchanged: the one call an orchestration needs.
     */
    public static Measurer attach(Measurer measurer, Settings settings, Workload workload, ClusterShape cluster) {
        Objects.requireNonNull(measurer, "measurer");
        if (!settings.get(Options.MEASURE_STOP_WHEN_STABLE)) {
            return measurer;
        }
        return measurer.withStopRule(of(settings, workload, cluster));
    }

    @Override
    public boolean decisionStable(CostProfile low, CostProfile high) {
        Prediction lo =
                optimizer.decide(low, workload, cluster, List.of(), false).chosen();
        Prediction hi =
                optimizer.decide(high, workload, cluster, List.of(), false).chosen();
        if (lo.action() != hi.action() || bucket(lo.batchSize()) != bucket(hi.batchSize())) {
            return false;
        }
        if (lo.partitions() == hi.partitions()) {
            return true;
        }
        return withinTie(lo, hi, high) && withinTie(hi, lo, low);
    }

    /** {@code other}'s choice, priced under {@code profile}, is within the tie band of {@code own}. */
    private boolean withinTie(Prediction other, Prediction own, CostProfile profile) {
        Prediction priced =
                model.predict(profile, workload, cluster, other.action(), other.partitions(), other.batchSize());
        return priced.fitsMemory() && priced.makespanNanos() <= own.makespanNanos() * (1 + TIE);
    }

    /** One prediction (the current partitioning, as the optimizer prices it), not a whole decision. */
    @Override
    public Duration spendCap(CostProfile estimate) {
        int p0 = workload.currentPartitions();
        int batch = optimizer
                .chooseBatch(estimate, cluster, model, new ArrayList<>())
                .sizeFor((double) workload.records() / p0);
        double current = model.predict(estimate, workload, cluster, Action.KEEP, p0, batch)
                .makespanNanos();
        double cap = Math.max(minSpendNanos, share * current);
        return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, cap));
    }

    /** Batch sizes in the same power of two share a bucket (1, 2–3, 4–7, ...). */
    static int bucket(int batchSize) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, batchSize));
    }

    @Override
    public String toString() {
        return "DecisionStopRule{share=" + share + ", minSpend=" + Duration.ofNanos(minSpendNanos) + ", workload="
                + workload.records() + " records in " + workload.currentPartitions() + " partitions, slots="
                + cluster.slots() + "}";
    }
}
