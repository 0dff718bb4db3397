package io.amorsize.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import org.junit.jupiter.api.Test;

class CostModelTest {

    private final CostModel model = CostModel.from(Settings.defaults());
    private static final ClusterShape C8 = new ClusterShape("t", "1", 8, 1L << 30, 1e6);

    @Test
    void oneTaskMoreThanTheSlotsCostsAlmostASecondWave() {
        CostProfile p = CostProfile.of(1e6, 0.0, 100, 100);
        Workload w = Workload.of(8_000, 8);
        double eight = model.predict(p, w, C8, Action.KEEP, 8, 1).makespanNanos();
        Workload w9 = Workload.of(9_000, 9);
        double nine = model.predict(p, w9, C8, Action.KEEP, 9, 1).makespanNanos();
        // 9 equal tasks of 1 s on 8 slots: two waves.
        assertEquals(2 * (1e9 + 1e6), nine, 1e6);
        assertEquals(1e9 + 1e6, eight, 1e6);
        assertEquals(2, model.predict(p, w9, C8, Action.KEEP, 9, 1).waves());
    }

    @Test
    void heavyTaskRunsWhileTheOthersUseTheRemainingSlots() {
        // One task of 10 units and 15 of 1 unit on 8 slots: the heavy task dominates.
        assertEquals(10.0, CostModel.schedule(16, 8, 10.0, 1.0), 1e-9);
        // A heavy task of 1.1 units among 16: 2 waves plus the 0.1 extra, not 3 waves.
        assertEquals(2.1, CostModel.schedule(16, 8, 1.1, 1.0), 1e-9);
        // One slot: everything in sequence.
        assertEquals(10.0 + 15, CostModel.schedule(16, 1, 10.0, 1.0), 1e-9);
    }

    @Test
    void clusteredSkewIsKeptByKeepAndSpreadByRepartition() {
        CostProfile skewed = CostProfile.perRecord(
                new CostProfile.Sample(2000, true, 4.0),
                new CostProfile.Timing(1e6, 1e6, 1e6, 1e6, 1e6, 0.0),
                CostProfile.Resources.unknown(),
                CostProfile.Sizes.both(100));
        Workload w = Workload.of(8_000, 8);
        Prediction keep = model.predict(skewed, w, C8, Action.KEEP, 8, 1);
        Prediction rep = model.predict(skewed, w, C8, Action.REPARTITION, 8, 1);
        // The hot partition holds 1,000 records at 4x the mean cost.
        assertEquals(4e9 + 1e6, keep.heaviestTaskNanos(), 1e6);
        assertTrue(keep.makespanNanos() >= 4e9);
        assertTrue(rep.makespanNanos() < 1.1e9, "spread: " + rep);
        assertTrue(rep.shuffleNanos() > 0);
        assertEquals(0, keep.shuffleNanos());
    }

    @Test
    void coalesceMergesNeighboursIntoFewerLongerTasks() {
        CostProfile p = CostProfile.of(1_000, 0.0, 100, 100);
        Workload w = Workload.of(1_000_000, 10_000);
        Prediction keep = model.predict(p, w, C8, Action.KEEP, 10_000, 1);
        Prediction co = model.predict(p, w, C8, Action.COALESCE, 8, 1);
        assertEquals(1250, keep.waves());
        assertEquals(1250 * (100 * 1_000 + 1e6), keep.makespanNanos(), 1e6);
        assertEquals(125_000, co.maxRecordsPerTask(), 1);
        assertEquals(125_000 * 1_000 + 1e6, co.makespanNanos(), 1e6);
        assertThrows(IllegalArgumentException.class, () -> model.predict(p, w, C8, Action.COALESCE, 10_000, 1));
        assertThrows(IllegalArgumentException.class, () -> model.predict(p, w, C8, Action.KEEP, 8, 1));
    }

    @Test
    void memoryFloorAndFit() {
        CostProfile p = CostProfile.of(1_000, 0.0, 1_000, 10);
        // 1 GiB per slot, half of it for records: 536,870 records of 1000 B per task.
        assertEquals(536_870, model.maxRecordsPerTask(p, C8));
        assertEquals(19, model.memoryFloor(p, Workload.of(10_000_000, 1), C8));
        assertFalse(model.predict(p, Workload.of(10_000_000, 1), C8, Action.KEEP, 1, 1)
                .fitsMemory());
        assertTrue(model.predict(p, Workload.of(10_000_000, 1), C8, Action.REPARTITION, 19, 1)
                .fitsMemory());
        // Unknown size: no floor.
        assertEquals(
                1,
                model.memoryFloor(
                        CostProfile.of(1_000, 0, CostProfile.Sizes.unknown()), Workload.of(10_000_000, 1), C8));
    }

    @Test
    void batchTasksPayTheFixedCostOncePerCall() {
        CostProfile p = CostProfile.of(1_000, 0.0, 100, 100).withBatchFit(new BatchFit(1e6, 1_000, 2, 1));
        Workload w = Workload.of(1_000, 1);
        // 1,000 records in batches of 100: 10 calls of 1 ms + 1,000 × 1 µs.
        Prediction pr = model.predict(p, w, C8, Action.KEEP, 1, 100);
        assertEquals(10 * 1e6 + 1_000 * 1_000 + 1e6, pr.makespanNanos(), 1);
        assertEquals(100, pr.batchSize());
    }

    @Test
    void heavyTailMakesTheSlowestTaskSlower() {
        CostProfile light = CostProfile.of(1e6, 0.1, 100, 100);
        CostProfile heavy = CostProfile.perRecord(
                CostProfile.Sample.of(2000, true),
                new CostProfile.Timing(1e6, 0.3e6, 3e6, 20e6, 100e6, 5.0),
                CostProfile.Resources.unknown(),
                CostProfile.Sizes.both(100));
        Workload w = Workload.of(64, 1);
        Prediction pl = model.predict(light, w, C8, Action.REPARTITION, 64, 1);
        Prediction ph = model.predict(heavy, w, C8, Action.REPARTITION, 64, 1);
        assertTrue(ph.stragglerNanos() > 10 * pl.stragglerNanos(), pl + " vs " + ph);
        assertEquals(100e6, CostModel.quantile(heavy, 1.0), 1);
        assertEquals(0.3e6, CostModel.quantile(heavy, 0.2), 1);
        assertEquals((3e6 + 20e6) / 2, CostModel.quantile(heavy, 0.97), 1);
    }

    @Test
    void expectedMaximumOfNormals() {
        assertEquals(0, Gaussian.expectedMax(1), 0);
        assertEquals(0.564, Gaussian.expectedMax(2), 0.03); // Blom: 0.589
        assertEquals(3.241, Gaussian.expectedMax(1000), 0.05);
        assertEquals(0.975, Gaussian.cdf(1.96), 1e-4);
        assertEquals(1.96, Gaussian.quantile(0.975), 1e-4);
    }

    @Test
    void cpuSlowdownIsTasksOverCoresForCpuBoundWorkAndOneForWaits() {
        assertEquals(1.0, CostModel.slowdown(1.0, 4, 4), 0);
        assertEquals(2.0, CostModel.slowdown(1.0, 4, 8), 1e-12);
        assertEquals(1.0, CostModel.slowdown(0.0, 4, 8), 0);
        // 8 tasks at 50 % CPU on 4 cores: the finite-source queue's answer, 8·0.5 / E[min(n, 4)] ≈ 1.12.
        assertEquals(1.124, CostModel.slowdown(0.5, 4, 8), 0.002);
        // Monotone in the CPU share and in the tasks.
        assertTrue(CostModel.slowdown(0.3, 4, 8) < CostModel.slowdown(0.7, 4, 8));
        assertTrue(CostModel.slowdown(0.7, 4, 6) < CostModel.slowdown(0.7, 4, 8));
        // Large clusters stay finite.
        double big = CostModel.slowdown(0.9, 5_000, 10_000);
        assertTrue(big > 1.5 && big <= 2.0 && Double.isFinite(big), "" + big);
    }

    @Test
    void aCpuBoundStageOnHalfTheCoresTakesTwiceAsLong() {
        CostProfile.Sample one = new CostProfile.Sample(1, true, 1.0);
        CostProfile.Timing flat = new CostProfile.Timing(1e6, 1e6, 1e6, 1e6, 1e6, 0.0);
        CostProfile cpu = CostProfile.perRecord(one, flat, CostProfile.Resources.cpu(1e6), CostProfile.Sizes.both(100));
        CostProfile io = CostProfile.perRecord(one, flat, CostProfile.Resources.cpu(0.0), CostProfile.Sizes.both(100));
        Workload w = Workload.of(8_000, 8);
        ClusterShape fourCores = C8.withCores(4);
        double full = model.predict(cpu, w, C8, Action.KEEP, 8, 1).makespanNanos();
        assertEquals(
                2 * (full - 1e6) + 1e6,
                model.predict(cpu, w, fourCores, Action.KEEP, 8, 1).makespanNanos(),
                1e3);
        assertEquals(full, model.predict(io, w, fourCores, Action.KEEP, 8, 1).makespanNanos(), 1e-6);
        // Unknown CPU time is priced as CPU-bound.
        CostProfile unknown = CostProfile.of(1e6, 0.0, 100, 100);
        assertEquals(
                model.predict(cpu, w, fourCores, Action.KEEP, 8, 1).makespanNanos(),
                model.predict(unknown, w, fourCores, Action.KEEP, 8, 1).makespanNanos(),
                1e-6);
        // 9 tasks on 8 slots and 4 cores: the last wave's single task runs at full speed.
        Workload w9 = Workload.of(9_000, 9);
        assertEquals(
                2 * 1e9 + 1e6 + 1e9 + 1e6,
                model.predict(cpu, w9, fourCores, Action.KEEP, 9, 1).makespanNanos(),
                1e3);
        // No COALESCE where every resize rebalances.
        assertThrows(
                IllegalArgumentException.class,
                () -> model.predict(cpu, w.withResizeRebalances(), C8, Action.COALESCE, 4, 1));
    }
}
