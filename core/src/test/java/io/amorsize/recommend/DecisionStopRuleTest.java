package io.amorsize.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.Measurer;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.CostModel;
import io.amorsize.model.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optimizer's stop rule, without measuring: pure decisions on made-up profiles. */
class DecisionStopRuleTest {

    private static final ClusterShape CLUSTER = new ClusterShape("local", "1", 8, 1L << 30, 5e6);
    private final Settings settings = Settings.defaults();

    @Test
    void sameDecisionAtBothEndsIsStableAndAFlipIsNot() {
        // 1M records in one partition on 8 slots: REPARTITION for any cost in 0.5..2 ms
        Workload w = Workload.exact(1_000_000, 1);
        DecisionStopRule rule = DecisionStopRule.of(settings, w, CLUSTER);
        assertTrue(rule.decisionStable(CostProfile.of(5e5, 0.1, 100, 100), CostProfile.of(2e6, 0.1, 100, 100)));

        // the same input already right (8 partitions of 125k) for a cheap function: KEEP at both ends
        DecisionStopRule right = DecisionStopRule.of(settings, Workload.exact(1_000_000, 8), CLUSTER);
        assertTrue(right.decisionStable(CostProfile.of(1_000, 0.1, 100, 100), CostProfile.of(3_000, 0.1, 100, 100)));

        // 2,000 records in one partition: KEEP when records cost 1 us, REPARTITION when they cost 1 ms
        Optimizer optimizer = new Optimizer(settings);
        Workload small = Workload.exact(2_000, 1);
        CostProfile cheap = CostProfile.of(1_000, 0.1, 100, 100);
        CostProfile dear = CostProfile.of(1e6, 0.1, 100, 100);
        assertEquals(
                Action.KEEP,
                optimizer.decide(cheap, small, CLUSTER, List.of()).chosen().action());
        assertNotEquals(
                Action.KEEP,
                optimizer.decide(dear, small, CLUSTER, List.of()).chosen().action());
        assertFalse(DecisionStopRule.of(settings, small, CLUSTER).decisionStable(cheap, dear));
    }

    @Test
    void batchSizesInDifferentBucketsAreNotTheSameDecision() {
        Workload w = Workload.exact(1_000_000, 8);
        DecisionStopRule rule = DecisionStopRule.of(settings, w, CLUSTER);
        // b >= a(1-e)/(e c): a fixed cost 4x larger needs a batch 4x larger
        CostProfile low = CostProfile.of(210_000, 0.1, 100, 100).withBatchFit(new BatchFit(5e6, 200e3, 3, 0.99));
        CostProfile high = CostProfile.of(210_000, 0.1, 100, 100).withBatchFit(new BatchFit(20e6, 200e3, 3, 0.99));
        Optimizer optimizer = new Optimizer(settings);
        int bLow = optimizer.decide(low, w, CLUSTER, List.of()).chosen().batchSize();
        int bHigh = optimizer.decide(high, w, CLUSTER, List.of()).chosen().batchSize();
        assertNotEquals(DecisionStopRule.bucket(bLow), DecisionStopRule.bucket(bHigh), bLow + " vs " + bHigh);
        assertFalse(rule.decisionStable(low, high));
        assertTrue(rule.decisionStable(high, high));
    }

    @Test
    void bucketsArePowersOfTwo() {
        assertEquals(1, DecisionStopRule.bucket(1));
        assertEquals(2, DecisionStopRule.bucket(2));
        assertEquals(2, DecisionStopRule.bucket(3));
        assertEquals(3, DecisionStopRule.bucket(4));
        assertEquals(3, DecisionStopRule.bucket(7));
        assertEquals(11, DecisionStopRule.bucket(1024));
    }

    @Test
    void spendCapIsAShareOfTheCurrentPartitioningsMakespanWithAFloor() {
        Workload w = Workload.exact(10_000_000, 8);
        CostProfile p = CostProfile.of(50_000, 0.1, 100, 100);
        double current = CostModel.from(settings)
                .predict(p, w, CLUSTER, Action.KEEP, 8, 1)
                .makespanNanos();
        Duration cap = DecisionStopRule.of(settings, w, CLUSTER).spendCap(p);
        assertEquals(0.05 * current, cap.toNanos(), current * 1e-6);

        // a tiny job: the floor
        Workload tiny = Workload.exact(100, 8);
        assertEquals(
                Duration.ofMillis(50),
                DecisionStopRule.of(settings, tiny, CLUSTER).spendCap(p));
        Settings tuned =
                settings.with(Options.MEASURE_SPEND_SHARE, 0.5).with(Options.MEASURE_MIN_SPEND, Duration.ofMillis(7));
        assertEquals(
                Duration.ofMillis(7), DecisionStopRule.of(tuned, tiny, CLUSTER).spendCap(CostProfile.of(1, 0, 1, 1)));
        assertEquals(
                0.5 * current,
                DecisionStopRule.of(tuned, w, CLUSTER).spendCap(p).toNanos(),
                current * 1e-6);
    }

    @Test
    void attachFollowsTheOption() {
        Measurer m = new Measurer(settings, Ticker.system());
        Workload w = Workload.exact(10, 1);
        assertSame(m, DecisionStopRule.attach(m, settings.with(Options.MEASURE_STOP_WHEN_STABLE, false), w, CLUSTER));
        assertTrue(DecisionStopRule.attach(m, settings, w, CLUSTER).toString().contains("DecisionStopRule"));
    }
}
