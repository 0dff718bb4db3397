package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.testing.RedisExtension;
import io.amorsize.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** The Redis store's plumbing against a real server (shared; unique prefixes, no FLUSH). */
@ExtendWith(RedisExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisStoreIT {

    private String prefix;
    private RedisStore store;
    private RedisClient admin;

    @BeforeEach
    void open(TestRedis redis) {
        prefix = TestRedis.uniquePrefix("store");
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(redis.url())
                .keyPrefix(prefix)
                .ttl(Duration.ofHours(1))
                .build();
        store = new RedisStore(cfg, Entries.CODEC, Ticker.system());
        admin = RedisClient.create(java.net.URI.create(redis.url()));
    }

    @AfterEach
    void close() {
        store.clear("*");
        store.close();
        admin.close();
    }

    @Test
    void putGetWithTtlAndMiss() {
        String key = prefix + "v1:f:n10:c";
        assertTrue(store.get(Entries.k(key)).isEmpty());
        store.put(Entries.k(key), Entries.sample(key));
        Optional<CacheHit> hit = store.get(Entries.k(key));
        assertTrue(hit.isPresent());
        assertEquals(Source.CACHE_REDIS, hit.get().source());
        assertEquals(Entries.sample(key), hit.get().entry());
        long pttl = admin.pttl(key);
        assertTrue(
                pttl > Duration.ofMinutes(59).toMillis()
                        && pttl <= Duration.ofHours(1).toMillis(),
                "PTTL " + pttl);
        StoreStats s = store.stats();
        assertEquals(1, s.hits());
        assertEquals(1, s.misses());
        assertEquals(1, s.keyCount());
        assertTrue(s.enabled());
        assertTrue(s.memoryUsedBytes() > 0);
        assertTrue(s.serverVersion().matches("\\d+\\.\\d+.*"), s.serverVersion());
        assertTrue(s.connectedClients() >= 1);
        assertTrue(s.uptimeSeconds() >= 0);
        assertEquals("CLOSED", s.breakerState());
    }

    @Test
    void rejectedValuesAreMisses() {
        String key = prefix + "v1:f:n10:c";
        admin.set(key.getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
        assertTrue(store.get(Entries.k(key)).isEmpty());
        // an entry copied under another key is rejected by the codec's key check
        String other = prefix + "v1:g:n10:c";
        store.put(Entries.k(other), Entries.sample(other));
        admin.copy(other, key, true);
        assertTrue(store.get(Entries.k(key)).isEmpty());
        assertEquals(2, store.stats().rejected());
    }

    @Test
    void scanAndClearStayInsideThePrefix() {
        String outside = prefix.substring(0, prefix.length() - 1) + "X:v1:f:n1:c"; // shares the text, not the prefix
        admin.set(outside, "keep");
        try {
            for (int i = 0; i < 1200; i++) { // more than one SCAN page
                String k = prefix + "v1:f" + i + ":n1:c";
                store.put(Entries.k(k), Entries.sample(k));
            }
            assertEquals(1200, store.scan("*").size());
            assertEquals(
                    11,
                    store.scan(prefix + "v1:f1?:*").size()
                            + store.scan("v1:f1:*").size());
            assertEquals(100, store.clear("v1:f1??:*"));
            assertEquals(1100, store.scan("*").size());
            assertEquals(1100, store.clear("*"));
            assertEquals(List.of(), store.scan("*"));
            assertEquals("keep", admin.get(outside));
        } finally {
            admin.del(outside);
        }
    }

    @Test
    void lockIsExclusiveAndReleasedOnlyByItsHolder() throws Exception {
        String key = prefix + "v1:f:n10:c";
        Optional<ComputeLock> first = store.tryLock(Entries.k(key), Duration.ofSeconds(10));
        assertTrue(first.isPresent());
        assertTrue(store.tryLock(Entries.k(key), Duration.ofSeconds(10)).isEmpty());
        String lockKey = store.lockKey(key);
        long pttl = admin.pttl(lockKey);
        assertTrue(pttl > 9_000 && pttl <= 10_000, "lease " + pttl);
        // Someone else's lock after ours expired must survive our late release.
        admin.set(lockKey, "someone-else");
        first.get().close();
        assertEquals("someone-else", admin.get(lockKey));
        admin.del(lockKey);
        Optional<ComputeLock> second = store.tryLock(Entries.k(key), Duration.ofMillis(200));
        assertTrue(second.isPresent());
        second.get().close();
        assertFalse(admin.exists(lockKey));
        // a lease expires on its own
        assertTrue(store.tryLock(Entries.k(key), Duration.ofMillis(100)).isPresent());
        Thread.sleep(250);
        assertTrue(store.tryLock(Entries.k(key), Duration.ofMillis(100)).isPresent());
        // lock keys are not entries: they are outside the v1: namespace
        assertEquals(List.of(), store.scan("v1:*"));
    }

    @Test
    void clientIsNamedWithPid() {
        assertTrue(store.ping());
        String list = new String(
                (byte[]) admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "LIST"),
                StandardCharsets.UTF_8);
        assertTrue(list.contains("name=amorsize-" + ProcessHandle.current().pid()), list);
    }
}
