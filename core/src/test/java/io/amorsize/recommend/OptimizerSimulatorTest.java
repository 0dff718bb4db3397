package io.amorsize.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.Simulator;
import io.amorsize.model.SyntheticWorkload;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer judged by the simulator on the cheaper workloads of the benchmark suite: its
 * choice, made from a sampled profile, must simulate within 10 % of the best partition count found
 * by sweeping every count up to 4× the slots with every applicable action. (The full suite, with
 * 10,000-slot workloads, is the SimulatorReport benchmark.)
 */
class OptimizerSimulatorTest {

    private static final int RUNS = 3;

    static Stream<SyntheticWorkload> cheapWorkloads() {
        return SyntheticWorkload.suite().stream().filter(w -> w.slots() <= 64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cheapWorkloads")
    void recommendedIsWithinTenPercentOfTheBestInASweep(SyntheticWorkload w) {
        CostProfile profile = w.sampleProfile(new SplittableRandom(42), 2000, 4);
        Decision d = new Optimizer(Settings.defaults()).decide(profile, w.workload(), w.cluster(), List.of());
        Simulator sim = w.simulator();
        int p0 = w.input().partitions();
        double rec = w.meanMakespan(sim, d.chosen().action(), d.chosen().partitions(), 1, RUNS);
        double best = rec;
        String bestName = "recommended";
        long n = w.input().totalRecords();
        for (int p = 1; p <= Math.min(4L * w.slots(), Math.max(1, n)); p++) {
            double t = w.meanMakespan(sim, Action.REPARTITION, p, 1, RUNS);
            if (t < best) {
                best = t;
                bestName = "REPARTITION " + p;
            }
            if (p < p0) {
                t = w.meanMakespan(sim, Action.COALESCE, p, 1, RUNS);
                if (t < best) {
                    best = t;
                    bestName = "COALESCE " + p;
                }
            }
        }
        double keep = w.meanMakespan(sim, Action.KEEP, p0, 1, RUNS);
        if (keep < best) {
            best = keep;
            bestName = "KEEP";
        }
        double ratio = rec / best;
        assertTrue(
                ratio <= 1.10,
                w.name() + ": recommended " + d.chosen().action() + " "
                        + d.chosen().partitions() + " simulates " + ratio + "x the best (" + bestName + ")\n"
                        + d.explanation());
    }

    @Test
    void theSuiteSpansTheRequiredRange() {
        List<SyntheticWorkload> suite = SyntheticWorkload.suite();
        assertTrue(suite.size() >= 12);
        assertEquals(8, suite.stream().mapToInt(SyntheticWorkload::slots).min().orElseThrow());
        assertEquals(
                10_000, suite.stream().mapToInt(SyntheticWorkload::slots).max().orElseThrow());
        assertEquals(
                1_000,
                suite.stream().mapToLong(w -> w.input().totalRecords()).min().orElseThrow());
        assertEquals(
                10_000_000_000L,
                suite.stream().mapToLong(w -> w.input().totalRecords()).max().orElseThrow());
    }

    /** The slots = 2 × cores workloads: the cores bound CPU-bound work, not I/O-bound work. */
    @Test
    void slotsOverCoresWorkloadsAreJudgedAndTheCoresBoundOnlyCpuBoundWork() {
        List<SyntheticWorkload> fewer = SyntheticWorkload.slotsOverCores();
        assertTrue(fewer.size() >= 3);
        for (SyntheticWorkload w : fewer) {
            assertEquals(2 * w.cores(), w.slots(), w.name());
            assertTrue(cheapWorkloads().anyMatch(x -> x.name().equals(w.name())), w.name() + " is judged above");
        }
        Settings settings = Settings.defaults();
        for (SyntheticWorkload w : fewer) {
            if (!w.name().matches("(cpu|io|mixed)-bound-8-slots-4-cores|mixed-8-slots-4-cores")) {
                continue;
            }
            CostProfile profile = w.sampleProfile(new SplittableRandom(42), 2000, 4);
            Decision d = new Optimizer(settings).decide(profile, w.workload(), w.cluster(), List.of());
            double gain = d.current().makespanNanos() / d.chosen().makespanNanos();
            if (w.cpuShare() == 1.0) {
                assertTrue(gain <= w.cores() * 1.001, w.name() + ": gain " + gain + "\n" + d.explanation());
                assertEquals(w.cores(), d.chosen().partitions(), w.name() + "\n" + d.explanation());
            } else {
                assertEquals(w.slots(), d.chosen().partitions(), w.name() + "\n" + d.explanation());
                assertTrue(gain > w.cores() * 1.1, w.name() + ": gain " + gain + "\n" + d.explanation());
            }
        }
    }

    @Test
    void aSampledHotPartitionShowsAsSkew() {
        SyntheticWorkload hot = SyntheticWorkload.suite().stream()
                .filter(w -> w.name().equals("hot-input-partition"))
                .findFirst()
                .orElseThrow();
        CostProfile p = hot.sampleProfile(new SplittableRandom(1), 2000, 4);
        assertTrue(p.partitionSkew() > 3, "skew " + p.partitionSkew());
        SyntheticWorkload even = SyntheticWorkload.suite().stream()
                .filter(w -> w.name().equals("already-right"))
                .findFirst()
                .orElseThrow();
        assertTrue(even.sampleProfile(new SplittableRandom(1), 2000, 4).partitionSkew() < 1.2);
    }
}
