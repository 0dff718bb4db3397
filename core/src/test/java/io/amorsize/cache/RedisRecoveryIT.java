package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.LogCapture;
import io.amorsize.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Issue 12: Redis restarted empty; the next hit the local file can answer is copied back into Redis. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisRecoveryIT {

    private static final String PREFIX = "amorsize-recover:";

    @TempDir
    Path dir;

    @Test
    void redisRestartedEmptyGetsTheLocalFilesEntryBack() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            CacheConfig cfg = CacheConfig.builder()
                    .redisUrl(server.url())
                    .keyPrefix(PREFIX)
                    .fallbackDir(dir)
                    .deadline(Duration.ofSeconds(2))
                    .build();
            CacheKey k = Entries.key("lost:n1:c");
            CacheKey never = Entries.key("never:n1:c");
            CacheEntry entry = Entries.sample(k);
            try (FallbackStore store = new FallbackStore(
                    new RedisStore(cfg, Entries.CODEC, Ticker.system()),
                    new FileStore(dir, PREFIX, cfg.ttl(), Entries.CODEC))) {
                store.put(k, entry);
                assertEquals(Source.CACHE_REDIS, store.get(k).orElseThrow().source());

                server.restart(); // no persistence: empty
                try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
                    assertNull(admin.get(store.render(k)), "Redis lost the entry");
                    try (LogCapture logs = LogCapture.start("io.amorsize.cache")) {
                        Optional<CacheHit> hit = store.get(k);
                        assertTrue(hit.isPresent(), "the local file answers the miss");
                        assertEquals(Source.CACHE_FILE, hit.get().source());
                        assertEquals(entry, hit.get().entry());
                        assertTrue(store.get(never).isEmpty(), "a key no one has stays a miss");
                        assertEquals(
                                1,
                                logs.at(Level.INFO).stream()
                                        .filter(l -> l.message().contains("copied the local"))
                                        .count(),
                                logs.text());
                    }
                    byte[] raw = admin.get(store.render(k).getBytes(StandardCharsets.UTF_8));
                    assertNotNull(raw, "the entry is back in Redis");
                    assertEquals(entry, Entries.CODEC.decode(store.render(k), raw));
                    assertTrue(admin.pttl(store.render(k)) > 0, "with a TTL");
                    assertEquals(Source.CACHE_REDIS, store.get(k).orElseThrow().source());

                    // a newer entry another driver wrote meanwhile is not replaced by the file's copy
                    admin.del(store.render(k));
                    try (RedisStore other = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
                        other.put(k, Entries.sample(k, entry.createdAtMillis() + 5000));
                    }
                    assertEquals(
                            entry.createdAtMillis() + 5000,
                            store.get(k).orElseThrow().entry().createdAtMillis());
                }
            }
        }
    }
}
