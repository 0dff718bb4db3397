package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {

    static final String P = "amorsize:";
    /** The data file of a file-only store under {@link #P} without a secret. */
    static final String FILE = FileStore.fileName(CacheTarget.id(null, P, "none"));

    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** A wall clock the test moves by hand. */
    static final class MutableClock extends Clock {
        volatile long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    /** The key behind a rendered one (whatever its prefix). */
    private static CacheKey k(String rendered) {
        return EntryFormat.keyOf(rendered);
    }

    private FileStore store() {
        return new FileStore(dir, P, Duration.ofDays(7), new EntryCodec(null));
    }

    @Test
    void putThenGetFromAnotherInstanceReportsCacheFile() {
        String key = P + "v1:f:n1:c";
        try (FileStore a = store()) {
            assertTrue(a.get(k(key)).isEmpty());
            a.put(k(key), EntryCodecFixtures.entry(key, T0));
        }
        try (FileStore b = store()) {
            CacheHit hit = b.get(k(key)).orElseThrow();
            assertEquals(Source.CACHE_FILE, hit.source());
            assertEquals(EntryCodecFixtures.entry(key, T0), hit.entry());
            StoreStats s = b.stats();
            assertEquals("file", s.backend());
            assertEquals(1, s.hits());
            assertEquals(1, s.keyCount());
        }
        assertTrue(Files.exists(dir.resolve(FILE)));
        assertTrue(Files.exists(dir.resolve(FileStore.LOCK_NAME)));
    }

    @Test
    void ttlIsHonouredOnRead() {
        MutableClock clock = new MutableClock(T0);
        FileStore s = new FileStore(dir, P, Duration.ofHours(1), new EntryCodec(null), clock);
        String key = P + "v1:k1:n1:c";
        s.put(k(key), EntryCodecFixtures.entry(key, T0));
        clock.millis += Duration.ofMinutes(59).toMillis();
        assertTrue(s.get(k(key)).isPresent());
        clock.millis += Duration.ofMinutes(2).toMillis();
        assertTrue(s.get(k(key)).isEmpty(), "expired entry must be a miss");
        assertEquals(List.of(), s.scan("*"));
        // the next write drops it from the file
        s.put(k(P + "v1:k2:n1:c"), EntryCodecFixtures.entry(P + "v1:k2:n1:c", T0));
        assertFalse(new String(readFile(), StandardCharsets.UTF_8).contains(P + "v1:k1:n1:c\""));
    }

    @Test
    void scanAndClearStayInsideThePrefix() {
        FileStore a = store();
        FileStore other = new FileStore(dir, "other:", Duration.ofDays(7), new EntryCodec(null));
        for (String k : List.of("v1:f1:n1:c", "v1:f1:n2:c", "v1:f2:n1:c")) {
            a.put(k(P + k), EntryCodecFixtures.entry(P + k, T0));
        }
        other.put(k("other:v1:f1:n1:c"), EntryCodecFixtures.entry("other:v1:f1:n1:c", T0));
        assertEquals(List.of(P + "v1:f1:n1:c", P + "v1:f1:n2:c"), a.scan("v1:f1:*"));
        assertEquals(List.of(P + "v1:f1:n1:c", P + "v1:f1:n2:c"), a.scan(P + "v1:f1:*"));
        assertEquals(List.of(P + "v1:f1:n2:c"), a.scan("v1:f1:n?:c".replace("?", "2")));
        assertEquals(3, a.scan("*").size());
        assertEquals(2, a.clear("v1:f1:*"));
        assertEquals(List.of(P + "v1:f2:n1:c"), a.scan("*"));
        assertEquals(1, a.clear("*"));
        assertEquals(List.of("other:v1:f1:n1:c"), other.scan("*"), "clear never leaves the prefix");
        assertTrue(other.delete(k("other:v1:f1:n1:c")));
        assertFalse(other.delete(k("other:v1:f1:n1:c")));
        assertThrows(IllegalArgumentException.class, () -> a.keyOf("other:v1:f1:n1:c"), "a key outside the prefix");
        assertThrows(IllegalArgumentException.class, () -> a.keyOf(P + "x"), "not a key of this schema");
        assertThrows(
                IllegalArgumentException.class,
                () -> a.put(k(P + "v1:f9:n1:c"), EntryCodecFixtures.entry(P + "v1:f8:n1:c", T0)),
                "entry for another key");
    }

    /** Entries the codec rejects are misses, counted, logged once, and never served. */
    @Test
    void rejectedEntriesAreMisses() throws Exception {
        String key = P + "v1:f:n1:c";
        String good =
                new String(new EntryCodec(null).encode(key, EntryCodecFixtures.entry(key, T0)), StandardCharsets.UTF_8);
        String poisoned = good.replace("\"partitions\":16,", "\"partitions\":1000000000,");
        Map<String, FileStore.FileRecord> m = new TreeMap<>();
        m.put(key, new FileStore.FileRecord(Long.MAX_VALUE, poisoned));
        m.put(
                P + "v1:unsigned:n1:c",
                new FileStore.FileRecord(Long.MAX_VALUE, good.replace(key, P + "v1:unsigned:n1:c")));
        Files.write(dir.resolve(FILE), FileStore.serialize(m));
        try (FileStoreLogs logs = new FileStoreLogs()) {
            FileStore s = store();
            assertTrue(s.get(k(key)).isEmpty());
            assertTrue(s.get(k(key)).isEmpty());
            assertEquals(2, s.stats().rejected());
            assertEquals(0, s.stats().hits());
            assertEquals(1, logs.count("WARN", "rejected the entry under " + key));
            assertFalse(logs.lines().stream().anyMatch(l -> l.contains(poisoned)), "the payload is never logged");
            // A signed store rejects the unsigned entry; an unsigned one accepts it.
            FileStore signed = new FileStore(dir, P, Duration.ofDays(7), EntryCodec.withSecret("k"));
            assertTrue(signed.get(k(P + "v1:unsigned:n1:c")).isEmpty());
            assertTrue(s.get(k(P + "v1:unsigned:n1:c")).isPresent());
        }
    }

    /** Issue 3, test 7: truncated, empty, invalid UTF-8 and bad JSON files are moved aside; the store goes on. */
    @Test
    void corruptFilesAreMovedAsideAndTheStoreContinues() throws Exception {
        String key = P + "v1:f:n1:c";
        try (FileStore s = store()) {
            s.put(k(key), EntryCodecFixtures.entry(key, T0));
        }
        byte[] valid = readFile();
        byte[] badUtf8 = new String(valid, StandardCharsets.UTF_8)
                .replace("spark", "sp\u00e9rk")
                .getBytes(StandardCharsets.UTF_8);
        int at = indexOf(badUtf8, (byte) 0xC3);
        badUtf8[at + 1] = (byte) 0x28; // 0xC3 followed by '(' is not UTF-8
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        cases.put("truncated", java.util.Arrays.copyOf(valid, valid.length / 2));
        cases.put("empty", new byte[0]);
        cases.put("invalid UTF-8", badUtf8);
        cases.put("bad JSON", "{\"format\":1,\"entries\":{\"a\":".getBytes(StandardCharsets.UTF_8));
        cases.put("wrong structure", "{\"format\":1,\"entries\":[]}".getBytes(StandardCharsets.UTF_8));
        cases.put("duplicate key", "{\"format\":1,\"format\":1,\"entries\":{}}".getBytes(StandardCharsets.UTF_8));
        int n = 0;
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Files.write(dir.resolve(FILE), c.getValue());
            try (FileStoreLogs logs = new FileStoreLogs()) {
                FileStore s = store();
                assertTrue(s.get(k(key)).isEmpty(), c.getKey());
                assertTrue(s.get(k(key)).isEmpty(), c.getKey());
                assertEquals(List.of(), s.scan("*"), c.getKey());
                Path moved = dir.resolve(FILE + ".corrupt" + (n == 0 ? "" : "." + n));
                assertTrue(Files.exists(moved), c.getKey() + ": expected " + moved);
                assertArrayEquals(c.getValue(), Files.readAllBytes(moved), c.getKey() + ": moved aside, not changed");
                assertFalse(Files.exists(dir.resolve(FILE)), c.getKey());
                assertEquals(1, logs.count("WARN", "is corrupt"), c.getKey() + ": " + logs.lines());
                // later writes succeed
                s.put(k(key), EntryCodecFixtures.entry(key, T0 + n));
                assertEquals(T0 + n, store().get(k(key)).orElseThrow().entry().createdAtMillis(), c.getKey());
            }
            n++;
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    AtomicFiles.MAX_CORRUPT_COPIES,
                    files.filter(x -> x.getFileName().toString().contains(".corrupt"))
                            .count(),
                    "older .corrupt copies are deleted");
        }
    }

    @Test
    void corruptFileFoundByAWriterIsMovedAsideToo() throws Exception {
        Files.write(dir.resolve(FILE), "garbage".getBytes(StandardCharsets.UTF_8));
        FileStore s = store();
        String key = P + "v1:k:n1:c";
        s.put(k(key), EntryCodecFixtures.entry(key, T0));
        assertTrue(s.get(k(key)).isPresent());
        assertEquals("garbage", Files.readString(dir.resolve(FILE + ".corrupt")));
    }

    /** A .tmp leftover of a killed writer is never read, and the next writer deletes it. */
    @Test
    void tempLeftoversAreNeverReadAndAreCleanedUp() throws Exception {
        String key = P + "v1:k:n1:c";
        FileStore s = store();
        s.put(k(key), EntryCodecFixtures.entryWithMean(key, 100, T0));
        Map<String, FileStore.FileRecord> newer = new TreeMap<>();
        newer.put(
                key,
                new FileStore.FileRecord(
                        Long.MAX_VALUE,
                        new String(
                                new EntryCodec(null).encode(key, EntryCodecFixtures.entryWithMean(key, 999, T0 + 1)),
                                StandardCharsets.UTF_8)));
        Path tmp = dir.resolve(FILE + ".12345.tmp");
        Files.write(tmp, FileStore.serialize(newer));
        assertEquals(100.0, store().get(k(key)).orElseThrow().entry().profile().meanNanos());
        s.put(k(P + "v1:other:n1:c"), EntryCodecFixtures.entry(P + "v1:other:n1:c", T0));
        assertFalse(Files.exists(tmp), "the next writer deletes leftovers");
        assertEquals(100.0, store().get(k(key)).orElseThrow().entry().profile().meanNanos());
    }

    /** Threads of one JVM, through two instances, serialise their read-modify-writes: nothing lost. */
    @Test
    @Timeout(60)
    void concurrentThreadsLoseNoWrite() throws Exception {
        FileStore a = store();
        FileStore b = store();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                FileStore s = t % 2 == 0 ? a : b;
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        String k = P + "v1:t" + thread + "-" + i + ":n1:c";
                        s.put(k(k), EntryCodecFixtures.entry(k, T0));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(90, store().scan("*").size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    files.filter(p -> p.toString().endsWith(".tmp")
                                    || p.toString().contains(".corrupt"))
                            .toList());
        }
    }

    private byte[] readFile() {
        try {
            return Files.readAllBytes(dir.resolve(FILE));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}
