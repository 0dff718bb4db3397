package io.amorsize.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

/** The extension's order of choice, and: no Redis under CI=true fails, elsewhere it skips. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisExtensionIT {

    @Test
    void noRedisFailsInCiAndSkipsElsewhere() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new RedisExtension.Holder(Map.of("CI", "true"), () -> false, () -> false).redis());
        assertTrue(e.getMessage().contains("redis-server") && e.getMessage().contains("CI=true"), e.getMessage());
        assertThrows(
                TestAbortedException.class,
                () -> new RedisExtension.Holder(Map.of(), () -> false, () -> false).redis());
    }

    @Test
    void explicitUrlWinsThenASpawnedServer() throws Exception {
        TestRedis given = new RedisExtension.Holder(
                        Map.of("AMORSIZE_TEST_REDIS_URL", "redis://h:1"), () -> true, () -> true)
                .redis();
        assertEquals(new TestRedis("redis://h:1", "AMORSIZE_TEST_REDIS_URL"), given);
        try (RedisExtension.Holder h =
                new RedisExtension.Holder(Map.of(), RedisServerProcess::available, () -> false)) {
            TestRedis spawned = h.redis();
            assertEquals("redis-server", spawned.origin());
            assertTrue(spawned.url().startsWith("redis://127.0.0.1:"), spawned.url());
        }
    }
}
