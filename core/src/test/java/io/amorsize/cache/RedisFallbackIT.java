package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Issue 3, tests 1 and 8 end to end: FallbackStore(RedisStore, FileStore) over a real redis-server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFallbackIT {

    private static final String PREFIX = "amorsize-e2e:";

    @TempDir
    Path dir;

    private RedisServerProcess server;
    private FallbackStore store;
    private FileStore file;
    private RedisStore redis;

    @BeforeEach
    void start() {
        server = RedisServerProcess.start();
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(server.url())
                .keyPrefix(PREFIX)
                .connectTimeout(Duration.ofMillis(300))
                .socketTimeout(Duration.ofMillis(300))
                .deadline(Duration.ofSeconds(1))
                .poolMaxWait(Duration.ofMillis(150))
                .breakerCooldown(Duration.ofMillis(500))
                .fallbackDir(dir)
                .build();
        redis = new RedisStore(cfg, Entries.CODEC, Ticker.system());
        file = new FileStore(dir, PREFIX, cfg.ttl(), Entries.CODEC);
        store = new FallbackStore(redis, file);
    }

    @AfterEach
    void stop() {
        store.close();
        server.close();
    }

    /** Test 1: kill -9 mid-run; bounded calls, reads from the file, outage writes reach Redis byte-identical. */
    @Test
    void killNineMidRunLosesNothing() throws Exception {
        String a = PREFIX + "v1:a:n1:c";
        store.put(Entries.k(a), Entries.sample(a));
        Map<String, CacheEntry> written = new ConcurrentHashMap<>();
        Set<Source> sourcesWhileDown = ConcurrentHashMap.newKeySet();
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong slowest = new AtomicLong();
        List<String> outageWrites = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch wroteWhileUp = new java.util.concurrent.CountDownLatch(5);
        java.util.concurrent.CountDownLatch wroteWhileDown = new java.util.concurrent.CountDownLatch(5);
        Thread worker = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                boolean wasDown = down.get();
                String k = PREFIX + "v1:w" + i + ":n1:c";
                CacheEntry e = Entries.sample(k, 1_700_000_000_000L + i);
                long t0 = System.nanoTime();
                store.put(Entries.k(k), e);
                Optional<CacheHit> hit = store.get(Entries.k(a));
                long took = System.nanoTime() - t0;
                slowest.accumulateAndGet(took, Math::max);
                written.put(k, e);
                wroteWhileUp.countDown();
                if (wasDown && down.get()) {
                    outageWrites.add(k);
                    wroteWhileDown.countDown();
                    hit.ifPresent(h -> sourcesWhileDown.add(h.source()));
                }
                i++;
                StampedeChild.sleep(5);
            }
        });
        worker.start();
        assertTrue(wroteWhileUp.await(30, TimeUnit.SECONDS), "the worker wrote 5 entries with Redis up");
        server.kill9(); // returns once the process is gone
        down.set(true); // writes that started after this point cannot have reached Redis
        assertTrue(wroteWhileDown.await(30, TimeUnit.SECONDS), "the worker wrote 5 entries during the outage");
        down.set(false);
        server.restart(); // empty: no persistence
        // cool-down 500 ms, then a probe, then the journal replay; the worker keeps calling meanwhile
        try (RedisClient admin = RedisClient.create(java.net.URI.create(server.url()))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < end && !outageWrites.stream().allMatch(k -> admin.exists(k))) {
                Thread.sleep(50);
            }
        }
        stop.set(true);
        worker.join(10_000);

        assertTrue(
                slowest.get() < TimeUnit.MILLISECONDS.toNanos(2 * 1000 + 300),
                "slowest put+get pair " + TimeUnit.NANOSECONDS.toMillis(slowest.get()) + " ms (deadline 1 s per call)");
        assertFalse(outageWrites.isEmpty(), "the worker wrote during the outage");
        assertEquals(Set.of(Source.CACHE_FILE), sourcesWhileDown, "reads during the outage came from the file");
        try (RedisClient admin = RedisClient.create(java.net.URI.create(server.url()))) {
            for (String k : outageWrites) {
                byte[] inRedis = admin.get(k.getBytes(StandardCharsets.UTF_8));
                assertArrayEquals(Entries.CODEC.encode(k, written.get(k)), inRedis, k + " replayed byte-identical");
            }
        }
        assertEquals("CLOSED", redis.breakerState());
    }

    /** Test 8: poisoned Redis values are misses, counted as rejected, and never copied to the file. */
    @Test
    void poisonedValuesAreMissesAndNeverPersisted() throws Exception {
        String valid = PREFIX + "v1:valid:n1:c";
        String base = new String(Entries.CODEC.encode(valid, Entries.sample(valid)), StandardCharsets.UTF_8);
        assertTrue(base.contains("\"partitions\":16,"), base);
        Map<String, String> poisons = new LinkedHashMap<>();
        poisons.put("partitions 1e9", base.replace("\"partitions\":16,", "\"partitions\":1000000000,"));
        poisons.put("partitions -1", base.replace("\"partitions\":16,", "\"partitions\":-1,"));
        poisons.put("partitions 0", base.replace("\"partitions\":16,", "\"partitions\":0,"));
        poisons.put("partitions 3.9", base.replace("\"partitions\":16,", "\"partitions\":3.9,"));
        poisons.put("partitions \"4000000\"", base.replace("\"partitions\":16,", "\"partitions\":\"4000000\","));
        poisons.put("partitions null", base.replace("\"partitions\":16,", "\"partitions\":null,"));
        poisons.put("missing field", base.replace("\"partitions\":16,", ""));
        poisons.put("duplicate key", base.replace("\"partitions\":16,", "\"partitions\":16,\"partitions\":16,"));
        poisons.put("trailing garbage", base + "{\"x\":1}");
        poisons.put("10 MB string", "{\"schema\":1,\"key\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}");
        poisons.put("deep nesting", "[".repeat(100_000) + "]".repeat(100_000));
        poisons.put("@class type id", base.replaceFirst("\\{", "{\"@class\":\"java.lang.ProcessBuilder\","));
        try (RedisClient admin = RedisClient.create(java.net.URI.create(server.url()))) {
            int i = 0;
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, String> p : poisons.entrySet()) {
                i++; // each poison under its own key; the payload claims the key it is read under
                String k = PREFIX + "v1:poison" + i + ":n1:c";
                String payload = p.getValue().replace(valid, k);
                admin.set(k.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8));
                keys.add(k);
                assertTrue(store.get(Entries.k(k)).isEmpty(), p.getKey() + " must be a miss");
            }
            assertEquals(poisons.size(), redis.stats().rejected());
            store.flushFileCopies();
            for (String k : keys) {
                assertTrue(file.get(Entries.k(k)).isEmpty(), k + " must not reach the file");
            }
            assertEquals(List.of(), file.scan("*"), "nothing persisted to the file");

            // control: the same path accepts and persists a valid entry, so the checks above can fail
            admin.set(valid.getBytes(StandardCharsets.UTF_8), base.getBytes(StandardCharsets.UTF_8));
            assertTrue(store.get(Entries.k(valid)).isPresent());
            store.flushFileCopies();
            assertTrue(file.get(Entries.k(valid)).isPresent(), "a valid hit is copied to the file");
        }
        assertTrue(Files.exists(dir));
    }

    /** A per-key error during replay (WRONGTYPE on a real server) skips and keeps that line; the others are replayed. */
    @Test
    void aWrongTypeKeyDuringReplaySkipsAndKeepsThatLine() throws Exception {
        Journal journal = Journal.of(file);
        for (int i = 0; i < 3; i++) {
            String k = PREFIX + "v1:r" + i + ":n1:c";
            journal.append(k, Entries.sample(k, 1_700_000_000_000L + i));
        }
        String wrong = PREFIX + "v1:r1:n1:c";
        try (RedisClient admin = RedisClient.create(java.net.URI.create(server.url()))) {
            admin.lpush(wrong, "not an entry");
            FallbackStore other = new FallbackStore(redis, file); // a later process finds the journal
            assertTrue(other.get(Entries.k(PREFIX + "v1:unrelated:n1:c")).isEmpty());
            other.flushFileCopies(); // the replay runs in the background
            assertTrue(admin.exists(PREFIX + "v1:r0:n1:c"), "the key before the refused one was replayed");
            assertTrue(admin.exists(PREFIX + "v1:r2:n1:c"), "and the key after it: the replay did not abort");
            assertEquals("list", admin.type(wrong), "the other application's value is untouched");
            assertEquals(Set.of(wrong), journal.pending().keySet(), "the refused line is kept");
        }
    }
}
