package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.FakeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FallbackStoreTest {

    static final String P = "amorsize:";
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final EntryCodec codec = EntryCodec.withSecret("fallback-test-secret");

    private FileStore file() {
        return new FileStore(dir, P, Duration.ofDays(7), codec);
    }

    private static CacheEntry e(CacheKey key, double mean, long createdAt) {
        return EntryCodecFixtures.entryWithMean(key, mean, createdAt);
    }

    private static String r(CacheKey key) {
        return EntryFormat.render(P, key);
    }

    /** The shared fake as a primary; like Redis with another holder, its lock is always taken. */
    private FakeStore primary() {
        FakeStore primary = new FakeStore(P, codec);
        primary.lockMode = FakeStore.LockMode.HELD_BY_OTHER;
        return primary;
    }

    @Test
    void anObservationDuringAnOutageReachesTheFileAndTheJournalAndIsReplayedIntoThePrimarysEntry() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey a = Entries.key("obs:n1:c");
        store.put(a, e(a, 10, T0));
        io.amorsize.model.Observation before = RecommendationStoreContract.observation(1, 2.0e9);
        assertTrue(store.observe(a, before, 8));
        // the file copy of the entry and the observation are written in the background, in that order:
        // wait for them, so the outage below starts from a file that holds `before`
        store.flushFileCopies();
        assertEquals(List.of(before), file().get(a).orElseThrow().entry().history(), "the observation is in the file");
        primary.down.set(true);
        io.amorsize.model.Observation during = RecommendationStoreContract.observation(2, 2.5e9);
        try (FileStoreLogs logs = new FileStoreLogs()) {
            assertTrue(store.observe(a, during, 8), "stored in the file while the primary is down");
            assertEquals(
                    List.of(before, during), file().get(a).orElseThrow().entry().history());
            assertEquals(1, store.journal().pending().size(), "and journaled");
        }
        // another driver observed the primary's entry meanwhile: the replay must keep that one too
        io.amorsize.model.Observation other = RecommendationStoreContract.observation(3, 2.2e9);
        primary.down.set(false);
        primary.observe(a, other, 8);
        store.get(Entries.key("missing:n1:c")); // the primary answers: the journal is replayed
        store.flushFileCopies(); // the replay runs on the background thread: wait for it
        assertEquals(
                List.of(before, other, during), primary.entry(a).orElseThrow().history());
        assertTrue(store.journal().pending().isEmpty(), "replayed lines are removed");
        assertEquals(10.0, primary.entry(a).orElseThrow().profile().meanNanos(), "the primary's profile stays");
    }

    @Test
    void primaryDownReadsComeFromTheFileAndWritesAreJournaledThenReplayed() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey a = Entries.key("a:n1:c");
        CacheKey b = Entries.key("b:n1:c");
        store.put(a, e(a, 10, T0)); // primary up: both stores
        assertEquals(Source.CACHE_REDIS, store.get(a).orElseThrow().source());
        store.flushFileCopies();
        assertTrue(file().get(a).isPresent(), "written to the file too (in the background)");

        primary.down.set(true);
        try (FileStoreLogs logs = new FileStoreLogs()) {
            CacheHit hit = store.get(a).orElseThrow();
            assertEquals(Source.CACHE_FILE, hit.source());
            assertEquals(10.0, hit.entry().profile().meanNanos());
            store.put(b, e(b, 20, T0 + 1)); // journaled + file
            store.put(a, e(a, 11, T0 + 2));
            assertEquals(Source.CACHE_FILE, store.get(b).orElseThrow().source());
            assertEquals(11.0, store.get(a).orElseThrow().entry().profile().meanNanos());
            for (int i = 0; i < 20; i++) {
                store.get(Entries.key("missing:n1:c"));
            }
            assertTrue(store.primaryUnavailable());
            assertEquals(Optional.of(ComputeLock.NONE), store.tryLock(a, Duration.ofSeconds(1)));
            assertEquals(List.of(r(a), r(b)), store.scan("*"), "scan falls back to the file");
            assertEquals(2, store.journal().pending().size());
            assertEquals(1, logs.count("WARN", "primary store unavailable"), "one WARN per outage: " + logs.lines());
            StoreStats s = store.stats();
            assertEquals("redis+file", s.backend());
            assertFalse(s.enabled());
            assertTrue(s.fallbacks() >= 26, "fallbacks counted: " + s.fallbacks());

            primary.down.set(false); // primary back: the next call starts a replay
            assertEquals(
                    20.0, store.get(b).orElseThrow().entry().profile().meanNanos(), "found before the replay ends");
            store.flushFileCopies(); // the replay runs in the background
            assertEquals(Source.CACHE_REDIS, store.get(b).orElseThrow().source());
            assertArrayEquals(
                    codec.encode(r(b), e(b, 20, T0 + 1)), primary.raw.get(r(b)), "byte-identical in the primary");
            assertArrayEquals(codec.encode(r(a), e(a, 11, T0 + 2)), primary.raw.get(r(a)));
            assertFalse(store.journal().hasPending(), "journal emptied");
            assertFalse(store.primaryUnavailable());
            assertEquals(1, logs.count("INFO", "answers again"));

            primary.down.set(true); // a second outage warns again, once
            store.get(a);
            store.get(a);
            assertEquals(2, logs.count("WARN", "primary store unavailable"));
        }
    }

    /** The replay runs on the background thread: a caller never waits for it, and finds the entry meanwhile. */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void theReplayRunsInTheBackgroundNeverOnTheCallersThread() throws Exception {
        FakeStore primary = primary();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Journal.ReplayWriter slow = (p, entry) -> {
            threads.add(Thread.currentThread().getName());
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return Journal.ReplayWriter.IF_NEWER.write(p, entry);
        };
        FileStore f = file();
        FallbackStore store = new FallbackStore(primary, f, Journal.of(f), slow);
        CacheKey k = Entries.key("k:n1:c");
        primary.down.set(true);
        store.put(k, e(k, 5, T0));
        primary.down.set(false);
        assertEquals(5.0, store.get(k).orElseThrow().entry().profile().meanNanos(), "answered while the replay waits");
        started.await();
        assertEquals(Source.CACHE_FILE, store.get(k).orElseThrow().source(), "still from the file: not replayed yet");
        assertTrue(primary.get(k).isEmpty());
        release.countDown();
        store.flushFileCopies();
        assertEquals(Source.CACHE_REDIS, store.get(k).orElseThrow().source());
        assertEquals(java.util.Set.of("amorsize-cache-background"), threads);
        store.close();
    }

    @Test
    void anOlderJournaledEntryNeverOverwritesANewerPrimaryEntry() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey k = Entries.key("k:n1:c");
        primary.down.set(true);
        store.put(k, e(k, 1, T0)); // journaled with createdAt T0
        primary.putDirect(k, e(k, 2, T0 + 1000)); // another driver wrote a newer one meanwhile
        primary.down.set(false);
        assertEquals(2.0, store.get(k).orElseThrow().entry().profile().meanNanos());
        store.flushFileCopies();
        assertEquals(2.0, primary.get(k).orElseThrow().entry().profile().meanNanos());
        assertFalse(store.journal().hasPending());
        // and the newer primary entry was copied to the file over the older local one
        assertEquals(2.0, file().get(k).orElseThrow().entry().profile().meanNanos());
    }

    @Test
    void aPrimaryHitIsCopiedToTheFileSoALaterOutageStillHasIt() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey k = Entries.key("other-driver:n1:c");
        primary.putDirect(k, e(k, 7, T0));
        assertEquals(Source.CACHE_REDIS, store.get(k).orElseThrow().source());
        store.flushFileCopies();
        primary.down.set(true);
        CacheHit hit = store.get(k).orElseThrow();
        assertEquals(Source.CACHE_FILE, hit.source());
        assertEquals(7.0, hit.entry().profile().meanNanos());
    }

    /** The write-through copy runs in the background: a hit never waits for the disk (here: a held file lock). */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    @SuppressWarnings("try")
    void aPrimaryHitDoesNotWaitForTheFile() throws Exception {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey k = Entries.key("k:n1:c");
        primary.putDirect(k, e(k, 7, T0));
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (FileLocks.Held l = FileLocks.acquire(dir.resolve(FileStore.LOCK_NAME), Duration.ofSeconds(5))) {
                held.countDown();
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        assertTrue(held.await(5, java.util.concurrent.TimeUnit.SECONDS));
        try {
            long t0 = System.nanoTime();
            assertTrue(store.get(k).isPresent());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "a hit waited " + ms + " ms for the file lock");
            assertFalse(Files.exists(store.fileStore().file()), "not yet copied while the lock is held");
        } finally {
            release.countDown();
            holder.join();
        }
        store.flushFileCopies();
        assertEquals(7.0, file().get(k).orElseThrow().entry().profile().meanNanos());
    }

    @Test
    void aRejectedEntryIsNeverCopiedToTheFile() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey poisoned = Entries.key("poisoned:n1:c");
        CacheKey tampered = Entries.key("tampered:n1:c");
        CacheKey unsigned = Entries.key("unsigned:n1:c");
        CacheKey moved = Entries.key("moved:n1:c");
        primary.raw.put(
                r(poisoned),
                new String(new EntryCodec(null).encode(r(poisoned), e(poisoned, 1, T0)), StandardCharsets.UTF_8)
                        .replace("\"partitions\":16,", "\"partitions\":1000000000,")
                        .getBytes(StandardCharsets.UTF_8));
        primary.raw.put(
                r(tampered),
                new String(codec.encode(r(tampered), e(tampered, 1, T0)), StandardCharsets.UTF_8)
                        .replace("\"meanNanos\":1.0", "\"meanNanos\":9.0")
                        .getBytes(StandardCharsets.UTF_8));
        primary.raw.put(r(unsigned), new EntryCodec(null).encode(r(unsigned), e(unsigned, 1, T0)));
        primary.raw.put(
                r(moved),
                new String(codec.encode(P + "v1:orig:n1:c", e(Entries.key("orig:n1:c"), 1, T0)), StandardCharsets.UTF_8)
                        .replace(P + "v1:orig:n1:c", r(moved))
                        .getBytes(StandardCharsets.UTF_8));
        for (CacheKey k : List.of(poisoned, tampered, unsigned, moved)) {
            assertTrue(store.get(k).isEmpty(), k + " must be a miss");
        }
        assertEquals(4, store.stats().rejected());
        store.flushFileCopies();
        assertFalse(Files.exists(store.fileStore().file()), "nothing persisted to the file");
        primary.down.set(true);
        for (CacheKey k : List.of(poisoned, tampered, unsigned, moved)) {
            assertTrue(store.get(k).isEmpty(), k + " must not come back from the file");
        }
    }

    /** A primary that hands out an entry the codec would refuse (a bug elsewhere) still cannot put it in the file. */
    @Test
    void anOutOfBoundsEntryFromThePrimaryIsNotCopied() {
        CacheKey k = Entries.key("k:n1:c");
        CacheEntry bad = new CacheEntry(
                1,
                k,
                io.amorsize.measure.CostProfile.of(5, 0.1, 1, 1),
                EntryCodecFixtures.CLUSTER,
                io.amorsize.model.Workload.of(1_000_000, 4),
                1_000_000,
                1,
                io.amorsize.Action.REPARTITION,
                T0);
        InMemoryStore lax = new InMemoryStore();
        lax.put(k, bad);
        FallbackStore store = new FallbackStore(lax, file());
        assertTrue(store.get(k).isPresent(), "what the primary returns is its business");
        store.flushFileCopies();
        assertFalse(Files.exists(store.fileStore().file()), "but it never reaches the file");
    }

    @Test
    void journalLeftByAnotherProcessIsReplayedAtTheFirstSuccessfulCall() {
        CacheKey k = Entries.key("k:n1:c");
        Journal.of(file()).append(r(k), e(k, 3, T0));
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        assertTrue(store.get(Entries.key("unrelated:n1:c")).isEmpty());
        store.flushFileCopies(); // the replay runs in the background, started by that call
        assertEquals(3.0, primary.get(k).orElseThrow().entry().profile().meanNanos());
    }

    @Test
    void deleteClearStatsLockAndClose() {
        FakeStore primary = primary();
        FallbackStore store = new FallbackStore(primary, file());
        CacheKey a = Entries.key("a:n1:c");
        CacheKey b = Entries.key("b:n1:c");
        store.put(a, e(a, 1, T0));
        store.put(b, e(b, 1, T0));
        assertEquals(Optional.empty(), store.tryLock(a, Duration.ofSeconds(1)), "delegated to the primary");
        assertTrue(store.get(a).isPresent());
        assertTrue(store.get(Entries.key("none:n1:c")).isEmpty());
        StoreStats s = store.stats();
        assertEquals("redis+file", s.backend());
        assertTrue(s.enabled());
        assertEquals("7.0.0", s.serverVersion());
        assertEquals("CLOSED", s.breakerState());
        assertEquals(2, s.keyCount());
        assertEquals(1, s.hits());
        assertEquals(1, s.misses());

        primary.down.set(true);
        store.put(Entries.key("c:n1:c"), e(Entries.key("c:n1:c"), 1, T0));
        assertTrue(store.delete(Entries.key("c:n1:c")), "deleted from the file while the primary is down");
        assertTrue(store.journal().pending().isEmpty(), "and from the journal, so replay cannot resurrect it");
        primary.down.set(false);
        assertTrue(store.delete(a));
        assertTrue(file().get(a).isEmpty());
        assertEquals(1, store.clear("*"));
        assertEquals(List.of(), file().scan("*"));
        assertEquals(List.of(), store.scan("*"));
        store.close();
        assertTrue(primary.closed);
        assertSame(primary, store.primary());
    }

    @Test
    void whenTheFileCannotBeWrittenEitherAWriteDuringAnOutageFails() throws Exception {
        FakeStore primary = primary();
        FileStore f = file();
        FallbackStore store = new FallbackStore(primary, f);
        // A directory where the data file and the journal should be: neither can be written.
        Files.createDirectories(f.file());
        Files.createDirectories(store.journal().file());
        Files.writeString(f.file().resolve("x"), "x");
        Files.writeString(store.journal().file().resolve("x"), "x");
        CacheKey k = Entries.key("k:n1:c");
        store.put(k, e(k, 1, T0)); // primary up: a file failure is only logged
        assertTrue(primary.get(k).isPresent());
        primary.down.set(true);
        assertThrows(StoreUnavailableException.class, () -> store.put(k, e(k, 2, T0 + 1)));
        assertTrue(store.get(k).isEmpty(), "a read never throws: a miss");
    }
}
