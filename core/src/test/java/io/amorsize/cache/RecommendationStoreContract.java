package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import io.amorsize.model.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RecommendationStore} keeps, written once: each implementation (and the
 * test fake) extends this class and proves it. A store renders keys under its own prefix, returns
 * exactly what was put, scans and clears inside its prefix only, and either locks for real or says
 * it cannot ({@link ComputeLock#NONE}).
 */
abstract class RecommendationStoreContract {

    static final long T0 = 1_700_000_000_000L;

    private final List<RecommendationStore> opened = new ArrayList<>();

    /**
     * A fresh, empty store with {@code prefix}. Two stores opened by one test share the backend
     * (the same Redis, the same directory) where the implementation has one.
     */
    abstract RecommendationStore open(String prefix);

    /** The source a hit of this store reports. */
    abstract Source hitSource();

    /** Whether {@link RecommendationStore#tryLock} is a real lock here (else it must return NONE). */
    abstract boolean locks();

    /** A per-test unique prefix, so a shared backend (Redis) starts empty. */
    String prefix() {
        return "contract-" + getClass().getSimpleName() + "-"
                + ProcessHandle.current().pid() + ":";
    }

    private RecommendationStore store(String prefix) {
        RecommendationStore s = open(prefix);
        opened.add(s);
        return s;
    }

    private RecommendationStore store() {
        return store(prefix());
    }

    @AfterEach
    void closeStores() {
        for (RecommendationStore s : opened) {
            try {
                s.clear("*");
            } catch (RuntimeException ignored) {
                // a store that is down in this variant
            }
            s.close();
        }
    }

    static CacheKey key(String fn) {
        return new CacheKey(fn, "n20", "spark-4.1.1-s8-m30");
    }

    static CacheEntry entry(CacheKey key, double meanNanos) {
        return EntryCodecFixtures.entryWithMean(key, meanNanos, T0);
    }

    static Observation observation(long id, double observedNanos) {
        return new Observation(
                id, T0 + id, 16, Action.REPARTITION, 1, 0, 2.1e9, observedNanos, 100_000, 950.5, 2e6, 1.25);
    }

    @Test
    void observationsAreAppendedOldestFirstAndOnlyTheNewestAreKept() {
        RecommendationStore s = store();
        CacheKey k = key("obs");
        CacheEntry e = entry(k, 100);
        s.put(k, e);
        for (long id = 1; id <= 4; id++) {
            assertTrue(s.observe(k, observation(id, 2e9 + id), 3));
        }
        CacheEntry back = s.get(k).orElseThrow().entry();
        assertEquals(
                List.of(observation(2, 2e9 + 2), observation(3, 2e9 + 3), observation(4, 2e9 + 4)), back.history());
        assertEquals(e.withoutHistory(), back.withoutHistory(), "the rest of the entry is untouched");
    }

    @Test
    void anObservationOfAMissingEntryIsNotStored() {
        RecommendationStore s = store();
        CacheKey k = key("none");
        assertFalse(s.observe(k, observation(1, 2e9), 8));
        assertEquals(Optional.empty(), s.get(k));
    }

    @Test
    void theSameObservationTwiceIsStoredOnce() {
        RecommendationStore s = store();
        CacheKey k = key("twice");
        s.put(k, entry(k, 100));
        s.observe(k, observation(7, 2e9), 8);
        s.observe(k, observation(7, 2e9), 8);
        assertEquals(1, s.get(k).orElseThrow().entry().history().size());
    }

    @Test
    void concurrentObserversLoseNoObservation() throws Exception {
        RecommendationStore s = store();
        CacheKey k = key("race");
        s.put(k, entry(k, 100));
        int threads = 4;
        int each = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = t * 100L;
                fs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 1; i <= each; i++) {
                        s.observe(k, observation(base + i, 2e9), CacheEntry.MAX_HISTORY);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * each, s.get(k).orElseThrow().entry().history().size());
    }

    @Test
    void clearingTheHistoryKeepsTheEntry() {
        RecommendationStore s = store();
        CacheKey k = key("clear");
        CacheEntry e = entry(k, 100);
        s.put(k, e);
        s.observe(k, observation(1, 2e9), 8);
        assertTrue(s.clearHistory(k));
        assertEquals(e, s.get(k).orElseThrow().entry());
        assertFalse(s.clearHistory(k));
    }

    @Test
    void aMissThenWhatWasPutComesBackExactly() {
        RecommendationStore s = store();
        CacheKey k = key("f1");
        assertEquals(Optional.empty(), s.get(k));
        CacheEntry e = EntryCodecFixtures.batchEntry(k, T0); // a batch fit with a NaN r²: the hardest round trip
        s.put(k, e);
        CacheHit hit = s.get(k).orElseThrow();
        assertEquals(e, hit.entry());
        assertEquals(hitSource(), hit.source());
    }

    @Test
    void aSecondPutReplacesTheFirst() {
        RecommendationStore s = store();
        CacheKey k = key("f1");
        s.put(k, entry(k, 100));
        s.put(k, entry(k, 200));
        assertEquals(200.0, s.get(k).orElseThrow().entry().profile().meanNanos());
        assertEquals(1, s.scan("*").size());
    }

    @Test
    void keysAreRenderedUnderTheStoresOwnPrefix() {
        String prefix = prefix();
        RecommendationStore s = store(prefix);
        assertEquals(prefix, s.keyPrefix());
        CacheKey k = key("f1");
        s.put(k, entry(k, 100));
        String rendered = prefix + "v1:f1:n20:spark-4.1.1-s8-m30";
        assertEquals(rendered, s.render(k), "the key format existing entries were written with");
        assertEquals(List.of(rendered), s.scan("*"));
        assertEquals(k, s.keyOf(rendered));
        assertEquals(
                entry(k, 100), s.get(s.keyOf(s.scan("*").get(0))).orElseThrow().entry());
        assertThrows(IllegalArgumentException.class, () -> s.keyOf("elsewhere:v1:f1:n20:spark-4.1.1-s8-m30"));
        assertThrows(IllegalArgumentException.class, () -> s.keyOf(prefix + "lock:v1:f1:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> s.keyOf(prefix + "v2:f1:n20:c"));
    }

    @Test
    void putRefusesAnEntryMadeForAnotherKey() {
        RecommendationStore s = store();
        assertThrows(IllegalArgumentException.class, () -> s.put(key("f1"), entry(key("f2"), 100)));
        assertEquals(List.of(), s.scan("*"));
        assertEquals(Optional.empty(), s.get(key("f1")));
    }

    @Test
    void deleteRemovesThatKeyOnly() {
        RecommendationStore s = store();
        s.put(key("a"), entry(key("a"), 1));
        s.put(key("b"), entry(key("b"), 2));
        assertTrue(s.delete(key("a")));
        assertFalse(s.delete(key("a")), "already gone");
        assertEquals(Optional.empty(), s.get(key("a")));
        assertEquals(2.0, s.get(key("b")).orElseThrow().entry().profile().meanNanos());
    }

    @Test
    void scanAndClearMatchGlobsInsideThePrefixOnly() {
        String prefix = prefix();
        RecommendationStore s = store(prefix);
        RecommendationStore other = store("other-" + prefix);
        for (String fn : List.of("f1", "f2", "g1")) {
            s.put(key(fn), entry(key(fn), 1));
        }
        other.put(key("f1"), entry(key("f1"), 9));
        List<String> f = List.of(s.render(key("f1")), s.render(key("f2")));
        assertEquals(f, sorted(s.scan("v1:f*")));
        assertEquals(f, sorted(s.scan(prefix + "v1:f*")), "a pattern with the prefix is the same");
        assertEquals(List.of(s.render(key("g1"))), s.scan("v1:g?:*"));
        assertEquals(List.of(), s.scan("v1:zz*"));
        assertEquals(2, s.clear("v1:f*"));
        assertEquals(List.of(s.render(key("g1"))), s.scan("*"));
        assertEquals(1, s.clear("*"));
        assertEquals(List.of(), s.scan("*"));
        assertEquals(
                9.0, other.get(key("f1")).orElseThrow().entry().profile().meanNanos(), "clear never leaves the prefix");
        assertNotSame(s, other);
    }

    @Test
    void theComputeLockIsExclusiveUntilReleased() throws Exception {
        RecommendationStore s = store();
        Optional<ComputeLock> first = s.tryLock(key("f1"), Duration.ofSeconds(30));
        assertTrue(first.isPresent(), "a free lock is taken");
        if (!locks()) {
            assertEquals(ComputeLock.NONE, first.get(), "a store that cannot lock says so");
            return;
        }
        assertTrue(s.tryLock(key("f1"), Duration.ofSeconds(30)).isEmpty(), "held: a second holder is refused");
        Optional<ComputeLock> otherKey = s.tryLock(key("f2"), Duration.ofSeconds(30));
        assertTrue(otherKey.isPresent(), "locks are per key");
        first.get().close();
        Optional<ComputeLock> again = s.tryLock(key("f1"), Duration.ofSeconds(30));
        assertTrue(again.isPresent(), "released: it can be taken again");
        again.get().close();
        otherKey.get().close();
        assertEquals(List.of(), s.scan("v1:*"), "locks are not entries");
    }

    @Test
    void statsCountHitsMissesAndKeys() {
        RecommendationStore s = store();
        s.put(key("a"), entry(key("a"), 1));
        s.put(key("b"), entry(key("b"), 1));
        s.get(key("a"));
        s.get(key("missing"));
        StoreStats st = s.stats();
        assertTrue(st.hits() >= 1, st.toString());
        assertTrue(st.misses() >= 1, st.toString());
        assertEquals(2, st.keyCount(), st.toString());
    }

    @Test
    void everyCallRefusesNullArguments() {
        RecommendationStore s = store();
        assertThrows(NullPointerException.class, () -> s.get(null));
        assertThrows(NullPointerException.class, () -> s.put(key("a"), null));
        assertThrows(NullPointerException.class, () -> s.put(null, entry(key("a"), 1)));
        assertThrows(NullPointerException.class, () -> s.delete(null));
        assertThrows(NullPointerException.class, () -> s.scan(null));
    }

    private static List<String> sorted(List<String> keys) {
        return keys.stream().sorted().toList();
    }
}
