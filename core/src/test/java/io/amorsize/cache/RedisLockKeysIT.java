package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** Issue 12: compute lock keys are not entries: not listed, counted in stats or cleared. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisLockKeysIT {

    private static final String PREFIX = "amorsize-locks:";

    @Test
    void lockKeysAreNotCountedListedOrCleared() {
        try (RedisServerProcess server = RedisServerProcess.start();
                Jedis admin = new Jedis("127.0.0.1", server.port());
                RedisStore store = new RedisStore(
                        CacheConfig.builder()
                                .redisUrl(server.url())
                                .keyPrefix(PREFIX)
                                .build(),
                        Entries.CODEC,
                        Ticker.system())) {
            CacheKey a = Entries.key("a:n1:c");
            CacheKey b = Entries.key("b:n1:c");
            store.put(a, Entries.sample(a));
            store.put(b, Entries.sample(b));
            Optional<ComputeLock> held = store.tryLock(Entries.key("c:n1:c"), Duration.ofMinutes(1));
            assertTrue(held.isPresent());
            String lockKey = store.lockKey(Entries.key("c:n1:c"));
            assertTrue(admin.exists(lockKey), "the lock key is in Redis under the prefix");

            assertEquals(
                    List.of(store.render(a), store.render(b)),
                    store.scan("*").stream().sorted().toList());
            assertEquals(2, store.stats().keyCount(), "stats count entries only");
            assertEquals(2, store.clear("*"));
            assertTrue(admin.exists(lockKey), "clear leaves a lock another driver holds");
            assertEquals(0, store.stats().keyCount());
            held.get().close();
            assertEquals(0, admin.exists(lockKey) ? 1 : 0, "the holder still releases its lock");
        }
    }
}
