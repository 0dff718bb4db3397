package io.amorsize.measure;

import java.time.Duration;

/**
 * Decides, between rounds of timing, whether measuring can stop: the {@link Measurer} hands it the
 * cost estimate at the low and the high end of a confidence interval (mean and tail), and the
 * current estimate, after each round. Implemented above this package by whoever knows the
 * decision (the optimizer: same action, partition count within its tie band, same batch-size
 * bucket), so that measuring lasts only as long as the decision needs.
 *
 * <p>Called on the measuring thread, a few hundred times at most per measurement; it should take
 * microseconds, not milliseconds. An exception thrown by a rule propagates to the caller of the
 * Measurer.
 */
public interface StopRule {

    /**
     * True when {@code low} and {@code high} (the estimate at both ends of its confidence
     * interval) lead to the same decision, so that more timings cannot change it.
     */
    boolean decisionStable(CostProfile low, CostProfile high);

    /**
     * The most measuring (warm-up included) may spend, given the current estimate: e.g. a share of
     * the predicted makespan of the input's current partitioning. The Measurer never spends more
     * than its own budgets, whatever this returns.
     */
    Duration spendCap(CostProfile estimate);
}
