package io.amorsize.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryFormat;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Observation;
import io.amorsize.model.Workload;
import io.amorsize.testing.FakeStore;
import io.amorsize.testing.LogCapture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Tuner's use of observed runs: the corrected count and cost, robustness, hysteresis, the off switch. */
@Timeout(30)
class FeedbackTunerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    private static final ClusterShape CLUSTER = new ClusterShape("test", "1", 16, 1L << 30, 5e6);
    private static final InputShape INPUT = new InputShape(1_000_000, -1, 1);
    private static final String FP = "fnfeedback";
    /** What the sample saw: 1 µs per record and an estimated 10,000 records. */
    private static final CostProfile SAMPLED = CostProfile.of(1_000, 0.1, 100, 100);

    private static final Workload ESTIMATED = Workload.estimated(10_000, 1.0, 1);

    private static CacheKey key() {
        return CacheKey.of(FP, INPUT, CLUSTER);
    }

    private static TuningRequest request() {
        return new TuningRequest(FP, INPUT, CLUSTER, null, () -> {
            throw new AssertionError("a hit measures nothing");
        });
    }

    /** A run that saw 1,000,000 records at {@code costNanos} each. */
    private static Observation run(long id, double costNanos, int partitions, Action action, int correctedBy) {
        return new Observation(
                id,
                CLOCK.millis() - 10_000 + id,
                partitions,
                action,
                1,
                correctedBy,
                1e7,
                costNanos * 1e6 / 16,
                1_000_000,
                costNanos,
                2e6,
                1.1);
    }

    private static FakeStore storeWith(List<Observation> history) {
        FakeStore store = new FakeStore();
        store.lockMode = FakeStore.LockMode.NONE;
        store.putDirect(
                key(),
                new CacheEntry(
                        EntryFormat.SCHEMA_VERSION,
                        key(),
                        SAMPLED,
                        CLUSTER,
                        ESTIMATED,
                        1,
                        1,
                        Action.KEEP,
                        CLOCK.millis() - 100_000,
                        history));
        return store;
    }

    private static Tuner tuner(FakeStore store, Settings settings) {
        return new Tuner(store, settings, CLOCK);
    }

    @Test
    void theColdProfileKeepsTheSingleCheapPartition() {
        Recommendation r = tuner(storeWith(List.of()), Settings.defaults()).tune(request());
        assertEquals(1, r.partitions(), r.explain());
    }

    @Test
    void observedRecordsAndCostReplaceTheSampledOnesAndTheInfoLineSaysSo() {
        List<Observation> h = List.of(
                run(1, 1e6, 1, Action.KEEP, 0),
                run(2, 1e6, 16, Action.REPARTITION, 1),
                run(3, 1e6, 16, Action.REPARTITION, 2));
        FakeStore store = storeWith(h);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Tuner.Decided d = tuner(store, Settings.defaults()).decideRun(request());
            Recommendation r = d.recommendation();
            assertEquals(16, r.partitions(), r.explain());
            assertEquals(Action.REPARTITION, r.action());
            assertTrue(r.explain().contains("observed: 3 runs; last predicted 0.01 s, observed 62.50 s"), r.explain());
            assertTrue(r.explain().contains("records 1,000,000 (observed)"), r.explain());
            assertEquals(
                    1e6 * 1e6 / 16, r.predictedNanos(), 0.2 * 1e6 * 1e6 / 16, "priced at the observed 1 ms per record");
            String info = logs.at(Level.INFO).get(0).message();
            assertTrue(info.contains("(redis hit, corrected by 3 runs"), info);
            assertNotNull(d.run());
            assertEquals(3, d.run().correctedBy());
        }
    }

    @Test
    void oneWildlySlowRunDoesNotMoveTheDecision() {
        List<Observation> steady = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            steady.add(run(i, 1e5, 16, Action.REPARTITION, i - 1));
        }
        Recommendation base = tuner(storeWith(steady), Settings.defaults()).tune(request());
        List<Observation> withSlow = new ArrayList<>(steady);
        withSlow.add(run(9, 1e6, 16, Action.REPARTITION, 3)); // a lost executor: 10x slower
        Recommendation after = tuner(storeWith(withSlow), Settings.defaults()).tune(request());
        assertEquals(base.partitions(), after.partitions(), after.explain());
        assertEquals(
                base.predictedNanos(),
                after.predictedNanos(),
                1e-6 * base.predictedNanos(),
                "the median ignores the outlier: " + after.explain());
        // two observations, one slow: the lower median is the normal one
        Recommendation two = tuner(storeWith(List.of(steady.get(0), withSlow.get(3))), Settings.defaults())
                .tune(request());
        assertEquals(base.predictedNanos(), two.predictedNanos(), 1e-6 * base.predictedNanos(), two.explain());
    }

    @Test
    void aCorrectedIncumbentWithinTheDoNoHarmFactorIsKept() {
        // 14 partitions: one wave at 71.4 s against 62.5 s for 16 (1.14x, below the 1.2x threshold)
        FakeStore corrected = storeWith(List.of(run(1, 1e6, 14, Action.REPARTITION, 1)));
        Recommendation kept = tuner(corrected, Settings.defaults()).tune(request());
        assertEquals(14, kept.partitions(), kept.explain());
        assertTrue(kept.explain().contains("feedback: kept the last run's REPARTITION 14 partitions"), kept.explain());
        // the same run decided cold is no incumbent: the corrected pick replaces it at once
        FakeStore cold = storeWith(List.of(run(1, 1e6, 14, Action.REPARTITION, 0)));
        assertEquals(16, tuner(cold, Settings.defaults()).tune(request()).partitions());
        // far enough off, the new pick wins even against a corrected incumbent (83 s vs 62.5 s = 1.33x)
        FakeStore far = storeWith(List.of(run(1, 1e6, 12, Action.REPARTITION, 1)));
        assertEquals(16, tuner(far, Settings.defaults()).tune(request()).partitions());
    }

    @Test
    void feedbackOffIgnoresTheHistoryAndHandsOutNoRun() {
        FakeStore store = storeWith(List.of(run(1, 1e6, 16, Action.REPARTITION, 0)));
        Settings off = Settings.defaults().with(Options.FEEDBACK_ENABLED, false);
        Tuner.Decided d = tuner(store, off).decideRun(request());
        assertEquals(1, d.recommendation().partitions(), d.recommendation().explain());
        assertNull(d.run());
        assertTrue(
                !d.recommendation().explain().contains("observed:"),
                d.recommendation().explain());
    }
}
