package io.amorsize.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cost model's predicted makespan against the simulator's (mean of several runs), with the
 * profile the model gets drawn from a sample of the workload, as a measurement would see it.
 * Tolerance: 15 % for light-tailed costs, 35 % when a heavy tail decides the slowest task (the
 * model only sees the tail up to the sample's maximum).
 */
class ModelVsSimulatorTest {

    private static final double MS = 1e6;
    private static final double US = 1e3;
    private static final long GIB = 1L << 30;

    static Stream<Arguments> shapes() {
        SimulatedInput uniform1 = SimulatedInput.even(1_000_000, 1, CostDistribution.uniform(50 * US, 150 * US));
        SimulatedInput tiny = SimulatedInput.even(1_000_000, 10_000, CostDistribution.uniform(0.5 * US, 1.5 * US));
        SimulatedInput hot = SimulatedInput.even(1_000_000, 4, CostDistribution.uniform(15 * US, 25 * US))
                .withPartitionCost(2, CostDistribution.uniform(1.5 * MS, 2.5 * MS));
        SimulatedInput logn = SimulatedInput.even(10_000_000, 128, CostDistribution.lognormal(10 * US, 1.0));
        SimulatedInput heavy = SimulatedInput.even(10_000, 100, CostDistribution.lognormal(100 * US, 1.5));
        SimulatedInput huge = SimulatedInput.even(10_000_000_000L, 10_000, CostDistribution.uniform(100, 300));
        return Stream.of(
                Arguments.of("uniform, P = C", uniform1, 8, Action.REPARTITION, 8, 0.15),
                Arguments.of("uniform, P = C + 1", uniform1, 8, Action.REPARTITION, 9, 0.15),
                Arguments.of("uniform, P = 3.5 C", uniform1, 8, Action.REPARTITION, 28, 0.15),
                Arguments.of("uniform, one task", uniform1, 8, Action.KEEP, 1, 0.15),
                Arguments.of("10,000 tiny partitions kept", tiny, 8, Action.KEEP, 10_000, 0.15),
                Arguments.of("10,000 tiny partitions coalesced to 8", tiny, 8, Action.COALESCE, 8, 0.15),
                Arguments.of("hot partition kept", hot, 16, Action.KEEP, 4, 0.15),
                Arguments.of("hot partition coalesced to 2", hot, 16, Action.COALESCE, 2, 0.15),
                Arguments.of("hot partition repartitioned", hot, 16, Action.REPARTITION, 16, 0.15),
                Arguments.of("lognormal sigma 1, 2 waves", logn, 64, Action.KEEP, 128, 0.15),
                Arguments.of("heavy tail, 100 records per task", heavy, 100, Action.KEEP, 100, 0.35),
                Arguments.of("1e10 records on 10,000 slots", huge, 10_000, Action.KEEP, 10_000, 0.15),
                Arguments.of("1e10 records repartitioned to 20,000", huge, 10_000, Action.REPARTITION, 20_000, 0.15));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void modelAgreesWithTheSimulator(
            String name, SimulatedInput input, int slots, Action action, int partitions, double tolerance) {
        SyntheticWorkload w = new SyntheticWorkload(name, input, slots, 5 * MS, 4 * GIB, 100);
        CostProfile profile = w.sampleProfile(new SplittableRandom(11), 2000, 4);
        CostModel model = CostModel.from(Settings.defaults());
        double predicted = model.predict(profile, w.workload(), w.cluster(), action, partitions, 1)
                .makespanNanos();
        double simulated = w.simulator().meanMakespan(input, slots, 5 * MS, action, partitions, 5, 8);
        double ratio = predicted / simulated;
        assertTrue(
                Math.abs(ratio - 1) <= tolerance,
                name + ": model " + predicted / 1e6 + " ms vs simulated " + simulated / 1e6 + " ms (ratio " + ratio
                        + ")");
    }

    /** Slots = 2 × cores: the model's finite-source queue against the simulator's CPU bursts. */
    static Stream<Arguments> fewerCores() {
        SimulatedInput one = SimulatedInput.even(20_000, 1, CostDistribution.uniform(0.5 * MS, 1.5 * MS));
        SimulatedInput eight = SimulatedInput.even(20_000, 8, CostDistribution.uniform(0.5 * MS, 1.5 * MS));
        return Stream.of(
                Arguments.of("CPU-bound, 8 tasks on 4 cores", one, 1.0, Action.REPARTITION, 8),
                Arguments.of("CPU-bound, 4 tasks on 4 cores", one, 1.0, Action.REPARTITION, 4),
                Arguments.of("CPU-bound, 12 tasks on 8 slots, 4 cores", one, 1.0, Action.REPARTITION, 12),
                Arguments.of("CPU-bound, 8 kept on 4 cores", eight, 1.0, Action.KEEP, 8),
                Arguments.of("I/O-bound, 8 tasks on 4 cores", one, 0.05, Action.REPARTITION, 8),
                Arguments.of("mixed, 8 tasks on 4 cores", one, 0.5, Action.REPARTITION, 8),
                Arguments.of("mixed, 6 tasks on 4 cores", one, 0.5, Action.REPARTITION, 6),
                Arguments.of("70 % CPU, 8 kept on 4 cores", eight, 0.7, Action.KEEP, 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fewerCores")
    void modelAgreesWithTheSimulatorWhenSlotsOutnumberCores(
            String name, SimulatedInput input, double cpuShare, Action action, int partitions) {
        SyntheticWorkload w = new SyntheticWorkload(name, input, 8, 5 * MS, 4 * GIB, 100, 4, cpuShare);
        CostProfile profile = w.sampleProfile(new SplittableRandom(11), 2000, 4);
        CostModel model = CostModel.from(Settings.defaults());
        double predicted = model.predict(profile, w.workload(), w.cluster(), action, partitions, 1)
                .makespanNanos();
        double simulated = w.meanMakespan(w.simulator(), action, partitions, 5, 8);
        double ratio = predicted / simulated;
        assertTrue(
                Math.abs(ratio - 1) <= 0.15,
                name + ": model " + predicted / 1e6 + " ms vs simulated " + simulated / 1e6 + " ms (ratio " + ratio
                        + ")");
    }
}
