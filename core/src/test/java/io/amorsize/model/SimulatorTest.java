package io.amorsize.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    @Test
    void listSchedulingLaunchesInIndexOrderOnTheFirstFreeSlot() {
        // Long task first: it runs alone on one slot while the other takes the three short ones.
        assertEquals(3.0, Simulator.listSchedule(new double[] {3, 1, 1, 1}, 2), 0);
        // Long task last: it starts only when a slot frees.
        assertEquals(4.0, Simulator.listSchedule(new double[] {1, 1, 1, 3}, 2), 0);
        // P = C + 1 equal tasks: two waves.
        assertEquals(2.0, Simulator.listSchedule(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 8), 0);
        assertEquals(5.0, Simulator.listSchedule(new double[] {1, 1, 1, 1, 1}, 1), 0);
    }

    @Test
    void sharedCoresSlowCpuBurstsButNotWaits() {
        Simulator sim = new Simulator(100e6, 0, 0);
        SimulatedInput in = SimulatedInput.even(8_000, 8, CostDistribution.constant(1_000)); // 1 ms per task
        // 8 CPU-bound tasks on 8 slots and 4 cores: the cores do 8 ms of work in 2 ms, overhead at full speed.
        assertEquals(2_000_000 + 10, sim.makespan(in, 8, 4, 1.0, 10, Action.KEEP, 8, new SplittableRandom(1)), 1);
        // Waits do not need a core: an all-wait function runs as if each task had one.
        assertEquals(1_000_000 + 10, sim.makespan(in, 8, 4, 0.0, 10, Action.KEEP, 8, new SplittableRandom(1)), 1);
        // Half CPU: between the two (bursts sometimes overlap on the cores, sometimes not).
        double mixed = sim.meanMakespan(in, 8, 4, 0.5, 10, Action.KEEP, 8, 3, 20);
        assertTrue(mixed > 1.02e6 && mixed < 1.5e6, "mixed " + mixed);
        // As many cores as slots: exactly the plain list schedule, same random draws.
        SimulatedInput spread = SimulatedInput.even(8_000, 8, CostDistribution.uniform(500, 1_500));
        assertEquals(
                sim.makespan(spread, 8, 10, Action.KEEP, 8, new SplittableRandom(5)),
                sim.makespan(spread, 8, 8, 1.0, 10, Action.KEEP, 8, new SplittableRandom(5)),
                0);
        // Fewer tasks than cores: no contention either.
        assertEquals(
                1_000_000 + 10,
                sim.makespan(
                        SimulatedInput.even(4_000, 4, CostDistribution.constant(1_000)),
                        8,
                        4,
                        1.0,
                        10,
                        Action.KEEP,
                        4,
                        new SplittableRandom(1)),
                1);
    }

    @Test
    void actionsBuildTheRightTasks() {
        Simulator sim = new Simulator(100e6, 0, 0); // free shuffle
        SimulatedInput in = SimulatedInput.even(1_000, 10, CostDistribution.constant(1_000));
        SplittableRandom rng = new SplittableRandom(1);
        // KEEP: 10 tasks of 100 records on 4 slots: 3 waves.
        assertEquals(3 * (100 * 1_000 + 10), sim.makespan(in, 4, 10, Action.KEEP, 10, rng), 1e-6);
        // COALESCE to 3: groups of 3, 3 and 4 partitions; the largest has 400 records.
        assertEquals(400 * 1_000 + 10, sim.makespan(in, 4, 10, Action.COALESCE, 3, rng), 1e-6);
        // REPARTITION to 4: a map stage of 10 empty-cost tasks (3 waves of overhead) + 250 records per task.
        assertEquals(3 * 10 + 250 * 1_000 + 10, sim.makespan(in, 4, 10, Action.REPARTITION, 4, rng), 1e-6);
    }

    @Test
    void repartitionSpreadsAHotPartitionAndPaysTheShuffle() {
        SimulatedInput in = SimulatedInput.even(4_000, 4, CostDistribution.constant(1_000))
                .withPartitionCost(1, CostDistribution.constant(100_000));
        Simulator sim = new Simulator(100e6, 1_000, 100); // 1 µs + 1 µs per record
        SplittableRandom rng = new SplittableRandom(2);
        double keep = sim.makespan(in, 4, 0, Action.KEEP, 4, rng);
        assertEquals(1_000 * 100_000, keep, 1e-6);
        double rep = sim.makespan(in, 4, 0, Action.REPARTITION, 4, rng);
        // Each new task gets 250 hot and 750 cold records, plus shuffle: 1,000 records × 1 µs write, read.
        double expected = 1_000 * 1_000.0 + 250 * 100_000.0 + 750 * 1_000.0 + 1_000 * 1_000.0;
        assertEquals(expected, rep, 1e-6);
        assertTrue(rep < keep / 3);
    }

    @Test
    void sumsOfManyRecordsKeepTheMeanAndSpread() {
        SplittableRandom rng = new SplittableRandom(3);
        for (CostDistribution d : new CostDistribution[] {
            CostDistribution.uniform(1, 3), CostDistribution.lognormal(10, 1.5), CostDistribution.bimodal(1, 100, 0.01)
        }) {
            for (long n : new long[] {10, 1_000, 1_000_000}) {
                int runs = 4_000;
                double s = 0;
                double s2 = 0;
                for (int i = 0; i < runs; i++) {
                    double v = d.sum(n, rng);
                    s += v;
                    s2 += v * v;
                }
                double mean = s / runs;
                double sd = Math.sqrt(Math.max(0, s2 / runs - mean * mean));
                double wantMean = n * d.mean();
                double wantSd = Math.sqrt(n * d.variance());
                assertEquals(wantMean, mean, 5 * wantSd / Math.sqrt(runs) + 1e-9 * wantMean, d.describe() + " n=" + n);
                assertEquals(wantSd, sd, 0.25 * wantSd, d.describe() + " n=" + n + " sd");
            }
        }
    }

    @Test
    void tenBillionRecordsSimulateQuickly() {
        SimulatedInput in = SimulatedInput.even(10_000_000_000L, 10_000, CostDistribution.lognormal(1_000, 1.0));
        long t0 = System.nanoTime();
        double t = Simulator.withDefaultShuffle(100)
                .makespan(in, 10_000, 5e6, Action.KEEP, 10_000, new SplittableRandom(4));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        double perTask = 1e6 * Math.exp(0.5) * 1_000; // 1e6 records × mean cost
        assertTrue(t > perTask && t < perTask * 1.1 + 5e6, "makespan " + t);
        assertTrue(ms < 5_000, "took " + ms + " ms");
    }
}
