package io.amorsize.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.StoreUnavailableException;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.FunctionFailedException;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.testing.FakeStore;
import io.amorsize.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TunerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    private static final ClusterShape CLUSTER = new ClusterShape("test", "1", 16, 1L << 30, 5e6);
    private static final InputShape INPUT = new InputShape(1_000_000, -1, 1);
    private static final String FP = "fn0123";

    /** 1 ms per record, 1e6 records in one partition: clearly worth 16 partitions. */
    private static Measurement measurement() {
        return new Measurement(
                CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1), List.of("sampled 2000 records"));
    }

    private static final class CountingMeasure implements Supplier<Measurement> {
        final AtomicInteger calls = new AtomicInteger();
        final Supplier<Measurement> body;

        CountingMeasure(Supplier<Measurement> body) {
            this.body = body;
        }

        @Override
        public Measurement get() {
            calls.incrementAndGet();
            return body.get();
        }
    }

    private static TuningRequest request(Supplier<Measurement> measure) {
        return new TuningRequest(FP, INPUT, CLUSTER, null, measure);
    }

    private static CacheKey key() {
        return CacheKey.of(FP, INPUT, CLUSTER);
    }

    /** The shared fake; the Tuner's tests script a store that cannot lock unless a test says otherwise. */
    private static FakeStore fakeStore() {
        FakeStore store = new FakeStore();
        store.lockMode = FakeStore.LockMode.NONE;
        return store;
    }

    private static CacheEntry entry(CostProfile profile, Workload workload) {
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key(),
                profile,
                CLUSTER,
                workload,
                16,
                1,
                Action.REPARTITION,
                CLOCK.millis() - 1000);
    }

    @Test
    void missMeasuresOnceAndStoresTheProfile() {
        FakeStore store = fakeStore();
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = tuner.tune(request(m));
            assertEquals(Source.COMPUTED, r.source());
            assertEquals(16, r.partitions(), r.explain());
            assertEquals(Action.REPARTITION, r.action());
            assertEquals(1, m.calls.get());
            assertEquals(1, store.puts.get());
            CacheEntry stored = store.entry(key()).orElse(null);
            assertNotNull(stored, "stored under the key " + key());
            assertTrue(
                    store.raw.containsKey("amorsize:v1:" + FP + ":" + INPUT.bucket() + ":" + CLUSTER.fingerprint()),
                    "rendered by the store under its prefix: " + store.raw.keySet());
            assertEquals(CLOCK.millis(), stored.createdAtMillis());
            assertEquals(measurement().profile(), stored.profile());
            assertEquals(16, stored.partitions());
            List<LogCapture.Line> info = logs.at(Level.INFO);
            assertEquals(1, info.size(), logs.lines().toString());
            assertTrue(
                    info.get(0).message().startsWith("amorsize: 1 -> 16 partitions (REPARTITION), batch 1 (measured"),
                    info.get(0).message());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
        }
    }

    @Test
    void hitReDerivesWithoutMeasuring() {
        FakeStore store = fakeStore();
        // Cached: measured on 1e6 records in 1 partition.
        store.putDirect(key(), entry(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1)));
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        Recommendation r = tuner.tune(request(m));
        assertEquals(0, m.calls.get());
        assertEquals(Source.CACHE_REDIS, r.source());
        assertTrue(r.cacheHit());
        assertEquals(16, r.partitions(), r.explain());
        assertEquals(0, store.puts.get());
        assertTrue(r.explain().contains("shared cache"), r.explain());

        // Same key, but this job's known workload is 20 already-balanced partitions of cheap records:
        // the decision is re-derived for it, not copied from the entry.
        Workload known = Workload.of(1_000_000, 16);
        Recommendation kept = tuner.tune(new TuningRequest(FP, INPUT, CLUSTER, known, m));
        assertEquals(0, m.calls.get());
        assertEquals(Action.KEEP, kept.action(), kept.explain());
        assertEquals(16, kept.currentPartitions());
    }

    @Test
    void hitWithoutKnownWorkloadScalesTheCachedOne() {
        FakeStore store = fakeStore();
        InputShape input = new InputShape(-1, -1, 4);
        CacheKey k = CacheKey.of(FP, input, CLUSTER);
        // Cached: 1,000 records per partition in 2 partitions, estimated.
        store.putDirect(
                k,
                new CacheEntry(
                        EntryFormat.SCHEMA_VERSION,
                        k,
                        CostProfile.of(1e6, 0.1, 100, 100),
                        CLUSTER,
                        Workload.estimated(2_000, 0.1, 2),
                        16,
                        1,
                        Action.REPARTITION,
                        0));
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Recommendation r = tuner.tune(new TuningRequest(FP, input, CLUSTER, null, m));
        assertEquals(0, m.calls.get());
        assertEquals(4, r.currentPartitions());
        assertTrue(r.explain().contains("4,000 (estimated"), r.explain());
    }

    @Test
    void unavailableStoreStillGivesARecommendation() {
        FakeStore store = fakeStore();
        store.getFailure = new StoreUnavailableException("connection refused");
        store.putFailure = new StoreUnavailableException("connection refused");
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(m));
            assertEquals(Source.COMPUTED, r.source());
            assertEquals(16, r.partitions());
            assertEquals(1, m.calls.get());
            assertTrue(
                    logs.at(Level.WARN).stream().anyMatch(l -> l.message().contains("cache unavailable")),
                    logs.lines().toString());
            assertEquals(1, logs.at(Level.INFO).size(), logs.lines().toString());
        }
        // Any runtime exception from a store is a miss too.
        FakeStore broken = fakeStore();
        broken.getFailure = new IllegalStateException("bug in a store");
        assertEquals(
                Source.COMPUTED,
                new Tuner(broken, Settings.defaults(), CLOCK).tune(request(m)).source());
    }

    @Test
    void functionFailureFallsBackWithOneWarningNamingTheExceptionAndIndex() {
        FakeStore store = fakeStore();
        Supplier<Measurement> failing = () -> {
            throw new FunctionFailedException(7, new ArithmeticException("/ by zero"));
        };
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(failing));
            assertEquals(Source.DEFAULT_FALLBACK, r.source());
            assertEquals(1, r.partitions());
            assertEquals(Action.KEEP, r.action());
            assertEquals(1, r.warnings().size());
            String w = r.warnings().get(0);
            assertTrue(w.contains("ArithmeticException") && w.contains("#7"), w);
            List<LogCapture.Line> warns = logs.at(Level.WARN);
            assertEquals(1, warns.size(), logs.lines().toString());
            assertTrue(warns.get(0).message().contains("ArithmeticException")
                    && warns.get(0).message().contains("#7"));
            assertEquals(0, store.puts.get(), "nothing cached for a failure");
        }
        // Wrapped by an engine exception: still named.
        Supplier<Measurement> wrapped = () -> {
            throw new RuntimeException("Job aborted", new FunctionFailedException(3, new IllegalStateException("bad")));
        };
        Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(wrapped));
        assertTrue(
                r.warnings().get(0).contains("IllegalStateException")
                        && r.warnings().get(0).contains("#3"),
                r.warnings().toString());
    }

    @Test
    void strictModeThrows() {
        Settings strict = Settings.defaults().with(Options.STRICT, true);
        Supplier<Measurement> failing = () -> {
            throw new FunctionFailedException(2, new ArithmeticException("/ by zero"));
        };
        AmorsizeException e = assertThrows(
                AmorsizeException.class, () -> new Tuner(fakeStore(), strict, CLOCK).tune(request(failing)));
        assertTrue(
                e.getMessage().contains("ArithmeticException") && e.getMessage().contains("#2"), e.getMessage());
        assertTrue(e.getCause() instanceof FunctionFailedException);
    }

    @Test
    void disabledKeepsThePartitioningAtInfo() {
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r =
                    new Tuner(fakeStore(), Settings.defaults().with(Options.ENABLED, false), CLOCK).tune(request(m));
            assertEquals(Source.DEFAULT_FALLBACK, r.source());
            assertEquals(List.of("disabled"), r.warnings());
            assertEquals(0, m.calls.get());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
            assertEquals(1, logs.at(Level.INFO).size(), logs.lines().toString());
        }
    }

    @Test
    void nullRequestIsRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Tuner(new InMemoryStore(), Settings.defaults(), CLOCK).tune(null));
        assertTrue(e.getMessage().contains("request"));
    }

    @Test
    void lockHeldByAnotherDriverWaitsAndReadsItsEntry() {
        FakeStore store = fakeStore();
        store.lockMode = FakeStore.LockMode.HELD_BY_OTHER;
        store.appearing = entry(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1));
        store.appearAfterGets = 3; // the first look-up and two polls miss
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Recommendation r = new Tuner(store, Settings.defaults(), CLOCK, Duration.ofSeconds(10)).tune(request(m));
        assertEquals(0, m.calls.get(), "the other driver's measurement was reused");
        assertEquals(Source.CACHE_REDIS, r.source());
        assertEquals(4, store.gets.get());
    }

    /** Another driver stored the entry and released its lock between our miss and our lock. */
    @Test
    void entryStoredBetweenMissAndLockIsReusedNotMeasuredAgain() {
        FakeStore store = fakeStore();
        store.lockMode = FakeStore.LockMode.REAL;
        store.appearing = entry(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1));
        store.appearAfterGets = 1; // the first look-up misses; the entry is there once we hold the lock
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(m));
        assertEquals(0, m.calls.get(), "the entry found under the lock was reused");
        assertEquals(Source.CACHE_REDIS, r.source());
        assertEquals(1, store.releases.get(), "the lock was released");
        assertEquals(0, store.puts.get());
    }

    @Test
    void lockHeldTooLongMeasuresAnyway() {
        FakeStore store = fakeStore();
        store.lockMode = FakeStore.LockMode.HELD_BY_OTHER;
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        long t0 = System.nanoTime();
        Recommendation r = new Tuner(store, Settings.defaults(), CLOCK, Duration.ofMillis(300)).tune(request(m));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, m.calls.get());
        assertEquals(Source.COMPUTED, r.source());
        assertTrue(ms >= 300, "waited " + ms + " ms");
        assertTrue(store.gets.get() >= 2);
    }

    @Test
    void inMemoryStoreRoundTrip() {
        InMemoryStore store = new InMemoryStore();
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        Recommendation first = tuner.tune(request(m));
        Recommendation second = tuner.tune(request(m));
        assertEquals(1, m.calls.get());
        assertFalse(first.cacheHit());
        assertTrue(second.cacheHit());
        assertEquals(first.partitions(), second.partitions());
        assertEquals(first.predictedNanos(), second.predictedNanos(), 1e-6 * first.predictedNanos());
    }
}
