package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.key.CacheKey;
import io.amorsize.testing.FakeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    static final String P = "amorsize:";
    static final String T = CacheTarget.id(null, P, "none");
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final EntryCodec codec = new EntryCodec(null);

    private Journal journal() {
        return new Journal(dir, T, codec, Duration.ofDays(7), Clock.systemUTC());
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
        j.append(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 5, T0 + 5)); // appended later but older
        assertEquals(3, j.pending().size());
        assertTrue(j.hasPending());

        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(new Journal.ReplayResult(2, 1, 0, 0, 0, false), r);
        assertEquals(
                T0 + 500,
                primary.get(Entries.k(P + "v1:newerInPrimary:n1:c"))
                        .orElseThrow()
                        .entry()
                        .createdAtMillis());
        assertEquals(
                1.0,
                primary.get(Entries.k(P + "v1:newerInPrimary:n1:c"))
                        .orElseThrow()
                        .entry()
                        .profile()
                        .meanNanos());
        assertEquals(
                2.0,
                primary.get(Entries.k(P + "v1:olderInPrimary:n1:c"))
                        .orElseThrow()
                        .entry()
                        .profile()
                        .meanNanos());
        assertEquals(
                4.0,
                primary.get(Entries.k(P + "v1:absent:n1:c"))
                        .orElseThrow()
                        .entry()
                        .profile()
                        .meanNanos());
        assertArrayEquals(
                codec.encode(P + "v1:absent:n1:c", e(P + "v1:absent:n1:c", 4, T0 + 10)),
                primary.raw.get(P + "v1:absent:n1:c"),
                "byte-identical");
        assertFalse(Files.exists(j.file()), "a fully replayed journal is removed");
        assertFalse(j.hasPending());

        // Idempotent: replaying again does nothing.
        int puts = primary.puts.get();
        assertEquals(new Journal.ReplayResult(0, 0, 0, 0, 0, false), j.replayTo(primary));
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
            assertEquals(
                    10.0 + i,
                    primary.get(Entries.k(P + "v1:k" + i + ":n1:c"))
                            .orElseThrow()
                            .entry()
                            .profile()
                            .meanNanos());
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
        int[] writes = {0};
        Journal.ReplayWriter dying = (p, entry) -> {
            if (writes[0]++ == 2) {
                throw new ProcessDeath();
            }
            return Journal.ReplayWriter.IF_NEWER.write(p, entry);
        };
        assertThrows(ProcessDeath.class, () -> j.replayTo(crashing, dying, Duration.ofMinutes(1)));
        assertArrayEquals(before, Files.readAllBytes(j.file()));
        // The restarted process replays again into the same primary: the two already there are skipped.
        FakeStore primary = new FakeStore(P, codec);
        primary.raw.putAll(crashing.raw);
        Journal.ReplayResult r = new Journal(dir, T, codec, Duration.ofDays(7), Clock.systemUTC()).replayTo(primary);
        assertEquals(new Journal.ReplayResult(2, 2, 0, 0, 0, false), r);
        assertEquals(4, primary.raw.size());
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextAppendStartsAFreshLine() throws Exception {
        Journal j = journal();
        j.append(P + "v1:a:n1:c", e(P + "v1:a:n1:c", 1, T0));
        Files.write(
                j.file(),
                "{\"key\":\"amorsize:b\",\"expiresAt\":99999999999999,\"entry\":\"{\\\"sch"
                        .getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        j.append(P + "v1:c:n1:c", e(P + "v1:c:n1:c", 3, T0));
        Map<String, CacheEntry> pending = journal().pending();
        assertEquals(java.util.Set.of(P + "v1:a:n1:c", P + "v1:c:n1:c"), pending.keySet());
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(2, r.replayed());
        assertEquals(1, r.dropped());
        assertTrue(r.complete());
    }

    /** Stands for the process dying mid-replay: not an exception a replay handles. */
    static final class ProcessDeath extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aPerKeyErrorSkipsAndKeepsThatLineAndTheReplayGoesOn() {
        Journal j = journal();
        for (int i = 0; i < 3; i++) {
            j.append(P + "v1:k" + i + ":n1:c", e(P + "v1:k" + i + ":n1:c", 10 + i, T0 + i));
        }
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayWriter wrongType = (p, entry) -> {
            if (p.render(entry.key()).equals(P + "v1:k1:n1:c")) {
                throw new StoreServerException(
                        "WRONGTYPE Operation against a key holding the wrong kind of value", null);
            }
            return Journal.ReplayWriter.IF_NEWER.write(p, entry);
        };
        Journal.ReplayResult r = j.replayTo(primary, wrongType, Duration.ofMinutes(1));
        assertEquals(new Journal.ReplayResult(2, 0, 0, 1, 1, false), r);
        assertTrue(primary.get(Entries.k(P + "v1:k0:n1:c")).isPresent());
        assertTrue(primary.get(Entries.k(P + "v1:k2:n1:c")).isPresent(), "the key after the failed one was replayed");
        assertEquals(java.util.Set.of(P + "v1:k1:n1:c"), j.pending().keySet(), "the refused line is kept");
    }

    @Test
    void aReplayOutOfTimeStopsAndKeepsTheRest() {
        Journal j = journal();
        j.append(P + "v1:a:n1:c", e(P + "v1:a:n1:c", 1, T0));
        j.append(P + "v1:b:n1:c", e(P + "v1:b:n1:c", 2, T0));
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayResult r = j.replayTo(primary, Journal.ReplayWriter.IF_NEWER, Duration.ofNanos(-1));
        assertTrue(r.stopped());
        assertEquals(0, r.replayed());
        assertEquals(2, r.remaining());
        assertTrue(primary.raw.isEmpty());
        assertTrue(j.replayTo(primary).complete(), "the next replay goes on");
        assertEquals(2, primary.raw.size());
    }

    @Test
    void linesSignedWithAnotherSecretAreKeptNotDropped() throws Exception {
        EntryCodec a = EntryCodec.withSecret("secret-a");
        EntryCodec b = EntryCodec.withSecret("secret-b");
        // Both journals forced onto one file (same target id) to show what a line this process cannot verify does.
        Journal ja = new Journal(dir, T, a, Duration.ofDays(7), Clock.systemUTC());
        Journal jb = new Journal(dir, T, b, Duration.ofDays(7), Clock.systemUTC());
        ja.append(P + "v1:a:n1:c", e(P + "v1:a:n1:c", 1, T0));
        jb.append(P + "v1:b:n1:c", e(P + "v1:b:n1:c", 2, T0));
        FakeStore primary = new FakeStore(P, b);
        Journal.ReplayResult r = jb.replayTo(primary);
        assertEquals(1, r.replayed());
        assertEquals(0, r.dropped(), "another secret's line is not invalid, only unverifiable here");
        assertEquals(1, r.remaining());
        assertEquals(java.util.Set.of(P + "v1:a:n1:c"), ja.pending().keySet(), "the owner still finds its line");
        FakeStore other = new FakeStore(P, a);
        assertEquals(1, ja.replayTo(other).replayed());
        assertFalse(Files.exists(ja.file()));
    }

    @Test
    void theJournalAndTheFileAreNamedAfterTheTargetNeverTheSecret() {
        CacheConfig staging = CacheConfig.builder()
                .redisUrl("redis://:pw@staging:6379/0")
                .fallbackDir(dir)
                .build();
        CacheConfig prod =
                staging.toBuilder().redisUrl("redis://:pw@prod:6379/0").build();
        CacheConfig db1 =
                staging.toBuilder().redisUrl("redis://:pw@staging:6379/1").build();
        CacheConfig otherPrefix = staging.toBuilder().keyPrefix("other:").build();
        CacheConfig signed = staging.toBuilder().hmacSecret("very-secret-value").build();
        java.util.Set<Path> files = new java.util.HashSet<>();
        java.util.Set<Path> journals = new java.util.HashSet<>();
        for (CacheConfig c : List.of(staging, prod, db1, otherPrefix, signed)) {
            FileStore f = FileStore.forConfig(c);
            files.add(f.file());
            journals.add(Journal.of(f).file());
            assertFalse(f.file().toString().contains("very-secret-value"));
            assertFalse(
                    f.file().toString().contains(CacheTarget.secretId("very-secret-value")),
                    "not even the secret's own hash");
            assertTrue(
                    f.file().getFileName().toString().matches("amorsize-cache-[0-9a-f]{16}\\.v1\\.json"),
                    f.file().toString());
        }
        assertEquals(5, files.size(), "each target its own file");
        assertEquals(5, journals.size(), "and its own journal");
        assertEquals(
                FileStore.forConfig(staging).file(),
                FileStore.forConfig(staging.toBuilder()
                                .redisUrl("redis://:another-password@staging:6379/0")
                                .build())
                        .file(),
                "the password is not part of the target");
        // A write journaled for staging is not replayed into prod.
        FileStore stagingFile = FileStore.forConfig(staging);
        CacheKey k = Entries.key("k:n1:c");
        Journal.of(stagingFile)
                .append(stagingFile.render(k), EntryCodecFixtures.entryWithMean(stagingFile.render(k), 1, T0));
        assertTrue(Journal.of(FileStore.forConfig(prod)).pending().isEmpty());
        assertEquals(1, Journal.of(FileStore.forConfig(staging)).pending().size());
    }

    @Test
    void rejectedAndExpiredLinesAreNeverReplayed() throws Exception {
        String good = new String(codec.encode(P + "v1:bad:n1:c", e(P + "v1:bad:n1:c", 1, T0)), StandardCharsets.UTF_8)
                .replace("\"partitions\":16,", "\"partitions\":1000000000,");
        String line = new String(
                        FileStore.MAPPER.writeValueAsBytes(new Journal.Line(P + "v1:bad:n1:c", Long.MAX_VALUE, good)),
                        StandardCharsets.UTF_8)
                + "\n";
        Files.writeString(dir.resolve(Journal.fileName(T)), line);
        FileStoreTest.MutableClock clock = new FileStoreTest.MutableClock(System.currentTimeMillis());
        Journal j = new Journal(dir, T, codec, Duration.ofMinutes(1), clock);
        j.append(P + "v1:expires:n1:c", e(P + "v1:expires:n1:c", 1, T0));
        clock.millis += 120_000;
        FakeStore primary = new FakeStore(P, codec);
        Journal.ReplayResult r = j.replayTo(primary);
        assertEquals(0, r.replayed());
        assertEquals(1, r.dropped(), "the expired line");
        assertTrue(primary.raw.isEmpty());
        assertEquals(
                1, r.remaining(), "a line this process rejects is kept (it may be another version's), never replayed");
        assertTrue(j.pending().isEmpty());
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
