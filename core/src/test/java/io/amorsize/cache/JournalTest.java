package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.amorsize.testing.FakeStore;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    static final String P = "amorsize:";
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final EntryCodec codec = new EntryCodec(null);

    private Journal journal() {
        return new Journal(dir, codec, Duration.ofDays(7), Clock.systemUTC());
    }

    private static CacheEntry e(String key, double mean, long createdAt) {
        return EntryCodecFixtures.entryWithMean(key, mean, createdAt);
    }

    @Test
    void replayWritesTheNewestAndNeverOverwritesANewerPrimaryEntry() {
        Journal j = journal();
        FakeStore primary = new FakeStore(P, codec);
        primary.putDirect(Entries.k(P + "v1:newerInPrimary:n1:c"), e(P + "v1:newerInPrimary:n1:c", 1, T0 + 500));
        primary.putDirect(Entries.k(P + "v1:olderInPrimary:n1:c"), e(P + "v1:olderInPrimary:n1:c", 1, T0 - 500));
        j.append(P + "v1:newerInPrimary:n1:c", e(P + "v1:newerInPrimary:n1:c", 2, T0));
        j.append(P + "v1:olderInPrimary:n1:c", e(P + "v1:olderInPrimary:n1:c", 2, T0));
        j.append(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 3, T0));
        j.append(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 4, T0 + 10)); // newer line for the same key
        j.append(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 5, T0 + 5));  // appended later but older
        assertEquals(3, j.pending().size());
        assertTrue(j.hasPending());

        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(new Journal.ReplayResult(2, 1, 0, 0, true), r);
        assertEquals(T0 + 500, primary.get(Entries.k(P + "v1:newerInPrimary:n1:c")).orElseThrow().entry().createdAtMillis());
        assertEquals(1.0, primary.get(Entries.k(P + "v1:newerInPrimary:n1:c")).orElseThrow().entry().profile().meanNanos());
        assertEquals(2.0, primary.get(Entries.k(P + "v1:olderInPrimary:n1:c")).orElseThrow().entry().profile().meanNanos());
        assertEquals(4.0, primary.get(Entries.k(P + "v1:absent:n1:c")).orElseThrow().entry().profile().meanNanos());
        assertArrayEquals(codec.encode(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 4, T0 + 10)), primary.raw.get(P + "v1:absent:n1:c"), "byte-identical");
        assertFalse(Files.exists(j.file()), "a fully replayed journal is removed");
        assertFalse(j.hasPending());

        // Idempotent: replaying again does nothing.
        int puts = primary.puts.get();
        assertEquals(new Journal.ReplayResult(0, 0, 0, 0, true), j.replayTo(primary));
        assertEquals(puts, primary.puts.get());
    }

    @Test
    void anOutageMidReplayKeepsWhatWasNotReplayed() {
        Journal j = journal();
        for (int i = 0; i < 5; i++) {
            j.append(P + "v1:k" + i + ":n1:c", e(P + "v1:k" + i + ":n1:c", 10 + i, T0 + i));
        }
        FakeStore primary = new FakeStore(P, codec);
        primary.failPutsAfter = 2;
        Journal.ReplayResult r = j.replayTo(primary);
        assertFalse(r.complete());
        assertEquals(2, r.replayed());
        assertEquals(3, r.remaining());
        assertEquals(3, j.pending().size());
        primary.down.set(false);
        primary.failPutsAfter = Integer.MAX_VALUE;
        assertTrue(j.replayTo(primary).complete());
        for (int i = 0; i < 5; i++) {
            assertEquals(10.0 + i, primary.get(Entries.k(P + "v1:k" + i + ":n1:c")).orElseThrow().entry().profile().meanNanos());
        }
    }

    /** A crash mid-replay (any exception before the journal is rewritten) leaves the journal intact. */
    @Test
    void aCrashMidReplayLeavesTheJournalIntactAndReplayIsIdempotent() throws Exception {
        Journal j = journal();
        for (int i = 0; i < 4; i++) {
            j.append(P + "v1:k" + i + ":n1:c", e(P + "v1:k" + i + ":n1:c", 10 + i, T0 + i));
        }
        byte[] before = Files.readAllBytes(j.file());
        FakeStore crashing = new FakeStore(P, codec);
        crashing.failPutsAfter = 2;
        crashing.failPutsWith = new IllegalStateException("process died here");
        assertThrows(IllegalStateException.class, () -> j.replayTo(crashing));
        assertArrayEquals(before, Files.readAllBytes(j.file()));
        // The restarted process replays again into the same primary: the two already there are skipped.
        FakeStore primary = new FakeStore(P, codec);
        primary.raw.putAll(crashing.raw);
        Journal.ReplayResult r = new Journal(dir, codec, Duration.ofDays(7), Clock.systemUTC()).replayTo(primary);
        assertEquals(new Journal.ReplayResult(2, 2, 0, 0, true), r);
        assertEquals(4, primary.raw.size());
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextAppendStartsAFreshLine() throws Exception {
        Journal j = journal();
        j.append(P + "v1:a:n1:c", e(P + "v1:a:n1:c", 1, T0));
        Files.write(j.file(), "{\"key\":\"amorsize:b\",\"expiresAt\":99999999999999,\"entry\":\"{\\\"sch"
                .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        j.append(P + "v1:c:n1:c", e(P + "v1:c:n1:c", 3, T0));
        Map<String, CacheEntry> pending = journal().pending();
        assertEquals(java.util.Set.of(P + "v1:a:n1:c", P + "v1:c:n1:c"), pending.keySet());
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(2, r.replayed());
        assertEquals(1, r.dropped());
        assertTrue(r.complete());
    }

    @Test
    void rejectedAndExpiredLinesAreNeverReplayed() throws Exception {
        String good = new String(codec.encode(P + "v1:bad:n1:c", e(P + "v1:bad:n1:c", 1, T0)), StandardCharsets.UTF_8)
                .replace("\"partitions\":16,", "\"partitions\":1000000000,");
        String line = new String(FileStore.MAPPER.writeValueAsBytes(new Journal.Line(P + "v1:bad:n1:c", Long.MAX_VALUE, good)),
                StandardCharsets.UTF_8) + "\n";
        Files.writeString(dir.resolve(Journal.FILE_NAME), line);
        FileStoreTest.MutableClock clock = new FileStoreTest.MutableClock(System.currentTimeMillis());
        Journal j = new Journal(dir, codec, Duration.ofMinutes(1), clock);
        j.append(P + "v1:expires:n1:c", e(P + "v1:expires:n1:c", 1, T0));
        clock.millis += 120_000;
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(0, r.replayed());
        assertEquals(2, r.dropped());
        assertTrue(primary.raw.isEmpty());
        assertFalse(Files.exists(j.file()));
    }

    @Test
    void removeDropsDeletedKeys() {
        Journal j = journal();
        j.append(P + "v1:a:n1:c", e(P + "v1:a:n1:c", 1, T0));
        j.append(P + "v1:b:n1:c", e(P + "v1:b:n1:c", 1, T0));
        j.remove((P + "v1:a:n1:c")::equals);
        assertEquals(java.util.Set.of(P + "v1:b:n1:c"), j.pending().keySet());
    }
}
