package io.amorsize.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The round logic with a clock the measured function moves (each call costs a known number of
 * fake nanoseconds) and hand-written stop rules: what stops measuring, and what the report says.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MeasurerStopRuleTest {

    /** Fake time: each read moves 10 ns; the function moves it by its cost. */
    private static final class FakeClock implements Ticker {
        long now;

        @Override
        public long nanos() {
            return now += 10;
        }
    }

    private static final class Rule implements StopRule {
        final boolean stable;
        final Duration cap;
        final AtomicInteger checks = new AtomicInteger();
        final List<double[]> ends = new ArrayList<>();

        Rule(boolean stable, Duration cap) {
            this.stable = stable;
            this.cap = cap;
        }

        @Override
        public boolean decisionStable(CostProfile low, CostProfile high) {
            checks.incrementAndGet();
            ends.add(new double[] {low.meanNanos(), high.meanNanos(), low.p95Nanos(), high.p95Nanos()});
            return stable;
        }

        @Override
        public Duration spendCap(CostProfile estimate) {
            return cap;
        }
    }

    private static Measurer measurer(FakeClock clock) {
        Settings s = Settings.defaults()
                .with(Options.MEASURE_BUDGET, Duration.ofMillis(200))
                .with(Options.WARMUP_BUDGET, Duration.ofMillis(20));
        return new Measurer(s, clock).withSizer(r -> 16);
    }

    private static Measured run(Measurer m, FakeClock clock) {
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            records.add(i);
        }
        // 20 us per record, a little spread by record
        return m.measureWithReport(List.of(records), x -> {
            clock.now += 20_000 + (x % 7) * 1_000;
            return x;
        });
    }

    @Test
    void aStableDecisionStopsTimingEarly() {
        FakeClock clock = new FakeClock();
        Rule rule = new Rule(true, Duration.ofSeconds(10));
        Measured m = run(measurer(clock).withStopRule(rule), clock);
        assertEquals(MeasureReport.Stop.DECISION_STABLE, m.report().stop(), m.report()::describe);
        // one prime check before the clock starts, one real check after the first round
        assertEquals(2, rule.checks.get());
        assertTrue(m.profile().sampleSize() < 500, m.report()::describe);
        assertTrue(m.report().elapsed().compareTo(Duration.ofMillis(100)) < 0, m.report()::describe);
        double[] e = rule.ends.get(1);
        assertTrue(e[0] < m.profile().meanNanos() && m.profile().meanNanos() < e[1], "mean inside its interval");
        assertTrue(e[2] <= e[3], "p95 ends ordered");
    }

    @Test
    void anUnstableDecisionRunsToTheSpendCap() {
        FakeClock clock = new FakeClock();
        Rule rule = new Rule(false, Duration.ofMillis(60));
        Measured m = run(measurer(clock).withStopRule(rule), clock);
        MeasureReport r = m.report();
        assertEquals(MeasureReport.Stop.SPEND_CAP, r.stop(), r::describe);
        long ms = r.elapsed().toMillis();
        assertTrue(ms >= 60 && ms < 70, r::describe);
        // warm-up stops at half the cap (here the 20 ms warm-up budget comes first)
        assertTrue(r.warmUp().toMillis() <= 30, r::describe);
        assertTrue(rule.checks.get() > 2, "checked after every round: " + rule.checks.get());
    }

    @Test
    void theBudgetBoundsAGenerousCap() {
        FakeClock clock = new FakeClock();
        Rule rule = new Rule(false, Duration.ofHours(1));
        MeasureReport r = run(measurer(clock).withStopRule(rule), clock).report();
        assertEquals(MeasureReport.Stop.BUDGET, r.stop(), r::describe);
        assertTrue(r.elapsed().toMillis() >= 200 && r.elapsed().toMillis() < 210, r::describe);
    }

    @Test
    void aSmallCapEndsWarmUpTooAndSaysSo() {
        FakeClock clock = new FakeClock();
        Settings s = Settings.defaults()
                .with(Options.MEASURE_BUDGET, Duration.ofMillis(400))
                .with(Options.WARMUP_BUDGET, Duration.ofMillis(200));
        Rule rule = new Rule(false, Duration.ofMillis(10));
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            records.add(i);
        }
        // a cost that keeps growing never settles: only the cap ends warm-up (at half of it)
        long[] calls = {0};
        MeasureReport r = new Measurer(s, clock)
                .withStopRule(rule)
                .measureWithReport(List.of(records), x -> {
                    clock.now += 20_000 + 200 * calls[0]++;
                    return x;
                })
                .report();
        assertEquals(MeasureReport.WarmUpEnd.SPEND_CAP, r.warmUpEnd(), r::describe);
        assertTrue(r.warmUp().toMillis() <= 6, r::describe);
        assertEquals(MeasureReport.Stop.SPEND_CAP, r.stop(), r::describe);
        assertTrue(r.elapsed().toMillis() < 12, r::describe);
    }

    @Test
    void withoutARuleTheFixedConditionsStopAndTheReportSaysWhich() {
        FakeClock clock = new FakeClock();
        Measured m = run(measurer(clock), clock);
        MeasureReport r = m.report();
        assertTrue(
                EnumSet.of(MeasureReport.Stop.EVERY_RECORD_TIMED, MeasureReport.Stop.MEAN_PRECISE)
                        .contains(r.stop()),
                r::describe);
        assertEquals(m.profile().sampleSize(), r.records());
        assertEquals(1, r.partitions());
        assertTrue(
                r.describe()
                        .matches("measured \\d+ records in 1 partition, \\d+ ms \\(warm-up \\d+ ms, .+\\); "
                                + "stopped: " + r.stop()),
                r.describe());
    }

    @Test
    void batchFunctionsStopOnAStableDecisionToo() {
        FakeClock clock = new FakeClock();
        Rule rule = new Rule(true, Duration.ofSeconds(10));
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(i);
        }
        Measured m = measurer(clock).withStopRule(rule).measureBatchesWithReport(records, batch -> {
            clock.now += 500_000 + 10_000L * batch.size();
            return batch;
        });
        assertEquals(MeasureReport.Stop.DECISION_STABLE, m.report().stop(), m.report()::describe);
        BatchFit fit = m.profile().batchFit();
        assertNotNull(fit);
        assertEquals(10_000, fit.perRecordNanos(), 200);
        assertEquals(500_000, fit.fixedNanos(), 20_000);
    }

    @Test
    void reportDescribesTheSpend() {
        MeasureReport r = new MeasureReport(
                180,
                2,
                Duration.ofMillis(40),
                Duration.ofMillis(96),
                MeasureReport.WarmUpEnd.SETTLED,
                MeasureReport.Stop.DECISION_STABLE);
        assertEquals(
                "measured 180 records in 2 partitions, 96 ms (warm-up 40 ms, timings settled); stopped: decision stable",
                r.describe());
        assertEquals("measured 180 records in 2 partitions, 96 ms; stopped: decision stable", r.summary());
        MeasureReport one = new MeasureReport(
                1,
                1,
                Duration.ZERO,
                Duration.ofMillis(3),
                MeasureReport.WarmUpEnd.BUDGET,
                MeasureReport.Stop.SPEND_CAP);
        assertEquals(
                "measured 1 record in 1 partition, 3 ms (warm-up 0 ms, warm-up budget spent); stopped: spend cap",
                one.describe());
    }
}
