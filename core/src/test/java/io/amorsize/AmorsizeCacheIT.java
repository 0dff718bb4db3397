package io.amorsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.FallbackStore;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.testing.RedisServerProcess;
import io.amorsize.tune.Tuner;
import io.amorsize.tune.TuningRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The static facade's cache section against real redis-server processes (issue 3, test 2 and the API). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmorsizeCacheIT {

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        Amorsize.disableDistributedCache();
    }

    private CacheConfig.Builder config(String url, String prefix) {
        return CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix(prefix)
                .fallbackDir(dir)
                .connectTimeout(Duration.ofMillis(300))
                .socketTimeout(Duration.ofMillis(300))
                .deadline(Duration.ofSeconds(1))
                .poolMaxWait(Duration.ofMillis(150));
    }

    /** The key behind a rendered one of a store with {@code prefix}. */
    static CacheKey key(String prefix, String rendered) {
        return EntryFormat.parse(prefix, rendered);
    }

    static CacheEntry entry(CacheKey key) {
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key,
                CostProfile.of(50_000, 0.2, 100, 120),
                new ClusterShape("local", "1.0", 4, 1L << 30, 5e6),
                Workload.of(100_000, 8),
                16,
                64,
                Action.REPARTITION,
                1_700_000_000_000L);
    }

    @Test
    void configureStatsClearDisable() {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            assertTrue(Amorsize.configureDistributedCache(
                    config(server.url(), "amz-facade:").build()));
            assertTrue(Amorsize.isDistributedCacheEnabled());
            RecommendationStore store = Amorsize.currentStore();
            assertInstanceOf(FallbackStore.class, store);
            CacheKey key = key("amz-facade:", "amz-facade:v1:f:n1:c");
            store.put(key, entry(key));
            assertEquals(Source.CACHE_REDIS, store.get(key).orElseThrow().source());
            server.cli("SET", "other:v1:f:n1:c", "not ours");
            StoreStats s = Amorsize.distributedCacheStats();
            assertTrue(s.enabled());
            assertEquals(1, s.keyCount());
            assertTrue(s.memoryUsedBytes() > 0 && s.connectedClients() >= 1 && s.uptimeSeconds() >= 0);
            assertTrue(s.serverVersion().startsWith("7") || s.serverVersion().matches("\\d+\\..*"), s.serverVersion());
            assertTrue(s.hits() >= 1);
            assertEquals("CLOSED", s.breakerState());
            assertEquals(1, Amorsize.clearDistributedCache("v1:f:*"));
            assertEquals(0, Amorsize.clearDistributedCache());
            assertEquals("not ours", server.cli("GET", "other:v1:f:n1:c"), "clear stays inside the prefix");
            assertEquals("amz-facade:", Amorsize.currentCacheConfig().keyPrefix());

            Amorsize.disableDistributedCache();
            assertFalse(Amorsize.isDistributedCacheEnabled());
            assertInstanceOf(FileStore.class, Amorsize.currentStore());
            assertEquals(dir, Amorsize.currentCacheConfig().fallbackDir());
        }
    }

    /** Test 2: Redis down at start: configure returns false (bounded), everything works from the file. */
    @Test
    void redisDownAtStartFallsBackToTheFile() {
        int dead = RedisServerProcess.freePort();
        long t0 = System.nanoTime();
        boolean ok = Amorsize.configureDistributedCache(
                config("redis://127.0.0.1:" + dead, "amz-down:").build());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertFalse(ok);
        assertTrue(ms < 1500, "configure took " + ms + " ms");
        assertFalse(Amorsize.isDistributedCacheEnabled());
        RecommendationStore store = Amorsize.currentStore();
        CacheKey key = key("amz-down:", "amz-down:v1:f:n1:c");
        store.put(key, entry(key));
        Optional<CacheHit> hit = store.get(key);
        assertEquals(Source.CACHE_FILE, hit.orElseThrow().source());
        assertEquals(entry(key), hit.get().entry());
        StoreStats s = Amorsize.distributedCacheStats();
        assertFalse(s.enabled());
        assertEquals("OPEN", s.breakerState());
        assertTrue(s.fallbacks() >= 2, "fallbacks " + s.fallbacks());
        assertEquals(1, Amorsize.clearDistributedCache());
        assertTrue(store.get(key).isEmpty());

        // the String form: same answer, never an exception for an unreachable server
        assertFalse(Amorsize.configureDistributedCache("redis://127.0.0.1:" + dead));
        assertTrue(
                Amorsize.currentCacheConfig().fallbackDir().toString().contains("amorsize-test-cache"),
                "tests run with AMORSIZE_CACHE_DIR under target/: "
                        + Amorsize.currentCacheConfig().fallbackDir());
    }

    @Test
    void badUrlsAreIllegalArgumentsWithoutThePassword() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Amorsize.configureDistributedCache("http://user:s3cret-pw@host:6379"));
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Amorsize.configureDistributedCache("redis://user:s3cret-pw@host:notaport"));
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Amorsize.configureDistributedCache((String) null));
        assertThrows(
                IllegalArgumentException.class,
                () -> Amorsize.configureDistributedCache(CacheConfig.builder().build()));
        assertThrows(IllegalArgumentException.class, () -> Amorsize.clearDistributedCache(null));
        assertThrows(IllegalArgumentException.class, () -> Amorsize.prewarmDistributedCache(null, java.util.List.of()));
    }

    /** Prewarm stores exactly the key a later Tuner look-up computes: the look-up hits, nothing is measured. */
    @Test
    void prewarmedEntriesAreHitByALaterLookUp() {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            assertTrue(Amorsize.configureDistributedCache(
                    config(server.url(), "amz-prewarm:").build()));
            RecordFunction<Integer, Integer> fn = x -> x * 7;
            WorkloadSpec spec =
                    WorkloadSpec.of(200_000, 1, Duration.ofNanos(40_000)).withSizes(16, 16);
            ClusterShape other = new ClusterShape("spark", "4.1.1", 32, 4L << 30, 3e6);
            assertEquals(2, Amorsize.prewarmDistributedCache(fn, java.util.List.of(spec, spec.on(other))));

            String expected = EntryFormat.render(
                    "amz-prewarm:", CacheKey.of(FunctionFingerprint.of(fn), spec.input(), Amorsize.localCluster()));
            assertTrue(
                    Amorsize.currentStore().scan("*").contains(expected),
                    Amorsize.currentStore().scan("*").toString());

            java.util.concurrent.atomic.AtomicInteger measured = new java.util.concurrent.atomic.AtomicInteger();
            Settings settings = Settings.fromEnvironment(); // the store renders its own prefix
            Tuner tuner = new Tuner(Amorsize.currentStore(), settings, java.time.Clock.systemUTC());
            for (ClusterShape cluster : java.util.List.of(Amorsize.localCluster(), other)) {
                Recommendation r = tuner.tune(
                        new TuningRequest(FunctionFingerprint.of(fn), spec.input(), cluster, spec.workload(), () -> {
                            measured.incrementAndGet();
                            throw new IllegalStateException("a prewarmed workload must not be measured");
                        }));
                assertEquals(Source.CACHE_REDIS, r.source(), r.explain());
            }
            assertEquals(0, measured.get());
            // a different function misses (and would measure)
            RecordFunction<Integer, Integer> other7 = x -> x * 8;
            Recommendation miss = tuner.tune(new TuningRequest(
                    FunctionFingerprint.of(other7), spec.input(), Amorsize.localCluster(), spec.workload(), () -> {
                        measured.incrementAndGet();
                        throw new IllegalStateException("measured");
                    }));
            assertEquals(Source.DEFAULT_FALLBACK, miss.source());
            assertEquals(1, measured.get());
        }
    }

    /** Test 11 through the facade: a wrong password means "unreachable", the file serves, nothing leaks. */
    @Test
    void wrongPasswordFallsBackWithoutLeakingIt() {
        String secret = "not-the-password-7Hq2";
        try (RedisServerProcess server = RedisServerProcess.start("--requirepass", "the-right-one");
                io.amorsize.testing.LogCapture logs = io.amorsize.testing.LogCapture.start()) {
            CacheConfig cfg = config("redis://:" + secret + "@127.0.0.1:" + server.port(), "amz-wrongpw:")
                    .hmacSecret("hmac-" + secret)
                    .build();
            assertFalse(Amorsize.configureDistributedCache(cfg));
            RecommendationStore store = Amorsize.currentStore();
            CacheKey key = key("amz-wrongpw:", "amz-wrongpw:v1:f:n1:c");
            store.put(key, entry(key));
            assertEquals(Source.CACHE_FILE, store.get(key).orElseThrow().source());
            StoreStats s = Amorsize.distributedCacheStats();
            assertFalse(s.enabled());
            String everything = logs.text() + s + cfg + store + Amorsize.currentCacheConfig();
            assertTrue(everything.contains("redis://:****@127.0.0.1"), everything);
            assertFalse(everything.contains(secret), "secret leaked:\n" + everything);
        }
    }
}
