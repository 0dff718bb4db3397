package io.amorsize.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.MeasureReport;
import io.amorsize.measure.Measured;
import io.amorsize.measure.Measurer;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Measuring lasts as long as the decision needs: the real Measurer, the real optimizer, the real
 * clock. Assertions are about shares of the budget and ratios between runs, taken over a few runs,
 * so that a loaded 2-core machine (where one run can stall for a few hundred ms) does not fail them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DecisionStopTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ClusterShape CLUSTER = new ClusterShape("local", "1", 2, 1L << 30, 5e6);

    /** Busy-spins for {@code nanos} of this thread's CPU time (a cost that does not depend on load). */
    static long spinCpu(long nanos) {
        long end = THREADS.getCurrentThreadCpuTime() + nanos;
        long n = 0;
        while (THREADS.getCurrentThreadCpuTime() < end) {
            n++;
        }
        return n;
    }

    private static List<Integer> ints(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    private static Measured measure(Settings settings, Workload workload, RecordFunction<Integer, Long> fn) {
        return DecisionStopRule.attach(new Measurer(settings, Ticker.system()), settings, workload, CLUSTER)
                .measureWithReport(List.of(ints(2000)), fn);
    }

    @Test
    void cheapFunctionOnInputThatIsAlreadyRightStopsWellBeforeTheBudget() {
        Duration budget = Duration.ofSeconds(2);
        Settings settings = Settings.defaults().with(Options.MEASURE_BUDGET, budget);
        Workload right = Workload.exact(1_000_000, 2);
        RecordFunction<Integer, Long> fn = x -> spinCpu(2_000);
        Optimizer optimizer = new Optimizer(settings);
        assertEquals(
                Action.KEEP,
                optimizer
                        .decide(CostProfile.of(2_000, 0.1, 80, 80), right, CLUSTER, List.of())
                        .chosen()
                        .action(),
                "the input is already right for a 2 us function");

        long[] elapsed = new long[3];
        for (int i = 0; i < elapsed.length; i++) {
            Measured m = measure(settings, right, fn);
            MeasureReport r = m.report();
            elapsed[i] = r.elapsed().toMillis();
            // the decision (or, on a stalled run, the 5 % spend cap) stops it, never the budget
            assertTrue(
                    EnumSet.of(MeasureReport.Stop.DECISION_STABLE, MeasureReport.Stop.SPEND_CAP)
                            .contains(r.stop()),
                    r::describe);
            assertTrue(r.elapsed().compareTo(budget.dividedBy(5)) < 0, r::describe);
            assertTrue(r.records() < 2000, () -> "stopped before timing every sampled record: " + r.describe());
            assertEquals(
                    Action.KEEP,
                    optimizer
                            .decide(m.profile(), right, CLUSTER, List.of())
                            .chosen()
                            .action());
        }
        Arrays.sort(elapsed);
        assertTrue(elapsed[0] < 100, () -> "tens of ms: " + Arrays.toString(elapsed));
    }

    @Test
    void aCostNearADecisionBoundaryUsesMoreOfTheBudgetThanOneFarFromIt() {
        Duration budget = Duration.ofMillis(1500);
        // the spend cap must not bind here: only the decision may stop measuring early
        Settings settings = Settings.defaults()
                .with(Options.MEASURE_BUDGET, budget)
                .with(Options.WARMUP_BUDGET, Duration.ofMillis(50))
                .with(Options.MEASURE_MIN_SPEND, budget);
        // a noisy cost (cv ~ 2.7): one call in ten, at random, costs 300 us, the others 3 us; mean ~ 33 us
        RecordFunction<Integer, Long> fn =
                x -> spinCpu(ThreadLocalRandom.current().nextInt(10) == 0 ? 300_000 : 3_000);
        Optimizer optimizer = new Optimizer(settings);
        long[] nearMs = new long[3];
        long[] farMs = new long[3];
        for (int i = 0; i < 3; i++) {
            // the input size at which the decision flips from KEEP 1 to REPARTITION for the cost as
            // measured just now (every sampled record timed, no stop rule)
            CostProfile measured = new Measurer(settings, Ticker.system()).measure(List.of(ints(2000)), fn);
            long boundary = boundary(optimizer, measured);
            Workload near = Workload.exact(boundary, 1);
            Workload far = Workload.exact(boundary * 1000, 1);
            assertEquals(
                    chosen(optimizer, measured, boundary).action(),
                    chosen(optimizer, measured, boundary * 1000).action(),
                    "far is on the same side of the boundary, well past it");

            MeasureReport n = measure(settings, near, fn).report();
            MeasureReport f = measure(settings, far, fn).report();
            assertEquals(MeasureReport.Stop.DECISION_STABLE, f.stop(), f::describe);
            assertTrue(f.elapsed().compareTo(budget.dividedBy(3)) < 0, f::describe);
            farMs[i] = Math.max(1, f.elapsed().toMillis());
            nearMs[i] = n.elapsed().toMillis();
        }
        Arrays.sort(nearMs);
        Arrays.sort(farMs);
        assertTrue(
                nearMs[1] >= 3 * farMs[1],
                () -> "near " + Arrays.toString(nearMs) + " ms vs far " + Arrays.toString(farMs) + " ms (medians)");
    }

    private static long boundary(Optimizer optimizer, CostProfile measured) {
        long lo = 10;
        long hi = 10_000_000;
        assertEquals(Action.KEEP, chosen(optimizer, measured, lo).action());
        assertNotEquals(Action.KEEP, chosen(optimizer, measured, hi).action());
        while (hi - lo > 1) {
            long mid = (lo + hi) / 2;
            if (chosen(optimizer, measured, mid).action() == Action.KEEP) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static Prediction chosen(Optimizer optimizer, CostProfile profile, long records) {
        return optimizer
                .decide(profile, Workload.exact(records, 1), CLUSTER, List.of())
                .chosen();
    }
}
