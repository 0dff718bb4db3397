package io.amorsize.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cores vs slots in the optimizer, and the rule "fewer tasks, same time". */
class CoresVsSlotsTest {

    private static final long GIB = 1L << 30;
    private final Optimizer optimizer = new Optimizer(Settings.defaults());

    /** A fake cluster shape: 4 slots served by 2 cores (local[4] on a 2-core machine). */
    private static final ClusterShape FOUR_ON_TWO = new ClusterShape("test", "1", 4, GIB, 5e6).withCores(2);

    /** ~1 ms per record of which {@code cpuShare} on the CPU (what the Measurer reports). */
    static CostProfile profile(double meanNanos, double cpuShare) {
        CostProfile p = CostProfile.of(meanNanos, 0.05, 100, 100);
        return CostProfile.perRecord(
                p.sample(), p.timing(), CostProfile.Resources.cpu(cpuShare * meanNanos), p.sizes());
    }

    @Test
    void aCpuBoundFunctionGainsAtMostWhatTheCoresAllow() {
        Decision d = optimizer.decide(profile(1e6, 1.0), Workload.of(10_000, 1), FOUR_ON_TWO, List.of());
        double gain = d.current().makespanNanos() / d.chosen().makespanNanos();
        assertTrue(gain <= 2.0 + 1e-9 && gain > 1.9, gain + "\n" + d.explanation());
        assertEquals(
                2,
                d.chosen().partitions(),
                "4 tasks buy nothing over 2 on 2 cores: the fewest win\n" + d.explanation());
        assertTrue(d.explanation().contains("4 slots on 2 cores"), d.explanation());
        assertTrue(d.explanation().contains("the 2 cores limit the parallelism"), d.explanation());
        // The same function with a core per slot spreads over all 4.
        Decision perSlot = optimizer.decide(
                profile(1e6, 1.0), Workload.of(10_000, 1), new ClusterShape("test", "1", 4, GIB, 5e6), List.of());
        assertEquals(4, perSlot.chosen().partitions(), perSlot.explanation());
        assertTrue(perSlot.current().makespanNanos() / perSlot.chosen().makespanNanos() > 3.8);
    }

    @Test
    void anIoBoundFunctionStillUsesEverySlot() {
        Decision d = optimizer.decide(profile(1e6, 0.02), Workload.of(10_000, 1), FOUR_ON_TWO, List.of());
        assertEquals(4, d.chosen().partitions(), d.explanation());
        double gain = d.current().makespanNanos() / d.chosen().makespanNanos();
        assertTrue(gain > 3.8, gain + "\n" + d.explanation());
        assertTrue(d.explanation().contains("the 4 slots limit the parallelism"), d.explanation());
    }

    @Test
    void aMixedFunctionGainsBetweenTheCoresAndTheSlots() {
        Decision d = optimizer.decide(profile(1e6, 0.5), Workload.of(10_000, 1), FOUR_ON_TWO, List.of());
        double gain = d.current().makespanNanos() / d.chosen().makespanNanos();
        assertTrue(gain > 2.2 && gain < 3.9, gain + "\n" + d.explanation());
        assertEquals(4, d.chosen().partitions(), d.explanation());
    }

    @Test
    void theConfiguredCoresOverrideTheDetectedOnes() {
        ClusterShape detected = new ClusterShape("test", "1", 4, GIB, 5e6);
        assertEquals(4, detected.cores(), "unknown cores: one per slot");
        assertEquals(detected, detected.withConfiguredCores(Settings.defaults()));
        ClusterShape two = detected.withConfiguredCores(Settings.defaults().with(Options.CLUSTER_CORES, 2));
        assertEquals(2, two.cores());
        assertEquals(2, two.fullSpeedSlots());
        assertEquals(detected.fingerprint(), two.fingerprint(), "cores must not split a reusable profile");
    }

    @Test
    void aCheapFunctionAtParallelismFourShrinks() {
        Decision d = optimizer.decide(
                profile(100, 1.0), Workload.of(1_000, 4), new ClusterShape("test", "1", 4, GIB, 5e6), List.of());
        assertEquals(Action.COALESCE, d.chosen().action(), d.explanation());
        assertTrue(d.chosen().partitions() <= 2, d.explanation());
        assertTrue(d.fewerTasks());
        assertFalse(d.keptCurrent());
        assertTrue(d.chosen().makespanNanos() <= d.current().makespanNanos() * (1 + Optimizer.TIE_PERCENT / 100.0));
        assertTrue(
                d.explanation()
                        .contains("fewer tasks, same time: 4 -> " + d.chosen().partitions()),
                d.explanation());
        assertTrue(
                d.explanation().startsWith("amorsize: 4 -> " + d.chosen().partitions() + " partitions (COALESCE)"),
                d.explanation());
    }

    @Test
    void sixtyFourTinyPartitionsOnTwoSlotsAreCoalesced() {
        Decision d = optimizer.decide(
                profile(2_000, 1.0), Workload.of(6_400, 64), new ClusterShape("test", "1", 2, GIB, 5e6), List.of());
        assertEquals(Action.COALESCE, d.chosen().action(), d.explanation());
        assertTrue(d.chosen().partitions() <= 4, d.explanation());
    }

    @Test
    void doNoHarmStillKeepsABalancedCorrectlySizedInput() {
        // 8 balanced partitions of 1 s each on 8 slots: fewer would take twice as long.
        Decision d = optimizer.decide(
                profile(1e5, 1.0), Workload.of(80_000, 8), new ClusterShape("test", "1", 8, GIB, 5e6), List.of());
        assertEquals(Action.KEEP, d.chosen().action(), d.explanation());
        assertFalse(d.fewerTasks());
        // Spread over 8 slots on 4 cores it is CPU-bound: 4 tasks do the same, and coalescing moves no data.
        Decision cores = optimizer.decide(
                profile(1e5, 1.0),
                Workload.of(80_000, 8),
                new ClusterShape("test", "1", 8, GIB, 5e6).withCores(4),
                List.of());
        assertEquals(Action.COALESCE, cores.chosen().action(), cores.explanation());
        assertEquals(4, cores.chosen().partitions(), cores.explanation());
        assertTrue(cores.explanation().contains("fewer tasks, same time: 8 -> 4"), cores.explanation());
    }

    @Test
    void whenEveryResizeRebalancesThereIsNoCoalesceAndTheRebalanceIsPriced() {
        // Flink: a lower parallelism than the input's means a rebalance.
        Workload flink = Workload.of(10_000, 4).withResizeRebalances();
        Decision d = optimizer.decide(profile(1e6, 1.0), flink, FOUR_ON_TWO, List.of());
        for (Prediction p : d.ranked()) {
            assertNotEquals(Action.COALESCE, p.action(), d.explanation());
        }
        assertEquals(2, d.chosen().partitions(), d.explanation());
        assertEquals(Action.REPARTITION, d.chosen().action(), d.explanation());
        assertTrue(d.chosen().shuffleNanos() > 0, "the rebalance is priced");
        assertTrue(d.explanation().contains("fewer tasks, same time: 4 -> 2"), d.explanation());
        // A cheap function whose rebalance would cost a stage of its own keeps its parallelism.
        Decision cheap = optimizer.decide(
                profile(100, 1.0),
                Workload.of(1_000, 4).withResizeRebalances(),
                new ClusterShape("test", "1", 4, GIB, 5e6),
                List.of());
        assertEquals(Action.KEEP, cheap.chosen().action(), cheap.explanation());
        // Without the flag the same input shrinks for free.
        Decision spark = optimizer.decide(
                profile(100, 1.0), Workload.of(1_000, 4), new ClusterShape("test", "1", 4, GIB, 5e6), List.of());
        assertEquals(Action.COALESCE, spark.chosen().action(), spark.explanation());
    }
}
