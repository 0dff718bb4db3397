package io.amorsize.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    private static final long GIB = 1L << 30;
    private final Optimizer optimizer = new Optimizer(Settings.defaults());

    static ClusterShape cluster(int slots) {
        return new ClusterShape("test", "1", slots, GIB, 5e6);
    }

    /** Per-record cost with a spread, input/output sizes known (small). */
    static CostProfile profile(double meanNanos, double cv) {
        return CostProfile.of(meanNanos, cv, 100, 100);
    }

    @Test
    void equalTasksFillTheSlotsExactlyNotOneMore() {
        Decision d = optimizer.decide(profile(1e6, 0.05), Workload.of(1_000_000, 1), cluster(16), List.of());
        assertEquals(16, d.chosen().partitions(), d.explanation());
        assertEquals(Action.REPARTITION, d.chosen().action());
        // 17 tasks would need a second, almost idle wave.
        Prediction17 p = new Prediction17(d);
        assertTrue(p.seventeen > d.chosen().makespanNanos() * 1.5, d.explanation());
    }

    /** The model's price of 17 tasks, for the assertion above. */
    private static final class Prediction17 {
        final double seventeen;

        Prediction17(Decision d) {
            io.amorsize.model.CostModel m = io.amorsize.model.CostModel.from(Settings.defaults());
            seventeen = m.predict(profile(1e6, 0.05), Workload.of(1_000_000, 1), cluster(16), Action.REPARTITION, 17, 1)
                    .makespanNanos();
        }
    }

    @Test
    void tenThousandTinyPartitionsAreCoalesced() {
        Recommendation r = optimizer.optimize(profile(1_000, 0.3), Workload.of(1_000_000, 10_000), cluster(8));
        assertEquals(Action.COALESCE, r.action(), r.explain());
        assertTrue(r.partitions() <= 64 && r.partitions() >= 1, r.explain());
        assertTrue(r.estimatedSpeedup() > 10, r.explain());
        assertEquals(Source.COMPUTED, r.source());
    }

    @Test
    void expensiveRecordsClusteredInOnePartitionAreRepartitioned() {
        CostProfile skewed = CostProfile.perRecord(
                new CostProfile.Sample(2000, true, 6.0),
                new CostProfile.Timing(1e6, 0.2e6, 6e6, 7e6, 8e6, 2.0),
                CostProfile.Resources.unknown(),
                CostProfile.Sizes.both(100));
        Recommendation r = optimizer.optimize(skewed, Workload.of(8_000, 8), cluster(8));
        assertEquals(Action.REPARTITION, r.action(), r.explain());
        assertTrue(r.partitions() >= 8, r.explain());
        assertTrue(r.estimatedSpeedup() > 3, r.explain());
        assertTrue(r.changesPartitioning(), "a shuffle to the same count still changes the partitioning");
        // Without the skew the same input is kept as is.
        Recommendation even = optimizer.optimize(profile(1e6, 0.2), Workload.of(8_000, 8), cluster(8));
        assertEquals(Action.KEEP, even.action(), even.explain());
    }

    @Test
    void doNoHarmKeepsTheCurrentPartitioningBelowTheThreshold() {
        // 14 partitions on 16 slots: 16 would be ~1.14x faster, below 1.2x.
        Decision d = optimizer.decide(profile(1e6, 0.05), Workload.of(1_400_000, 14), cluster(16), List.of());
        assertEquals(Action.KEEP, d.chosen().action(), d.explanation());
        assertEquals(14, d.chosen().partitions());
        assertTrue(d.keptCurrent(), d.explanation());
        assertEquals(0, d.best().partitions() % 16, d.explanation());
        assertTrue(d.current().makespanNanos() / d.best().makespanNanos() > 1.1, d.explanation());
        assertTrue(d.explanation().contains("do-no-harm"), d.explanation());
        assertFalse(d.toRecommendation().changesPartitioning());
        // With a lower threshold the faster candidate wins.
        Decision eager = new Optimizer(Settings.defaults().with(Options.SPEEDUP_THRESHOLD, 1.05))
                .decide(profile(1e6, 0.05), Workload.of(1_400_000, 14), cluster(16), List.of());
        assertEquals(16, eager.chosen().partitions(), eager.explanation());
        assertFalse(eager.keptCurrent());
    }

    @Test
    void memoryFloorRaisesThePartitionCount() {
        // 1e7 records of 1000 B = 10 GB; a task may hold 0.5 GiB -> at least 19 partitions.
        CostProfile big = CostProfile.of(1_000, 0.1, 1000, 1000);
        Workload w = Workload.of(10_000_000, 4);
        Decision d = optimizer.decide(big, w, cluster(4), List.of());
        assertEquals(19, d.memoryFloor());
        assertTrue(d.chosen().partitions() >= 19, d.explanation());
        assertTrue(d.chosen().fitsMemory());
        assertEquals(Action.REPARTITION, d.chosen().action(), d.explanation());
        assertTrue(
                d.warnings().stream().anyMatch(s -> s.contains("do not fit")),
                d.warnings().toString());
        // The same records, small: the balanced 4 partitions on 4 slots are kept.
        Decision small = optimizer.decide(CostProfile.of(1_000, 0.1, 10, 10), w, cluster(4), List.of());
        assertEquals(4, small.chosen().partitions(), small.explanation());
        assertEquals(Action.KEEP, small.chosen().action());
    }

    @Test
    void batchSizeFollowsTheOverheadShareFormula() {
        // a = 20 ms, c = 200 us, eps = 5 %: b >= 0.02 * 0.95 / (0.05 * 0.0002) = 1900.
        CostProfile p = CostProfile.of(210_000, 0.1, 100, 100).withBatchFit(new BatchFit(20e6, 200e3, 3, 0.99));
        Decision d = optimizer.decide(p, Workload.of(1_000_000, 1), cluster(8), List.of());
        assertEquals(1900, d.batch().size(), d.explanation());
        assertEquals("overhead share", d.batch().limitedBy());
        assertEquals(1900, d.chosen().batchSize(), d.explanation());
        double share = 20e6 / (20e6 + 200e3 * d.chosen().batchSize());
        assertTrue(share <= 0.05, "overhead share " + share);
    }

    @Test
    void batchSizeIsCappedByLatencyMemoryAndRecordsPerPartition() {
        CostProfile p = CostProfile.of(210_000, 0.1, 100, 100).withBatchFit(new BatchFit(20e6, 200e3, 3, 0.99));
        Optimizer fast = new Optimizer(Settings.defaults().with(Options.BATCH_MAX_LATENCY, Duration.ofMillis(200)));
        Decision latency = fast.decide(p, Workload.of(1_000_000, 1), cluster(8), List.of());
        assertEquals(900, latency.batch().size()); // (200 ms - 20 ms) / 200 us
        assertEquals("latency", latency.batch().limitedBy());

        // 1 MiB records, 0.5 GiB per task: at most 512 records per batch.
        CostProfile bigRecords =
                CostProfile.of(210_000, 0.1, 1 << 20, 1 << 20).withBatchFit(new BatchFit(20e6, 200e3, 3, 0.99));
        Decision memory = optimizer.decide(bigRecords, Workload.of(100_000, 1), cluster(8), List.of());
        assertEquals(512, memory.batch().size(), memory.explanation());
        assertEquals("memory", memory.batch().limitedBy());

        // 100 records on 8 slots: a task holds at most 13 records, so does a batch.
        Decision few = optimizer.decide(p, Workload.of(100, 1), cluster(8), List.of());
        assertTrue(few.chosen().batchSize() <= Math.ceil(100.0 / few.chosen().partitions()), few.explanation());
        assertTrue(few.chosen().batchSize() >= 1);
    }

    @Test
    void negligibleFixedCostMeansBatchOne() {
        CostProfile p = CostProfile.of(1_000, 0.1, 100, 100).withBatchFit(new BatchFit(10, 1_000, 2, 1.0));
        Decision d = optimizer.decide(p, Workload.of(1_000_000, 8), cluster(8), List.of());
        assertEquals(1, d.chosen().batchSize());
        assertTrue(
                d.batch().reason().contains("batching buys nothing"), d.batch().reason());
        assertTrue(d.explanation().contains("batching buys nothing"), d.explanation());
        // Per-record functions are batch 1 too.
        assertEquals(
                1,
                optimizer
                        .optimize(profile(1_000, 0.1), Workload.of(1_000, 1), cluster(8))
                        .batchSize());
    }

    @Test
    void zeroAndOneRecordWork() {
        for (long n : new long[] {0, 1}) {
            for (int p0 : new int[] {1, 3, 10_000}) {
                Recommendation r = optimizer.optimize(profile(1e6, 0.5), Workload.of(n, p0), cluster(16));
                assertTrue(r.partitions() >= 1 && r.batchSize() >= 1, r.toString());
                assertTrue(r.partitions() <= Math.max(p0, 1), r.toString());
                assertTrue(Double.isFinite(r.predictedNanos()), r.explain());
                assertFalse(r.explain().isBlank());
            }
        }
        // 10,000 empty partitions cost 625 waves of overhead: merged into one.
        Recommendation empty = optimizer.optimize(profile(1e6, 0.5), Workload.of(0, 10_000), cluster(16));
        assertEquals(1, empty.partitions(), empty.explain());
        assertEquals(Action.COALESCE, empty.action());
        CostProfile batch = profile(1e6, 0.5).withBatchFit(new BatchFit(1e6, 1e3, 2, 1.0));
        assertEquals(1, optimizer.optimize(batch, Workload.of(1, 1), cluster(4)).batchSize());
    }

    @Test
    void maxParallelismBoundsAndDivisorsArePreferred() {
        Workload capped = Workload.of(10_000_000, 1).withMaxParallelism(10, false);
        Recommendation r = optimizer.optimize(profile(1e5, 0.1), capped, cluster(16));
        assertEquals(10, r.partitions(), r.explain());

        Workload keyed = Workload.of(10_000_000, 1).withMaxParallelism(128, true);
        Recommendation k = optimizer.optimize(profile(1e5, 0.1), keyed, cluster(12));
        assertEquals(0, 128 % k.partitions(), k.explain());
        assertNotEquals(1, k.partitions());
        assertTrue(k.partitions() >= 8, k.explain());
        // Without the preference the slot count itself wins.
        Recommendation free = optimizer.optimize(
                profile(1e5, 0.1), Workload.of(10_000_000, 1).withMaxParallelism(128, false), cluster(12));
        assertEquals(12, free.partitions(), free.explain());
    }

    @Test
    void explanationNamesTheNumbers() {
        Recommendation r = optimizer.optimize(profile(1e6, 0.3), Workload.estimated(5_000_000, 0.4, 1), cluster(16));
        String e = r.explain();
        assertTrue(e.contains("mean 1.00 ms/record"), e);
        assertTrue(e.contains("16 slots"), e);
        assertTrue(e.contains("estimated, ±40 %"), e);
        assertTrue(e.contains("<- chosen"), e);
        assertTrue(e.contains("(current)"), e);
        assertTrue(
                r.warnings().stream().anyMatch(w -> w.contains("estimate")),
                r.warnings().toString());
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> optimizer.optimize(null, Workload.of(1, 1), cluster(1)));
        assertTrue(e.getMessage().contains("profile"));
        e = assertThrows(IllegalArgumentException.class, () -> optimizer.optimize(profile(1, 0), null, cluster(1)));
        assertTrue(e.getMessage().contains("workload"));
        e = assertThrows(
                IllegalArgumentException.class, () -> optimizer.optimize(profile(1, 0), Workload.of(1, 1), null));
        assertTrue(e.getMessage().contains("cluster"));
    }
}
