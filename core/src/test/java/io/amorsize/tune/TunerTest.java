package io.amorsize.tune;

import io.amorsize.Source;

import io.amorsize.Action;

import io.amorsize.Recommendation;

import io.amorsize.AmorsizeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.ComputeLock;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import io.amorsize.cache.StoreUnavailableException;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.FunctionFailedException;
import io.amorsize.tune.Measurement;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.LogCapture;
import io.amorsize.key.InputShape;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
        return new Measurement(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1), List.of("sampled 2000 records"));
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

    private static String key() {
        return CacheKey.of(FP, INPUT, CLUSTER).render("amorsize:");
    }

    /** A store of our own interface with scripted behaviour. */
    private static class FakeStore implements RecommendationStore {
        final Map<String, CacheEntry> entries = new ConcurrentHashMap<>();
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger puts = new AtomicInteger();
        RuntimeException getFailure;
        RuntimeException putFailure;
        boolean lockHeldByOther;
        /** Hand out a real lock (not ComputeLock.NONE); counts releases. */
        boolean realLock;
        final AtomicInteger releases = new AtomicInteger();
        /** After this many gets, the entry below appears (another driver finished measuring). */
        int appearAfterGets = -1;
        CacheEntry appearing;

        @Override
        public Optional<CacheHit> get(String key) {
            int n = gets.incrementAndGet();
            if (getFailure != null) {
                throw getFailure;
            }
            if (appearing != null && appearAfterGets >= 0 && n > appearAfterGets) {
                entries.put(key, appearing);
            }
            CacheEntry e = entries.get(key);
            return e == null ? Optional.empty() : Optional.of(new CacheHit(e, Source.CACHE_REDIS));
        }

        @Override
        public void put(String key, CacheEntry entry) {
            puts.incrementAndGet();
            if (putFailure != null) {
                throw putFailure;
            }
            entries.put(key, entry);
        }

        @Override
        public boolean delete(String key) {
            return entries.remove(key) != null;
        }

        @Override
        public List<String> scan(String pattern) {
            return List.copyOf(entries.keySet());
        }

        @Override
        public long clear(String pattern) {
            int n = entries.size();
            entries.clear();
            return n;
        }

        @Override
        public StoreStats stats() {
            return new StoreStats(false, "fake", entries.size(), -1, "", -1, -1, 0, 0, 0, 0, "");
        }

        @Override
        public Optional<ComputeLock> tryLock(String key, Duration lease) {
            if (lockHeldByOther) {
                return Optional.empty();
            }
            return Optional.of(realLock ? releases::incrementAndGet : ComputeLock.NONE);
        }

        @Override
        public void close() {
        }
    }

    private static CacheEntry entry(CostProfile profile, Workload workload) {
        return new CacheEntry(CacheKey.SCHEMA_VERSION, key(), profile, CLUSTER, workload, 16, 1, Action.REPARTITION,
                CLOCK.millis() - 1000);
    }

    @Test
    void missMeasuresOnceAndStoresTheProfile() {
        FakeStore store = new FakeStore();
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = tuner.tune(request(m));
            assertEquals(Source.COMPUTED, r.source());
            assertEquals(16, r.partitions(), r.explain());
            assertEquals(Action.REPARTITION, r.action());
            assertEquals(1, m.calls.get());
            assertEquals(1, store.puts.get());
            CacheEntry stored = store.entries.get(key());
            assertNotNull(stored, "stored under the rendered key " + key());
            assertEquals(CLOCK.millis(), stored.createdAtMillis());
            assertEquals(measurement().profile(), stored.profile());
            assertEquals(16, stored.partitions());
            List<LogCapture.Line> info = logs.at(Level.INFO);
            assertEquals(1, info.size(), logs.lines().toString());
            assertTrue(info.get(0).message().startsWith("amorsize: 1 -> 16 partitions (REPARTITION), batch 1 (measured"),
                    info.get(0).message());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
        }
    }

    @Test
    void hitReDerivesWithoutMeasuring() {
        FakeStore store = new FakeStore();
        // Cached: measured on 1e6 records in 1 partition.
        store.entries.put(key(), entry(CostProfile.of(1e6, 0.1, 100, 100), Workload.of(1_000_000, 1)));
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
        FakeStore store = new FakeStore();
        InputShape input = new InputShape(-1, -1, 4);
        String k = CacheKey.of(FP, input, CLUSTER).render("amorsize:");
        // Cached: 1,000 records per partition in 2 partitions, estimated.
        store.entries.put(k, new CacheEntry(CacheKey.SCHEMA_VERSION, k, CostProfile.of(1e6, 0.1, 100, 100), CLUSTER,
                Workload.estimated(2_000, 0.1, 2), 16, 1, Action.REPARTITION, 0));
        Tuner tuner = new Tuner(store, Settings.defaults(), CLOCK);
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        Recommendation r = tuner.tune(new TuningRequest(FP, input, CLUSTER, null, m));
        assertEquals(0, m.calls.get());
        assertEquals(4, r.currentPartitions());
        assertTrue(r.explain().contains("4,000 (estimated"), r.explain());
    }

    @Test
    void unavailableStoreStillGivesARecommendation() {
        FakeStore store = new FakeStore();
        store.getFailure = new StoreUnavailableException("connection refused");
        store.putFailure = new StoreUnavailableException("connection refused");
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(m));
            assertEquals(Source.COMPUTED, r.source());
            assertEquals(16, r.partitions());
            assertEquals(1, m.calls.get());
            assertTrue(logs.at(Level.WARN).stream().anyMatch(l -> l.message().contains("cache unavailable")),
                    logs.lines().toString());
            assertEquals(1, logs.at(Level.INFO).size(), logs.lines().toString());
        }
        // Any runtime exception from a store is a miss too.
        FakeStore broken = new FakeStore();
        broken.getFailure = new IllegalStateException("bug in a store");
        assertEquals(Source.COMPUTED, new Tuner(broken, Settings.defaults(), CLOCK).tune(request(m)).source());
    }

    @Test
    void functionFailureFallsBackWithOneWarningNamingTheExceptionAndIndex() {
        FakeStore store = new FakeStore();
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
            assertTrue(warns.get(0).message().contains("ArithmeticException") && warns.get(0).message().contains("#7"));
            assertEquals(0, store.puts.get(), "nothing cached for a failure");
        }
        // Wrapped by an engine exception: still named.
        Supplier<Measurement> wrapped = () -> {
            throw new RuntimeException("Job aborted", new FunctionFailedException(3, new IllegalStateException("bad")));
        };
        Recommendation r = new Tuner(store, Settings.defaults(), CLOCK).tune(request(wrapped));
        assertTrue(r.warnings().get(0).contains("IllegalStateException") && r.warnings().get(0).contains("#3"),
                r.warnings().toString());
    }

    @Test
    void strictModeThrows() {
        Settings strict = Settings.defaults().with(Options.STRICT, true);
        Supplier<Measurement> failing = () -> {
            throw new FunctionFailedException(2, new ArithmeticException("/ by zero"));
        };
        AmorsizeException e = assertThrows(AmorsizeException.class,
                () -> new Tuner(new FakeStore(), strict, CLOCK).tune(request(failing)));
        assertTrue(e.getMessage().contains("ArithmeticException") && e.getMessage().contains("#2"), e.getMessage());
        assertTrue(e.getCause() instanceof FunctionFailedException);
    }

    @Test
    void disabledKeepsThePartitioningAtInfo() {
        CountingMeasure m = new CountingMeasure(TunerTest::measurement);
        try (LogCapture logs = LogCapture.start("io.amorsize.tune.Tuner")) {
            Recommendation r = new Tuner(new FakeStore(), Settings.defaults().with(Options.ENABLED, false), CLOCK)
                    .tune(request(m));
            assertEquals(Source.DEFAULT_FALLBACK, r.source());
            assertEquals(List.of("disabled"), r.warnings());
            assertEquals(0, m.calls.get());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
            assertEquals(1, logs.at(Level.INFO).size(), logs.lines().toString());
        }
    }

    @Test
    void nullRequestIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tuner(new InMemoryStore(), Settings.defaults(), CLOCK).tune(null));
        assertTrue(e.getMessage().contains("request"));
    }

    @Test
    void lockHeldByAnotherDriverWaitsAndReadsItsEntry() {
        FakeStore store = new FakeStore();
        store.lockHeldByOther = true;
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
        FakeStore store = new FakeStore();
        store.realLock = true;
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
        FakeStore store = new FakeStore();
        store.lockHeldByOther = true;
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
