package io.amorsize.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.testing.LogCapture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TuningPipelineTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    private static final ClusterShape CLUSTER = new ClusterShape("test", "1", 16, 1L << 30, 5e6);
    private static final InputShape INPUT = new InputShape(1_000_000, -1, 1);

    /** An engine of our own with scripted behaviour: 1 ms per record, 1e6 records in one partition. */
    private static class FakeEngine implements EngineAdapter {
        final RecommendationStore store;
        final AtomicInteger measures = new AtomicInteger();
        final AtomicInteger decided = new AtomicInteger();
        Settings settings = Settings.defaults();
        RuntimeException clusterFailure;
        Recommendation skip;

        FakeEngine(RecommendationStore store) {
            this.store = store;
        }

        @Override
        public int currentParallelism() {
            return 3;
        }

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public EngineInput describeInput(Settings s) {
            return skip != null
                    ? EngineInput.nothingToTune(skip)
                    : EngineInput.of(INPUT, Workload.of(1_000_000, 1), List.of("fake input"));
        }

        @Override
        public RecommendationStore store(Settings s) {
            return store;
        }

        @Override
        public ClusterShape cluster(Settings s, String fingerprint, EngineInput input, RecommendationStore st) {
            if (clusterFailure != null) {
                throw clusterFailure;
            }
            return CLUSTER;
        }

        @Override
        public Measurement measure(Settings s, EngineInput input, Workload workload) {
            measures.incrementAndGet();
            return new Measurement(CostProfile.of(1e6, 0.1, 100, 100), workload, input.notes());
        }

        @Override
        public String fallbackLine(int kept, String reason) {
            return "fake: kept " + kept + " (" + reason + ")";
        }

        @Override
        public String strictMessage(String reason) {
            return "fake strict: " + reason;
        }

        @Override
        public void decided(Recommendation rec, ClusterShape cluster, Workload workload, long elapsedNanos) {
            decided.incrementAndGet();
        }
    }

    private final TuningMetrics metrics = new TuningMetrics();
    private final TuningPipeline pipeline = new TuningPipeline(metrics, CLOCK, new FakeTicker(), new FakeTicker());

    @Test
    void aMissMeasuresAndStoresThenAHitMeasuresNothingAndTheCountersSayWhich() {
        FakeEngine engine = new FakeEngine(new InMemoryStore());
        Function<Integer, Integer> fn = x -> x + 1;
        try (LogCapture logs = LogCapture.start("io.amorsize.tune")) {
            Recommendation cold = pipeline.decide(engine, fn, TuneOptions.defaults());
            assertEquals(Source.COMPUTED, cold.source(), cold.explain());
            assertEquals(16, cold.partitions(), cold.explain());
            List<LogCapture.Line> info = logs.at(Level.INFO);
            assertEquals(1, info.size(), logs.lines().toString());
            assertTrue(
                    info.get(0).message().startsWith("amorsize: 1 -> 16 partitions (REPARTITION), batch 1 (measured"),
                    info.get(0).message());
        }
        Recommendation warm = pipeline.decide(engine, fn, TuneOptions.defaults());
        assertEquals(Source.CACHE_REDIS, warm.source());
        assertEquals(1, engine.measures.get(), "a hit measures nothing");
        assertEquals(2, engine.decided.get());
        assertEquals(2, metrics.decisions());
        assertEquals(1, metrics.misses());
        assertEquals(1, metrics.hits());
        assertEquals(0, metrics.fallbacks());
        assertTrue(
                metrics.tuningNanos() > 0 && metrics.tuningNanos() % FakeTicker.STEP_NANOS == 0,
                "the injected ticker times a decision: " + metrics.tuningNanos());
    }

    @Test
    void anExplicitIdAndVersionAreTheFunctionsIdentityWhateverTheFunctionObject() {
        FakeEngine engine = new FakeEngine(new InMemoryStore());
        TuneOptions id = TuneOptions.builder().function("shared", "1").build();
        pipeline.decide(engine, (Function<Integer, Integer>) x -> x + 1, id);
        Recommendation other = pipeline.decide(engine, (Function<Integer, Integer>) x -> x * 7, id);
        assertEquals(Source.CACHE_REDIS, other.source());
        Recommendation bumped = pipeline.decide(
                engine,
                (Function<Integer, Integer>) x -> x * 7,
                TuneOptions.builder().function("shared", "2").build());
        assertEquals(Source.COMPUTED, bumped.source(), "a new version measures again");
        assertEquals(2, engine.measures.get());
    }

    @Test
    void aFailureKeepsTheEnginesPartitioningWithExactlyOneWarnAndStrictModeThrows() {
        FakeEngine engine = new FakeEngine(new InMemoryStore());
        engine.clusterFailure = new IllegalStateException("REST down");
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation rec = pipeline.decide(engine, "fn", TuneOptions.defaults());
            assertEquals(Source.DEFAULT_FALLBACK, rec.source());
            assertEquals(3, rec.partitions(), "the engine's current parallelism");
            List<LogCapture.Line> warns = logs.at(Level.WARN);
            assertEquals(1, warns.size(), logs.lines().toString());
            assertEquals(
                    "fake: kept 3 (IllegalStateException: REST down)",
                    warns.get(0).message());
        }
        assertEquals(1, metrics.fallbacks());
        assertEquals(1, metrics.decisions());

        AmorsizeException e = assertThrows(
                AmorsizeException.class,
                () -> pipeline.decide(
                        engine, "fn", TuneOptions.builder().strict(true).build()));
        assertEquals("fake strict: IllegalStateException: REST down", e.getMessage());
        assertSame(engine.clusterFailure, e.getCause());
        engine.settings = Settings.defaults().with(Options.STRICT, true);
        assertThrows(
                AmorsizeException.class,
                () -> pipeline.decide(engine, "fn", TuneOptions.defaults()),
                "strict mode from the engine's configuration");
    }

    @Test
    void aMeasurementFailureInsideTheTunerIsTheSameOneWarnFallback() {
        FakeEngine engine = new FakeEngine(new InMemoryStore()) {
            @Override
            public Measurement measure(Settings s, EngineInput input, Workload workload) {
                throw new ArithmeticException("bad record #7");
            }
        };
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation rec = pipeline.decide(engine, "fn", TuneOptions.defaults());
            assertEquals(Source.DEFAULT_FALLBACK, rec.source());
            List<LogCapture.Line> warns = logs.at(Level.WARN);
            assertEquals(1, warns.size(), logs.lines().toString());
            assertTrue(
                    warns.get(0).message().startsWith("fake: kept 3 (measurement failed: ArithmeticException"),
                    warns.get(0).message());
        }
        AmorsizeException e = assertThrows(
                AmorsizeException.class,
                () -> pipeline.decide(
                        engine, "fn", TuneOptions.builder().strict(true).build()));
        assertTrue(
                e.getMessage().startsWith("fake strict: measurement failed: ArithmeticException: bad record #7"),
                e.getMessage());
        assertEquals(0, engine.decided.get());
    }

    @Test
    void disabledAndNothingToTuneReturnTheEnginesDecisionUncountedAndMeasureNothing() {
        FakeEngine engine = new FakeEngine(new InMemoryStore());
        Recommendation disabled = pipeline.decide(
                engine, "fn", TuneOptions.builder().set(Options.ENABLED, false).build());
        assertEquals(Source.DEFAULT_FALLBACK, disabled.source());
        assertEquals(3, disabled.partitions());
        Recommendation kept = Recommendation.fallback(5, "empty input");
        engine.skip = kept;
        assertSame(kept, pipeline.decide(engine, "fn", TuneOptions.defaults()));
        assertEquals(0, engine.measures.get());
        assertEquals(0, metrics.decisions());
    }

    @Test
    void waitingForAnotherDriversMeasurementUsesTheInjectedClockAndNeverSleepsForReal() {
        InMemoryStore store = new InMemoryStore();
        io.amorsize.key.CacheKey key = io.amorsize.key.CacheKey.of("fp", INPUT, CLUSTER);
        assertTrue(store.tryLock(key, java.time.Duration.ofMinutes(1)).isPresent(), "another driver holds the lock");
        FakeTicker time = new FakeTicker(false);
        java.time.Duration lockWait = java.time.Duration.ofSeconds(30);
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK, lockWait, time, time);
        AtomicInteger measured = new AtomicInteger();
        long realStart = System.nanoTime();
        Recommendation rec = tuner.tune(new TuningRequest("fp", INPUT, CLUSTER, null, () -> {
            measured.incrementAndGet();
            return new Measurement(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1), List.of());
        }));
        long realMillis = (System.nanoTime() - realStart) / 1_000_000;
        assertEquals(Source.COMPUTED, rec.source(), rec.explain());
        assertEquals(1, measured.get(), "measured here once the wait ran out");
        assertEquals(lockWait.toNanos(), time.slept.get(), "slept exactly the lock wait, in fake time");
        assertTrue(time.sleeps.get() > 5, "polled with growing pauses: " + time.sleeps.get());
        assertTrue(realMillis < 10_000, "30 s of fake waiting took " + realMillis + " ms of real time");
    }

    /** Ticker and sleeper: each reading advances by a fixed step; sleeping advances by the pause. */
    static final class FakeTicker implements io.amorsize.Ticker, Tuner.Sleeper {
        static final long STEP_NANOS = 1_000_000L;
        final AtomicLong now = new AtomicLong();
        final AtomicLong slept = new AtomicLong();
        final AtomicInteger sleeps = new AtomicInteger();
        boolean stepping = true;

        FakeTicker() {}

        FakeTicker(boolean stepping) {
            this.stepping = stepping;
        }

        @Override
        public long nanos() {
            return stepping ? now.getAndAdd(STEP_NANOS) : now.get();
        }

        @Override
        public void sleep(long nanos) {
            sleeps.incrementAndGet();
            slept.addAndGet(nanos);
            now.addAndGet(nanos);
        }
    }
}
